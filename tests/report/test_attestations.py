from __future__ import annotations

from pathlib import Path

import yaml

from beian.assess import attestations
from beian.assess.attestations import Alternative, Answer
from beian.standard import load_profile


def test_template_lists_every_clause_the_provider_answers(tmp_path: Path) -> None:
    profile = load_profile()
    path = attestations.write_template(tmp_path, profile)
    att = attestations.load(tmp_path)
    assert att is not None and path.is_file()
    expected = {c.id for c in profile.clauses if c.kind != "automatic"}
    # automatic clauses without a software check, and 7.d / 7.g's attested halves (§3.2)
    assert set(att.clauses) == expected | {"5.1.d", "9.1.c", "7.d", "7.g"}
    assert set(att.signatories) == set(attestations.SIGNATORY_ROLES)


def test_conforms_needs_existing_evidence(tmp_path: Path) -> None:
    (tmp_path / "ip-policy.pdf").write_bytes(b"%PDF-1.4 policy")
    ok = attestations.conclude(
        "5.2.b", Answer(status="conforms", evidence=["ip-policy.pdf"]), tmp_path
    )
    assert ok.status == "conforms"
    assert ok.evidence[0].sha256 and len(ok.evidence[0].sha256) == 64
    none = attestations.conclude("5.2.b", Answer(status="conforms"), tmp_path)
    assert none.status == "pending"
    gone = attestations.conclude(
        "5.2.b", Answer(status="conforms", evidence=["nope.pdf"]), tmp_path
    )
    assert gone.status == "pending"
    assert any("nope.pdf" in m.en for m in gone.missing)


def test_not_applicable_needs_a_reason(tmp_path: Path) -> None:
    bare = attestations.conclude("7.a", Answer(status="not_applicable"), tmp_path)
    assert bare.status == "pending"
    why = attestations.conclude(
        "7.a", Answer(status="not_applicable", explanation="仅面向企业"), tmp_path
    )
    assert why.status == "not_applicable" and why.explanation == "仅面向企业"


def test_nonconforms_keeps_alternative(tmp_path: Path) -> None:
    (tmp_path / "opt-out-stats.csv").write_text("month,opted_out\n2026-11,412\n", "utf-8")
    alt = Alternative(measure="默认不收集", evidence=["opt-out-stats.csv"], effect="无用户输入入训")
    r = attestations.conclude(
        "7.c", Answer(status="nonconforms", explanation="需5次点击", alternative=alt), tmp_path
    )
    assert r.status == "nonconforms" and r.alternative == "默认不收集"
    assert any(e.ref == "opt-out-stats.csv" and "alternative" in e.note for e in r.evidence)


def test_file_roundtrip_is_valid_yaml(tmp_path: Path) -> None:
    attestations.write_template(tmp_path, load_profile())
    data = yaml.safe_load((tmp_path / "attestations.yaml").read_text(encoding="utf-8"))
    assert data["clauses"]["9.1.d"]["status"] == "pending"
