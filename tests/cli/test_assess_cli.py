"""``beian assess`` as a user runs it: a compact summary that fits 80 columns, details on demand."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.cells import cell_len

from beian.standard import load_profile

_STATUS = ("符合", "不符合", "不适用", "待确认")


@dataclass(frozen=True)
class Assessed:
    root: Path
    summary: subprocess.CompletedProcess[str]


def _run(*args: str, cwd: Path, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COLUMNS": str(columns),
        "NO_COLOR": "1",
        "XDG_DATA_HOME": str(cwd / "xdg"),
    }
    return subprocess.run(
        [sys.executable, "-m", "beian", *args],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=600, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Assessed:
    cwd = tmp_path_factory.mktemp("assess-cli")
    made = _run("init", "-w", "ws", "--demo", cwd=cwd)
    assert made.returncode == 0, made.stderr
    summary = _run("assess", "-w", "ws", "--no-report", cwd=cwd)
    assert summary.returncode == 0, summary.stderr
    return Assessed(cwd / "ws", summary)


def test_summary_fits_80_columns_one_line_per_clause(assessed: Assessed) -> None:
    lines = assessed.summary.stdout.splitlines()
    too_wide = [line for line in lines if cell_len(line) > 80]
    assert not too_wide, too_wide
    profile = load_profile("tc260-003-2024")
    ids = [c.id for c in profile.clauses]
    clause_lines = [line for line in lines if line.split(" ", 1)[0] in ids]
    assert [line.split()[0] for line in clause_lines] == ids
    for line in clause_lines:
        assert line.split()[1] in _STATUS, line
    # Totals, and no Python or JSON structures anywhere.
    assert any(line.startswith("符合 ") and "待确认" in line for line in lines)
    out = assessed.summary.stdout
    assert "{'" not in out and "['" not in out and '{"' not in out
    # A measured shortfall is shown in Chinese with its figures.
    line_81a = next(line for line in clause_lines if line.startswith("8.1.a "))
    assert "不符合" in line_81a and "关键词总数" in line_81a and "10000" in line_81a


def test_details_table_and_the_legacy_positional_form(assessed: Assessed) -> None:
    cwd = assessed.root.parent
    done = _run("assess", "ws", "--details", "--no-report", cwd=cwd, columns=250)
    assert done.returncode == 0, done.stderr
    assert "证据与数据" in done.stdout, done.stdout[:800]
    assert "违法不良信息占比:" in done.stdout and "限值 5.0%" in done.stdout, done.stdout[:2000]
    assert "{'" not in done.stdout and "'total':" not in done.stdout


def test_wrong_workspace_paths_get_the_right_hint(tmp_path: Path) -> None:
    typo = _run("assess", "-w", "no-such-dir", cwd=tmp_path)
    assert typo.returncode != 0
    assert typo.stderr.strip().splitlines() == [
        "error: no-such-dir: no such folder (create a workspace with 'beian init -w no-such-dir')"
    ]
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "beian.toml").write_text("", encoding="utf-8")
    config = _run("assess", "-w", "ws/beian.toml", cwd=tmp_path)
    assert config.returncode != 0
    assert "give the folder that holds beian.toml: -w ws" in config.stderr
    both = _run("assess", "a", "-w", "b", cwd=tmp_path)
    assert both.returncode != 0 and "two workspaces given" in both.stderr


def test_runs_are_named_and_chosen_explicitly(assessed: Assessed) -> None:
    import json
    import re

    cwd = assessed.root.parent
    # the assessment run has a readable id, and the notes say which scan was used (F06, F29)
    assert re.search(r"runs/\d{8}-\d{6}-assess", assessed.summary.stdout), assessed.summary.stdout
    scan = re.search(
        r"corpus scan used: run ([\w-]+)|语料技术抽检采用运行 ([\w-]+)", assessed.summary.stderr
    )
    assert scan, assessed.summary.stderr
    scan_id = scan.group(1) or scan.group(2)
    chosen = _run("assess", "-w", "ws", "--no-report", "--json", "--scan-run", scan_id, cwd=cwd)
    assert chosen.returncode == 0, chosen.stderr
    assert scan_id in chosen.stderr
    clause = next(c for c in json.loads(chosen.stdout)["clauses"] if c["clause"] == "9.2.b")
    assert any(e["ref"] == scan_id for e in clause["evidence"])
    bad = _run("assess", "-w", "ws", "--no-report", "--scan-run", "nope", cwd=cwd)
    assert bad.returncode == 2 and "no corpus scan run 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr
