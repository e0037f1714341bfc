"""regulatory.md §3.2: every clause can conclude, and declining one needs its reasons.

- 5.1 d and 9.1 c (no software check) conclude from an attestation, so 9.1 b can conform and
  the report can be final;
- any clause may be attested 不适用 / 不符合, with a required reason; an alternative measure
  needs evidence of its effect;
- a declared scope ([scope] in beian.toml) makes the clauses it rules out 不适用.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beian.assess import assess
from beian.report.render import write_reports
from beian.store import open_store
from beian.workspace import init_workspace, load_workspace

from .helpers import add_config, assessed, attest, evidence_file, write_jsonl

TRAINING = ("5.1.a", "5.1.b", "5.1.c", "5.1.d", "5.2.a", "5.2.b", "5.2.c", "5.3.a", "5.3.b",
            "5.3.c", "9.2.a", "9.2.b", "9.2.c")  # fmt: skip


def test_5_1_d_and_9_1_c_can_be_attested(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    got = assessed(root)
    assert got["5.1.d"].status == "pending" and "attest it" in got["5.1.d"].summary.en
    scan = evidence_file(root, "5.1.d/blocklist-scan.json", '{"hits": 0}')
    annex = evidence_file(root, "9.1.c/annex-index.pdf", "annex")
    attest(root, {
        "5.1.d": {"status": "conforms", "explanation": "屏蔽信息清单扫描无命中",
                  "evidence": [scan]},
        "9.1.c": {"status": "conforms", "evidence": [annex]},
    })  # fmt: skip
    got = assessed(root)
    assert got["5.1.d"].status == "conforms" and got["5.1.d"].evidence[0].ref == scan
    assert got["9.1.c"].status == "conforms"


def test_declared_scope_makes_clauses_not_applicable(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    add_config(root, '[scope]\ntrains = false\nmedia = ["text"]')
    got = assessed(root)
    for clause in (*TRAINING, "7.d"):
        assert got[clause].status == "not_applicable", clause
        assert got[clause].section == "scope" and got[clause].explanation
    assert "trains = false" in got["5.1.a"].summary.en
    assert got["6.a"].status == "pending"  # not ruled out by the scope


def test_not_applicable_and_nonconforms_need_reasons(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    attest(root, {
        "8.3.b": {"status": "not_applicable"},
        "8.4": {"status": "nonconforms"},
        "7.a": {"status": "nonconforms"},
    })  # fmt: skip
    got = assessed(root)
    for clause in ("8.3.b", "8.4", "7.a"):
        assert got[clause].status == "pending", clause
        assert any("needs a reason" in m.en for m in got[clause].missing), clause
    attest(root, {
        "8.3.b": {"status": "not_applicable", "explanation": "专用医疗问答模型，题库主题不适用"},
        "8.4": {"status": "nonconforms", "explanation": "分类模型仅覆盖歧视类风险"},
    })  # fmt: skip
    got = assessed(root)
    assert got["8.3.b"].status == "not_applicable"
    assert got["8.4"].status == "nonconforms" and got["8.4"].figures["software_result"] == "pending"


def test_alternative_measure_needs_evidence_of_its_effect(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    bare: dict[str, Any] = {"status": "nonconforms", "explanation": "关闭入口需5次点击",
                            "alternative": "默认不将用户输入用于训练"}  # fmt: skip
    attest(root, {"7.c": bare})
    got = assessed(root)["7.c"]
    assert got.status == "pending" and any("evidence of its effect" in m.en for m in got.missing)
    proof = evidence_file(root, "7.c/training-data-audit.csv", "month,user_inputs_trained\n11,0\n")
    alt = {"measure": "默认不将用户输入用于训练", "evidence": [proof], "effect": "11月入训 0 条"}
    attest(root, {"7.c": {**bare, "alternative": alt}})
    got = assessed(root)["7.c"]
    assert got.status == "nonconforms" and got.alternative == "默认不将用户输入用于训练"
    assert any(e.ref == proof for e in got.evidence)


def test_not_applicable_cannot_hide_a_measured_result(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    write_jsonl(root / "banks" / "test.jsonl", [{"id": "t", "text": "你好", "bank": "test"}])
    attest(root, {"8.2.a": {"status": "not_applicable", "explanation": "不需要"}})
    got = assessed(root)["8.2.a"]
    assert got.status == "nonconforms"
    assert any("attested not applicable" in m.en for m in got.missing)


def test_a_provider_can_reach_a_final_report(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    add_config(root, '[scope]\ntrains = false\nmedia = ["text"]')
    first = assessed(root)
    proof = evidence_file(root, "policy.pdf", "policy")
    answers: dict[str, Any] = {}
    for clause, result in first.items():
        if result.status != "pending" or clause == "9.1.b":
            continue
        if result.section in ("attestations",):
            answers[clause] = {"status": "conforms", "evidence": [proof]}
        else:  # an automatic clause the provider cannot yet meet: 不符合, with the reason
            answers[clause] = {"status": "nonconforms", "explanation": "尚未完成，计划于下季度完成"}
    answers["7.g"] = {"status": "nonconforms", "explanation": "尚未评估拒答率"}
    attest(root, answers, signed=True)
    ws = load_workspace(root)
    outcome = assess(ws, open_store(ws.store_url()))
    assert outcome.totals.get("pending", 0) == 0, [
        (c.clause, c.missing) for c in outcome.clauses if c.status == "pending"
    ]
    assert {c.clause: c.status for c in outcome.clauses}["9.1.b"] == "conforms"
    paths = write_reports(outcome, ws.profile(), tmp_path / "report", "zh", formats=("html", "md"))
    html = paths["html"].read_text("utf-8")
    assert "草稿" not in html
