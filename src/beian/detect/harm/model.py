"""The harm model on disk and in memory: a harm head, an attribution head, a calibration.

A model directory holds the classifier files (``weights.npz``, ``model.json``: one hashed n-gram
logistic regression whose first column is ``harm`` — is this text harmful at all — and whose other
columns are the 31 risks, used only to say WHICH risk once harm is established) and ``harm.json``
(:class:`HarmMeta`: the Platt calibration of the harm column, the decision threshold, the
recipe and the shared-data folders the model was trained on).

Separating "is it harmful" from "which risk" is the point: the attribution columns may learn
topics (a text about religion is likelier A.2.b than A.1.f), the harm column is trained with
hard negatives on the same topics so that a topic alone is not harm.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, ValidationError

from beian.detect.base import decision_score
from beian.detect.classifier.fastnorm import fold_digit_runs
from beian.detect.classifier.model import ClassifierModel, load_model
from beian.errors import ConfigError

HARM_COLUMN = "harm"


def logit(raw: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Log-odds of probabilities, clipped away from 0 and 1 (the Platt calibration's input)."""
    clipped = np.clip(raw, 1e-7, 1 - 1e-7)
    out: npt.NDArray[np.float64] = np.log(clipped / (1 - clipped))
    return out


def fold_digits(texts: Sequence[str]) -> list[str]:
    """Every run of digits as one ``0``: a number is not harm (phone numbers in ads are the
    ``solicit`` detector's job), and memorised numbers made "手机号138…" read as fraud."""
    return [fold_digit_runs(t) for t in texts]


META_FILE = "harm.json"
FloatArray = npt.NDArray[np.float32]


class HarmMeta(BaseModel):
    """Calibration and provenance of a harm model (``harm.json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int = 1
    recipe: str
    platt_a: float
    """Calibrated probability = sigmoid(platt_a * raw_logit + platt_b)."""
    platt_b: float
    threshold: float = 0.5
    """Operating point: a text is harmful when its calibrated probability reaches this."""
    prior: float = 0.5
    """Share of harmful texts the calibration assumes (class-balanced dev set)."""
    train_sources: tuple[str, ...] = ()
    """Shared-data folders (and beian's own seeds) in the training data."""
    dev: dict[str, float] = {}
    """Figures on the recipe's own dev split (same sources as training: optimistic)."""


@dataclass(frozen=True, slots=True)
class HarmScores:
    """Calibrated harm probability per text and the attribution scores over the risks."""

    harm: FloatArray
    attribution: FloatArray
    risks: tuple[str, ...]


class HarmModel:
    """Scores texts: calibrated harm probability plus per-risk attribution."""

    def __init__(self, classifier: ClassifierModel, meta: HarmMeta) -> None:
        if not classifier.risks or classifier.risks[0] != HARM_COLUMN:
            raise ConfigError(f"harm model's first column must be {HARM_COLUMN!r}")
        self.classifier = classifier
        self.meta = meta

    @property
    def risks(self) -> tuple[str, ...]:
        """Risk ids of the attribution columns."""
        return self.classifier.risks[1:]

    def calibrate(self, raw: FloatArray) -> FloatArray:
        """Calibrated probabilities from the harm column's raw probabilities."""
        z = self.meta.platt_a * logit(raw.astype(np.float64)) + self.meta.platt_b
        out: FloatArray = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
        return out

    def decision(self, p: float, threshold: float | None = None) -> float:
        """``p`` as a finding score: the operating point (or ``threshold``) lands on 0.5, so the
        DetectorSet's one threshold decides exactly there; the calibrated ``p`` stays in the
        evidence."""
        return decision_score(p, self.meta.threshold if threshold is None else threshold)

    def score(self, texts: Sequence[str]) -> HarmScores:
        """Harm probability and attribution for every text (one featurisation pass)."""
        probs = self.classifier.scores(fold_digits(texts))
        return HarmScores(self.calibrate(probs[:, 0]), probs[:, 1:], self.risks)

    def save(self, directory: Path) -> None:
        """Write the classifier files and ``harm.json`` into ``directory``."""
        self.classifier.save(directory)
        text = json.dumps(self.meta.model_dump(mode="json"), ensure_ascii=False, indent=1)
        (directory / META_FILE).write_text(text + "\n", encoding="utf-8")


def _meta_text(directory: Path | None) -> tuple[str, str]:
    if directory is None:
        res = resources.files("beian.detect.harm").joinpath("model", META_FILE)
        return res.read_text(encoding="utf-8"), "the shipped harm model"
    path = Path(directory) / META_FILE
    if not path.is_file():
        raise ConfigError(f"{directory} is not a harm model (no {META_FILE})")
    return path.read_text(encoding="utf-8"), str(path)


@lru_cache(maxsize=4)
def load_harm_model(directory: str | None = None) -> HarmModel:
    """The harm model in ``directory``, or the one shipped with beian."""
    text, where = _meta_text(Path(directory) if directory else None)
    try:
        meta = HarmMeta.model_validate_json(text)
    except ValidationError as exc:
        raise ConfigError(f"{where}: invalid {META_FILE}: {exc.errors()[0]['msg']}") from exc
    if directory is None:
        base = resources.files("beian.detect.harm").joinpath("model")
        classifier = load_model(Path(str(base)))
    else:
        classifier = load_model(directory)
    return HarmModel(classifier, meta)


def attributed_columns(
    attribution: npt.NDArray[np.floating[Any]],
    thresholds: npt.NDArray[np.floating[Any]],
    max_risks: int,
) -> list[int]:
    """The risk columns a reported text is attributed to: the best one always, then every other
    whose attribution reaches its tuned threshold, best first, at most ``max_risks``."""
    order = np.argsort(-attribution, kind="stable")
    keep = [int(order[0])]
    keep += [int(c) for c in order[1:] if attribution[c] >= thresholds[c]]
    return keep[:max_risks]
