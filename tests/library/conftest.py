"""Shared fixtures for the library tests: a profile file with changed quotas."""

from __future__ import annotations

from pathlib import Path

import pytest

from beian.standard import load_profile
from beian.standard.schema import Profile

SMALL_PROFILE = """\
extends: tc260-003-2024
profile: small-quotas
clauses_patch:
  "8.1.a":
    thresholds:
      - {key: keywords_total_min, value: 3}
  "8.1.b":
    thresholds:
      - {key: keywords_per_risk_min, value: 2}
      - {key: keywords_per_risk_min_a2, value: 1}
"""


@pytest.fixture
def small_profile_path(tmp_path: Path) -> Path:
    """A profile that extends TC260-003 with tiny keyword quotas."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_PROFILE, encoding="utf-8")
    return path


@pytest.fixture
def small_profile(small_profile_path: Path) -> Profile:
    """The loaded small-quota profile."""
    return load_profile(str(small_profile_path))
