"""Round 7: risk attribution variants, validated on training-side data only.

    PYTHONPATH=src python bench/accuracy/attribution_experiment.py validate [--folds cold,swsr]
    PYTHONPATH=src python bench/accuracy/attribution_experiment.py train [--out /tmp/attr/model]
    PYTHONPATH=src python bench/accuracy/attribution_experiment.py evaluate [--modes columns,blend]
    PYTHONPATH=src python bench/accuracy/attribution_experiment.py ceiling

Leave-one-source-out over the harm recipe (``beian.detect.harm.recipe``, may-ship sources and
our own data): for each held-out source, the 31 one-vs-rest attribution columns are retrained as
the shipped harm model trains them (same rows minus that source, benign rows included, square-
root source weights, 2^17 buckets, 6 epochs, thresholds on the recipe's dev split) and the
softmax attribution model (:mod:`bench.accuracy.attribution_model`) on the harmful rows minus that
source; each ranking is scored on the held-out source's harmful rows: top-1 risk id and category
(right when the top risk is among the row's gold ids / categories). No benchmark source is read.

Rankings: ``columns`` (today: the highest column probability), ``prior`` (column logits minus
``tau * log(share of harmful training rows with that risk)``), ``margin`` (column logit minus the
logit of its tuned threshold), ``softmax`` (the dedicated model), ``blend`` (softmax
log-probability plus log column probability).

``evaluate`` runs ``det:default`` with the harm detector's risks ranked each way (the harm
probability and what is reported are the shipped detector's) on the benchmark's dev sets:
attribution per source and pooled, the per-category confusion of the unseen pool, and whether
the flags of every mode equal those of the first.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

FOLDS = ("cold", "swsr", "chbias", "zuanbot", "jade-v3-medium", "beian-questions")
"""Held-out sources: the real may-ship sets with risk labels, and our hand-written questions
(the only question-shaped source with all 31 risks)."""
SAVE = Path("/tmp/attr/folds")
"""When this folder exists, ``validate`` saves each fold's per-row scores there."""


def category(risk: str) -> str:
    return risk.rsplit(".", 1)[0]


def load_rows(shared: Path | None, cache: Path | None) -> list:  # type: ignore[type-arg]
    """The harm recipe's merged rows (pickled to ``cache`` and read back from it if given: a
    stale cache is the caller's business)."""
    from beian.detect.harm.recipe import build_harm_recipe

    if cache is not None and cache.is_file():
        rows: list = pickle.loads(cache.read_bytes())  # type: ignore[type-arg]
        return rows
    rows = build_harm_recipe(shared, seed=0).merged()
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(rows))
    return rows


def scores_top1(
    ranking: npt.NDArray[np.float32], gold: Sequence[Sequence[str]], risks: Sequence[str]
) -> tuple[float, float]:
    top = ranking.argmax(axis=1)
    hit_id = [risks[int(t)] in g for t, g in zip(top, gold, strict=True)]
    hit_cat = [
        category(risks[int(t)]) in {category(x) for x in g} for t, g in zip(top, gold, strict=True)
    ]
    return float(np.mean(hit_id)), float(np.mean(hit_cat))


def logit(p: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    q = np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)
    out: npt.NDArray[np.float64] = np.log(q / (1 - q))
    return out


