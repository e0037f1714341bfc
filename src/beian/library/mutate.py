"""Evasion variants of terms and questions for robustness testing (``beian bank mutate``).

Each variant is a new entry labelled as derived (``derived_from`` = the original term or id,
``source`` = ``derived:<kind>``), so checks never count it toward a quota. The kinds are the
usual ways filters are dodged: traditional characters, pinyin and pinyin initials, homophone
characters, characters split apart by spaces, zero-width characters between characters, and
full-width forms. All transformations are deterministic.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from beian.errors import InputError
from beian.library.records import KeywordEntry, Question

KINDS = ("traditional", "pinyin", "initials", "homophone", "split", "zero_width", "full_width")
_ZWSP = "\u200b"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    import opencc

    conv = opencc.OpenCC("s2t")
    return lambda s: str(conv.convert(s))


def traditional(text: str) -> str:
    """Simplified → traditional characters (OpenCC s2t)."""
    return _s2t()(text)


def pinyin(text: str, sep: str = "") -> str:
    """Chinese characters → toneless pinyin; other characters kept."""
    from pypinyin import lazy_pinyin

    return sep.join(lazy_pinyin(text))


def initials(text: str) -> str:
    """Pinyin initials, as in ``xjp``; non-Chinese characters kept."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))


@lru_cache(maxsize=1)
def _homophones() -> dict[str, list[str]]:
    """Toneless pinyin → common characters (GB2312) with that reading, in code-point order."""
    from pypinyin import lazy_pinyin

    groups: dict[str, list[str]] = defaultdict(list)
    for cp in range(0x4E00, 0x9FA6):
        ch = chr(cp)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue  # rare characters make unreadable variants
        groups[lazy_pinyin(ch)[0]].append(ch)
    return dict(groups)


def _homophone_of(ch: str) -> str:
    from pypinyin import lazy_pinyin

    others = [c for c in _homophones().get(lazy_pinyin(ch)[0], []) if c != ch]
    if not others:
        return ch
    pick = int.from_bytes(hashlib.blake2b(ch.encode("utf-8"), digest_size=4).digest(), "little")
    return others[pick % len(others)]


def homophone(text: str, every: int = 4) -> str:
    """Replace every ``every``-th Chinese character (the first one included) by a homophone."""
    out: list[str] = []
    n = 0
    for ch in text:
        if _is_han(ch):
            out.append(_homophone_of(ch) if n % every == 0 else ch)
            n += 1
        else:
            out.append(ch)
    return "".join(out)


def split(text: str) -> str:
    """Characters separated by spaces (法 轮 功)."""
    return " ".join(ch for ch in text if not ch.isspace())


def zero_width(text: str) -> str:
    """A zero-width space between every two characters (invisible to a reader)."""
    return _ZWSP.join(text)


def full_width(text: str) -> str:
    """ASCII letters, digits and punctuation → full-width forms; a Chinese-only text → its
    pinyin in full-width letters, since Chinese characters have no full-width form."""
    source = text if any("!" <= ch <= "~" for ch in text) else pinyin(text)
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in source)


def _transform(kind: str, text: str, long: bool) -> str:
    if kind == "traditional":
        return traditional(text)
    if kind == "pinyin":
        return pinyin(text, " " if long else "")
    if kind == "initials":
        return initials(text)
    if kind == "homophone":
        return homophone(text)
    if kind == "split":
        return split(text)
    if kind == "zero_width":
        return zero_width(text)
    return full_width(text)


def check_kinds(kinds: Iterable[str]) -> list[str]:
    """The requested kinds, validated (InputError names the known ones)."""
    chosen = list(kinds)
    bad = [k for k in chosen if k not in KINDS]
    if bad:
        raise InputError(f"unknown variant kind(s) {', '.join(bad)} (known: {', '.join(KINDS)})")
    return chosen


def mutate_keywords(
    entries: Sequence[KeywordEntry], kinds: Sequence[str] = KINDS
) -> list[KeywordEntry]:
    """Derived variant entries for every deny-list term (allow-list entries are left alone)."""
    out: list[KeywordEntry] = []
    for e in entries:
        if e.allow or e.derived_from is not None:
            continue
        seen = {e.term}
        for kind in check_kinds(kinds):
            variant = _transform(kind, e.term, long=False)
            if variant in seen or not variant.strip():
                continue
            seen.add(variant)
            out.append(
                KeywordEntry(
                    term=variant,
                    risk=e.risk,
                    source=f"derived:{kind}",
                    added=e.added,
                    note=f"derived ({kind}) from {e.term}",
                    derived_from=e.term,
                )  # fmt: skip
            )
    return out


def mutate_questions(questions: Sequence[Question], kinds: Sequence[str] = KINDS) -> list[Question]:
    """Derived variant questions (id ``<original>~<kind>``) for every original question."""
    out: list[Question] = []
    for q in questions:
        if q.derived_from is not None:
            continue
        for kind in check_kinds(kinds):
            variant = _transform(kind, q.text, long=True)
            if variant == q.text or not variant.strip():
                continue
            out.append(
                q.model_copy(
                    update={
                        "id": f"{q.id}~{kind}",
                        "text": variant,
                        "source": f"derived:{kind}",
                        "derived_from": q.id,
                        "note": f"derived ({kind}) from {q.id}",
                        "model_answer": None,
                        "verdict": None,
                    }
                )  # fmt: skip
            )
    return out
