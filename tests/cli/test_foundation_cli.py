from __future__ import annotations

import json
from pathlib import Path

import pytest

from beian import __version__
from tests.cli.conftest import Runner


def test_version(beian: Runner) -> None:
    r = beian("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"beian {__version__}"


def test_help_lists_command_groups(beian: Runner) -> None:
    r = beian("--help")
    assert r.returncode == 0
    for word in ("assess", "init", "risks", "standard", "plugins"):
        assert word in r.stdout


def test_risks_json_contract(beian: Runner) -> None:
    r = beian("risks", "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert len(data) == 31
    assert data[0] == {
        "id": "A.1.a",
        "category": "A.1",
        "name_zh": "煽动颠覆国家政权、推翻社会主义制度",
        "name_en": "Incitement to subvert state power or overthrow the socialist system",
    }
    assert {d["category"] for d in data} == {"A.1", "A.2", "A.3", "A.4", "A.5"}


def test_standard_show_json_contract(beian: Runner) -> None:
    r = beian("standard", "show", "--profile", "gb-t-45654-2025", "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert data["profile"] == "gb-t-45654-2025" and data["version"]
    clause = next(c for c in data["clauses"] if c["id"] == "9.2.a")
    assert set(clause) == {
        "id", "title_zh", "title_en", "kind", "thresholds", "confidence", "refs", "applies_if"
    }  # fmt: skip
    assert [(r["number"], r["exact"]) for r in clause["refs"]] == [("B", False)]
    figures = {t["key"]: t["value"] for t in clause["thresholds"]}
    assert figures == {"sample_min": 4000, "qualified_rate_min": 0.96}


def test_export_then_use_edited_profile(beian: Runner, tmp_path: Path) -> None:
    r = beian("standard", "export")
    assert r.returncode == 0
    edited = r.stdout.replace("profile: tc260-003-2024", "profile: acme", 1).replace(
        "value: 0.96", "value: 0.97", 1
    )
    (tmp_path / "acme.yaml").write_text(edited, encoding="utf-8")
    shown = json.loads(beian("standard", "show", "--profile", "acme.yaml", "--json").stdout)
    clause = next(c for c in shown["clauses"] if c["id"] == "9.2.a")
    assert shown["profile"] == "acme"
    assert {t["key"]: t["value"] for t in clause["thresholds"]}["qualified_rate_min"] == 0.97


def test_user_error_is_one_line_exit_2(beian: Runner) -> None:
    r = beian("standard", "show", "--profile", "no-such-profile")
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in r.stderr


def test_debug_shows_traceback(beian: Runner) -> None:
    r = beian("--debug", "standard", "show", "--profile", "no-such-profile")
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_assess_not_a_workspace(beian: Runner, tmp_path: Path) -> None:
    r = beian("assess", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "no such folder" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "empty").mkdir()
    r = beian("assess", "-w", str(tmp_path / "empty"))
    assert r.returncode == 2 and "not a beian workspace" in r.stderr and "Traceback" not in r.stderr


def test_plugins_lists_builtins(beian: Runner) -> None:
    r = beian("plugins", "--json")
    assert r.returncode == 0
    rows = json.loads(r.stdout)
    assert {"kind": "report_section", "name": "attestations"}.items() <= {
        k: v for k, v in next(x for x in rows if x["name"] == "attestations").items()
    }.items()
    assert all(row["version"] for row in rows)


def test_init_and_assess_workspace(beian: Runner, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    r = beian("init", str(ws), "--provider", "某公司", "--language", "en")
    assert r.returncode == 0, r.stderr
    assert (ws / "beian.toml").is_file() and (ws / "attestations" / "attestations.yaml").is_file()
    # F41: init says what to do next, with the [target] syntax
    assert "next steps" in r.stdout and "[target]" in r.stdout and "beian assess -w" in r.stdout
    r = beian("assess", str(ws), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["provider"] == "某公司"
    assert len(out["clauses"]) == 48  # 47 + 9.2 c
    # an empty workspace has evidence for nothing: not even §8.4, which needs measured per-risk
    # recall of the shipped classifier, not its 31 outputs (regulatory.md §3.1 #3)
    assert out["totals"] == {"pending": 48}
    assert (ws / "runs" / out["run_id"] / "assessment.json").is_file()


def test_attested_clause_with_evidence_conforms(beian: Runner, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    beian("init", str(ws))
    att = ws / "attestations" / "attestations.yaml"
    (ws / "attestations" / "complaints.pdf").write_bytes(b"%PDF-1.4 complaint rules")
    text = att.read_text(encoding="utf-8").replace(
        "  7.f:\n    status: pending\n    explanation: ''\n    evidence: []",
        "  7.f:\n    status: conforms\n    explanation: 投诉渠道已公开\n    evidence: [complaints.pdf]",
    )
    assert "complaints.pdf" in text
    att.write_text(text, encoding="utf-8")
    out = json.loads(beian("assess", str(ws), "--json").stdout)
    by_id = {c["clause"]: c for c in out["clauses"]}
    assert by_id["7.f"]["status"] == "conforms"
    assert by_id["7.f"]["evidence"][0]["ref"] == "complaints.pdf"
    # 7.f only: 8.4 needs measured per-risk recall, not the shipped model's 31 outputs
    assert out["totals"]["conforms"] == 1


@pytest.mark.slow
def test_assess_without_argument_uses_demo(beian: Runner, tmp_path: Path) -> None:
    r = beian("assess")
    assert r.returncode == 0, r.stderr
    demo = tmp_path / "xdg-data" / "beian" / "demo"
    assert (demo / "beian.toml").is_file()
    out = r.stdout.replace("\n", "")
    assert "report.html" in out
    html = next(demo.glob("runs/*/report/report.html"))
    assert "8.1.a" in html.read_text(encoding="utf-8")


def test_risk_names_are_never_cut_at_80_columns(beian: Runner) -> None:
    """F42: a Chinese name folds onto the next line instead of ending in "…"."""
    r = beian("risks", env={"COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    assert "…" not in r.stdout
    joined = "".join(line.split("│")[2].strip() for line in r.stdout.splitlines() if "│" in line)
    assert "煽动颠覆国家政权、推翻社会主义制度" in joined