def one_fold(rows: list, held: str, risks: Sequence[str]) -> dict[str, object]:  # type: ignore[type-arg]
    from bench.accuracy import attribution_model as att

    from beian.detect.classifier.model import ClassifierModel, ModelMeta
    from beian.detect.classifier.train import LabelledSet, dev_mask, tune_thresholds
    from beian.detect.classifier.train import fit as ovr_fit
    from beian.detect.harm.model import fold_digits
    from beian.detect.harm.train import source_weights

    train_rows = [r for r in rows if r.source != held]
    test_rows = [r for r in rows if r.source == held and r.risks]
    t0 = time.process_time()
    texts = fold_digits([r.text for r in train_rows])
    data = LabelledSet.build([(t, r.risks) for t, r in zip(texts, train_rows, strict=True)], risks)
    dev = dev_mask(data.texts)
    fit_rows = data.subset(~dev)
    kept = [r.source for r, d in zip(train_rows, dev, strict=True) if not d]
    w, b = ovr_fit(
        fit_rows, bits=17, epochs=6, seed=0, min_norm=10, row_weights=source_weights(kept)
    )
    w = w.astype(np.float16).astype(np.float32)
    meta = ModelMeta(
        version="fold",
        bits=17,
        min_norm=10,
        risks=tuple(risks),
        thresholds={r: 0.5 for r in risks},
        seed=0,
        epochs=6,
    )
    clf = ClassifierModel(weights=w, bias=b, meta=meta)
    held_dev = data.subset(dev)
    thresholds = tune_thresholds(clf.scores(held_dev.texts), held_dev.labels, risks)
    t_ovr = time.process_time() - t0
    harmful = [(t, r) for t, r in zip(texts, train_rows, strict=True) if r.risks]
    y = att.targets([r.risks for _, r in harmful], risks)
    rw = att.row_weights([r.source for _, r in harmful], y)
    t1 = time.process_time()
    sw, sb = att.fit([t for t, _ in harmful], y, rw, bits=att.DEFAULT_BITS, seed=0)
    sw = sw.astype(np.float16).astype(np.float32)
    t_soft = time.process_time() - t1
    test_texts = fold_digits([r.text for r in test_rows])
    gold = [r.risks for r in test_rows]
    cols = clf.scores(test_texts)
    z = logit(cols)
    share = (y > 0).mean(axis=0).astype(np.float64) + 1e-4
    tvec = logit(np.array([thresholds[r] for r in risks], dtype=np.float32))
    soft = att.AttributionModel(
        sw,
        sb,
        att.AttributionMeta(
            recipe="fold", bits=att.DEFAULT_BITS, risks=tuple(risks), seed=0, epochs=6
        ),
    ).logits(test_texts)
    if SAVE.is_dir():  # per-row outputs, so other rankings can be scored without refitting
        np.savez(
            SAVE / f"{held}.npz",
            cols=cols,
            soft=soft,
            share=share,
            tvec=tvec,
            gold=np.array(["|".join(g) for g in gold]),
        )
    out: dict[str, object] = {
        "held": held,
        "n": len(test_rows),
        "cpu_ovr": t_ovr,
        "cpu_softmax": t_soft,
    }
    for name, rank in (
        ("columns", cols),
        ("prior0.5", z - 0.5 * np.log(share)),
        ("prior1", z - np.log(share)),
        ("margin", z - tvec),
        ("softmax", soft),
        ("blend", np.log(np.asarray(att.softmax(soft), dtype=np.float64)) + np.log(cols + 1e-7)),
    ):
        out[name] = scores_top1(np.asarray(rank, dtype=np.float32), gold, risks)
    return out


def validate(args: argparse.Namespace) -> int:
    from beian.standard import load_profile

    risks = load_profile("tc260-003-2024").risk_ids()
    rows = load_rows(args.shared, args.rows_cache)
    folds = args.folds.split(",") if args.folds else list(FOLDS)
    results = []
    for held in folds:
        res = one_fold(rows, held, risks)
        print(json.dumps(res), flush=True)
        results.append(res)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


MODEL_DIR = Path("/tmp/attr/model")


def train(args: argparse.Namespace) -> int:
    """The softmax model on every harmful row of the harm recipe (the ``softmax``/``blend``
    rankings of ``evaluate``); deterministic for the same inputs."""
    from bench.accuracy import attribution_model as att

    from beian.detect.harm.model import fold_digits
    from beian.detect.harm.recipe import build_harm_recipe
    from beian.standard import load_profile

    recipe = build_harm_recipe(args.shared, seed=0)
    rows = [r for r in recipe.merged() if r.risks]
    risks = tuple(load_profile("tc260-003-2024").risk_ids())
    y = att.targets([r.risks for r in rows], risks)
    weights = att.row_weights([r.source for r in rows], y)
    w, b = att.fit(fold_digits([r.text for r in rows]), y, weights, seed=0)
    meta = att.AttributionMeta(
        recipe="attribution-v1",
        bits=att.DEFAULT_BITS,
        risks=risks,
        seed=0,
        epochs=att.DEFAULT_EPOCHS,
        train_sources=tuple(sorted({r.source for r in rows})),
        sources=tuple(recipe.sources),
        train_counts={r: int(n) for r, n in zip(risks, (y > 0).sum(axis=0), strict=True)},
    )
    att.AttributionModel(w, b, meta).save(args.out)
    print(f"wrote {args.out}: {len(rows)} harmful rows", file=sys.stderr)
    return 0


