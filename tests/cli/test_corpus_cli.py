"""``beian corpus …`` as a user runs it (real subprocess, real files)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from tests.cli.conftest import Runner

DEMO = Path(__file__).resolve().parents[2] / "src" / "beian" / "demo" / "corpus" / "manifest.yaml"


def test_sources_check_ok_and_findings(beian: Runner, tmp_path: Path) -> None:
    ok = beian("corpus", "sources", "check", str(DEMO))
    assert ok.returncode == 0, ok.stderr
    assert "ok" in ok.stdout
    (tmp_path / "data.jsonl").write_text('{"text": "你好"}\n', "utf-8")
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {"name": "web", "type": "self-collected", "languages": ["zh"], "origin": "domestic",
                     "files": ["data.jsonl"]},
                    {"name": "users", "type": "user-input", "languages": ["en"], "origin": "foreign",
                     "consent_record": "consent/records.csv", "files": ["data.jsonl"]},
                ]
            }
        ),
        "utf-8",
    )  # fmt: skip
    bad = beian("corpus", "sources", "check", str(manifest), "--json")
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    messages = [(i["clause"], i["source"], i["message"]) for i in report["issues"]]
    assert (
        "5.1.c",
        "web",
        "self-collected source without a collection record (collection_record)",
    ) in messages
    assert (
        "5.1.c",
        "web",
        "robots.txt / opt-out compliance not recorded (robots_honoured)",
    ) in messages
    assert ("5.1.c", "users", "consent_record file not found: consent/records.csv") in messages
    assert any(c == "5.1.b" and "zh/text: 1 source(s)" in m for c, _s, m in messages)
    assert any(c == "5.1.b" and "en/text: only foreign" in m for c, _s, m in messages)


def test_assess_json_contract_on_the_demo_corpus(beian: Runner, tmp_path: Path) -> None:
    res = beian(
        "corpus", "assess", str(DEMO), "--out", "out", "--detectors", "pii", "-j", "1", "--json"
    )
    assert res.returncode in (0, 1), res.stderr
    summary = json.loads(res.stdout)
    assert summary["profile"] == "tc260-003-2024"
    assert (summary["items"], summary["errors"], summary["sampled"]) == (400, 0, 400)
    lo, hi = summary["qualified_ci"]
    assert 0 <= lo <= summary["qualified_rate"] <= hi <= 1
    assert [s["name"] for s in summary["sources"]] == ["cold", "novels", "poetry"]
    for s in summary["sources"]:
        assert set(s) >= {"name", "items", "flagged", "flagged_rate", "ci", "verdict"}
        assert s["verdict"] in ("usable", "exclude")
    assert summary["legacy_encodings"] == {"poetry.csv": "gb18030"}
    assert isinstance(summary["risks"], dict) and summary["run_id"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))["items"] == 400
    assert (tmp_path / "out" / "beian.db").is_file()


def test_user_errors_are_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from beian.cli.main import run

    monkeypatch.chdir(tmp_path)
    for args, needle in (
        (("corpus", "assess", "nope.yaml", "--out", "o"), "corpus manifest not found"),
        (
            ("corpus", "assess", str(DEMO), "--out", "o", "--sample-rate", "0.05", "-d", "pii"),
            "9.2.b",
        ),
        (
            ("corpus", "assess", str(DEMO), "--out", "o", "--executor", "slurm", "-d", "pii"),
            "local or ray",
        ),
        (
            ("corpus", "assess", str(DEMO), "--out", "o", "-d", "nosuch"),
            "no detector named 'nosuch'",
        ),
        (("corpus", "verdicts", "import", "missing.csv"), "verdicts file not found"),
    ):
        with pytest.raises(SystemExit) as exit_:
            run(list(args))
        err = capsys.readouterr().err
        assert exit_.value.code == 2, (args, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], err


def test_sample_then_verdicts_import(beian: Runner, tmp_path: Path) -> None:
    res = beian(
        "corpus", "sample", str(DEMO), "--n", "40", "--seed", "3", "--out", "s.csv", "--json"
    )
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["n"] == 40 and sum(summary["allocation"].values()) == 40
    with (tmp_path / "s.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows):
        row["verdict"] = "unqualified" if i == 0 else "qualified"
    with (tmp_path / "done.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    res = beian(
        "corpus",
        "verdicts",
        "import",
        "done.csv",
        "--store",
        f"sqlite:///{tmp_path / 'beian.db'}",
        "--json",
    )
    assert res.returncode == 1, res.stderr  # 40 reviewed < the profile's 4,000
    scored = json.loads(res.stdout)
    assert (scored["reviewed"], scored["qualified"]) == (40, 39)
    assert scored["fail_reasons"] == ["40 items reviewed, at least 4000 required"]


def test_workspace_mode_uses_the_workspace_manifest_and_store(
    beian: Runner, tmp_path: Path
) -> None:
    assert beian("init", "ws", "--demo").returncode == 0
    res = beian("corpus", "filter", "-w", "ws", "-d", "pii", "-j", "1")
    assert res.returncode == 0, res.stderr
    assert "input 400 = clean" in res.stdout
    summary = json.loads(
        (tmp_path / "ws" / "runs" / "corpus-filter" / "summary.json").read_text("utf-8")
    )
    assert summary["accounted"] and summary["input"] == 400
