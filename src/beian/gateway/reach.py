"""How far ahead of a span the output detectors look: the stream guard's default look-ahead.

A streamed prefix is only safe to release when every span that could start in it has been
seen with all the context its detector uses to decide. For the keyword detector that is the
longest pattern (doubled: normalisation may skip a filler between two characters); for the
solicitation detector it is the window in which a term and its contact or cues must lie
(so "博彩" in an answer is flagged only once the rest of that window has arrived). Detectors
that report no spans (document classifiers) set no reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PII_REACH = 32
"""Longest ID, phone or card number with separators; trailing digit runs are held anyway."""


def detector_reach(detector: Any) -> int:
    """Characters of context after a span's start that ``detector`` may use to flag it."""
    name = getattr(detector, "name", "")
    if name == "keyword":
        # the keyword detector keeps its longest pattern for its own gap scan
        return 2 * int(getattr(detector, "_longest", 0))
    if name == "solicit":
        from beian.detect.solicit.contacts import CONTACT_MAX_CHARS
        from beian.detect.solicit.lexicon import families

        return families().scoring.window + CONTACT_MAX_CHARS
    if name == "pii":
        return PII_REACH
    return 0


def stream_lookahead(detectors: Iterable[Any], configured: int | None) -> int:
    """The configured look-ahead, else the largest reach of the detectors (at least 16)."""
    if configured is not None:
        return configured
    return max([16, *(detector_reach(d) for d in detectors)])