MODES = ("columns", "prior", "margin", "softmax", "blend")


def confusion(pairs: Sequence[tuple[object, object]]) -> dict[str, dict[str, int]]:
    """Gold category (``multi`` when the gold ids span several) → predicted top-1 category
    (``none`` when no risk was named), over harmful items with gold ids."""
    out: dict[str, dict[str, int]] = {}
    for r, o in pairs:
        cats = sorted({category(x) for x in r.risks})  # type: ignore[attr-defined]
        row = cats[0] if len(cats) == 1 else "multi"
        pred = category(o.risks[0]) if o.risks else "none"  # type: ignore[attr-defined]
        out.setdefault(row, {})
        out[row][pred] = out[row].get(pred, 0) + 1
    return out


def evaluate(args: argparse.Namespace) -> int:
    """det:default with each attribution mode on the benchmark's dev sets (cap, seed as the
    headline): attribution per source and pooled, flags compared across modes, confusion."""
    from bench.accuracy import devsets, results, systems
    from bench.accuracy.attribution_model import RankedHarm
    from bench.accuracy.provenance import train_sources

    from beian.detect.detector_set import DetectorSet
    from beian.registry import registry

    shared = args.shared or REPO.parent / "shared"
    names = args.sources.split(",") if args.sources else None
    records, failed = devsets.build(shared, names, cap=args.limit, seed=args.seed)
    records = [r for r in records if r.kind in ("text", "question")]
    detectors = systems.default_detector_names()
    modes = args.modes.split(",") if args.modes else list(MODES)
    report: dict[str, object] = {"failed": failed, "detectors": detectors, "modes": {}}
    flags: dict[str, list[bool]] = {}
    for mode in modes:
        built = [
            RankedHarm(mode, str(args.model)) if n == "harm" else registry.create("detector", n)[0]
            for n in detectors
        ]
        ds = DetectorSet(built)
        train = train_sources(detectors, ds.detectors)
        t0 = time.process_time()
        outs: list[systems.Output] = []
        for i in range(0, len(records), systems.BATCH):
            chunk = records[i : i + systems.BATCH]
            outs += [
                systems.Output(
                    max(v.scores.values(), default=0.0), v.flagged, systems.ranked(v.scores)
                )
                for v in ds.check_batch([r.text for r in chunk])
            ]
        cpu = time.process_time() - t0
        flags[mode] = [o.flagged for o in outs]
        pairs = list(zip(records, outs, strict=True))
        fig = results.attribution_figures(pairs, train)
        unseen = [
            (r, o) for r, o in pairs if r.harmful and r.risks and not results.seen(r.source, train)
        ]
        seen_pairs = [
            (r, o) for r, o in pairs if r.harmful and r.risks and results.seen(r.source, train)
        ]
        fig["pooled_seen"] = results.attribution(seen_pairs)
        fig["confusion_unseen_given"] = confusion([(r, o) for r, o in unseen if o.risks])
        fig["cpu_seconds"] = cpu
        fig["flagged"] = sum(flags[mode])
        per_source: dict[str, dict[str, int]] = {}
        for r, o in pairs:  # tp / fp per source, to compare with a benchmark run's counts
            row = per_source.setdefault(r.source, {"tp": 0, "fp": 0})
            if o.flagged:
                row["tp" if r.harmful else "fp"] += 1
        fig["flag_counts"] = per_source
        report["modes"][mode] = fig  # type: ignore[index]
        u, s_ = fig["pooled_unseen"], fig["pooled_seen"]
        print(
            f"{mode}: unseen given id {u['top1_id_given']['value']:.4f} cat "
            f"{u['top1_category_given']['value']:.4f}; seen given id "
            f"{s_['top1_id_given']['value']:.4f} cat {s_['top1_category_given']['value']:.4f}; "
            f"flagged {fig['flagged']}; cpu {cpu:.1f}s",
            flush=True,
        )
    first = modes[0]
    report["records"] = len(records)
    report["flags_identical"] = {m: flags[m] == flags[first] for m in modes}
    report["flags_differing"] = {
        m: sum(a != b for a, b in zip(flags[m], flags[first], strict=True)) for m in modes
    }
    print("records", len(records), "flags differing from", first, report["flags_differing"])
    if args.out:
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return 0


