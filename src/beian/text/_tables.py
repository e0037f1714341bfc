"""Lookup tables behind :mod:`beian.text.normalise`, built once per process.

Every per-character fold (width, case, homoglyph, traditional → simplified, NFKC to letters and
digits) is precomputed into one code-point table, so normalising a text is a couple of numpy
gathers instead of a Python loop. A character's class says what it needs:

- ``CHANGE``: replaced by exactly one other character (offsets stay 1:1);
- ``DELETE``: invisible (zero-width, bidi and variation marks), always removed;
- ``EXPAND``: replaced by several characters (NFKC ligatures such as ``ﬁ`` → ``fi``);
- ``SEP``: a separator that is removed only between two CJK characters (法*轮 → 法轮).

Traditional → simplified uses OpenCC's ``t2s`` dictionary character by character. Phrase-level
conversion is deliberately not used: the same table folds the keywords and the texts, so matching
stays consistent, every fold keeps length 1:1, and per-character folding is what lets a
traditional-script evasion of a simplified keyword match.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from beian.cachedir import load_or_build

CHANGE = 1
DELETE = 2
EXPAND = 4
SEP = 8
SPECIAL = 16
"""Only in :class:`Tables16`: a BMP character that expands to several characters (``ﬁ``),
which the 16-bit fast path leaves to the code-point path."""
WIDE = 32
"""Only in :class:`Tables16`: a BMP character that folds to one character beyond the BMP
(a few traditional characters whose simplified form is in Extension B): one code unit becomes
a surrogate pair."""

SIZE = 0x110000

# Ranges beyond the BMP whose characters fold to letters, digits or ideographs.
_EXTRA_RANGES = ((0x1D400, 0x1D800), (0x1F100, 0x1F200), (0x2F800, 0x2FA20))

HAN_RANGES = (
    (0x3400, 0x4DC0),
    (0x4E00, 0xA000),
    (0xF900, 0xFB00),
    (0x20000, 0x2FA20),
    (0x30000, 0x323B0),
)

# Invisible characters used to split a keyword without changing how it looks.
ZERO_WIDTH = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067"
    "\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)

# Combining marks stacked on characters to dodge filters (法\u0301轮\u0301功, "Zalgo" text). For
# keyword matching an accent never matters (café and cafe are the same word), so they go like
# invisible characters. Precomposed letters (é) are not touched: NFKC keeps them.
COMBINING_RANGES = ((0x0300, 0x0370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100),
                    (0xFE20, 0xFE30))  # fmt: skip

# Separators inserted between CJK characters to dodge filters. Sentence punctuation
# (，。、；：！？ and their ASCII forms) is NOT here: gluing across it would join words that
# belong to different clauses and create false positives. Newlines are real boundaries too.
SEPARATORS = (
    " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
    "*._-~|/\\+=#@^`'\"&%$·•‧∙⋅・･°"
    "＊．＿－～｜／＼＋＝＃＠＾｀＇＂＆％＄"
)

# Latin look-alikes from Cyrillic and Greek (lower case; folding runs after case folding),
# plus CJK look-alikes that render the same as a common character.
HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    "囗": "口", "〇": "○",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Tables:
    """The code-point tables: replacement, class bits, Han flag, multi-character expansions."""

    mapping: npt.NDArray[np.uint32]
    classes: npt.NDArray[np.uint8]
    han: npt.NDArray[np.bool_]
    expansions: dict[int, str]


@dataclass(frozen=True, slots=True)
class Tables16:
    """The same folds restricted to UTF-16 code units (the BMP), for the batch fast path.

    Surrogate code units have class 0 and are not Han: a character beyond the BMP is only
    handled by the fast path when its own class is 0 and it is not Han (emoji, mostly).
    """

    mapping: npt.NDArray[np.uint16]
    classes: npt.NDArray[np.uint8]
    han: npt.NDArray[np.bool_]


def is_han(cp: int) -> bool:
    """Whether ``cp`` is a CJK ideograph (the characters separators are removed between)."""
    return any(lo <= cp < hi for lo, hi in HAN_RANGES)


def _t2s_chars() -> dict[str, str]:
    """OpenCC ``t2s`` applied to every Han character on its own; only 1:1 changes kept."""
    import opencc

    chars = [chr(c) for lo, hi in HAN_RANGES[:3] for c in range(lo, hi)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # defensive: fall back to one call per character
        conv = opencc.OpenCC("t2s")
        converted = [conv.convert(ch) for ch in chars]
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


def _fold_char(ch: str, t2s: dict[str, str]) -> str:
    """The folded form of one character (may be empty, one or several characters)."""
    out = ch
    nfkc = unicodedata.normalize("NFKC", ch)
    # NFKC only where it yields letters, digits or ideographs: folding punctuation (，→ ,
    # …→ ...) buys nothing for keywords and would make almost every Chinese text "changed".
    if nfkc != ch and nfkc.isalnum():
        out = nfkc
    folded = []
    for c in out:
        low = c.lower()
        c = low if len(low) == 1 else c
        c = HOMOGLYPHS.get(c, c)
        folded.append(t2s.get(c, c))
    return "".join(folded)


def _candidates() -> list[int]:
    cps = [c for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    for lo, hi in _EXTRA_RANGES:
        cps.extend(range(lo, hi))
    return cps


@cache
def tables() -> Tables:
    """The normalisation tables: built once, then loaded from the user's cache (building takes
    0.3-0.4 s of every start-up, loading a few milliseconds; see :mod:`beian.cachedir`)."""
    return load_or_build(
        "tables", f"{_tables_key()}.bin", _loaded, _build_tables, _dumped, mapped=True
    )


def _tables_key() -> str:
    """What the tables are built from: this module, OpenCC's dictionary, the Unicode data."""
    from beian._dists import installed_version

    opencc = installed_version("opencc") or "-"
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"{opencc}\0{unicodedata.unidata_version}\0{sys.version_info[:2]}".encode())
    return digest.hexdigest()


