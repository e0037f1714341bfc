"""The one gate for tests that read ../shared: skip on a fresh clone, fail where CI requires it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED_REASON, require_shared


@pytest.fixture
def no_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    missing = tmp_path / "no-shared-here"
    monkeypatch.setenv("BEIAN_SHARED", str(missing))
    monkeypatch.delenv("BEIAN_REQUIRE_SHARED", raising=False)
    return missing


def test_missing_shared_skips_with_the_reason(no_shared: Path) -> None:
    with pytest.raises(pytest.skip.Exception) as exc:
        require_shared("spec", "REGULATION.md")
    assert SHARED_REASON in str(exc.value) and str(no_shared / "spec") in str(exc.value)


def test_missing_shared_fails_when_required(
    no_shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEIAN_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception) as exc:
        require_shared()
    assert str(no_shared / "data") in str(exc.value)


def test_present_shared_gives_the_path(no_shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (no_shared / "data").mkdir(parents=True)
    (no_shared / "spec").mkdir()
    (no_shared / "spec" / "REGULATION.md").write_text("# 规定\n", encoding="utf-8")
    monkeypatch.setenv("BEIAN_REQUIRE_SHARED", "1")
    assert require_shared() == no_shared
    assert require_shared("spec", "REGULATION.md").read_text(encoding="utf-8") == "# 规定\n"
