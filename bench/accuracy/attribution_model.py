"""Round 7 experiment (not shipped): ranking the risks of texts the harm model reports.

The harm model's attribution columns are 31 one-vs-rest logistic regressions trained on every
row, benign rows included, so each column learns "this topic, against everything else". The
``softmax`` model here is trained on HARMFUL rows only (the same shippable sources and our own
data), with one softmax over the risks: "given that this text is harmful, which risk is it". It
never decides whether a text is flagged.

Same features as the harm model (hashed character 1–3-grams of the digit-folded text, norm
floor 10); numpy only, deterministic (fixed shuffle seed, fixed summation order). A row with
several gold risks spreads its target evenly over them. Rows weigh ``1/sqrt(rows of their
source)`` times ``1/sqrt(rows of their risk)`` (class balance, tempered), mean 1.

:class:`RankedHarm` is the shipped ``harm`` detector with a ranking plugged in (same harm
probability, same reporting); ``docs/accuracy.md`` (round 7) has the measurement. Nothing in
``beian`` imports this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from beian.detect.classifier.features import Batch, featurise
from beian.detect.classifier.model import SourceRecord
from beian.detect.classifier.train import adagrad_step, batch_rows
from beian.detect.harm.detector import HarmDetector, HarmOptions
from beian.detect.harm.model import fold_digits
from beian.errors import ConfigError
from beian.records import Finding

WEIGHTS_FILE = "weights.npz"
META_FILE = "attribution.json"
DEFAULT_BITS = 16
DEFAULT_EPOCHS = 6
MIN_NORM = 10
_BATCH = 256
FloatArray = npt.NDArray[np.float32]


class AttributionMeta(BaseModel):
    """Everything about an attribution model except its weights (``attribution.json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int = 1
    recipe: str
    bits: int
    min_norm: int = MIN_NORM
    risks: tuple[str, ...]
    seed: int
    epochs: int
    weights_sha256: str = ""
    train_sources: tuple[str, ...] = ()
    """Shared-data folders (and beian's own seeds) of the training rows."""
    sources: tuple[SourceRecord, ...] = ()
    train_counts: dict[str, int] = {}
    """Harmful training rows per risk (a row with two risks counts for both)."""


class AttributionModel:
    """Softmax over the risks for texts already judged harmful."""

    def __init__(self, weights: FloatArray, bias: FloatArray, meta: AttributionMeta) -> None:
        if weights.shape != (2**meta.bits, len(meta.risks)) or bias.shape != (len(meta.risks),):
            raise ConfigError("attribution model: weights do not match its risks and bits")
        self.weights = weights
        self.bias = bias
        self.meta = meta

    @property
    def risks(self) -> tuple[str, ...]:
        """Risk ids, one per column."""
        return self.meta.risks

    def logits(self, texts: Sequence[str]) -> FloatArray:
        """Raw scores ``[len(texts), risks]`` of already digit-folded texts."""
        return _logits(
            self.weights, self.bias, featurise(texts, self.meta.bits, self.meta.min_norm)
        )

    def probabilities(self, texts: Sequence[str]) -> FloatArray:
        """Softmax over the risks, per (digit-folded) text; rows sum to 1."""
        return softmax(self.logits(texts))

    def save(self, directory: Path) -> None:
        """Write ``weights.npz`` (float16 weights) and ``attribution.json``."""
        import hashlib

        from beian.detect.classifier.model import _npz_bytes

        directory.mkdir(parents=True, exist_ok=True)
        blob = _npz_bytes({"W": self.weights.astype(np.float16), "b": self.bias})
        (directory / WEIGHTS_FILE).write_bytes(blob)
        meta = self.meta.model_copy(update={"weights_sha256": hashlib.sha256(blob).hexdigest()})
        text = json.dumps(meta.model_dump(mode="json"), ensure_ascii=False, indent=1)
        (directory / META_FILE).write_text(text + "\n", encoding="utf-8")


def softmax(z: FloatArray) -> FloatArray:
    """Row-wise softmax (stable)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: FloatArray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def _logits(w: FloatArray, b: FloatArray, batch: Batch) -> FloatArray:
    out: FloatArray = np.tile(b, (batch.n_docs, 1)).astype(np.float32)
    if batch.index.size == 0:
        return out
    filled = np.flatnonzero(np.diff(batch.indptr) > 0)
    rows = w[batch.index] * batch.value[:, None]
    out[filled] += np.add.reduceat(rows, batch.indptr[filled], axis=0)
    return out


def targets(labels: Sequence[Sequence[str]], risks: Sequence[str]) -> FloatArray:
    """``[n, risks]``: each row's gold risks share its probability mass evenly."""
    col = {r: i for i, r in enumerate(risks)}
    y = np.zeros((len(labels), len(risks)), dtype=np.float32)
    for i, ids in enumerate(labels):
        cols = sorted({col[r] for r in ids})
        if not cols:
            raise ValueError("attribution rows must carry at least one risk")
        y[i, cols] = 1.0 / len(cols)
    return y


def row_weights(sources: Sequence[str], y: FloatArray) -> FloatArray:
    """``1/sqrt(rows of the source)`` times the row's mean ``1/sqrt(rows of the risk)``, mean 1."""
    counts: dict[str, int] = {}
    for s in sources:
        counts[s] = counts.get(s, 0) + 1
    src = np.array([1.0 / np.sqrt(counts[s]) for s in sources], dtype=np.float64)
    per_risk = (y > 0).sum(axis=0).astype(np.float64)
    inv = np.where(per_risk > 0, 1.0 / np.sqrt(np.maximum(per_risk, 1.0)), 0.0)
    cls = y.astype(np.float64) @ inv
    w = src * cls
    out: FloatArray = (w / w.mean()).astype(np.float32)
    return out


def fit(
    texts: Sequence[str],
    y: FloatArray,
    weights: FloatArray,
    *,
    bits: int = DEFAULT_BITS,
    epochs: int = DEFAULT_EPOCHS,
    seed: int = 0,
) -> tuple[FloatArray, FloatArray]:
    """Softmax regression by mini-batch AdaGrad (lazy L2 on the rows a batch touches)."""
    k = y.shape[1]
    batch = featurise(texts, bits, MIN_NORM)
    w = np.zeros((2**bits, k), dtype=np.float32)
    g2 = np.full((2**bits, k), 1e-8, dtype=np.float32)
    prior = (y * weights[:, None]).sum(axis=0) + 1e-3
    b = np.log(prior / prior.sum()).astype(np.float32)
    gb2 = np.full(k, 1e-8, dtype=np.float32)
    rng = np.random.default_rng(seed)
    n = len(texts)
    for _ in range(epochs):
        perm = rng.permutation(n)
        for s in range(0, n, _BATCH):
            docs = np.sort(perm[s : s + _BATCH])
            idx, local, val, offsets = batch_rows(batch, docs)
            z = np.tile(b, (docs.shape[0], 1))
            if idx.size:
                nonempty = np.flatnonzero(batch.indptr[docs + 1] > batch.indptr[docs])
                z[nonempty] += np.add.reduceat(w[idx] * val[:, None], offsets[nonempty], axis=0)
            p = softmax(z)
            g = ((p - y[docs]) * weights[docs][:, None] / docs.shape[0]).astype(np.float32)
            adagrad_step(w, g2, b, gb2, g, (idx, local, val))
    return w, b


AttributionMode = Literal["columns", "prior", "margin", "softmax", "blend"]
"""How a reported text's risks are ranked: ``columns`` (the harm model's one-vs-rest column
probabilities), ``prior`` (their logits less ``PRIOR_TAU`` times the log share of harmful
training rows carrying the risk), ``margin`` (each column's logit less the logit of its tuned
threshold), ``softmax`` (the dedicated attribution model), ``blend`` (the sum of the softmax
model's log-probability and the log of the column probability)."""
PRIOR_TAU = 0.5
RANK_STEP = 1e-4
"""A reported text's k-th attributed risk carries the harm decision score less ``k`` times this,
so a verdict's per-risk scores order its risks as the attribution does (the best risk keeps the
full score, which alone decides the flag)."""


def _logit(p: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64]:
    q = np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)
    out: npt.NDArray[np.float64] = np.log(q / (1 - q))
    return out


