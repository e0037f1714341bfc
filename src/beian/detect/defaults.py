"""The default detection setup: what ``beian detect FILE`` runs when no detector is named.

The best CPU judgement beian has, not the cheapest: curated keywords (strong entries decide
alone, weak ones need corroboration), the solicitation rules for spam and disguised contacts,
and the calibrated harm model. PII is not in the harm default (a phone number in a bank notice
is not harmful); corpus scans add it for §5.1 personal-information checks.
"""

from __future__ import annotations

DEFAULT_DETECTORS: tuple[str, ...] = ("keyword", "solicit", "harm")


def default_detector_names() -> list[str]:
    """The default detectors, in the order they run."""
    return list(DEFAULT_DETECTORS)
