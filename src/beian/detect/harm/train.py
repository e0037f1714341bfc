"""Train a harm model: harm column + 31 attribution columns, Platt-calibrated on a dev split.

The same fitting code as the classifier (:func:`beian.detect.classifier.train.fit`, numpy,
deterministic). The harm column's positives are every row with any risk; the dev split (a
stable hash of the text) calibrates it class-balanced, so the stored probability reads as
"harmful, if harmful and benign texts were equally common", and 0.5 is the decision point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from beian.detect.classifier.model import ClassifierModel, ModelMeta
from beian.detect.classifier.train import LabelledSet, dev_mask, fit, tune_thresholds
from beian.detect.harm.model import HARM_COLUMN, HarmMeta, HarmModel, fold_digits, logit
from beian.detect.harm.recipe import RECIPE_NAME, HarmRecipe, Row

DEFAULT_BITS = 18
DEFAULT_EPOCHS = 6
TARGET_BENIGN_RATE = 0.03
"""The operating point flags about this share of the dev split's benign texts."""
THRESHOLD_RANGE = (0.5, 0.9)
FloatArray = npt.NDArray[np.float64]


def labelled(rows: Sequence[Row], risks: Sequence[str]) -> LabelledSet:
    """Rows as a label matrix: column 0 is harm (any risk), then one column per risk.

    Texts are digit-folded as :meth:`HarmModel.score` folds them.
    """
    folded = fold_digits([r.text for r in rows])
    return LabelledSet.build(
        [
            (t, [HARM_COLUMN, *r.risks] if r.risks else [])
            for t, r in zip(folded, rows, strict=True)
        ],
        [HARM_COLUMN, *risks],
    )


def platt(raw: FloatArray, y: npt.NDArray[np.bool_], steps: int = 500) -> tuple[float, float]:
    """Class-balanced logistic fit of ``y`` on the logit of ``raw`` (Newton steps)."""
    z = logit(raw)
    w = np.where(y, 0.5 / max(int(y.sum()), 1), 0.5 / max(int((~y).sum()), 1))
    x = np.stack([z, np.ones_like(z)], axis=1)
    theta = np.array([1.0, 0.0])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ theta)))
        grad = x.T @ (w * (p - y))
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    return float(theta[0]), float(theta[1])


SOURCE_BOOST: dict[str, float] = {"beian-questions": 4.0}
"""Extra weight of a source on top of the square-root rule. Our hand-written questions are the
only shippable data in the style of user requests; 4 was chosen with JADE questions and CValues
(seen, may-ship) left out of training: their recall at 3 % false alarms was 23.4 / 25.8 / 28.2 %
for a boost of 1 / 2 / 4 (docs/accuracy.md). No unseen source took part in the choice."""


def source_weights(
    sources: Sequence[str], boost: dict[str, float] | None = None
) -> npt.NDArray[np.float32]:
    """Per-row weights ``1/sqrt(rows of its source)`` times the source's ``boost`` (default
    :data:`SOURCE_BOOST`), mean 1: a source's total weight grows with the square root of its
    size, so COLD's 30k comments do not define harm alone."""
    extra = SOURCE_BOOST if boost is None else boost
    counts: dict[str, int] = {}
    for s in sources:
        counts[s] = counts.get(s, 0) + 1
    w = np.array([extra.get(s, 1.0) / np.sqrt(counts[s]) for s in sources], dtype=np.float64)
    out: npt.NDArray[np.float32] = (w / w.mean()).astype(np.float32)
    return out


def train_harm(
    recipe: HarmRecipe,
    risks: Sequence[str],
    *,
    seed: int = 0,
    bits: int = DEFAULT_BITS,
    epochs: int = DEFAULT_EPOCHS,
    version: str = "1",
    recipe_name: str = RECIPE_NAME,
    target_benign_rate: float | None = None,
    boost: dict[str, float] | None = None,
    uniform: bool = False,
) -> HarmModel:
    """Fit on the train split, calibrate and set attribution thresholds on the dev split.

    ``recipe_name`` is recorded in the model; ``target_benign_rate`` (default
    :data:`TARGET_BENIGN_RATE`) sets the operating point; ``boost``: see :func:`source_weights`;
    ``uniform``: every row weighs the same (the answer model: its sources are all answers).
    """
    rows = recipe.merged()
    data = labelled(rows, risks)
    dev = dev_mask(data.texts)
    train = data.subset(~dev)
    kept = [r.source for r, d in zip(rows, dev, strict=True) if not d]
    weights = np.ones(len(kept), dtype=np.float32) if uniform else source_weights(kept, boost)
    w, b = fit(train, bits=bits, epochs=epochs, seed=seed, min_norm=10, row_weights=weights)
    w = w.astype(np.float16).astype(np.float32)
    meta = ModelMeta(
        version=version,
        bits=bits,
        min_norm=10,
        risks=data.risks,
        thresholds={r: 0.5 for r in data.risks},
        seed=seed,
        epochs=epochs,
        recipe=recipe_name,
        sources=tuple(recipe.sources),
        train_counts=train.positives(),
    )
    classifier = ClassifierModel(weights=w, bias=b, meta=meta)
    held = data.subset(dev)
    probs = classifier.scores(held.texts).astype(np.float64)
    thresholds = tune_thresholds(probs.astype(np.float32), held.labels, data.risks)
    classifier = ClassifierModel(
        weights=w, bias=b, meta=meta.model_copy(update={"thresholds": thresholds})
    )
    # Calibration and the operating point leave out the generated easy negatives (pinyin twins):
    # they would pull the benign quantile, and so the threshold, down for ordinary text.
    sources = np.array([r.source for r, d in zip(rows, dev, strict=True) if d])
    keep = ~np.isin(sources, list(UNCALIBRATED_SOURCES))
    y = held.labels[keep, 0] > 0
    a, c = platt(probs[keep, 0], y)
    calibrated = 1 / (1 + np.exp(-(a * logit(probs[keep, 0]) + c)))
    threshold = operating_point(calibrated[~y], target_benign_rate)
    harm_meta = HarmMeta(
        recipe=recipe_name,
        platt_a=a,
        platt_b=c,
        threshold=threshold,
        train_sources=tuple(recipe.train_sources()),
        dev=_dev_figures(calibrated, y, threshold),
    )
    return HarmModel(classifier, harm_meta)


UNCALIBRATED_SOURCES = frozenset({"beian-romanised"})
"""Training sources left out of calibration and the operating point (generated easy cases)."""


def operating_point(benign: FloatArray, rate: float | None = None) -> float:
    """The calibrated probability above which ``rate`` (default ``TARGET_BENIGN_RATE``) of
    ``benign`` lies."""
    lo, hi = THRESHOLD_RANGE
    if benign.size == 0:
        return lo
    cut = float(np.quantile(benign, 1.0 - (TARGET_BENIGN_RATE if rate is None else rate)))
    return round(min(hi, max(lo, cut)), 3)


def _dev_figures(calibrated: FloatArray, y: npt.NDArray[np.bool_], t: float) -> dict[str, float]:
    pred = calibrated >= t
    tp = float((pred & y).sum())
    return {
        "n": float(y.size),
        "recall": round(tp / max(float(y.sum()), 1.0), 4),
        "benign_flagged": round(float((pred & ~y).sum()) / max(float((~y).sum()), 1.0), 4),
    }
