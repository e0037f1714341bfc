"""The contract of an explicit-label handler."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from beian.label.atomic import Scratch
from beian.label.carriers.base import Reading
from beian.label.model import ExplicitStatus, LabelSpec, Problem


class Explicit(Protocol):
    """Adds and checks the explicit label of one media type."""

    def add(
        self, src: Path, dst: Path, spec: LabelSpec, scratch: Scratch
    ) -> tuple[str, dict[str, str]]:
        """Write ``src`` with the label to ``dst``; return a description and records to store."""
        ...

    def check(self, path: Path, reading: Reading) -> tuple[ExplicitStatus, list[Problem]]:
        """What can be told about the explicit label of ``path`` (``reading``: its metadata)."""
        ...
