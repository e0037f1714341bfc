"""Built-in keyword detector (registered on import)."""

from __future__ import annotations

from beian.detect.keyword.detector import KeywordDetector, KeywordOptions, load_entries
from beian.registry import registry

__all__ = ["KeywordDetector", "KeywordOptions", "load_entries"]


@registry.register("detector", "keyword", version="1", options=KeywordOptions)
def keyword_detector(options: KeywordOptions) -> KeywordDetector:
    """Keyword library matcher with normalisation, allow-lists and context rules."""
    return KeywordDetector.from_options(options)
