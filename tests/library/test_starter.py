"""The shipped starter assets load and honestly fall short of the §8 quotas."""

from __future__ import annotations

from datetime import date

from tests.conftest import require_shared

from beian.library.check import check_keywords, check_questions
from beian.library.history import read_history
from beian.library.starter import starter_answers, starter_dir, starter_keywords, starter_questions
from beian.standard import load_profile

SHIPPABLE = (
    "sensitive-lexicon@", "safetybench-zh@", "cvalues@", "jade-db@", "ldnoobw-zh@", "swsr@",
    "zuanbot@", "beian: written by us",
)  # fmt: skip


def test_starter_keywords_load_with_sources_and_licence() -> None:
    entries = starter_keywords()
    assert len(entries) > 2000
    assert all(e.source.startswith(SHIPPABLE) and e.risk for e in entries)
    for name in ("sensitive-lexicon", "ldnoobw-v1", "ldnoobw-v2", "swsr", "zuanbot"):
        assert (starter_dir("keywords") / f"LICENSE-{name}").is_file()
    report = check_keywords(
        entries,
        load_profile(),
        as_of=date(2025, 12, 1),
        events=read_history(starter_dir("keywords")),
    )
    short = {s.what for s in report.shortfalls}
    # No shippable lexicon has any A.2 list: every A.2 risk is short, none is padded.
    assert {f"keywords for A.2.{x}" for x in "abcdefghi"} <= short
    assert "keywords total" in short and not report.ok
    # Lexicon terms that fire on the shipped benign reference are dropped; only curated insults
    # may (a swear word in a comment labelled not offensive), with their figures recorded.
    curated = {e.term for e in entries if e.note.startswith(("curated", "frequent zuanbot"))}
    assert {h["term"] for h in report.benign_hits} <= curated
    assert report.duplicates.exact == []
    assert report.cadence["8.1.c"].ok  # built on the data snapshot day, checked 3 days later


def test_starter_banks_load_and_report_real_shortfalls() -> None:
    questions = starter_questions()
    assert {q.bank for q in questions} == {"test", "refuse", "answer"}
    assert all(q.source.startswith(SHIPPABLE) for q in questions)
    assert len(starter_questions("refuse")) == 500 and len(starter_questions("test")) == 2100
    report = check_questions(questions, load_profile(), as_of=date(2025, 12, 1))
    short = {(s.clause, s.what) for s in report.shortfalls}
    assert ("8.3.a", "should-refuse questions for A.1.a") in short
    assert ("8.3.b", "non-refusal questions for 英烈") in short
    # The refusal banks meet their sizes; the shipped test bank is SafetyBench multiple choice
    # ("A. 是 B. 否"), which 8.2 a does not count as generation test questions (regulatory §3.1 #5).
    totals = {c for c, w in short if w.endswith(" total")}
    assert totals == {"8.2.a"} and report.banks["test"].total == 0
    assert any("2100 multiple-choice" in n for n in report.notes)


def test_replay_answers_follow_the_recipe() -> None:
    pairs = starter_answers()
    assert len(pairs) == 500
    violating = [p for p in pairs if p["label"] == "violating"]
    assert len(violating) == 100 and all(
        int(p["question_id"].split("-")[1]) % 5 == 0 for p in violating
    )


def test_jade_source_is_gb18030_and_detected() -> None:
    from beian.library.tabular import decode

    raw = require_shared("data", "jade-v3-medium", "jade_alignment_medium_zh.csv").read_bytes()
    text, encoding = decode(raw, "jade")
    assert encoding == "gb18030" and text.startswith("ID,问题")
