"""The standard as data: versioned profiles of risks, topics, clauses and thresholds."""

from __future__ import annotations

from beian.standard.loader import DEFAULT_PROFILE, builtin_profiles, export_profile, load_profile
from beian.standard.schema import Category, Clause, Profile, Risk, Threshold, Topic

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
