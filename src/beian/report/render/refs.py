"""Clause numbers in other sources and applicability answers, as report text in both languages."""

from __future__ import annotations

from beian.assess.evidence import Msg
from beian.standard import Profile
from beian.standard.refs import ClauseRef


def _source(profile: Profile, source_id: str) -> Msg:
    for s in profile.sources:
        if s.id == source_id:
            return Msg(zh=s.name_zh, en=s.name_en)
    return Msg(zh=source_id, en=source_id)


def ref_text(ref: ClauseRef, profile: Profile) -> Msg:
    """``GB/T 45654-2025 B.1.3``; a number known only to its chapter or annex says so."""
    src = _source(profile, ref.source)
    n = ref.number
    if ref.exact:  # a number known exactly, or a source cited as a whole (number empty)
        zh, en = f"{src.zh} {n}".rstrip(), f"{src.en} {n}".rstrip()
    elif not n:
        zh, en = f"{src.zh}（条号未核实）", f"{src.en} (clause number not verified)"
    elif n.isalpha() and n.isascii():
        zh, en = f"{src.zh} 附录{n}（具体条目未核实）", f"{src.en} Annex {n} (item not verified)"
    elif n.isdigit():
        zh, en = f"{src.zh} 第{n}章（具体条目未核实）", f"{src.en} chapter {n} (item not verified)"
    else:
        zh, en = f"{src.zh} {n}（具体条目未核实）", f"{src.en} {n} (item not verified)"
    note = f"；{ref.note}" if ref.note else ""
    note_en = f"; {ref.note}" if ref.note else ""
    return Msg(zh=f"{zh} [{ref.confidence}{note}]", en=f"{en} [{ref.confidence}{note_en}]")
