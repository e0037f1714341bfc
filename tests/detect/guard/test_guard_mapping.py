"""The guard-category → risk table: valid ids, the brief's anchors, gaps, docs in step."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from beian.detect.guard.mapping import load_mapping, parse_mapping, read_mapping_data
from beian.detect.guard.parse import FAMILIES
from beian.errors import ConfigError
from beian.standard import load_profile

KNOWN = set(load_profile().risk_ids())
DOC = Path(__file__).resolve().parents[3] / "docs" / "guard-models.md"


def test_every_risk_id_is_in_the_profile_and_every_family_has_a_table() -> None:
    mapping = load_mapping()
    assert set(mapping.families) == set(FAMILIES)
    assert mapping.covered() <= KNOWN
    assert all(mapping.unspecified[f] for f in FAMILIES), "a flagged text must keep a risk"
    assert mapping.scores == {"unsafe": 1.0, "controversial": 0.5}


def test_no_counterpart_is_exactly_what_no_category_reaches() -> None:
    mapping = load_mapping()
    listed = {r for risks, _note in mapping.no_counterpart for r in risks}
    assert listed == KNOWN - mapping.covered()
    assert {"A.3.b", "A.3.c", "A.3.d", "A.5.a", "A.5.b"} <= listed


@pytest.mark.parametrize(
    ("family", "category", "expected"),
    [
        ("llamaguard", "S10", {"A.2.i", "A.1.e"}),
        ("llamaguard", "Hate", {"A.2.i", "A.1.e"}),  # the name works as well as the code
        ("llamaguard", "S5", {"A.4.c"}),
        ("llamaguard", "S7", {"A.4.e", "A.4.f"}),
        ("llamaguard", "S8", {"A.3.a"}),
        ("qwen3guard", "Politically Sensitive Topics", {"A.1.a", "A.1.b", "A.1.c", "A.1.g"}),
        ("qwen3guard", "pii", {"A.4.e", "A.4.f"}),
        ("qwen3guard", "Personally Identifiable Information", {"A.4.e", "A.4.f"}),
        ("qwen3guard", "Copyright Violation", {"A.3.a"}),
        ("json", "A.4.c", {"A.4.c"}),
        ("json", "Violent", {"A.1.f", "A.4.a"}),
    ],
)
def test_anchor_mappings(family: Any, category: str, expected: set[str]) -> None:
    mapped = load_mapping().map(family, [category], KNOWN)
    assert set(mapped.risks) == expected
    assert not mapped.unspecified and mapped.unknown == ()


def test_unmapped_categories_fall_back_and_unknown_ones_are_kept() -> None:
    mapping = load_mapping()
    jailbreak = mapping.map("qwen3guard", ["Jailbreak"], KNOWN)
    assert jailbreak.risks == ("A.1.h",) and jailbreak.unspecified
    odd = mapping.map("llamaguard", ["S99", "S5"], KNOWN)
    assert odd.risks == ("A.4.c",) and odd.unknown == ("S99",)
    assert mapping.map("shieldlm", [], KNOWN).risks == ("A.1.h",)
    # a custom profile without some ids: mapped risks are limited to what it knows
    assert mapping.map("llamaguard", ["S7"], {"A.4.f", "A.1.h"}).risks == ("A.4.f",)


def test_a_table_naming_an_unknown_risk_is_refused() -> None:
    data = read_mapping_data()
    data["families"]["llamaguard"]["categories"]["S5"]["risks"] = ["A.9.z"]
    with pytest.raises(ConfigError, match=r"A\.9\.z"):
        parse_mapping(data, KNOWN)


def markdown_table() -> str:
    """The mapping table as docs/guard-models.md shows it (one row per category)."""
    mapping = load_mapping()
    rows = ["| family | category | risk ids | note |", "|---|---|---|---|"]
    for family in FAMILIES:
        for cat in mapping.families[family]:
            label = cat.key if cat.name == cat.key else f"{cat.key} {cat.name}"
            risks = ", ".join(cat.risks) or "—"
            rows.append(f"| {family} | {label} | {risks} | {cat.note} |")
        fallback = ", ".join(mapping.unspecified[family])
        rows.append(f"| {family} | *(flagged, no mapped category)* | {fallback} | stand-in |")
    return "\n".join(rows)


def test_docs_carry_the_same_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert markdown_table() in text, "regenerate the table in docs/guard-models.md"
    for risks, _note in load_mapping().no_counterpart:
        assert all(re.search(re.escape(r), text) for r in risks)
