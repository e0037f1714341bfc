"""Find contact handles, disguised or not, with their spans in the original text.

One compiled regular expression (built from ``data/contacts.yaml``) runs over the prepared
text (:mod:`beian.detect.solicit.prepare`): cue-led handles first (微信/vx/扣扣/🐧/tg/小红薯 …
optionally followed by an id), then the handles that need no cue: URLs and bare domains
(including ``点com``), e-mail addresses, mobile numbers with any separators or emoji between
the digits, landlines, 400/800 numbers, bare 7–8 digit hotlines and ``@handles``. Pointers to
a contact elsewhere (私聊, 看我头像, 评论区 …) are found in the same pass.

A handle *with an id* (a number, a WeChat id, a URL) is strong evidence that a text wants to
be contacted; a cue or pointer alone is weaker and is scored as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from beian.detect.solicit.evidence import possible_regions
from beian.detect.solicit.lexicon import IdKind, contacts
from beian.detect.solicit.prepare import Prepared, prepare

_SEP = r"[\W_]"  # separators, punctuation and emoji people put between digits or letters
_FILL = r"(?:[\s:：=\-是为号码群的.,，。~～()（）\[\]【】<>《》\"'“”]|[^\w\s]){0,4}"
_DIGITS = rf"[0-9](?:{_SEP}{{0,2}}[0-9]){{4,11}}(?![0-9])"
_IDS: dict[IdKind, str] = {
    "wechat": rf"(?:[a-z][a-z0-9_\-]{{5,19}}(?![a-z0-9_])|{_DIGITS})",
    "number": _DIGITS,
    "handle": r"@?[a-z0-9][a-z0-9_.\-]{3,30}(?<![.\-])(?![a-z0-9_])",
}
_TLD = (
    "com|cn|net|org|cc|top|xyz|vip|me|io|tv|co|info|biz|club|site|shop|app|ly|hk|tw|asia|"
    "wang|live|fun|pro|win|bet|link|online|store|red|ink|work|tech|mobi|ren|la"
)
_FIXED = {
    "url": r"(?:https?://|www\.)[a-z0-9\-._~/?#=&%+:@!]+",
    "email": r"(?<![a-z0-9._%+\-])[a-z0-9._%+\-]{1,64}@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}",
    "domain": (
        r"(?<![a-z0-9@.\-])[a-z0-9][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,62})*"
        rf"\s?(?:\.|点|dot|。|\(\.\)|\[\.\])\s?(?:{_TLD})(?![a-z])(?:/[a-z0-9/_\-?=&%.#]*)?"
    ),
    "mobile": (
        rf"(?<![0-9a-z])1{_SEP}{{0,2}}[3-9](?:{_SEP}{{0,2}}[0-9]){{5}}"
        rf"(?:{_SEP}{{0,2}}[0-9x*]){{4}}(?![0-9])"
    ),
    "landline": r"(?<![0-9])0[1-9][0-9]{1,2}[\-—\s]?[2-9][0-9]{6,7}(?![0-9])",
    "hotline": r"(?<![0-9])[48]00[\-\s]?[0-9]{3}[\-\s]?[0-9]{4}(?![0-9])",
    "number": (  # a bare hotline; not a date (20180510), an amount or an @mention
        r"(?<![0-9a-z.\-@])(?!(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:[0-2][0-9]|3[01]))"
        r"[0-9]{7,8}(?![0-9.%a-z]|[元万千百米年月日号平分秒次个块㎡])"
    ),
    "handle": r"(?<![a-z0-9._%+\-])@[a-z][a-z0-9_]{4,31}(?![a-z0-9_@.])",
    # SMS service numbers (10658…, 10086) that SMS ads ask to call or text
    "service": (
        r"(?<![0-9.])(?:106[0-9]{5,17}|10[0-9]{3})"
        r"(?![0-9.%a-z]|[元万千百米年月日号平分秒次个块])"
    ),
}
_NO_ID = frozenset({"handle"})  # a bare @handle is a mention as often as a contact
_ASCII_RUN = re.compile(r"[0-9][0-9\-\s]{4,}[0-9]")
_DIGIT_ONLY = frozenset({"number", "landline", "hotline", "service"})


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact handle found in a text.

    ``type`` is a handle type of ``contacts.yaml`` (wechat, qq, telegram, xiaohongshu, douyin,
    kuaishou, phone), one of url, email, domain, mobile, landline, hotline, number, handle,
    service, or ``pointer``; ``start``/``end`` index the ORIGINAL text; ``has_id`` tells whether an id
    (number, account, address) is part of it, not just a cue.
    """

    type: str
    start: int
    end: int
    text: str
    has_id: bool


