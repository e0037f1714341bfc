"""Train a one-vs-rest logistic-regression model on hashed n-grams, with numpy only.

Optimiser: mini-batch AdaGrad with L2 applied to the rows a batch touches (lazy), positive
examples up-weighted per risk because most risks have few positives — except positives of at
most ``SHORT_POSITIVE_CHARS`` characters (lexicon terms, mostly): up-weighting those taught the
model that shortness itself is risky. Features use a norm floor (``DEFAULT_MIN_NORM``) so the
one or two n-grams of a very short text cannot swing its score on their own. Everything that could vary
between runs is fixed: the shuffle uses ``numpy.random.default_rng(seed)``, sums run in a fixed
order, so the same data and seed give byte-identical weights.

Per-risk thresholds are chosen on a held-out dev split (a stable hash of the text picks it) as
the F1-maximising cut, clipped to a sane range; risks without dev positives keep the default.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from beian.detect.classifier.features import Batch, featurise
from beian.detect.classifier.model import ClassifierModel, ModelMeta

DEFAULT_BITS = 17
DEFAULT_EPOCHS = 6
DEFAULT_THRESHOLD = 0.5
THRESHOLD_RANGE = (0.2, 0.9)
_BATCH = 256
_LR = 0.5
_L2 = 1e-6
_MAX_POS_WEIGHT = 30.0
SHORT_POSITIVE_CHARS = 4
"""Positives this short (mostly lexicon terms) keep weight 1 instead of the per-risk up-weight."""
DEFAULT_MIN_NORM = 10
"""Feature-norm floor in n-grams for new models (about a 4-character text; see features)."""


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """Texts with a 0/1 label matrix ``[n, n_risks]`` (an all-zero row is a benign text)."""

    texts: tuple[str, ...]
    labels: npt.NDArray[np.float32]
    risks: tuple[str, ...]

    @classmethod
    def build(cls, rows: Sequence[tuple[str, Sequence[str]]], risks: Sequence[str]) -> LabelledSet:
        """From ``(text, [risk ids])`` pairs; ids outside ``risks`` raise ``KeyError``."""
        col = {r: i for i, r in enumerate(risks)}
        y = np.zeros((len(rows), len(risks)), dtype=np.float32)
        for i, (_, labels) in enumerate(rows):
            for r in labels:
                y[i, col[r]] = 1.0
        return cls(texts=tuple(t for t, _ in rows), labels=y, risks=tuple(risks))

    def subset(self, mask: npt.NDArray[np.bool_]) -> LabelledSet:
        """The rows where ``mask`` is true."""
        texts = tuple(t for t, keep in zip(self.texts, mask, strict=True) if keep)
        return LabelledSet(texts=texts, labels=self.labels[mask], risks=self.risks)

    def positives(self) -> dict[str, int]:
        """Positive count per risk, plus ``benign`` for all-zero rows."""
        out = {r: int(self.labels[:, i].sum()) for i, r in enumerate(self.risks)}
        out["benign"] = int((self.labels.sum(axis=1) == 0).sum())
        return out


def dev_mask(texts: Sequence[str], share: float = 0.1) -> npt.NDArray[np.bool_]:
    """Stable dev split: a text is in dev when the first byte of its SHA-256 falls under ``share``."""
    cut = int(256 * share)
    return np.array(
        [hashlib.sha256(t.encode("utf-8")).digest()[0] < cut for t in texts], dtype=bool
    )


_Rows = tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.int64]
]


def batch_rows(batch: Batch, docs: npt.NDArray[np.int64]) -> _Rows:
    """Feature indices, local doc numbers, values and per-doc offsets of ``docs`` (CSR gather)."""
    starts = batch.indptr[docs]
    counts = batch.indptr[docs + 1] - starts
    total = int(counts.sum())
    local = np.repeat(np.arange(docs.shape[0], dtype=np.int64), counts)
    offsets = np.zeros(docs.shape[0], dtype=np.int64)
    np.cumsum(counts[:-1], out=offsets[1:])
    pos = np.arange(total, dtype=np.int64) - np.repeat(offsets, counts) + np.repeat(starts, counts)
    return batch.index[pos], local, batch.value[pos], offsets


def _pos_weights(labels: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    pos = labels.sum(axis=0)
    neg = labels.shape[0] - pos
    ratio = np.sqrt(neg / np.maximum(pos, 1.0))
    out: npt.NDArray[np.float32] = np.clip(ratio, 1.0, _MAX_POS_WEIGHT).astype(np.float32)
    return out


def fit(
    data: LabelledSet,
    *,
    bits: int = DEFAULT_BITS,
    epochs: int = DEFAULT_EPOCHS,
    seed: int = 0,
    min_norm: int = DEFAULT_MIN_NORM,
    row_weights: npt.NDArray[np.float32] | None = None,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Weights ``[2**bits, n_risks]`` and bias ``[n_risks]`` for ``data``.

    ``row_weights`` (one per text, default 1) scale each text's loss, e.g. to keep one large
    source from dominating what the model learns.
    """
    n_risks = len(data.risks)
    batch = featurise(data.texts, bits, min_norm)
    w = np.zeros((2**bits, n_risks), dtype=np.float32)
    g2 = np.full((2**bits, n_risks), 1e-8, dtype=np.float32)
    prior = (data.labels.sum(axis=0) + 1.0) / (data.labels.shape[0] + 2.0)
    b = np.log(prior / (1.0 - prior)).astype(np.float32)
    gb2 = np.full(n_risks, 1e-8, dtype=np.float32)
    pos_w = _pos_weights(data.labels)
    # Up-weighting short positives made "short" itself a risk signal (greetings were flagged).
    short = np.array([len(t.strip()) <= SHORT_POSITIVE_CHARS for t in data.texts], dtype=bool)
    rng = np.random.default_rng(seed)
    n = len(data.texts)
    for _ in range(epochs):
        perm = rng.permutation(n)
        for s in range(0, n, _BATCH):
            docs = np.sort(perm[s : s + _BATCH])
            idx, local, val, offsets = batch_rows(batch, docs)
            y = data.labels[docs]
            z = np.tile(b, (docs.shape[0], 1))
            if idx.size:
                nonempty = np.flatnonzero(batch.indptr[docs + 1] > batch.indptr[docs])
                z[nonempty] += np.add.reduceat(w[idx] * val[:, None], offsets[nonempty], axis=0)
            p = 1.0 / (1.0 + np.exp(-z))
            up = np.where(short[docs][:, None], 1.0, pos_w)
            sample_w = np.where(y > 0, up, 1.0).astype(np.float32)
            if row_weights is not None:
                sample_w *= row_weights[docs][:, None]
            g = ((p - y) * sample_w / docs.shape[0]).astype(np.float32)
            adagrad_step(w, g2, b, gb2, g, (idx, local, val))
    return w, b


