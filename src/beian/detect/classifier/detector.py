"""The ``classifier`` detector: document-level findings from the hashed n-gram model."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from beian.detect.base import BaseDetector, decision_score
from beian.detect.classifier.model import ClassifierModel, load_model
from beian.records import Finding
from beian.registry import registry
from beian.standard.index import DEFAULT_PROFILE, risk_labels


class ClassifierOptions(BaseModel):
    """Options of the ``classifier`` detector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = None
    """Directory of a user-trained model; ``None`` uses the model shipped with beian."""
    min_score: float | None = Field(default=None, ge=0.0, le=1.0)
    """One threshold for every risk, replacing the model's tuned per-risk thresholds."""
    top_k: int | None = Field(default=None, ge=1)
    """Keep at most this many findings per text, highest score first."""
    profile: str = DEFAULT_PROFILE
    """Profile whose risk names go into the evidence."""


@lru_cache(maxsize=8)
def _cached_model(path: str | None) -> ClassifierModel:
    return load_model(path)


class ClassifierDetector(BaseDetector):
    """Scores every risk of the model; reports risks at or above their threshold."""

    fork_safe = True  # tables and arrays only

    name = "classifier"

    def __init__(self, options: ClassifierOptions) -> None:
        self.options = options
        self.model = _cached_model(options.model)
        if options.min_score is not None:
            self._thresholds = np.full(len(self.model.risks), options.min_score, dtype=np.float32)
        else:
            self._thresholds = self.model.threshold_vector()
        self._names = risk_labels(self.model.risks, options.profile)

    @property
    def risks(self) -> tuple[str, ...]:
        """Risk ids, one per column of :meth:`scores`."""
        return self.model.risks

    def scores(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Probabilities ``[len(texts), n_risks]`` (columns in :attr:`risks` order)."""
        return self.model.scores(texts)

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text."""
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for many texts, scored in one vectorised pass."""
        probs = self.model.scores(texts)
        hits = probs >= self._thresholds
        out: list[list[Finding]] = []
        for row, mask in zip(probs, hits, strict=True):
            cols = np.flatnonzero(mask)
            if cols.size == 0:
                out.append([])
                continue
            cols = cols[np.argsort(-row[cols], kind="stable")]
            if self.options.top_k is not None:
                cols = cols[: self.options.top_k]
            out.append([self._finding(int(c), float(row[c])) for c in cols])
        return out

    def _finding(self, col: int, score: float) -> Finding:
        # F33: a finding is emitted only at or above the risk's own threshold, so its score is
        # mapped to put that threshold at the DetectorSet's 0.5: "score >= threshold" then always
        # means unqualified. The model's probability stays in the evidence.
        risk = self.model.risks[col]
        t = float(self._thresholds[col])
        return Finding(
            risk=risk,
            detector=self.name,
            score=round(min(1.0, max(0.5, decision_score(score, t))), 4),
            evidence=f"{self._names[col]} p={score:.2f}",
            why=f"classifier probability {score:.3f} >= the risk's threshold {t:.2f}",
        )


@registry.register("detector", "classifier", version="1", options=ClassifierOptions)
def make_classifier(options: ClassifierOptions) -> ClassifierDetector:
    """Hashed character n-gram multi-label classifier over all risks (document-level findings)."""
    return ClassifierDetector(options)
