"""Precision / recall / F1 with 95 % intervals for a multi-label classifier.

P and R carry Wilson score intervals. F1 carries a percentile bootstrap interval: documents are
resampled with replacement (``BOOTSTRAP_ROUNDS`` rounds, fixed seed) and F1 is recomputed per
round, so the interval also reflects the correlation between P and R. Micro figures pool the
counts of all risks; macro F1 averages the per-risk F1 over risks with at least one gold
positive. The "flag" row treats the task as binary: any risk predicted vs any risk labelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from beian.stats import wilson

BOOTSTRAP_ROUNDS = 1000
_SEED = 20240301

BoolMatrix = npt.NDArray[np.bool_]


def _f1(
    tp: npt.NDArray[np.float64], fp: npt.NDArray[np.float64], fn: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    denom = 2 * tp + fp + fn
    return np.divide(2 * tp, denom, out=np.zeros_like(tp, dtype=np.float64), where=denom > 0)


def _row(tp: int, fp: int, fn: int, f1_ci: tuple[float, float], support: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {
        "support": support,
        "predicted": tp + fp,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(p, 4),
        "precision_ci": [round(x, 4) for x in wilson(tp, tp + fp)],
        "recall": round(r, 4),
        "recall_ci": [round(x, 4) for x in wilson(tp, tp + fn)],
        "f1": round(f1, 4),
        "f1_ci": [round(x, 4) for x in f1_ci],
    }


def _resampled(columns: npt.NDArray[np.float64], rounds: int) -> npt.NDArray[np.float64]:
    """Column sums of ``columns`` ``[n, k]`` under ``rounds`` bootstrap resamples → ``[rounds, k]``.

    Resample weights are drawn 100 rounds at a time so memory stays ~100·n floats.
    """
    n = columns.shape[0]
    if n == 0:
        return np.zeros((rounds, columns.shape[1]))
    rng = np.random.default_rng(_SEED)
    out = []
    for start in range(0, rounds, 100):
        size = min(100, rounds - start)
        out.append(rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(np.float64) @ columns)
    return np.concatenate(out)


def _ci(samples: npt.NDArray[np.float64]) -> tuple[float, float]:
    lo, hi = np.percentile(samples, [2.5, 97.5], axis=0)
    return float(lo), float(hi)


def evaluate(
    gold: BoolMatrix, pred: BoolMatrix, risks: Sequence[str], rounds: int = BOOTSTRAP_ROUNDS
) -> dict[str, Any]:
    """Per-risk, micro, macro and flag metrics of ``pred`` against ``gold`` (``[n, n_risks]``)."""
    n = gold.shape[0]
    tp_m = (gold & pred).astype(np.float64)
    fp_m = (~gold & pred).astype(np.float64)
    fn_m = (gold & ~pred).astype(np.float64)
    g_any, p_any = gold.any(axis=1), pred.any(axis=1)
    f_tp, f_fp, f_fn = (
        (g_any & p_any).astype(np.float64),
        (~g_any & p_any).astype(np.float64),
        (g_any & ~p_any).astype(np.float64),
    )
    k = len(risks)
    boot = _resampled(np.column_stack([tp_m, fp_m, fn_m, f_tp, f_fp, f_fn]), rounds)
    btp, bfp, bfn = boot[:, :k], boot[:, k : 2 * k], boot[:, 2 * k : 3 * k]
    bf1 = _f1(btp, bfp, bfn)  # [rounds, n_risks]
    support = gold.sum(axis=0)
    per_risk: dict[str, Any] = {}
    for i, risk in enumerate(risks):
        if support[i] == 0 and pred[:, i].sum() == 0:
            continue
        per_risk[risk] = _row(
            int(tp_m[:, i].sum()),
            int(fp_m[:, i].sum()),
            int(fn_m[:, i].sum()),
            _ci(bf1[:, i]),
            int(support[i]),
        )
    micro_ci = _ci(_f1(btp.sum(axis=1), bfp.sum(axis=1), bfn.sum(axis=1)))
    micro = _row(int(tp_m.sum()), int(fp_m.sum()), int(fn_m.sum()), micro_ci, int(support.sum()))
    have = support > 0
    macro_f1 = (
        float(_f1(tp_m.sum(axis=0), fp_m.sum(axis=0), fn_m.sum(axis=0))[have].mean())
        if have.any()
        else 0.0
    )
    macro_ci = _ci(bf1[:, have].mean(axis=1)) if have.any() and n else (0.0, 0.0)
    flag_ci = _ci(_f1(boot[:, 3 * k], boot[:, 3 * k + 1], boot[:, 3 * k + 2])) if n else (0.0, 0.0)
    flag = _row(int(f_tp.sum()), int(f_fp.sum()), int(f_fn.sum()), flag_ci, int(g_any.sum()))
    return {
        "n": n,
        "benign": int((~g_any).sum()),
        "per_risk": per_risk,
        "micro": micro,
        "macro": {
            "f1": round(macro_f1, 4),
            "f1_ci": [round(x, 4) for x in macro_ci],
            "risks": int(have.sum()),
        },
        "flag": flag,
        "interval_method": {
            "precision": "wilson",
            "recall": "wilson",
            "f1": f"percentile bootstrap, {rounds} document resamples",
        },
    }