class Ranker:
    """Ranking scores over the risks for texts the harm model reports (see
    :data:`AttributionMode`); the softmax model is loaded on first use only."""

    def __init__(
        self,
        mode: AttributionMode,
        risks: Sequence[str],
        thresholds: FloatArray,
        train_counts: dict[str, int],
        model_dir: str | None = None,
    ) -> None:
        self.mode = mode
        self.risks = tuple(risks)
        self._thresholds = _logit(thresholds)
        harmful = max(float(train_counts.get("harm", 0)), 1.0)
        share = np.array([train_counts.get(r, 0) / harmful for r in risks], dtype=np.float64)
        self._log_share = np.log(np.maximum(share, 1e-4))
        self._model_dir = model_dir
        self._model: AttributionModel | None = None

    def model(self) -> AttributionModel:
        """The softmax attribution model (loaded and cached on first call)."""
        if self._model is None:
            if self._model_dir is None:
                raise ConfigError(f"attribution {self.mode!r} needs a model directory")
            self._model = load_attribution_model(Path(self._model_dir))
        if self._model.risks != self.risks:
            raise ConfigError("attribution model: its risks differ from the harm model's")
        return self._model

    def rank(self, folded: Sequence[str], columns: FloatArray) -> npt.NDArray[np.float64]:
        """``[len(folded), risks]``, higher first; ``columns`` are the harm model's attribution
        column probabilities of the same (digit-folded) texts."""
        if self.mode == "columns":
            return columns.astype(np.float64)
        if self.mode == "prior":
            return _logit(columns) - PRIOR_TAU * self._log_share
        if self.mode == "margin":
            return _logit(columns) - self._thresholds
        soft = self.model().probabilities(folded).astype(np.float64)
        if self.mode == "softmax":
            return soft
        out: npt.NDArray[np.float64] = np.log(soft + 1e-12) + np.log(
            columns.astype(np.float64) + 1e-7
        )
        return out


