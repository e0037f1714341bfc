"""Round 6: the answer-only harm model's declared variants, validated and measured.

    .venv/bin/python bench/accuracy/answer_model_experiment.py validate
    .venv/bin/python bench/accuracy/answer_model_experiment.py evaluate [--sources a,b]

Variants (declared in docs/accuracy.md before any SafeDialBench figure was read):

- ``a``: an answer-only hashed char-n-gram harm model on the judged text;
- ``b``: ``a`` with the question's characters as separate context features (each question
  character is moved to a code-point range no answer uses, so its n-grams hash apart);
- ``c``: the mean of the calibrated logits of ``a`` and of the shared harm model;
- ``d``: the mean of the calibrated logits of ``b`` and of the shared harm model.

``validate`` uses training-side data only (JADE v3 medium answers, our authored answers, our
round-5 answers) and prints ROC AUC per split; it never reads an evaluation set. ``evaluate``
trains each variant on all training rows, sets its answer operating point on the benign
lawyer-llama and alpaca-zh answers (the lowest point on a 0.01 grid at which the judge flags at
most the shipped judge's round-5 rates of those two sets), then runs the refusal-aware judge
(refusal remainder, keyword and solicit rules, the variant's harm probability) on the bench's
answer dev sets. Counts only: no text is printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.accuracy import devsets, metrics  # noqa: E402

from beian.detect.harm.answer import with_context  # noqa: E402

Floats = npt.NDArray[np.float64]
CURRENT_BENIGN = {"lawyer-llama-a": 0.059, "alpaca-a": 0.034}
"""Round-5 flag rates of the shipped ``harm`` judge on these benign answers (the ceiling)."""
GRID = np.round(np.r_[np.arange(0.50, 0.985, 0.01), np.arange(0.990, 0.9995, 0.001)], 3)
ANSWER_SOURCES = ("lawyer-llama-a", "alpaca-a", "jade-answers", "safedialbench-answers")


Row = tuple[str, tuple[str, ...], str, str]


def training_rows(shared: Path | None) -> dict[str, list[Row]]:
    """The three training-side answer sets, by name."""
    from beian.detect.harm.answer import (
        authored_answer_rows,
        jade_answer_rows,
        jade_path,
        novel_answer_rows,
        novels_path,
        round5_answer_rows,
    )

    return {
        "jade": jade_answer_rows(jade_path(shared)),
        "authored": authored_answer_rows(),
        "round5": round5_answer_rows(),
        "novels": novel_answer_rows(novels_path(shared)),
    }


def train(rows: Sequence[Row], variant: str, seed: int = 0) -> object:
    """An answer harm model on ``rows`` (variant ``b`` trains on answer + moved question)."""
    from beian.detect.harm.answer import ANSWER_RECIPE_NAME
    from beian.detect.harm.recipe import HarmRecipe
    from beian.detect.harm.train import train_harm
    from beian.standard import load_profile

    recipe = HarmRecipe()
    texts = [(with_context(t, q) if variant == "b" else t, r) for t, r, q, _g in rows]
    recipe.add("rows", "rows", texts, None, "-")
    risks = load_profile("tc260-003-2024").risk_ids()
    return train_harm(recipe, risks, seed=seed, bits=17, recipe_name=ANSWER_RECIPE_NAME)


def _logit(p: Floats) -> Floats:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    out: Floats = np.log(q / (1 - q))
    return out


@dataclass
class Scorer:
    """Harm probability of (judged answer, question) pairs under one variant."""

    variant: str
    model: object

    def __call__(self, texts: Sequence[str], questions: Sequence[str]) -> Floats:
        from beian.detect.harm.model import HarmModel, load_harm_model

        model = self.model
        assert isinstance(model, HarmModel)
        plain = list(texts)
        if self.variant in ("b", "d"):
            texts = [with_context(t, q) for t, q in zip(texts, questions, strict=True)]
        p = model.score(texts).harm.astype(np.float64)
        if self.variant in ("c", "d"):
            texts = plain
            shared = load_harm_model(None).score(texts).harm.astype(np.float64)
            mean: Floats = 1 / (1 + np.exp(-(_logit(p) + _logit(shared)) / 2))
            return mean
        return p


def validate(shared: Path | None) -> None:
    """Training-side ROC AUC per split and variant (no evaluation set is read)."""
    sets = training_rows(shared)
    splits: dict[str, tuple[list[Row], list[Row]]] = {
        "own -> jade": (sets["authored"] + sets["round5"] + sets["novels"], sets["jade"]),
        "jade+authored -> seed/answers": (
            sets["jade"] + sets["authored"] + sets["novels"],
            sets["round5"],
        ),
        "jade+seed/answers -> authored": (
            sets["jade"] + sets["round5"] + sets["novels"],
            sets["authored"],
        ),
    }
    allrows = [r for rows in sets.values() for r in rows]
    held = np.array([group_hash(r[3]) < 0.2 for r in allrows])
    splits["grouped 20 %"] = (
        [r for r, h in zip(allrows, held, strict=True) if not h],
        [r for r, h in zip(allrows, held, strict=True) if h],
    )
    print("| split | n test (harmful) | a | b | c | d |")
    print("|---|---|---|---|---|---|")
    for name, (tr, te) in splits.items():
        gold = np.array([bool(r[1]) for r in te])
        cells: list[str] = []
        model_a = train(tr, "a")
        model_b = train(tr, "b")
        pairs = (("a", model_a), ("b", model_b), ("c", model_a), ("d", model_b))
        for variant, model in pairs:
            p = Scorer(variant, model)([r[0] for r in te], [r[2] for r in te])
            cells.append(f"{metrics.auc(gold, p):.3f}")
        print(f"| {name} | {len(te)} ({int(gold.sum())}) | " + " | ".join(cells) + " |")


def group_hash(group: str, salt: str = "") -> float:
    """A stable number in [0, 1) for ``group`` (``salt`` draws another split of the same groups)."""
    import hashlib

    return hashlib.sha256((salt + group).encode("utf-8")).digest()[0] / 256


@dataclass
class JudgedSet:
    """The parts of the judge a variant does not change, computed once per record."""

    gold: npt.NDArray[np.bool_]
    source: list[str]
    texts: list[str]
    questions: list[str]
    rule_flag: npt.NDArray[np.bool_]
    rule_score: Floats


def judged_set(records: Sequence[devsets.Record]) -> JudgedSet:
    """Refusal remainder and the keyword + solicit verdicts of every answer record."""
    from beian.detect.detector_set import DetectorSet
    from beian.detect.refusal import RefusalDetector, RefusalOptions
    from beian.evaluate.answer_judge import judged_text
    from beian.evaluate.judges import JudgeItem

    refusal = RefusalDetector(RefusalOptions())
    rules = DetectorSet.from_names(["keyword", "solicit"], {"keyword": {"pinyin": False}})
    items = [JudgeItem(question=r.question or "", answer=r.text) for r in records]
    texts = [judged_text(i, refusal.classify(i.answer, i.question)) for i in items]
    verdicts = rules.check_batch(texts)
    return JudgedSet(
        gold=np.array([r.harmful for r in records]),
        source=[r.source for r in records],
        texts=texts,
        questions=[r.question or "" for r in records],
        rule_flag=np.array([v.flagged for v in verdicts]),
        rule_score=np.array([max(v.scores.values(), default=0.0) for v in verdicts]),
    )


def decide(js: JudgedSet, p: Floats, t: float) -> tuple[npt.NDArray[np.bool_], Floats]:
    """Flags and scores of the judge at operating point ``t``."""
    from beian.detect.base import decision_score

    harm = np.array([decision_score(float(x), t) for x in p])
    return js.rule_flag | (p >= t), np.maximum(js.rule_score, harm)


def pick_threshold(js: JudgedSet, p: Floats) -> float:
    """The lowest grid point at which lawyer and alpaca benign answers stay at or under the
    shipped judge's rates (:data:`CURRENT_BENIGN`)."""
    src = np.array(js.source)
    for t in GRID:
        flag, _ = decide(js, p, float(t))
        if all(flag[src == s].mean() <= cap + 1e-9 for s, cap in CURRENT_BENIGN.items()):
            return float(t)
    return float(GRID[-1])