F32 = npt.NDArray[np.float32]


def adagrad_step(
    w: F32,
    g2: F32,
    b: F32,
    gb2: F32,
    g: F32,
    rows: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], F32],
) -> None:
    """One mini-batch AdaGrad update, in place, of weights ``w`` and bias ``b`` (``g2``, ``gb2``:
    their squared-gradient sums) for the loss gradient ``g`` ``[docs, columns]`` of the batch
    whose features are ``rows`` (indices, local doc numbers, values: :func:`batch_rows`); L2 is
    applied lazily, to the weight rows the batch touches."""
    idx, local, val = rows
    gb = g.sum(axis=0)
    gb2 += gb * gb
    b -= _LR * gb / np.sqrt(gb2)
    if not idx.size:
        return
    order = np.argsort(idx, kind="stable")
    sidx = idx[order]
    first = np.flatnonzero(np.r_[True, sidx[1:] != sidx[:-1]])
    uniq = sidx[first]
    contrib = g[local[order]] * val[order][:, None]
    grad = np.add.reduceat(contrib, first, axis=0) + _L2 * w[uniq]
    g2[uniq] += grad * grad
    w[uniq] -= _LR * grad / np.sqrt(g2[uniq])


def tune_thresholds(
    probs: npt.NDArray[np.float32], labels: npt.NDArray[np.float32], risks: Sequence[str]
) -> dict[str, float]:
    """F1-maximising threshold per risk on a dev set, clipped to ``THRESHOLD_RANGE``."""
    lo, hi = THRESHOLD_RANGE
    grid = np.round(np.arange(lo, hi + 1e-9, 0.05), 2)
    out: dict[str, float] = {}
    for i, risk in enumerate(risks):
        y = labels[:, i] > 0
        if not y.any():
            out[risk] = DEFAULT_THRESHOLD
            continue
        best, best_f1 = DEFAULT_THRESHOLD, -1.0
        for t in grid:
            pred = probs[:, i] >= t
            tp = float((pred & y).sum())
            f1 = 2 * tp / (float(pred.sum()) + float(y.sum()))
            if f1 > best_f1 + 1e-9:
                best, best_f1 = float(t), f1
        out[risk] = best
    return out


def train_model(
    data: LabelledSet,
    *,
    seed: int = 0,
    bits: int = DEFAULT_BITS,
    epochs: int = DEFAULT_EPOCHS,
    version: str = "1",
    min_norm: int = DEFAULT_MIN_NORM,
) -> ClassifierModel:
    """Fit on the train split, tune thresholds on the dev split, return the model."""
    dev = dev_mask(data.texts)
    train = data.subset(~dev) if dev.any() and (~dev).any() else data
    w, b = fit(train, bits=bits, epochs=epochs, seed=seed, min_norm=min_norm)
    # thresholds are tuned on the weights as they will be stored (float16)
    w = w.astype(np.float16).astype(np.float32)
    meta = ModelMeta(
        version=version,
        bits=bits,
        min_norm=min_norm,
        risks=data.risks,
        thresholds={r: DEFAULT_THRESHOLD for r in data.risks},
        seed=seed,
        epochs=epochs,
        train_counts=train.positives(),
    )
    model = ClassifierModel(weights=w, bias=b, meta=meta)
    if dev.any() and (~dev).any():
        held = data.subset(dev)
        thresholds = tune_thresholds(model.scores(held.texts), held.labels, data.risks)
        model = ClassifierModel(
            weights=w, bias=b, meta=meta.model_copy(update={"thresholds": thresholds})
        )
    return model
