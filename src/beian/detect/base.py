"""The detector contract shared by every built-in and third-party detector."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from beian.records import Finding

if TYPE_CHECKING:
    from beian.text.batch import PreparedBatch


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


@runtime_checkable
class PreparedDetector(Detector, Protocol):
    """Optional extension: a detector that shares per-batch work with the others of a set.

    ``DetectorSet.check_batch`` builds one :class:`~beian.text.batch.PreparedBatch` per batch
    and calls ``detect_prepared`` on detectors that have it (``detect_batch`` on the others),
    in the set's order. The result must equal ``detect_batch(batch.texts)`` exactly; the
    batch only saves work (e.g. the keyword detector's fold, whose code units PII reuses).
    """

    def detect_prepared(self, batch: PreparedBatch) -> list[list[Finding]]:
        """Findings for ``batch.texts``, in order, equal to ``detect_batch(batch.texts)``."""
        ...


class BaseDetector:
    """Convenience base: subclasses implement ``detect``; ``detect_batch`` loops."""

    name: str = "base"
    fork_safe: ClassVar[bool] = False
    """Whether a copy made by ``fork`` of a process holding this detector, built and used, works
    on its own: true for a detector that holds only memory (no socket, thread or open file). A
    corpus run forks its pool processes from itself only when every detector says so; otherwise
    (a network client would be shared with the copy) they start from a clean fork server."""

    def detect(self, text: str) -> list[Finding]:
        raise NotImplementedError

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [self.detect(t) for t in texts]


def decision_score(p: float, threshold: float) -> float:
    """``p`` mapped piecewise-linearly so that ``threshold`` lands on 0.5, the DetectorSet's one
    decision point: a document-level finding "at or above its threshold" then always flags
    (ux.md F33). Monotonic, so rankings (ROC AUC) are those of ``p``."""
    if p < threshold:
        return 0.5 * p / threshold
    return 0.5 + 0.5 * (p - threshold) / (1.0 - threshold) if threshold < 1.0 else 1.0
