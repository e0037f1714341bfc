"""The GB/T 45654 profile, the W1-W4 wording and the clause sets (regulatory.md §2b, §4, §7)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from beian.errors import ConfigError
from beian.standard import export_profile, load_profile
from beian.standard.loader import builtin_sets

ALL_SETS = "includes: [gb-t-45652-2025, gb-t-45674-2025, cn-genai-obligations]\n"


def _profile_file(tmp_path: Path, body: str, base: str = "gb-t-45654-2025") -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(f"extends: {base}\nprofile: mine\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["gb-t-45654-2025", "tc260-003-2024"])
@pytest.mark.parametrize(
    ("gbt_name", "risk"),
    [
        ("危害身心健康", "A.4.a"),
        ("侵害其他合法权益", "A.4.g"),
        ("利用算法、数据、平台等优势实施垄断和不正当竞争", "A.3.d"),
        ("内容不可靠，虽然不包含严重错误，但无法对使用者形成帮助", "A.5.b"),
        ("侵犯知识产权", "A.3.a"),
        ("泄露商业秘密", "A.3.c"),
        ("侵害肖像权", "A.4.b"),
    ],
)
def test_annex_a_short_names_resolve(name: str, gbt_name: str, risk: str) -> None:
    assert load_profile(name).resolve_risk(gbt_name) == risk


def test_gbt_profile_says_training_data_everywhere() -> None:
    p = load_profile("gb-t-45654-2025")
    for c in p.clauses:
        text = " ".join((c.title_zh, c.evidence_zh, c.title_en, c.evidence_en))
        assert "语料" not in text and "corpus" not in text.lower(), c.id
    assert "训练数据" in p.clause("9.2.a").title_zh
    assert p.chapter_info("5") is not None and p.chapter_info("5").title_zh == "训练数据安全要求"  # type: ignore[union-attr]
    # the base profile keeps its own term
    assert "语料" in load_profile("tc260-003-2024").clause("9.2.a").title_zh


def test_gbt_scope_is_an_applicability_question() -> None:
    p = load_profile("gb-t-45654-2025")
    assert "舆论属性" in p.scope_zh and "social-mobilisation" in p.scope_en
    q = p.question("public_opinion")
    assert "舆论属性" in q.text_zh and q.confidence == "V"


def test_gbt_numbers_are_tagged_and_never_invented() -> None:
    p = load_profile("gb-t-45654-2025")
    topics = p.clause("8.3.b").refs
    assert [(r.number, r.exact, r.confidence) for r in topics] == [("B.1.3", True, "S")]
    for c in p.clauses:
        assert c.refs, f"{c.id} has no GB/T number"
        for r in c.refs:
            assert r.confidence in {"V", "S", "U"}
            # only B.1.3 is known to the item; every other number is marked as not verified
            assert r.exact == (r.number == "B.1.3"), c.id
    assert p.clause("8.1.a").refs[0].number == "B"
    assert p.clause("9.1.d").refs[0].number == "" and p.clause("9.1.d").confidence == "U"


def test_wording_w1_to_w4() -> None:
    p = load_profile("tc260-003-2024")
    c7 = p.clause("7.c")
    assert "例如" in c7.title_zh and "收集状态" in c7.title_zh and "事先约定" not in c7.title_zh
    assert c7.threshold("opt_out_clicks_max").modal == "should" and c7.confidence == "U"
    assert "第三方基础模型" in p.clause("6.a").title_zh and p.clause("6.a").confidence == "S"
    b = p.clause("7.b")
    assert "个人信息" not in b.title_zh and "训练框架" in b.title_zh and b.confidence == "U"
    a = p.clause("9.1.a")
    assert "第三方评估机构" in a.title_zh and "上线前" not in a.title_zh


def test_sets_are_shipped_and_tagged() -> None:
    assert builtin_sets() == ["cn-genai-obligations", "gb-t-45652-2025", "gb-t-45674-2025"]
    for name in builtin_sets():
        data = yaml.safe_load(
            (
                Path(__file__).resolve().parents[2]
                / "src/beian/standard/profiles/sets"
                / f"{name}.yaml"
            ).read_text(encoding="utf-8")
        )
        for clause in data["clauses"]:
            assert clause["confidence"] in {"V", "S", "U"}, clause["id"]
            assert all(r["confidence"] in {"V", "S", "U"} for r in clause.get("refs", []))


def test_includes_add_clauses_chapters_and_questions(tmp_path: Path) -> None:
    p = load_profile(str(_profile_file(tmp_path, ALL_SETS)))
    ids = [c.id for c in p.clauses]
    assert ids[: len(load_profile("gb-t-45654-2025").clauses)] == [
        c.id for c in load_profile("gb-t-45654-2025").clauses
    ]
    assert {"G45652-03", "G45674-2", "SA2018-8", "IM15-1", "DL-1", "AGR-1"} <= set(ids)
    assert p.includes == ("gb-t-45652-2025", "gb-t-45674-2025", "cn-genai-obligations")
    assert p.chapter_info("SA2018").standalone  # type: ignore[union-attr]
    assert {q.id for q in p.questions} >= {"public_opinion", "serves_minors", "biometric_editing"}
    # 45674's numbering is unknown: no ref claims an item number
    assert all(not r.exact for c in p.clauses if c.section == "G45674" for r in c.refs)
    # the 45652 clauses come from the draft: U for the final, the draft number verified
    g = p.clause("G45652-03")
    assert g.confidence == "U" and g.refs[0].number == "5 d)" and g.refs[0].confidence == "V"


def test_export_of_an_including_profile_loads_again(tmp_path: Path) -> None:
    p = load_profile(str(_profile_file(tmp_path, ALL_SETS)))
    out = tmp_path / "exported.yaml"
    out.write_text(export_profile(str(tmp_path / "mine.yaml")), encoding="utf-8")
    again = load_profile(str(out))
    assert [c.id for c in again.clauses] == [c.id for c in p.clauses]
    assert again.clause("DL-1").intervals == p.clause("DL-1").intervals


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("includes: [no-such-set]\n", "clause set 'no-such-set'"),
        ("includes: [cn-genai-obligations, cn-genai-obligations]\n", "defines clause"),
        (
            "clauses_patch:\n  7.a: {applies_if: nobody_asked}\n",
            "applies_if names unknown question",
        ),
        (
            "clauses_patch:\n  7.a: {refs: [{source: nowhere, confidence: S}]}\n",
            "unknown sources",
        ),
    ],
)
def test_bad_includes_and_refs_are_clear_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_profile(str(_profile_file(tmp_path, body)))
