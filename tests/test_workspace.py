from __future__ import annotations

from pathlib import Path

import pytest

from beian.errors import ConfigError
from beian.workspace import WorkspaceConfig, init_workspace, load_workspace


def test_init_creates_folders_and_config(tmp_path: Path) -> None:
    cfg = WorkspaceConfig(provider="某公司", service="某服务", language="en")
    ws = init_workspace(tmp_path / "w", config=cfg)
    for name in ("keywords", "banks", "attestations", "labels", "runs"):
        assert ws.path(name).is_dir()
    assert ws.path("corpus").parent.is_dir()
    again = load_workspace(tmp_path / "w")
    assert again.config.provider == "某公司" and again.config.language == "en"
    assert ws.store_url() == f"sqlite:///{(tmp_path / 'w' / 'runs' / 'beian.db').resolve()}"


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    with pytest.raises(ConfigError, match="already exists"):
        init_workspace(tmp_path)
    init_workspace(tmp_path, force=True)


def test_env_and_overrides_win_over_file(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    ws = load_workspace(
        tmp_path, env={"BEIAN_PROFILE": "gb-t-45654-2025"}, overrides={"language": "en"}
    )
    assert ws.config.profile == "gb-t-45654-2025"
    assert ws.profile().profile == "gb-t-45654-2025"
    assert ws.config.language == "en"


def test_workspace_profile_file_relative_to_root(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    (tmp_path / "strict.yaml").write_text(
        "extends: tc260-003-2024\nprofile: strict\nclauses_patch:\n"
        "  9.2.a:\n    thresholds:\n      - {key: qualified_rate_min, value: 0.99}\n",
        encoding="utf-8",
    )
    ws = load_workspace(tmp_path, overrides={"profile": "strict.yaml"})
    assert ws.profile().quota("9.2.a", "qualified_rate_min").value == 0.99


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("language = 'fr'\n", "language"),
        ("profile = 'missing-profile'\n", "neither a built-in"),
        ("unknown_key = 1\n", "unknown_key"),
        ("= broken", "not valid TOML"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "beian.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_workspace(tmp_path)


def test_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a beian workspace"):
        load_workspace(tmp_path)


def test_demo_workspace_has_target(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "demo", demo=True)
    assert ws.config.target.spec == "replay:banks/answers.jsonl"
    assert "demo" in ws.config.provider
