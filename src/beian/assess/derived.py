"""Clauses concluded from other clauses' results, after the sections and the attestations.

- 9.2 c (the keyword library and classifier used meet §8) from 8.1 a–c and 8.4;
- 9.2 b (technical corpus sample) and 9.3 c / 9.3 d (keyword / classifier checks of answers)
  cannot conform on detectors not shown to meet §8: a conforming rate is held at 待确认;
- 9.3 a / 9.4 a (banks built per 8.2 / 8.3) from every sub-clause, procedures and cadence
  included (8.2 c–d, 8.3 c), not only the counts.
"""

from __future__ import annotations

from beian.assess.evidence import ClauseEvidence, Msg, pending
from beian.records import ClauseStatus
from beian.standard import Profile

SECTION = "derived"
KEYWORD_PARTS = ("8.1.a", "8.1.b", "8.1.c")
CLASSIFIER_PARTS = ("8.4",)
FROM_PARTS: dict[str, tuple[str, ...]] = {
    "9.2.c": KEYWORD_PARTS + CLASSIFIER_PARTS,
    "9.3.a": ("8.2.a", "8.2.b", "8.2.c", "8.2.d"),
    "9.4.a": ("8.3.a", "8.3.b", "8.3.c"),
}
"""Clauses that hold exactly when all their parts do."""
GATED: dict[str, tuple[str, ...]] = {
    "9.2.b": ("9.2.c",),
    "9.3.c": KEYWORD_PARTS,
    "9.3.d": CLASSIFIER_PARTS,
}
"""Rate clauses whose 'conforms' needs the detectors behind the rate to meet §8."""
DERIVED = frozenset(FROM_PARTS)


def _combined(clause: str, parts: list[ClauseEvidence]) -> ClauseEvidence:
    status: ClauseStatus = "conforms"
    if any(p.status == "nonconforms" for p in parts):
        status = "nonconforms"
    elif any(p.status == "pending" for p in parts):
        status = "pending"
    open_ = [p for p in parts if p.status in ("nonconforms", "pending")]
    missing = [
        Msg(
            zh=f"{p.clause}：{p.summary.zh}（{_word(p.status, 'zh')}）",
            en=f"{p.clause}: {p.summary.en} ({_word(p.status, 'en')})",
        )
        for p in open_
    ]
    return ClauseEvidence(
        clause=clause,
        status=status,
        section=SECTION,
        summary=Msg(
            zh="依据 " + "、".join(p.clause for p in parts) + " 的结论",
            en="from the conclusions on " + ", ".join(p.clause for p in parts),
        ),
        figures={p.clause: p.status for p in parts},
        evidence=[e for p in parts for e in p.evidence[:1]],
        missing=missing,
    )


def _word(status: str, lang: str) -> str:
    words = {"nonconforms": ("不符合", "does not conform"), "pending": ("待确认", "pending")}
    zh, en = words.get(status, (status, status))
    return zh if lang == "zh" else en


def _gate(result: ClauseEvidence, parts: list[ClauseEvidence]) -> ClauseEvidence:
    short = [p.clause for p in parts if p.status not in ("conforms", "not_applicable")]
    if result.status != "conforms" or not short:
        return result
    held = result.model_copy(deep=True)
    held.status = "pending"
    held.missing.append(
        Msg(
            zh=f"所用检测手段未证明符合第8章（{'、'.join(short)}），该合格率不能作为符合的依据",
            en=f"the detectors behind this rate are not shown to meet §8 ({', '.join(short)}); "
            "the rate cannot support 'conforms'",
        )
    )
    return held


def derive(profile: Profile, results: dict[str, ClauseEvidence]) -> None:
    """Conclude the derived clauses and gate the rate clauses, in place."""
    for clause, needs in FROM_PARTS.items():
        if clause not in results or results[clause].status == "not_applicable":
            continue
        parts = [results[c] for c in needs if c in results]
        if parts:
            results[clause] = _combined(clause, parts)
        else:
            why = Msg(
                zh="所依据的条款不在该标准配置中",
                en="the clauses it rests on are not in the profile",
            )
            results[clause] = pending(clause, SECTION, why)
    for clause, needs in GATED.items():
        if clause in results:
            results[clause] = _gate(results[clause], [results[c] for c in needs if c in results])
