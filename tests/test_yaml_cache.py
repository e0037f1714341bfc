"""The parsed-YAML cache (``beian.cachedir.yaml_data``): the value the safe loader builds, the
same on the first and every later read, with YAML's own errors, and no PyYAML import once
cached."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from beian.cachedir import CACHE_ENV, yaml_data

REPO = Path(__file__).resolve().parents[1]

TEXT = """\
profile: 测试
published: 2024-03-01
count: 3
rate: 0.25
flag: yes
1: int key
2.5: float key
nested:
  - {id: A.1.a, names: [一, 二], when: 2025-11-01T08:00:00}
  - ~
"""


def _exact(a: object, b: object) -> bool:
    """Equal, with the same types all the way down (``1 == 1.0 == True`` does not count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return list(a) == list(b) and all(
            _exact(k, j) and _exact(a[k], b[j]) for k, j in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(_exact(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (REPO / "src" / "beian").rglob("*.yaml") if "__pycache__" not in p.parts),
    ids=lambda p: str(p.relative_to(REPO / "src" / "beian")),
)
def test_every_shipped_yaml_file_reads_as_the_safe_loader_reads_it(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    text = path.read_text("utf-8")
    expected = yaml.safe_load(text)
    first, second = yaml_data(text), yaml_data(text)  # built, then loaded from the cache
    assert len(list((tmp_path / "yaml").iterdir())) == 1
    assert _exact(first, expected) and _exact(second, expected)


def test_types_keys_and_order_survive_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    expected = yaml.safe_load(TEXT)
    assert isinstance(expected["published"], datetime.date) and 1 in expected and 2.5 in expected
    for _ in range(2):
        assert _exact(yaml_data(TEXT), expected)
    # each read is a fresh value: a caller that edits it does not change the next read
    yaml_data(TEXT)["nested"].clear()
    assert _exact(yaml_data(TEXT), expected)


def test_invalid_yaml_raises_as_the_loader_does_and_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    with pytest.raises(yaml.YAMLError):
        yaml_data("a: [1, 2\nb: }")
    assert not (tmp_path / "yaml").exists() or not list((tmp_path / "yaml").iterdir())


def test_a_broken_cache_entry_is_read_again_and_caching_can_be_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    yaml_data(TEXT)
    (entry,) = (tmp_path / "yaml").iterdir()
    entry.write_bytes(b"not a pickle")
    assert _exact(yaml_data(TEXT), yaml.safe_load(TEXT))
    assert entry.read_bytes() != b"not a pickle"
    monkeypatch.setenv(CACHE_ENV, "")
    assert _exact(yaml_data("x: 1"), {"x": 1})
    assert len(list((tmp_path / "yaml").iterdir())) == 1


def test_a_cached_read_does_not_import_pyyaml(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import sys
        from beian.cachedir import yaml_data
        print(yaml_data({TEXT!r})["profile"], "yaml" in sys.modules)
    """)
    env = {**os.environ, CACHE_ENV: str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs == [["测试", "True"], ["测试", "False"]]
