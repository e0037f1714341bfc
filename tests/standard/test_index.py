"""``beian.standard.index.risk_names``: the risks of a profile as the loaded profile has them,
cached for the built-in profiles, loaded each time for a file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from beian.cachedir import CACHE_ENV
from beian.errors import ConfigError
from beian.standard import builtin_profiles, load_profile
from beian.standard.index import _cached, risk_names


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    _cached.cache_clear()


@pytest.mark.parametrize("name", builtin_profiles())
def test_builtin_profiles_name_their_risks_as_the_loaded_profile(name: str, tmp_path: Path) -> None:
    expected = [(r.id, r.name_zh) for r in load_profile(name).risks]
    assert list(risk_names(name).items()) == expected
    assert len(list((tmp_path / "cache" / "standard").iterdir())) == 1
    _cached.cache_clear()
    assert list(risk_names(name).items()) == expected  # from the cache file


def test_a_profile_file_is_loaded_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "extends: tc260-003-2024\nprofile: mine\nrisks_patch:\n  A.1.a: {name_zh: 改过的名字}\n",
        "utf-8",
    )
    names = risk_names(str(path))
    assert names["A.1.a"] == "改过的名字" and len(names) == 31
    assert not (tmp_path / "cache" / "standard").exists()


def test_an_unknown_profile_fails_as_load_profile_does() -> None:
    with pytest.raises(ConfigError) as loaded:
        load_profile("no-such-profile")
    with pytest.raises(ConfigError) as indexed:
        risk_names("no-such-profile")
    assert str(indexed.value) == str(loaded.value)


def test_a_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    expected = risk_names()
    (entry,) = (tmp_path / "cache" / "standard").iterdir()
    entry.write_text('{"not": "pairs"}', "utf-8")
    _cached.cache_clear()
    assert risk_names() == expected
    assert entry.read_text("utf-8").startswith("[[")


def test_the_solicit_detector_does_not_load_the_profile_once_cached(tmp_path: Path) -> None:
    code = textwrap.dedent("""
        import sys
        from beian.registry import registry
        registry.create("detector", "solicit")
        print(sorted(m for m in sys.modules if m.startswith(("beian.standard.", "yaml"))))
    """)
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert "beian.standard.loader" in runs[0]
    assert runs[1] == "['beian.standard.index']"
