"""F15: the manifest format and the reader options are documented, field by field.

docs/corpus.md is what a provider reads to write a manifest; these tests fail when a field or
a reader option is added to the code without a row in its tables.
"""

from __future__ import annotations

import re
from pathlib import Path

from beian.registry import registry
from beian.scan.manifest import Source

DOC = Path(__file__).resolve().parents[2] / "docs" / "corpus.md"


def table_names(section: str) -> set[str]:
    """The backticked names in the first column of the tables under heading ``section``."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {section}")
    end = text.find("\n## ", start + 1)
    body = text[start : end if end != -1 else len(text)]
    return set(re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.MULTILINE))


def test_every_manifest_field_has_a_row() -> None:
    documented = table_names("The manifest")
    missing = sorted(set(Source.model_fields) - documented)
    assert not missing, f"manifest fields missing from docs/corpus.md: {missing}"


def test_no_row_names_a_field_that_does_not_exist() -> None:
    documented = table_names("The manifest")
    assert documented <= set(Source.model_fields), sorted(documented - set(Source.model_fields))


def reader_options() -> dict[str, set[str]]:
    return {p.name: set(p.options.model_fields) for p in registry.plugins("reader")}


def test_every_reader_option_has_a_row() -> None:
    options = reader_options()
    assert {"jsonl", "csv", "text", "parquet"} <= set(options), sorted(options)
    documented = table_names("Readers and their options")
    missing = sorted({o for opts in options.values() for o in opts} - documented)
    assert not missing, f"reader options missing from docs/corpus.md: {missing}"


def test_every_reader_is_in_the_extension_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("| extension")
    table = text[start : text.index("\n\n", start)]
    named = set(re.findall(r"`([a-z]+)`", table))
    missing = sorted(set(reader_options()) - named)
    assert not missing, f"readers missing from the extension table of docs/corpus.md: {missing}"
