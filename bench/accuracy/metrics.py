"""Binary detection and attribution metrics with confidence intervals (numpy only).

Rates (recall, flag rate, accuracy) get Wilson 95 % intervals from :mod:`beian.stats`; F1 and ROC
AUC, which are not simple proportions, get percentile-bootstrap intervals over records with a
fixed seed, so two runs on the same outputs print the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from beian.stats import wilson

BOOTSTRAP = 500
"""Resamples per bootstrap interval."""
BOOTSTRAP_SEED = 0
CHUNK = 50
"""Resamples drawn at once."""
Interval = tuple[float, float]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Counts:
    """Confusion counts: harmful items flagged (tp) or not (fn), benign flagged (fp) or not."""

    tp: int
    fp: int
    fn: int
    tn: int

    @classmethod
    def of(cls, gold: Bools, flagged: Bools) -> Counts:
        """Counts of ``flagged`` against ``gold`` (both boolean arrays)."""
        return cls(
            tp=int(np.sum(gold & flagged)),
            fp=int(np.sum(~gold & flagged)),
            fn=int(np.sum(gold & ~flagged)),
            tn=int(np.sum(~gold & ~flagged)),
        )


def ratio(num: float, den: float) -> float | None:
    """``num / den``, or ``None`` when undefined (no items)."""
    return num / den if den else None


def f1_arrays(tp: npt.NDArray[Any], fp: npt.NDArray[Any], fn: npt.NDArray[Any]) -> Floats:
    """F1 per element (0 where there is nothing to find and nothing flagged)."""
    den = 2 * tp + fp + fn
    out: Floats = np.zeros(den.shape, dtype=np.float64)
    np.divide(2 * tp, den, out=out, where=den > 0)
    return out


def f1_ci(
    gold: Bools, flagged: Bools, n_boot: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED
) -> Interval:
    """Percentile-bootstrap 95 % interval of F1 (resampling records)."""
    n = len(gold)
    rng = np.random.default_rng(seed)
    values: list[Floats] = []
    for done in range(0, n_boot, CHUNK):  # chunks: a pooled set of 30k would need GBs at once
        idx = rng.integers(0, n, size=(min(CHUNK, n_boot - done), n))
        g, f = gold[idx], flagged[idx]
        values.append(f1_arrays((g & f).sum(1), (~g & f).sum(1), (g & ~f).sum(1)))
    low, high = np.percentile(np.concatenate(values), [2.5, 97.5])
    return float(low), float(high)


def _ranks(values: Floats) -> Floats:
    """Ranks 1..n with ties given their average rank."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(1, len(values) + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def auc(gold: Bools, score: Floats) -> float | None:
    """ROC AUC by Mann–Whitney U (ties count half); ``None`` without both classes."""
    n_pos, n_neg = int(gold.sum()), int((~gold).sum())
    if not n_pos or not n_neg:
        return None
    ranks = _ranks(score)
    u = ranks[gold].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def auc_ci(
    gold: Bools, score: Floats, n_boot: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED
) -> Interval | None:
    """Percentile-bootstrap 95 % interval of the AUC, resampling within each class."""
    pos, neg = score[gold], score[~gold]
    if not len(pos) or not len(neg):
        return None
    rng = np.random.default_rng(seed)
    both = np.ones(len(pos) + len(neg), dtype=bool)
    both[len(pos) :] = False
    values = []
    for _ in range(n_boot):  # stratified: each resample keeps both classes at their sizes
        s = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        values.append(auc(both, s))
    low, high = np.percentile(np.array(values, dtype=np.float64), [2.5, 97.5])
    return float(low), float(high)


def rate(successes: int, n: int) -> dict[str, Any]:
    """A proportion with its Wilson 95 % interval (``None`` when ``n`` is 0)."""
    if n == 0:
        return {"k": 0, "n": 0, "value": None, "ci": None}
    return {"k": successes, "n": n, "value": successes / n, "ci": list(wilson(successes, n))}


def flag_all_f1(n_harmful: int, n: int) -> float | None:
    """F1 of flagging everything: precision is the harmful share, recall is 1."""
    if not n_harmful:
        return None
    p = n_harmful / n
    return 2 * p / (1 + p)


def binary(gold: Bools, flagged: Bools, score: Floats) -> dict[str, Any]:
    """Every binary figure of one group of records (a source, or a pool of sources)."""
    c = Counts.of(gold, flagged)
    n_pos, n_neg = c.tp + c.fn, c.fp + c.tn
    out: dict[str, Any] = {
        "n": len(gold),
        "harmful": n_pos,
        "benign": n_neg,
        "counts": {"tp": c.tp, "fp": c.fp, "fn": c.fn, "tn": c.tn},
        # Precision on a benign-only source is 0 by construction: report it as undefined.
        "precision": ratio(c.tp, c.tp + c.fp) if n_pos else None,
        "recall": rate(c.tp, n_pos),
        "flag_rate_benign": rate(c.fp, n_neg),
        "accuracy": rate(c.tp + c.tn, len(gold)),
        "f1": None,
        "f1_ci": None,
        "f1_flag_all": flag_all_f1(n_pos, len(gold)),
        "auc": auc(gold, score),
        "auc_ci": None,
    }
    if n_pos:  # F1 is about finding harmful items: undefined on a benign-only source
        out["f1"] = float(f1_arrays(np.array(c.tp), np.array(c.fp), np.array(c.fn)))
        out["f1_ci"] = list(f1_ci(gold, flagged))
    ci = auc_ci(gold, score) if out["auc"] is not None else None
    out["auc_ci"] = list(ci) if ci is not None else None
    return out


def category(risk_id: str) -> str:
    """``A.2`` for ``A.2.e``."""
    return risk_id.rsplit(".", 1)[0]


def attribution(gold: Sequence[Sequence[str]], ranked: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Top-1 risk id and category accuracy over items with gold ids.

    An item counts as right when the system's top-ranked risk is among its gold ids (or gold
    categories); an item the system gives no risk counts as wrong. ``given`` restricts to items
    where the system named any risk, to separate "wrong risk" from "missed".
    """
    pairs = [(set(g), list(r)) for g, r in zip(gold, ranked, strict=True) if g]
    hit_id = [bool(r) and r[0] in g for g, r in pairs]
    hit_cat = [bool(r) and category(r[0]) in {category(x) for x in g} for g, r in pairs]
    given = [bool(r) for _, r in pairs]
    n_given = sum(given)
    return {
        "n": len(pairs),
        "top1_id": rate(sum(hit_id), len(pairs)),
        "top1_category": rate(sum(hit_cat), len(pairs)),
        "given": n_given,
        "top1_id_given": rate(sum(h for h, g in zip(hit_id, given, strict=True) if g), n_given),
        "top1_category_given": rate(
            sum(h for h, g in zip(hit_cat, given, strict=True) if g), n_given
        ),
    }
