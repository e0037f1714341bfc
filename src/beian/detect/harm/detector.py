"""The ``harm`` detector: a calibrated "is this harmful" probability, attributed to risks.

One document-level finding per attributed risk, all carrying the same calibrated harm
probability as score, so the :class:`~beian.detect.detector_set.DetectorSet` threshold (0.5 by
default) is the one place that decides. Risks: the attribution column with the highest score,
plus any other whose attribution reaches its tuned threshold (at most ``max_risks``).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from beian.detect.base import BaseDetector
from beian.detect.harm.model import (
    FloatArray,
    HarmModel,
    attributed_columns,
    fold_digits,
    load_harm_model,
)
from beian.records import Finding
from beian.registry import registry
from beian.standard.index import DEFAULT_PROFILE, risk_labels


class HarmOptions(BaseModel):
    """Options of the ``harm`` detector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = None
    """Directory of a user-trained harm model; ``None`` uses the shipped one."""
    threshold: float | None = Field(default=None, gt=0.0, lt=1.0)
    """Operating point on the calibrated probability; ``None`` = the model's own. The answer
    judge uses a stricter one: long helpful answers share crime vocabulary with harmful ones."""
    report_from: float = Field(default=0.2, ge=0.0, le=1.0)
    """Findings are reported from this decision score on (the DetectorSet threshold decides)."""
    max_risks: int = Field(default=3, ge=1, le=31)
    """At most this many attributed risks per text."""
    profile: str = DEFAULT_PROFILE
    """Profile whose risk names go into the evidence."""


class HarmDetector(BaseDetector):
    """Calibrated harm probability with risk attribution (document-level findings)."""

    fork_safe = True  # tables and arrays only

    name = "harm"

    def __init__(self, options: HarmOptions) -> None:
        self.options = options
        self.model: HarmModel = load_harm_model(options.model)
        self.threshold = (
            options.threshold if options.threshold is not None else self.model.meta.threshold
        )
        self._thresholds = self.model.classifier.threshold_vector()[1:]  # attribution columns
        self._names = risk_labels(self.model.risks, options.profile)

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text."""
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for many texts, exactly as ``HarmModel.score`` gives them.

        The harm column alone decides whether a text is reported; the 31 attribution columns
        are scored only for the texts reported (a few in a hundred in a corpus), which makes
        long documents about twice as fast. Both are bit for bit what scoring every column of
        every text gives (tests/detect/harm/test_harm_fast_path.py).
        """
        clf = self.model.classifier
        # column 0 (harm) of the texts with their digit runs folded, folded on the code points
        harm = self.model.calibrate(clf.column_scores(texts, 0, digits=True)).tolist()
        decisions = [self.model.decision(p, self.threshold) for p in harm]
        wanted = [i for i, d in enumerate(decisions) if d >= self.options.report_from]
        folded = fold_digits([texts[i] for i in wanted])
        attributions = clf.scores(folded)[:, 1:] if wanted else None
        out: list[list[Finding]] = [[] for _ in texts]
        for row, i in enumerate(wanted):
            assert attributions is not None
            attribution = attributions[row]
            cols = attributed_columns(attribution, self._thresholds, self.options.max_risks)
            out[i] = [self._finding(c, harm[i], decisions[i], attribution) for c in cols]
        return out

    def _finding(self, col: int, p: float, decision: float, attribution: FloatArray) -> Finding:
        risk = self.model.risks[col]
        t = self.threshold
        verb = ">=" if p >= t else "<"
        return Finding(
            risk=risk,
            detector=self.name,
            score=round(decision, 4),
            evidence=f"{self._names[col]} p={p:.2f}",
            why=f"harm probability {p:.3f} {verb} operating point {t:.2f}; "
            f"attributed to {risk} (attribution {float(attribution[col]):.2f})",
        )


@registry.register("detector", "harm", version="1", options=HarmOptions)
def make_harm(options: HarmOptions) -> HarmDetector:
    """Calibrated harm-vs-benign model with attribution over the 31 risks (document level)."""
    return HarmDetector(options)
