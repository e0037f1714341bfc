"""GB 45438-2025 figures and wording rules used by the label writers and the verifier.

The labeling figures are data: thresholds of clause 7.d of a standard profile (taken from
GB 45438 §5.2 and §5.4; REGULATION.md §8.7). ``label_figures(profile)`` reads them from the
profile a workspace is assessed against; the module constants hold the default profile's values
for callers without a profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from beian.standard import DEFAULT_PROFILE, Profile, load_profile

LABEL_CLAUSE = "7.d"


@dataclass(frozen=True, slots=True)
class LabelFigures:
    """The explicit-label figures of one profile."""

    min_glyph_ratio: float
    """L-03 / L-05: explicit text height ≥ this share of the shortest side of image or frame."""
    min_video_seconds: float
    """L-05: the opening-frame prompt is shown for at least this long."""


def label_figures(profile: Profile | None = None) -> LabelFigures:
    """Figures of ``profile`` (default: the default profile); a profile without clause 7.d
    (e.g. a companion-standard sub-profile) falls back to the default profile's figures."""
    chosen = profile or load_profile(DEFAULT_PROFILE)
    if LABEL_CLAUSE not in {c.id for c in chosen.clauses}:
        chosen = load_profile(DEFAULT_PROFILE)
    return LabelFigures(
        min_glyph_ratio=chosen.quota(LABEL_CLAUSE, "explicit_label_height_min").value,
        min_video_seconds=chosen.quota(LABEL_CLAUSE, "video_label_seconds_min").value,
    )


def figure_options(profile: Profile) -> dict[str, float]:
    """``Writers(**figure_options(profile))``: label writers judging by ``profile``'s figures."""
    fig = label_figures(profile)
    return {"min_glyph_ratio": fig.min_glyph_ratio, "min_video_seconds": fig.min_video_seconds}


_DEFAULT = label_figures()
MIN_GLYPH_RATIO = _DEFAULT.min_glyph_ratio
"""The default profile's L-03 / L-05 glyph ratio (5 %)."""
MIN_VIDEO_SECONDS = _DEFAULT.min_video_seconds
"""The default profile's L-05 opening-prompt duration (2 s)."""

LABEL_VALUES = ("1", "2", "3")
"""L-10: ``Label`` is "1" (is AIGC), "2" (possibly AIGC) or "3" (suspected AIGC)."""

FIELDS = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
"""Annex E field names, in the order the standard lists them (and beian writes them)."""

REQUIRED_FIELDS = ("Label", "ContentProducer", "ProduceID")
"""L-10: fields that must be present and non-empty."""

DEFAULT_TEXT_WORDING = "本内容由人工智能生成"
"""Explicit prompt for text, audio transcripts and documents (AI element + generation element)."""

DEFAULT_IMAGE_WORDING = "AI生成"
"""Explicit prompt for images and video (the short form of GB 45438 Annex C)."""

# L-01: an explicit text prompt holds an AI element AND a generation element. "AI" must stand
# alone among Latin letters so that "SAID" or "FAIR" do not count; the two elements must sit in
# one short phrase (no sentence break between them) to count as one prompt.
_AI = r"(?:人工智能|(?<![A-Za-z])AI(?![A-Za-z]))"
_GEN = r"(?:生成|合成)"
_GAP = r"[^。！？!?.\n]{0,20}?"
EXPLICIT_TEXT_RE = re.compile(rf"{_AI}{_GAP}{_GEN}|{_GEN}{_GAP}{_AI}")

TEXT_WINDOW = 200
"""L-02: characters at the start or end of a text in which a prompt counts as start / end."""

MORSE_AI = "SLSS"
"""L-04: the rhythm label "short-long-short-short" (Morse for "AI": · − · ·)."""


def has_both_elements(text: str) -> bool:
    """Whether ``text`` contains an AI element and a generation element in one phrase (L-01)."""
    return EXPLICIT_TEXT_RE.search(text) is not None
