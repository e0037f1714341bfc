"""The ``guard`` detector: prompt moderation of a text by a guard model.

A flagged text gives one document-level finding per mapped risk, scored from the table's
``scores`` (unsafe 1.0, controversial 0.5). A *controversial* verdict under the ``safe`` policy,
a safe one, and an unscored call give none; ``self.client.unscored`` counts the last kind.
"""

from __future__ import annotations

from collections.abc import Mapping

from beian.detect.base import BaseDetector
from beian.detect.guard.client import GuardClient, GuardOptions, GuardResult
from beian.detect.guard.parse import Safety
from beian.records import Finding
from beian.registry import registry

WHY_MAX_CHARS = 200


def findings(
    result: GuardResult, options: GuardOptions, scores: Mapping[Safety, float]
) -> list[Finding]:
    """Document-level findings for one guard result."""
    if result.safety is None or not result.flagged(options.controversial):
        return []
    score = scores[result.safety]
    named = ", ".join(result.categories) or "no category"
    why = f"{result.family}: {result.safety} ({named})"
    if result.analysis:
        why = f"{why}: {result.analysis}"
    return [
        Finding(risk=r, detector=GuardDetector.name, score=score, why=why[:WHY_MAX_CHARS])
        for r in result.risks
    ]


class GuardDetector(BaseDetector):
    """Findings from a guard model's prompt moderation of each text."""

    name = "guard"

    def __init__(self, options: GuardOptions) -> None:
        self.options = options
        self.client = GuardClient(options)
        self._scores = self.client.mapping.scores

    def moderate(self, text: str) -> GuardResult:
        """The guard's full decision (verdict, categories, raw reply, error)."""
        return self.client.moderate(text, mode="prompt")

    def detect(self, text: str) -> list[Finding]:
        return findings(self.moderate(text), self.options, self._scores)


@registry.register(
    "detector",
    "guard",
    version="1",
    options=GuardOptions,
    example={
        "family": "qwen3guard",
        "base_url": "http://127.0.0.1:9/v1",
        "model": "guard",
        "api_key_env": None,
    },
    smoke=False,
)
def guard_detector(options: GuardOptions) -> GuardDetector:
    """Guard model (Qwen3Guard, Llama Guard, ShieldLM, JSON) screening texts, mapped to risks."""
    return GuardDetector(options)
