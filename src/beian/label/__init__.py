"""GB 45438-2025 content labels: write, read and verify explicit and implicit labels.

Each media type has a ``label_writer`` plugin (``apply(src, dst, label)`` / ``verify(path)``)
combining an implicit-label carrier (file metadata, per the TC260 practice guides) with an
explicit-label handler (visible text, audible cue). See docs/labeling.md.
"""

from __future__ import annotations

from beian.label.fields import check_provider_code, make_provider_code, make_uscc, to_json
from beian.label.model import (
    AigcFields,
    ExplicitStatus,
    Found,
    LabelResult,
    LabelSpec,
    LabelStatus,
    Problem,
)
from beian.label.service import Writers, label_file, verify_file, walk
from beian.label.writer import LabelWriter, WriterOptions

__all__ = [
    "AigcFields",
    "ExplicitStatus",
    "Found",
    "LabelResult",
    "LabelSpec",
    "LabelStatus",
    "LabelWriter",
    "Problem",
    "WriterOptions",
    "Writers",
    "check_provider_code",
    "label_file",
    "make_provider_code",
    "make_uscc",
    "to_json",
    "verify_file",
    "walk",
]
