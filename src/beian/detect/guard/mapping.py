"""Guard categories → the profile's risk ids, read from ``mapping.yaml`` (our own data).

Lookups are case-insensitive and accept aliases (Qwen3Guard's ``PII`` or its spelled-out form;
Llama Guard's ``S10`` or ``Hate``). A category the table does not know is kept, by name, as
evidence and never guessed at. When a flagged reply names no category that maps (ShieldLM
never names one), the family's ``unspecified`` risks stand in, so a flagged text keeps a risk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from beian.detect.guard.parse import FAMILIES, Family, Safety
from beian.errors import ConfigError

MAPPING_FILE = "mapping.yaml"


@dataclass(frozen=True, slots=True)
class CategoryRisks:
    """One guard category and the risk ids it stands for."""

    key: str
    """How the guard names it in replies (``Violent``, ``S10``)."""
    name: str
    """Human name (Llama Guard codes have one; otherwise the key)."""
    risks: tuple[str, ...]
    note: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mapped:
    """Risk ids for one reply's categories."""

    risks: tuple[str, ...]
    unknown: tuple[str, ...]
    """Category names no table knows (kept as evidence)."""
    unspecified: bool
    """The risks are the family's stand-ins: no named category mapped to a risk."""


@dataclass(frozen=True, slots=True)
class GuardMapping:
    """The whole table: per family its categories, plus scores and uncovered risks."""

    profile: str
    families: Mapping[Family, tuple[CategoryRisks, ...]]
    unspecified: Mapping[Family, tuple[str, ...]]
    scores: Mapping[Safety, float]
    no_counterpart: tuple[tuple[tuple[str, ...], str], ...]

    def _lookup(self, family: Family) -> dict[str, CategoryRisks]:
        # The JSON family is a guard of the user's own: it may use any family's names.
        sources = FAMILIES if family == "json" else (family,)
        table: dict[str, CategoryRisks] = {}
        for fam in sources:
            for cat in self.families[fam]:
                for name in (cat.key, cat.name, *cat.aliases):
                    table.setdefault(name.casefold(), cat)
        return table

    def map(self, family: Family, categories: Iterable[str], known: set[str]) -> Mapped:
        """Risk ids (limited to ``known``) for the categories a flagged reply named."""
        table = self._lookup(family)
        risks: list[str] = []
        unknown: list[str] = []
        for name in categories:
            if family == "json" and name in known:
                risks.append(name)  # a JSON guard may answer with risk ids directly
            elif (cat := table.get(name.casefold())) is not None:
                risks.extend(cat.risks)
            else:
                unknown.append(name)
        mapped = tuple(dict.fromkeys(r for r in risks if r in known))
        if mapped:
            return Mapped(mapped, tuple(unknown), unspecified=False)
        fallback = tuple(r for r in self.unspecified[family] if r in known)
        return Mapped(fallback, tuple(unknown), unspecified=True)

    def covered(self) -> set[str]:
        """Every risk id some category maps to."""
        return {r for cats in self.families.values() for c in cats for r in c.risks}


def _category(key: str, entry: Mapping[str, Any]) -> CategoryRisks:
    return CategoryRisks(
        key=key,
        name=str(entry.get("name") or key),
        risks=tuple(str(r) for r in entry.get("risks") or ()),
        note=str(entry.get("note") or ""),
        aliases=tuple(str(a) for a in entry.get("aliases") or ()),
    )


def parse_mapping(data: Mapping[str, Any], known: set[str]) -> GuardMapping:
    """Build and check the table: every risk id must be one of ``known``."""
    families: dict[Family, tuple[CategoryRisks, ...]] = {}
    unspecified: dict[Family, tuple[str, ...]] = {}
    for fam in FAMILIES:
        entry = data["families"][fam]
        cats = entry.get("categories") or {}
        families[fam] = tuple(_category(str(k), v) for k, v in cats.items())
        unspecified[fam] = tuple(str(r) for r in entry.get("unspecified") or ())
    gaps = tuple(
        (tuple(str(r) for r in g["risks"]), str(g.get("note") or ""))
        for g in data.get("no_counterpart") or ()
    )
    named = {r for cats in families.values() for c in cats for r in c.risks}
    named |= {r for rs in unspecified.values() for r in rs} | {r for rs, _ in gaps for r in rs}
    if bad := sorted(named - known):
        raise ConfigError(f"guard mapping names risk ids the profile lacks: {', '.join(bad)}")
    scores = data.get("scores") or {}
    return GuardMapping(
        profile=str(data.get("profile") or ""),
        families=families,
        unspecified=unspecified,
        scores={"unsafe": float(scores["unsafe"]), "controversial": float(scores["controversial"])},
        no_counterpart=gaps,
    )


def read_mapping_data() -> dict[str, Any]:
    """The shipped ``mapping.yaml`` as loaded YAML."""
    ref = resources.files("beian.detect.guard").joinpath(MAPPING_FILE)
    data: dict[str, Any] = yaml.safe_load(ref.read_text(encoding="utf-8"))
    return data


@cache
def load_mapping() -> GuardMapping:
    """The shipped table, checked against the profile it was written for."""
    from beian.standard import load_profile

    data = read_mapping_data()
    profile = load_profile(str(data["profile"]))
    return parse_mapping(data, set(profile.risk_ids()))
