"""The detector contract shared by every built-in and third-party detector."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from beian.records import Finding


@runtime_checkable
class Detector(Protocol):
    """Finds risks in text. ``load()`` once, then ``detect``/``detect_batch`` many times.

    Spans in returned findings index the ORIGINAL text handed in, never a normalised copy.
    """

    name: str

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text (empty when none)."""
        ...

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for many texts, in order; detectors with a batch path override this."""
        ...


class BaseDetector:
    """Convenience base: subclasses implement ``detect``; ``detect_batch`` loops."""

    name: str = "base"

    def detect(self, text: str) -> list[Finding]:
        raise NotImplementedError

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [self.detect(t) for t in texts]
