from __future__ import annotations

import json
from pathlib import Path

from beian.assess import assess
from beian.assess.evidence import EvidenceRef
from beian.report.render import build_document, write_reports
from beian.report.render.document import RUN_PLACEHOLDER, stable_ref
from beian.store import open_store

from .conftest import Demo


def test_report_json_is_byte_identical_across_runs(demo: Demo, tmp_path: Path) -> None:
    # A second assessment of the same workspace has a new run id and writes new check files.
    second = assess(demo.ws, open_store(demo.ws.store_url()))
    assert second.run_id != demo.outcome.run_id
    a = write_reports(demo.outcome, demo.ws.profile(), tmp_path / "a", "zh", formats=("json",))[
        "json"
    ]
    b = write_reports(second, demo.ws.profile(), tmp_path / "b", "en", formats=("json",))["json"]
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text(encoding="utf-8")
    assert demo.outcome.run_id not in text and str(demo.ws.root) not in text
    run = json.loads((tmp_path / "a" / "run.json").read_text(encoding="utf-8"))
    assert run["run_id"] == demo.outcome.run_id and run["workspace"] == str(demo.ws.root)


def test_document_covers_every_clause_with_evidence_behind_conforms(demo: Demo) -> None:
    profile = demo.ws.profile()
    doc = build_document(demo.outcome, profile)
    assert [r.id for r in doc.clauses] == [c.id for c in profile.clauses]
    assert sum(doc.totals.values()) == len(profile.clauses)
    for row in doc.clauses:
        if row.status == "conforms":
            assert row.evidence or row.id == "9.1.b", row.id
    # The demo is honest about its gaps: keyword quotas are missed, many clauses pending.
    assert doc.totals["pending"] > 0 and doc.totals["nonconforms"] > 0
    assert "待确认" in doc.conclusion.zh
    cited = {c for m in doc.manifest for c in m.cited_by}
    assert "8.1.a" in cited
    assert all(len(m.sha256) == 64 for m in doc.manifest if m.kind == "file")
    assert any(m.ref == "beian.toml" for m in doc.manifest)


def test_stable_refs(demo: Demo) -> None:
    ws, run_id, d = demo.ws, "1234-run", demo.outcome.inputs()
    absolute = EvidenceRef(kind="file", ref=str(ws.root / "runs" / run_id / "x.json"))
    assert stable_ref(absolute, d, run_id, "assets").ref == f"runs/{RUN_PLACEHOLDER}/x.json"
    relative = EvidenceRef(kind="file", ref="policy.pdf")
    assert stable_ref(relative, d, run_id, "attestations").ref == "attestations/policy.pdf"
    run = EvidenceRef(kind="run", ref="other-run", sha256="ab" * 32)
    assert stable_ref(run, d, run_id, "model").ref == "run:sha256:" + "ab" * 8
    bare = EvidenceRef(kind="run", ref="other-run")
    assert stable_ref(bare, d, run_id, "model").ref == "other-run"
