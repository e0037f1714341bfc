"""Imports into a library folder keep every change in history.jsonl."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from beian.library.history import import_into, read_history, sha256_of
from beian.library.io import load_keywords, load_questions, save_keywords, save_questions
from beian.library.records import KeywordEntry, Question
from beian.standard import load_profile


def test_keyword_imports_record_what_when_who(tmp_path: Path) -> None:
    prof = load_profile()
    lib = tmp_path / "lib"
    first = tmp_path / "v1.csv"
    save_keywords(
        [KeywordEntry(term="甲乙", risk="A.1.a"), KeywordEntry(term="丙丁", risk="A.1.b")], first
    )
    t1 = datetime(2024, 5, 1, 9, tzinfo=UTC)
    import_into(first, lib, "keywords", actor="alice", profile=prof, now=t1)
    second = tmp_path / "v2.xlsx"
    save_keywords(
        [
            KeywordEntry(term="甲乙", risk="A.1.a", note="改"),
            KeywordEntry(term="戊己", risk="A.1.c"),
        ],
        second,
    )
    t2 = datetime(2024, 5, 9, 9, tzinfo=UTC)
    import_into(second, lib, "keywords", actor="bob", profile=prof, replace=True, now=t2)

    events = read_history(lib)
    assert [(e.actor, e.ts, e.counts) for e in events] == [
        ("alice", t1, {"added": 2, "changed": 0, "removed": 0, "total": 2}),
        ("bob", t2, {"added": 1, "changed": 1, "removed": 1, "total": 2}),
    ]
    assert events[1].sha256 == sha256_of(second) and events[1].source == str(second)
    assert events[1].removed == ["丙丁\tA.1.b\tdeny"]
    everything = {e.term: e for e in load_keywords(lib, include_removed=True)}
    assert everything["丙丁"].removed == t2.date()  # kept with a removed date, not deleted
    assert everything["甲乙"].added == t1.date() and everything["甲乙"].note == "改"
    assert sorted(e.term for e in load_keywords(lib)) == ["戊己", "甲乙"]


def test_question_import_sets_default_bank_and_added(tmp_path: Path) -> None:
    src = tmp_path / "q.jsonl"
    src.write_text('{"id": "1", "text": "问题一"}\n', encoding="utf-8")
    result = import_into(src, tmp_path / "bank", "questions", actor="x", profile=load_profile(), bank="refuse",
                         now=datetime(2024, 1, 2, tzinfo=UTC))  # fmt: skip
    assert result.event.counts["added"] == 1
    (q,) = load_questions(tmp_path / "bank")
    assert (q.bank, q.added.isoformat() if q.added else None) == ("refuse", "2024-01-02")
    save_questions([Question(id="1", text="问题一", bank="refuse")], tmp_path / "again.csv")
    again = import_into(
        tmp_path / "again.csv", tmp_path / "bank", "questions", actor="x", profile=load_profile()
    )
    assert again.event.counts == {"added": 0, "changed": 0, "removed": 0, "total": 1}
