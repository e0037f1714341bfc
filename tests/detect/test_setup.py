"""One detection setup per workspace: every entry point resolves the same detectors and library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from beian.detect.defaults import DEFAULT_DETECTORS
from beian.detect.setup import resolve_setup
from beian.errors import ConfigError
from beian.workspace import init_workspace, load_workspace

BEIAN = Path(sys.executable).parent / "beian"
TERM = "紫罗兰暗号"  # a made-up term only our test library knows


def _workspace(root: Path, extra: str = "") -> Path:
    init_workspace(root)
    lib = root / "keywords" / "company.jsonl"
    lib.write_text(json.dumps({"term": TERM, "risk": "A.1.h"}, ensure_ascii=False) + "\n", "utf-8")
    if extra:
        with (root / "beian.toml").open("a", encoding="utf-8") as fh:
            fh.write(extra)
    return root


def test_defaults_without_a_workspace() -> None:
    setup = resolve_setup(None)
    assert setup.detectors == DEFAULT_DETECTORS
    assert setup.library is None and setup.origin == "beian defaults"
    assert setup.digest() == resolve_setup(None).digest()
    assert len(setup.digest()) == 64


def test_workspace_library_is_used_and_fingerprinted(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path / "ws"))
    setup = resolve_setup(ws, detectors=["keyword"])
    assert setup.library == str((tmp_path / "ws" / "keywords").resolve())
    assert setup.detector_set().check(f"他发来{TERM}").flagged
    before = setup.digest()
    (tmp_path / "ws" / "keywords" / "company.jsonl").write_text(
        json.dumps({"term": "另一个词语", "risk": "A.1.h"}, ensure_ascii=False) + "\n", "utf-8"
    )
    assert resolve_setup(ws, detectors=["keyword"]).digest() != before  # content, not path


def test_detection_table_in_beian_toml(tmp_path: Path) -> None:
    extra = '\n[detection]\ndetectors = ["keyword"]\n[detection.scoring]\nthreshold = 0.9\n'
    ws = load_workspace(_workspace(tmp_path / "ws", extra))
    setup = resolve_setup(ws)
    assert setup.detectors == ("keyword",)
    assert setup.scoring_options().threshold == 0.9
    assert setup.describe()["origin"].startswith("workspace ")


def test_missing_configured_library_is_a_config_error(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path / "ws", '\n[detection]\nlibrary = "nope.csv"\n'))
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_setup(ws)


def test_unknown_detection_key_is_rejected(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws", '\n[detection]\ndetector = ["keyword"]\n')
    with pytest.raises(ConfigError, match="detection"):
        load_workspace(root)


def test_cli_detect_uses_the_workspace_setup(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws", '\n[detection]\ndetectors = ["keyword"]\n')
    env = {**os.environ, "NO_COLOR": "1"}
    run = [str(BEIAN), "detect", f"他发来{TERM}", "--json"]
    plain = subprocess.run(run, capture_output=True, text=True, env=env, check=False, timeout=120)
    with_ws = subprocess.run(
        [*run, "-w", str(root)], capture_output=True, text=True, env=env, check=False, timeout=120
    )
    assert with_ws.returncode == 0, with_ws.stderr
    assert json.loads(with_ws.stdout)["flagged"] is True
    assert json.loads(with_ws.stdout)["setup"]["detectors"] == ["keyword"]
    assert json.loads(plain.stdout)["flagged"] is False