def ranked_columns(
    ranking: npt.NDArray[np.floating[Any]],
    attribution: npt.NDArray[np.floating[Any]],
    thresholds: npt.NDArray[np.floating[Any]],
    max_risks: int,
) -> list[int]:
    """The columns a reported text is attributed to, best first: the best-ranked one always,
    then every other whose column probability reaches its tuned threshold, in ranking order, at
    most ``max_risks`` (with ``ranking = attribution`` this is ``attributed_columns``)."""
    order = np.argsort(-ranking, kind="stable")
    keep = [int(order[0])]
    keep += [int(c) for c in order[1:] if attribution[c] >= thresholds[c]]
    return keep[:max_risks]


def ranked_score(decision: float, rank: int) -> float:
    """The finding score of the ``rank``-th attributed risk (0 = best; see :data:`RANK_STEP`)."""
    return round(round(decision, 4) - rank * RANK_STEP, 4)


def load_attribution_model(directory: Path) -> AttributionModel:
    """The attribution model saved in ``directory`` by :meth:`AttributionModel.save`."""
    import io

    if not (directory / WEIGHTS_FILE).is_file() or not (directory / META_FILE).is_file():
        raise ConfigError(f"{directory}: not an attribution model ({WEIGHTS_FILE}, {META_FILE})")
    meta = AttributionMeta.model_validate_json((directory / META_FILE).read_text("utf-8"))
    with np.load(io.BytesIO((directory / WEIGHTS_FILE).read_bytes()), allow_pickle=False) as z:
        w = z["W"].astype(np.float32)
        b = z["b"].astype(np.float32)
    return AttributionModel(w, b, meta)


class RankedHarm(HarmDetector):
    """The ``harm`` detector with its reported risks ranked by ``mode`` (harm probability and
    reporting unchanged). The k-th attributed risk carries the decision score less ``k`` times
    :data:`RANK_STEP`, so a verdict's scores order its risks as the ranking does."""

    def __init__(self, mode: AttributionMode, model_dir: str | None = None) -> None:
        super().__init__(HarmOptions())
        self.ranker = Ranker(
            mode,
            self.model.risks,
            self._thresholds,
            self.model.classifier.meta.train_counts,
            model_dir,
        )

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings as the shipped detector reports them, risks in ranking order."""
        clf = self.model.classifier
        harm = self.model.calibrate(clf.column_scores(texts, 0, digits=True)).tolist()
        decisions = [self.model.decision(p, self.threshold) for p in harm]
        wanted = [i for i, d in enumerate(decisions) if d >= self.options.report_from]
        out: list[list[Finding]] = [[] for _ in texts]
        if not wanted:
            return out
        folded = fold_digits([texts[i] for i in wanted])
        attributions = clf.scores(folded)[:, 1:]
        ranking = self.ranker.rank(folded, attributions)
        for row, i in enumerate(wanted):
            cols = ranked_columns(
                ranking[row], attributions[row], self._thresholds, self.options.max_risks
            )
            out[i] = [
                replace(
                    self._finding(c, harm[i], decisions[i], attributions[row]),
                    score=ranked_score(decisions[i], k),
                )
                for k, c in enumerate(cols)
            ]
        return out
