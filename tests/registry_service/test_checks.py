"""The automatic check on the files a real ``beian assess`` wrote."""

from __future__ import annotations

import json
from pathlib import Path

from beian.filing.dossier import collect
from beian.registry_service.checks import Finding, Upload, check


def _uploads(run: Path) -> list[Upload]:
    files = collect([run])
    return [Upload(f.path.name, f.path.read_bytes(), f.sha256) for f in files]


def _codes(found: list[Finding], level: str) -> set[str]:
    return {f.code for f in found if f.level == level}


def test_a_fresh_workspace_report_is_a_draft_without_a_service_name(draft_run: Path) -> None:
    found = check(_uploads(draft_run), "model_filing", "星河对话")
    assert _codes(found, "error") == {"draft", "name"}
    assert "pending" in _codes(found, "warning")
    draft = next(f for f in found if f.code == "draft")
    assert "0/3" in draft.zh and "0/3" in draft.en


def test_a_changed_file_and_a_missing_report_are_errors(draft_run: Path) -> None:
    uploads = _uploads(draft_run)
    tampered = [Upload(u.name, u.data + b" ", u.declared) if u.name == "report.md" else u
                for u in uploads if u.name != "report.json"]  # fmt: skip
    found = check(tampered, "registration", "星河对话")
    errors = {f.code for f in found if f.level == "error"}
    assert {"digest", "report"} <= errors
    assert any("report.md" in f.en for f in found if f.code == "digest")


def test_a_nonconforming_clause_needs_an_explanation(draft_run: Path) -> None:
    uploads = _uploads(draft_run)
    report = json.loads(next(u.data for u in uploads if u.name == "report.json"))
    report.update(service="星河对话", signed=3)
    report["clauses"][0].update(status="nonconforms", explanation="")
    report["clauses"][1].update(status="nonconforms", explanation="已整改，见附件7")
    data = json.dumps(report).encode()
    import hashlib

    fixed = [Upload(u.name, data, hashlib.sha256(data).hexdigest()) if u.name == "report.json"
             else u for u in uploads]  # fmt: skip
    found = check(fixed, "model_filing", "星河对话")
    assert [f.code for f in found if f.level == "error"] == ["nonconforms"]
    bad = next(f for f in found if f.code == "nonconforms")
    assert report["clauses"][0]["id"] in bad.en and report["clauses"][1]["id"] not in bad.en


def test_required_files_come_from_the_requirements_data(draft_run: Path) -> None:
    uploads = [u for u in _uploads(draft_run) if not u.name.startswith("filing.")]
    found = check(uploads, "algorithm_filing", "x")
    assert any(f.code == "missing" and "filing_draft" in f.en and f.level == "error"
               for f in found)  # fmt: skip
