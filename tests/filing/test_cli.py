"""``beian filing …`` through the real entry point (``beian.cli.main.run``, what the console script runs).

Most calls run it in-process (a subprocess costs seconds per call on a shared machine); one
test runs ``python -m beian`` in a subprocess to prove the one-line user error and exit code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.filing.lists import SAMPLE_CSV, write_swapped_xlsx


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


Cli = Callable[..., Done]


@pytest.fixture
def beian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """``beian(*args)``: the console-script entry point run in-process, in ``tmp_path``."""
    from beian.cli.main import run

    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)

    def call(*args: str) -> Done:
        capsys.readouterr()
        try:
            run(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out = capsys.readouterr()
        return Done(code, out.out, out.err)

    return call


def ok(beian: Cli, *args: str) -> str:
    done = beian(*args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def user_error(beian: Cli, *args: str) -> str:
    done = beian(*args)
    assert done.returncode == 2, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: ")
    assert len(done.stderr.strip().splitlines()) == 1
    return done.stderr


def test_user_error_in_a_real_process_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "beian", "filing", "list", "-w", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        == f"error: {tmp_path}: no beian.toml here; give -w DIR (a workspace) or --store URL"
    )


def test_public_list_import_and_lookup(beian: Cli, tmp_path: Path) -> None:
    ok(beian, "init", "-w", "ws", "--provider", "某公司", "--service", "某对话服务")
    out = ok(beian, "filing", "import-list", "-w", "ws", str(SAMPLE_CSV))
    assert "批次 1：共 9 行，导入 8，重复 0，拒绝 1（其中表头/空行 1）" in out
    xlsx = write_swapped_xlsx(tmp_path / "第二批.xlsx")
    out = ok(beian, "filing", "import-list", "-w", "ws", str(xlsx), "--lang", "en")
    assert "batch 2: 11 rows, 4 imported, 1 duplicate, 6 rejected" in out
    assert "第二批!4 rejected: 备案号 Beijing-XiaoMiaoXueBan-202513020004" in out
    assert "column 3 is headed model_name but holds company" in out
    found = ok(beian, "filing", "lookup", "-w", "ws", "粤语通")
    assert "Guangdong-YueYuTong-202503150009" in found and "深圳粤声科技有限公司" in found
    hits = json.loads(ok(beian, "filing", "lookup", "-w", "ws", "--json",
                          "beijing-xingheduihua-202405100007"))  # fmt: skip
    assert [h["name"] for h in hits] == ["星河对话大模型"]
    missing = beian("filing", "lookup", "-w", "ws", "小苗学伴")
    assert missing.returncode == 1 and "未找到" in missing.stdout
    batches = ok(beian, "filing", "batches", "-w", "ws", "--lang", "en")
    assert "imported 8 duplicate 0 rejected 1" in batches
    assert "imported 4 duplicate 1 rejected 6" in batches
    user_error(beian, "filing", "import-list", "-w", "ws", "nope.xlsx")


def test_register_walk_clocks_display_and_audit(beian: Cli, tmp_path: Path) -> None:
    ok(beian, "init", "-w", "ws", "--provider", "某公司", "--service", "某对话服务")
    out = ok(beian, "filing", "add", "-w", "ws", "--type", "登记", "--name", "某对话服务",
              "--base-model", "星河对话大模型", "--base-model-number",
              "Beijing-XingHeDuiHua-202405100007")  # fmt: skip
    assert out.startswith("已加入登记簿：#1 某对话服务 [登记] 草稿")
    assert "cannot go from draft to filed" in user_error(
        beian, "filing", "status", "-w", "ws", "1", "filed"
    )
    ok(beian, "filing", "status", "-w", "ws", "1", "submitted")
    assert "--on: '2026-13-01' is not a date (use YYYY-MM-DD)" in user_error(
        beian, "filing", "event", "-w", "ws", "1", "changed", "--on", "2026-13-01"
    )
    assert "reason" in user_error(beian, "filing", "status", "-w", "ws", "1", "returned")
    ok(beian, "filing", "status", "-w", "ws", "1", "退回", "--reason", "补充附件5")
    ok(beian, "filing", "add", "-w", "ws", "--type", "algorithm_filing", "--name", "某算法",
        "--launched-on", "2026-02-12")  # fmt: skip
    due = beian("filing", "due", "-w", "ws", "--today", "2026-03-05", "--strict",
                 "--lang", "en")  # fmt: skip
    assert due.returncode == 1 and "filing overdue: due 2026-03-04" in due.stdout
    page = tmp_path / "about.html"
    page.write_text("<p>星河对话大模型 Beijing-XingHeDuiHua-202405100007</p>", encoding="utf-8")
    assert "已展示" in ok(beian, "filing", "check-display", "-w", "ws", "1", "--file", str(page))
    page.write_text("<p>星河对话大模型</p>", encoding="utf-8")
    bad = beian("filing", "check-display", "-w", "ws", "1", "--file", str(page))
    assert bad.returncode == 1 and "未找到" in bad.stdout
    run = tmp_path / "ws" / "runs" / "r1"
    (run / "report" / "attachments").mkdir(parents=True)
    (run / "assessment.json").write_text('{"run_id": "r1"}', encoding="utf-8")
    (run / "report" / "attachments" / "附件4_拦截关键词列表.xlsx").write_bytes(b"PK fictional")
    out = ok(beian, "filing", "attach", "-w", "ws", "1", str(run), "--lang", "en")
    assert "attached 3 file(s)" in out and "annex4" in out and "attestations.yaml" in out
    shown = json.loads(ok(beian, "filing", "show", "-w", "ws", "1", "--json"))
    assert [e["to_status"] for e in shown["events"] if e["kind"] == "status"] == [
        "draft", "submitted", "returned"]  # fmt: skip
    assert {f["now"] for f in shown["dossier"]} == {"ok"}
    verify = beian("gateway", "audit", "verify", "-w", "ws")
    assert verify.returncode == 0 and "Audit chain intact" in verify.stderr
