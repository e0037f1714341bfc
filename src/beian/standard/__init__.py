"""The standard as data: versioned profiles of risks, topics, clauses and thresholds.

The names below are imported on first use: a detector that needs only the risk names
(:mod:`beian.standard.index`) does not pay for the schema and the profile loader.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from beian.standard.index import DEFAULT_PROFILE

if TYPE_CHECKING:
    from beian.standard.loader import builtin_profiles, export_profile, load_profile
    from beian.standard.schema import Category, Clause, Profile, Risk, Threshold, Topic

_LAZY = {
    "builtin_profiles": "beian.standard.loader",
    "export_profile": "beian.standard.loader",
    "load_profile": "beian.standard.loader",
    "Category": "beian.standard.schema",
    "Clause": "beian.standard.schema",
    "Profile": "beian.standard.schema",
    "Risk": "beian.standard.schema",
    "Threshold": "beian.standard.schema",
    "Topic": "beian.standard.schema",
}

__all__ = [
    "DEFAULT_PROFILE",
    "Category",
    "Clause",
    "Profile",
    "Risk",
    "Threshold",
    "Topic",
    "builtin_profiles",
    "export_profile",
    "load_profile",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
