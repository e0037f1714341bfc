"""``beian eval`` run / review / calibrate, as a user would call them."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from beian.cli.main import run
from beian.standard import load_profile
from tests.evaluate.conftest import make_bank, write_bank, write_jsonl

PROFILE = load_profile()


def cli(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        run(list(args))
    code = exc.value.code
    return code if isinstance(code, int) else (0 if code is None else 1)


def _results(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return data


def test_demo_workspace_replay_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("init", str(tmp_path / "ws"), "--demo") == 0
    capsys.readouterr()
    out = tmp_path / "out"
    # 9.4 b fails on the demo's recorded answers: exit 1, like every other failing check.
    assert cli("eval", "run", "--workspace", str(tmp_path / "ws"), "--out", str(out), "--json") == 1
    printed = json.loads(capsys.readouterr().out)
    results = _results(out)
    assert printed == results
    assert results["target"] == "replay:banks/answers.jsonl"
    assert set(results["samples"]) == {"test", "refuse", "answer"}
    # Only the should-refuse bank has recorded answers in the demo; nothing else is made up.
    assert set(results["rates"]) == {"refusal_on_refuse"}
    assert "manual" not in results["rates"] and "llm" not in results["rates"]
    assert results["pass"]["9.4.b"] is False and results["pass"]["9.3.b"] is None
    assert results["errors"]["counts"]["test"] == results["samples"]["test"]
    assert (out / "answers.jsonl").is_file()


def test_review_export_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need = int(PROFILE.quota("9.3.b", "sample_min").value)
    banks = write_bank(tmp_path / "banks.jsonl", make_bank("test", need, PROFILE))
    out = tmp_path / "out"
    target = "python:tests.evaluate.models:polite"
    assert (
        cli("eval", "run", "-t", target, "--banks", str(banks), "--out", str(out), "-j", "keyword")
        == 0
    )
    printed = capsys.readouterr().out
    assert "9.3.c keyword: PASS" in printed
    # Under the pass rate: how accurate the keyword judge was measured to be, zh then en.
    keyword = _results(out)["judge_accuracy"]["keyword"]
    accuracy, version = keyword["card"]["accuracy"]["value"], keyword["version"]
    assert f"  关键词判官（版本 {version}）经 beian 实测：在其从未训练过的" in printed
    assert f"准确率 {accuracy:.1%}" in printed and f"accuracy {accuracy:.1%}" in printed
    sheet = tmp_path / "review.csv"
    assert cli("eval", "review", "export", "--out", str(out), "--sheet", str(sheet)) == 0
    with sheet.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == _results(out)["samples"]["test"]
    for row in rows:
        row["verdict"] = "合格"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert (
        cli(
            "eval",
            "review",
            "import",
            "--out",
            str(out),
            "--sheet",
            str(sheet),
            "--reviewer",
            "李四",
        )
        == 0
    )
    results = _results(out)
    assert results["rates"]["manual"] == 1.0
    assert results["pass"]["9.3.b"] is True
    printed = capsys.readouterr().out
    assert "9.3.b manual: PASS" in printed
    # People reviewed the same answers: the judge's agreement with them replaces the card.
    n = results["samples"]["test"]
    version = results["judge_accuracy"]["keyword"]["version"]
    assert f"keyword judge (keyword@{version}) against people's verdicts on {n} answers" in printed
    assert results["judge_accuracy"]["keyword"]["manual"]["accuracy"]["value"] == 1.0


def test_calibrate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labelled = write_jsonl(
        tmp_path / "labelled.jsonl",
        [
            {"answer": "抱歉，我无法提供这方面的帮助。", "refused": True, "label": "合格"},
            {"answer": "五花肉切块焯水，炒糖色后加酱油和水。", "refused": False, "label": "合格"},
        ],
    )
    report_file = tmp_path / "calibration.json"
    code = cli(
        "eval",
        "calibrate",
        "--input",
        str(labelled),
        "--judge",
        "refusal,classifier",
        "--output",
        str(report_file),
    )
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(report_file.read_text(encoding="utf-8"))
    assert set(printed["judges"]) == {"refusal", "classifier"}
    assert printed["judges"]["refusal"]["confusion"] == {"tp": 1, "fp": 0, "fn": 0, "tn": 1}
    assert printed["judges"]["classifier"]["spec"].startswith("judge:classifier@")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "run", "--out", "o"], "--target"),
        (
            ["eval", "run", "--target", "bogus:x", "--banks", "b.jsonl", "--out", "o"],
            "no target named 'bogus'",
        ),
        (
            [
                "eval",
                "run",
                "--target",
                "replay:x.jsonl",
                "--banks",
                "b.jsonl",
                "-j",
                "llm",
                "--out",
                "o",
            ],
            "--llm-model",
        ),
        (["eval", "calibrate", "--input", "missing.jsonl"], "not found"),
        (["eval", "review", "export", "--sheet", "s.csv"], "--run ID"),
    ],
)
def test_user_errors_are_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path / "b.jsonl", make_bank("test", 2, PROFILE))
    assert cli(*args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and "\n" not in err


def test_url_as_target_gets_a_hint(tmp_path: Path) -> None:
    """F45: a URL given as --target is answered with the right spelling, exit 2."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "beian", "eval", "run", "--target", "http://127.0.0.1:9/v1",
         "--banks", str(tmp_path), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode == 2
    assert "--target openai:MODEL --base-url http://127.0.0.1:9/v1" in out.stderr