def _alt(words: list[str], *, split: bool) -> str:
    """Alternation of ``words``, longest first.

    With ``split``, up to two separators may stand between the characters of a word (微，信,
    v x): the normalisation glues separators between CJK characters but keeps sentence
    punctuation, and between a letter and a CJK character it glues nothing.
    """
    out = []
    for w in sorted(set(words), key=len, reverse=True):
        chars = [re.escape(c) for c in w]
        body = f"{_SEP}{{0,2}}".join(chars) if split else "".join(chars)
        if w[0].isascii() and w[0].isalnum():
            body = rf"(?<![a-z0-9]){body}"
        if w[-1].isascii() and w[-1].isalpha():
            body += "(?![a-z])"  # "v" of "vivo", "tg" of "tgif" are no cues
        out.append(body)
    return "|".join(out)


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    """The one regex, and per named group its handle type and whether it needs an id."""
    data = contacts()
    parts: list[str] = []
    groups: dict[str, tuple[str, bool]] = {}
    for name, ht in data.types.items():
        ident = _IDS[ht.id]
        if ht.cues:
            g = f"c_{name}"
            # the id is optional; when absent the cue must not run into more letters ("vxyz")
            parts.append(
                rf"(?P<{g}>(?:{_alt(ht.cues, split=True)})"
                rf"(?:{_FILL}(?P<{g}_id>{ident})|(?![a-z0-9])))"
            )
            groups[g] = (name, False)
        if ht.id_cues:
            g = f"i_{name}"
            parts.append(rf"(?P<{g}>(?:{_alt(ht.id_cues, split=True)}){_FILL}{ident})")
            groups[g] = (name, True)
    for name, rx in _FIXED.items():
        parts.append(f"(?P<f_{name}>{rx})")
        groups[f"f_{name}"] = (name, name not in _NO_ID)
    parts.append(f"(?P<pointer>{_alt(data.pointers, split=False)})")
    groups["pointer"] = ("pointer", False)
    return re.compile("|".join(parts)), groups


CONTACT_MAX_CHARS = 64
"""Longest contact the pattern can match; regions scanned around terms are widened by it."""


def find_in(
    prep: Prepared, regions: list[tuple[int, int]] | None = None, checked: bool = False
) -> list[tuple[Contact, int, int]]:
    """Contacts in a prepared text, each with its ``[start, end)`` in ``prep.text``.

    ``regions`` (sorted, disjoint ``[lo, hi)`` of ``prep.text``) limits the scan to where a
    contact can matter; ``None`` scans everything. The one alternation regex costs about a
    microsecond per character, so a novel chapter is scanned only around its solicitation terms,
    and only in the regions that :mod:`~beian.detect.solicit.evidence` cannot rule out
    (``checked``: the caller has ruled them out already).
    """
    out: list[tuple[Contact, int, int]] = []
    spans = regions if regions is not None else [(0, len(prep.text))]
    for lo, hi in spans if checked else possible_regions(prep.text, spans):
        out.extend(_find_between(prep, lo, hi))
    return out


@cache
def _starts() -> re.Pattern[str]:
    """Every character a contact can begin with: ASCII letters, digits and ``@`` (ids, URLs,
    numbers, handles) and the first character of every cue and pointer word. The alternation
    is tried only there: it costs about a microsecond per position, and prose has few."""
    data = contacts()
    words = [w for t in data.types.values() for w in (*t.cues, *t.id_cues)] + list(data.pointers)
    first = {w[0] for w in words if w} | set("0123456789abcdefghijklmnopqrstuvwxyz@")
    first |= {c.upper() for c in first}
    return re.compile("[" + "".join(re.escape(c) for c in sorted(first)) + "]")


def _matches(digits: str, pos: int, endpos: int) -> list[re.Match[str]]:
    """``finditer`` of the contact pattern, tried only at possible first characters."""
    rx, _groups = _pattern()
    out: list[re.Match[str]] = []
    reached = pos
    for start in _starts().finditer(digits, pos, endpos):
        if start.start() < reached:
            continue
        m = rx.match(digits, start.start(), endpos)
        if m is not None and m.end() > m.start():
            out.append(m)
            reached = m.end()
    return out


def _find_between(prep: Prepared, pos: int, endpos: int) -> list[tuple[Contact, int, int]]:
    _rx, groups = _pattern()
    cue_groups = {f"c_{name}" for name in contacts().types}
    original = prep.normalised.original
    out: list[tuple[Contact, int, int]] = []
    for m in _matches(prep.digits, pos, endpos):
        group = m.lastgroup
        assert group is not None
        kind, has_id = groups[group]
        lo, hi = m.span()
        if group in cue_groups:  # ``lastgroup`` is the outer group; its id part is optional
            has_id = m.group(f"{group}_id") is not None
        if kind in _DIGIT_ONLY and prep.text[lo:hi] != prep.digits[lo:hi]:
            # bare numbers and codes must be written with digits: "赠一2949777" keeps 2949777
            run = _ASCII_RUN.search(prep.text, lo, hi)
            if run is None:
                continue
            lo, hi = run.span()
        start, end = prep.span(lo, hi)
        out.append((Contact(kind, start, end, original[start:end], has_id), lo, hi))
    return out


def find_contacts(text: str) -> list[Contact]:
    """Every contact handle in ``text``, in order, with spans in ``text`` itself."""
    return [c for c, _, _ in find_in(prepare(text))]