def ceiling(args: argparse.Namespace) -> int:
    """How far any re-ranking could go on the unseen pool (shipped ``det:default``): the share
    of items given a risk whose gold id (category) is among the risks the verdict names, and
    among the harm model's top-k attribution columns."""
    from bench.accuracy import devsets, results, systems
    from bench.accuracy.provenance import train_sources

    from beian.detect.detector_set import DetectorSet
    from beian.detect.harm.model import fold_digits, load_harm_model

    shared = args.shared or REPO.parent / "shared"
    records, _ = devsets.build(shared, None, cap=args.limit, seed=args.seed)
    records = [r for r in records if r.kind in ("text", "question")]
    names = systems.default_detector_names()
    ds = DetectorSet.from_names(names)
    train = train_sources(names, ds.detectors)
    model = load_harm_model()
    count: dict[str, int] = {}

    def add(key: str, hit: bool) -> None:
        count[key] = count.get(key, 0) + int(hit)

    for i in range(0, len(records), systems.BATCH):
        chunk = records[i : i + systems.BATCH]
        verdicts = ds.check_batch([r.text for r in chunk])
        cols = model.classifier.scores(fold_digits([r.text for r in chunk]))[:, 1:]
        for r, v, a in zip(chunk, verdicts, cols, strict=True):
            if not (r.harmful and r.risks) or results.seen(r.source, train) or not v.scores:
                continue
            gold, cats = set(r.risks), {category(x) for x in r.risks}
            add("n", True)
            add("named_id", any(x in gold for x in v.scores))
            add("named_category", any(category(x) in cats for x in v.scores))
            order = [model.risks[j] for j in np.argsort(-a, kind="stable")]
            for k in (1, 3, 5):
                add(f"columns_top{k}_id", any(x in gold for x in order[:k]))
                add(f"columns_top{k}_category", any(category(x) in cats for x in order[:k]))
    n = count["n"]
    print(json.dumps({k: v if k == "n" else round(100 * v / n, 1) for k, v in count.items()}))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate")
    v.add_argument("--shared", type=Path, default=None)
    v.add_argument("--folds", default=None)
    v.add_argument("--rows-cache", type=Path, default=None, help="pickle of the recipe's rows")
    v.add_argument("--out", type=Path, default=None)
    e = sub.add_parser("evaluate")
    e.add_argument("--shared", type=Path, default=None)
    e.add_argument("--sources", default=None)
    e.add_argument("--modes", default=None, help=f"comma-separated, default {','.join(MODES)}")
    e.add_argument("--limit", type=int, default=1500)
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--model", type=Path, default=MODEL_DIR, help="from `train`")
    e.add_argument("--out", type=Path, default=None)
    c = sub.add_parser("ceiling")
    c.add_argument("--shared", type=Path, default=None)
    c.add_argument("--limit", type=int, default=1500)
    c.add_argument("--seed", type=int, default=0)
    t = sub.add_parser("train")
    t.add_argument("--shared", type=Path, default=None)
    t.add_argument("--out", type=Path, default=MODEL_DIR)
    args = p.parse_args(argv)
    if args.cmd == "train":
        return train(args)
    if args.cmd == "ceiling":
        return ceiling(args)
    return validate(args) if args.cmd == "validate" else evaluate(args)


if __name__ == "__main__":
    raise SystemExit(main())