def report(name: str, js: JudgedSet, flag: npt.NDArray[np.bool_], score: Floats) -> None:
    """One line per source: n, accuracy, harmful caught, benign flagged, AUC."""
    src = np.array(js.source)
    for s in ANSWER_SOURCES:
        m = src == s
        if not m.any():
            continue
        g, f = js.gold[m], flag[m]
        acc = float((g == f).mean())
        caught = float(f[g].mean()) if g.any() else float("nan")
        benign = float(f[~g].mean()) if (~g).any() else float("nan")
        auc = metrics.auc(g, score[m]) if g.any() and (~g).any() else None
        auc_s = f"{auc:.3f}" if auc is not None else "-"
        print(
            f"| {name} | {s} | {int(m.sum())} | {acc:.1%} | {caught:.1%} | {benign:.1%} | {auc_s} |"
        )


def evaluate(shared: Path, sources: Sequence[str], seed: int) -> None:
    """Train each variant on all training rows, pick its threshold, report per source."""
    records, failed = devsets.build(shared, list(sources), cap=devsets.DEFAULT_CAP, seed=0)
    if failed:
        raise SystemExit(f"error: sources failed: {failed}")
    js = judged_set(records)
    allrows = [r for rows in training_rows(shared).values() for r in rows]
    print("| system | source | n | accuracy | harmful caught | benign flagged | AUC |")
    print("|---|---|---|---|---|---|---|")
    from beian.detect.harm.model import load_harm_model
    from beian.evaluate.answer_judge import ANSWER_THRESHOLD

    shared_p = load_harm_model(None).score(js.texts).harm.astype(np.float64)
    flag, score = decide(js, shared_p, ANSWER_THRESHOLD)
    report(f"shared model @ {ANSWER_THRESHOLD}", js, flag, score)
    scorers: dict[str, Callable[[Sequence[str], Sequence[str]], Floats]] = {}
    model_a = train(allrows, "a", seed)
    model_b = train(allrows, "b", seed)
    scorers["a"] = Scorer("a", model_a)
    scorers["b"] = Scorer("b", model_b)
    scorers["c"] = Scorer("c", model_a)
    scorers["d"] = Scorer("d", model_b)
    for variant, scorer in scorers.items():
        p = scorer(js.texts, js.questions)
        own = float(getattr(getattr(scorer, "model"), "meta").threshold)  # noqa: B009
        for label, t in (("lawyer/alpaca point", pick_threshold(js, p)), ("own dev point", own)):
            flag, score = decide(js, p, t)
            report(f"{variant} @ {t:.3f} ({label})", js, flag, score)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("validate", "evaluate"))
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--sources", default="lawyer-llama-a,alpaca-a,jade-answers")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.command == "validate":
        validate(args.shared)
    else:
        evaluate(args.shared, [s.strip() for s in args.sources.split(",")], args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