_MAGIC = b"beian-tables-2\n"
"""Start of a cached tables file: this line, one line of JSON (the sizes, padded so that the
arrays start 16-byte aligned), the three arrays' bytes, the expansions as JSON."""


def _dumped(t: Tables) -> bytes:
    expansions = json.dumps({str(k): v for k, v in t.expansions.items()}).encode()
    head = json.dumps({"size": len(t.mapping), "expansions": len(expansions)}).encode()
    start = len(_MAGIC) + len(head) + 1
    head += b" " * (-start % 16) + b"\n"
    arrays = (t.mapping.astype("<u4"), t.classes.astype(np.uint8), t.han.astype(np.bool_))
    return b"".join([_MAGIC, head, *(a.tobytes() for a in arrays), expansions])


def _loaded(data: bytes) -> Tables:
    # Views on the file mapped into memory (no zip, no CRC, no copy; only the pages used are
    # read): well under a millisecond, where np.load of the same arrays in an .npz took about
    # 10 ms on every start. ``data`` is bytes or a read-only mmap (slices are bytes).
    if data[: len(_MAGIC)] != _MAGIC:
        raise ValueError("not a tables file")
    end = data.find(b"\n", len(_MAGIC)) + 1
    if end == 0:
        raise ValueError("not a tables file")
    head = json.loads(data[len(_MAGIC) : end])
    n, size = int(head["size"]), int(head["expansions"])
    if n != SIZE or len(data) != end + 6 * n + size:
        raise ValueError("tables of the wrong size")
    mapping = np.frombuffer(data, dtype="<u4", count=n, offset=end).astype(np.uint32, copy=False)
    classes = np.frombuffer(data, dtype=np.uint8, count=n, offset=end + 4 * n)
    han = np.frombuffer(data, dtype=np.bool_, count=n, offset=end + 5 * n)
    expansions = {int(k): v for k, v in json.loads(data[end + 6 * n : len(data)]).items()}
    for arr in (mapping, classes, han):
        arr.setflags(write=False)
    return Tables(mapping=mapping, classes=classes, han=han, expansions=expansions)


def _build_tables() -> Tables:
    t2s = _t2s_chars()
    mapping = np.arange(SIZE, dtype=np.uint32)
    classes = np.zeros(SIZE, dtype=np.uint8)
    han = np.zeros(SIZE, dtype=np.bool_)
    for lo, hi in HAN_RANGES:
        han[lo:hi] = True
    expansions: dict[int, str] = {}
    for cp in _candidates():
        ch = chr(cp)
        folded = _fold_char(ch, t2s)
        if folded == ch:
            continue
        if len(folded) == 1:
            mapping[cp] = ord(folded)
            classes[cp] |= CHANGE
            han[cp] = han[cp] or is_han(ord(folded))
        elif folded:
            expansions[cp] = folded
            classes[cp] |= EXPAND
    for ch in ZERO_WIDTH:
        classes[ord(ch)] = DELETE
    for ch in SEPARATORS:
        classes[ord(ch)] |= SEP
    for lo, hi in COMBINING_RANGES:
        classes[lo:hi] = DELETE
    for cp in range(0xE0000, 0xE0080):  # Unicode tag characters, also invisible
        classes[cp] = DELETE
    for cp in range(0xE0100, 0xE01F0):  # variation selectors supplement
        classes[cp] = DELETE
    mapping.setflags(write=False)
    classes.setflags(write=False)
    han.setflags(write=False)
    return Tables(mapping=mapping, classes=classes, han=han, expansions=expansions)


@cache
def tables16() -> Tables16:
    """Build (once) the 16-bit tables from :func:`tables`."""
    t = tables()
    bmp = np.arange(0x10000, dtype=np.uint32)
    mapping = t.mapping[:0x10000]
    special = (t.classes[:0x10000] & EXPAND).astype(np.bool_)
    wide = mapping >= 0x10000
    classes = (t.classes[:0x10000] & (CHANGE | DELETE | SEP)).astype(np.uint8)
    classes[wide] = WIDE
    classes[special] = SPECIAL
    mapping16 = np.where(special | wide, bmp, mapping).astype(np.uint16)
    han = t.han[:0x10000].copy()
    for arr in (mapping16, classes, han):
        arr.setflags(write=False)
    return Tables16(mapping=mapping16, classes=classes, han=han)
