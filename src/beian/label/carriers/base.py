"""The contract every implicit-label carrier meets."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from beian.label.model import Found, Problem


@dataclass(slots=True)
class Reading:
    """Everything a carrier found in one file.

    ``extras`` holds beian's own records (e.g. the explicit-stamp geometry), which are not AIGC
    labels and never count towards L-12.
    """

    labels: list[Found] = field(default_factory=list)
    extras: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class Carrier(Protocol):
    """Reads and writes the ``AIGC`` metadata of one file format."""

    name: str
    """Where beian writes the label, e.g. ``"PNG tEXt AIGC"``."""

    def read(self, path: Path) -> Reading:
        """Every AIGC label in ``path``, in any carrier the format allows."""
        ...

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Copy ``src`` to ``dst`` with exactly one label ``payload`` (old labels removed).

        ``payload`` None keeps the file's AIGC labels as they are and only stores ``extras``
        (explicit-only labelling must never remove a label already there).
        """
        ...


def copy_unchanged(src: Path, dst: Path) -> None:
    """``dst`` = ``src`` byte for byte (a carrier with nothing to change)."""
    shutil.copyfile(src, dst)


class FormatError(ValueError):
    """The file is not a well-formed instance of its format."""
