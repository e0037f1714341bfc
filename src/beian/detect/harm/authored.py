"""Load beian's own hand-written harm data (``seed/authored/*.jsonl``).

The files were written by the beian developers (Apache-2.0) for training and testing safety
checks, so unlike most third-party sets they may ship with the package. They deliberately
contain harmful requests, answers and texts, each labelled ``harmful`` with its TC260 risks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources

from beian.errors import ConfigError

AUTHORED_DIR = ("seed", "authored")
KINDS = ("question", "answer", "text")

AuthoredRow = tuple[str, tuple[str, ...], str]
"""(text, risks or ``()`` when benign, kind)."""


@cache
def seed_contents(folder: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``(file name, text)`` of the ``.jsonl`` files of a seed folder of this package."""
    root = resources.files("beian.detect.harm").joinpath(*folder)
    # sorted by name: the digest and the row order must not depend on the filesystem
    files = sorted((f for f in root.iterdir() if f.name.endswith(".jsonl")), key=lambda f: f.name)
    return tuple((f.name, f.read_text("utf-8")) for f in files)


def _contents() -> tuple[tuple[str, str], ...]:
    return seed_contents(AUTHORED_DIR)


def parse_row(name: str, number: int, line: str) -> AuthoredRow:
    """One JSONL line as a row; ConfigError naming ``name`` and ``number`` when malformed."""
    where = f"{name} line {number}"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a JSON object")
    text, kind, harmful, risks = (
        item.get("text"),
        item.get("kind"),
        item.get("harmful"),
        item.get("risks"),
    )
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{where}: 'text' must be a non-empty string")
    if kind not in KINDS:
        raise ConfigError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    if not isinstance(harmful, bool):
        raise ConfigError(f"{where}: 'harmful' must be true or false")
    if not isinstance(risks, list) or not all(isinstance(r, str) for r in risks):
        raise ConfigError(f"{where}: 'risks' must be a list of risk ids")
    if harmful != bool(risks):
        # a harmful row without a risk (or a benign one with risks) would train a wrong label
        raise ConfigError(f"{where}: harmful rows need risks, benign rows must have none")
    return text, tuple(risks), str(kind)


def authored_rows(
    exclude: frozenset[str] = frozenset(), only: frozenset[str] | None = None
) -> list[AuthoredRow]:
    """Every authored row: (text, risks or ``()``, kind); for answers the answer text.

    ``exclude`` names files (e.g. ``questions_indirect_harmful.jsonl``) to leave out; ``only``,
    when given, keeps just the named files.
    """
    kept = [
        (name, content)
        for name, content in _contents()
        if name not in exclude and (only is None or name in only)
    ]
    return rows_of(kept)


def rows_of(contents: Sequence[tuple[str, str]]) -> list[AuthoredRow]:
    """The rows of ``(file name, content)`` pairs in the authored JSONL format."""
    out: list[AuthoredRow] = []
    for name, content in contents:
        for number, line in enumerate(content.splitlines(), start=1):
            if line.strip():
                out.append(parse_row(name, number, line))
    return out


def contents_digest(contents: Sequence[tuple[str, str]]) -> str:
    """SHA-256 over ``(file name, content)`` pairs in the given order."""
    digest = hashlib.sha256()
    for name, content in contents:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(content.encode("utf-8") + b"\0")
    return digest.hexdigest()


def authored_digest() -> str:
    """SHA-256 over the authored files in name order (recorded in a model's sources)."""
    return contents_digest(_contents())
