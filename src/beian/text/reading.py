"""The evasion reading of a text: what a model reads when the text disguises itself.

Detectors that work on raw characters (the harm model, the solicitation rules) see
``法😀轮😀大😀法`` or base64 as noise, but a model reads straight through it. The reading undoes,
in order:

1. encodings (:mod:`beian.text.decode`: base64, HTML character references, %XX, ``\\uXXXX``);
2. invisible characters and combining marks (the normaliser's ``DELETE`` class), and radicals
   and compatibility ideographs that stand for a common character (Kangxi ``⼤`` → ``大``);
3. interleaving: fillers between single CJK characters along a chain (法😀轮😀大, 法\\n轮\\n大,
   (法)(轮)(大)). A chain counts when each filler holds an emoji, a symbol or a letter and it
   links at least ``MIN_CHAIN`` characters, or, for digits, brackets, punctuation and line
   breaks (which also sit in dates: 5月6日), when every filler is the same and it links at
   least ``MIN_NEUTRAL_CHAIN`` characters.

:func:`evasion_reading` returns ``None`` when nothing applies (nearly all text: one regular
expression search and one table look-up), so the reading costs nothing where there is no
disguise. Every reading character maps back to the original ``[start, end)`` it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from beian.text._tables import DELETE, tables
from beian.text.decode import DecodedView, decoded_view

IntArray = npt.NDArray[np.intp]

MIN_CHAIN = 3
"""CJK characters a chain split by emoji, symbols or letters must link."""
MIN_NEUTRAL_CHAIN = 4
"""CJK characters a chain split by the same digit, bracket or punctuation must link."""

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u2e80-\u2fdf"
_FILL = f"[^{_CJK}A-Za-z]"
_FILLER = f"(?:{_FILL}{{1,4}}|{_FILL}{{0,2}}[A-Za-z]{_FILL}{{0,2}})"
_CHAIN = re.compile(f"[{_CJK}](?:{_FILLER}[{_CJK}]){{{MIN_CHAIN - 1},}}")
_STRONG = re.compile(r"[A-Za-z\u2190-\u2bff\U0001f000-\U0001faff]")
_LONE_CJK = re.compile(f"[{_CJK}]")

# Radicals that stand for a whole character; NFKC already maps the Kangxi block, the
# supplement needs the few that have a character of the same shape.
_RADICALS = {"⺁": "厂", "⺇": "几", "⺈": "刀", "⺊": "卜", "⺌": "小", "⺍": "小", "⺎": "兀",
             "⺏": "尢", "⺐": "尢", "⺑": "尢", "⺒": "巳", "⺓": "幺", "⺔": "彑", "⺖": "心",
             "⺗": "心", "⺘": "手", "⺙": "攴", "⺛": "无", "⺜": "日", "⺝": "月", "⺞": "歹",
             "⺟": "母", "⺠": "民", "⺡": "水", "⺢": "水", "⺣": "火", "⺤": "爪", "⺥": "爪",
             "⺦": "丬", "⺧": "牛", "⺨": "犬", "⺩": "王", "⺪": "疋", "⺫": "目", "⺬": "示",
             "⺭": "示", "⺮": "竹", "⺯": "糸", "⺰": "糸", "⺱": "网", "⺲": "网", "⺳": "网",
             "⺴": "网", "⺵": "网", "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "老", "⺺": "聿",
             "⺻": "聿", "⺼": "肉", "⺽": "臼", "⺾": "艸", "⺿": "艸", "⻀": "艸", "⻁": "虎",
             "⻂": "衣", "⻃": "西", "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠",
             "⻉": "贝", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "釒",
             "⻑": "长", "⻒": "长", "⻓": "长", "⻔": "门", "⻕": "阝", "⻖": "阝", "⻗": "雨",
             "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻞": "食",
             "⻟": "饣", "⻠": "饣", "⻡": "首", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼",
             "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "齐", "⻬": "齐",
             "⻭": "齿", "⻮": "齿", "⻯": "龙", "⻰": "龙", "⻱": "龟", "⻲": "龟", "⻳": "龟"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Reading:
    """The reading of ``original``; ``starts``/``ends`` map each character back."""

    text: str
    original: str
    starts: IntArray
    ends: IntArray
    changed: npt.NDArray[np.bool_]
    """Reading characters that differ from the original at that place: decoded, folded, or
    right after removed characters (a span covering one crosses a removed filler)."""
    kinds: tuple[str, ...]
    """What was undone: encodings (``base64`` …), ``invisible``, ``radical``, ``interleaved``."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` behind reading ``[start, end)`` (``end > start``)."""
        return int(self.starts[start]), int(self.ends[end - 1])

    def touches_change(self, start: int, end: int) -> bool:
        """Whether reading ``[start, end)`` differs from the original there."""
        return bool(self.changed[start:end].any())


def _chain_ok(chain: str) -> bool:
    fillers = [f for f in _LONE_CJK.split(chain) if f]
    if all(_STRONG.search(f) for f in fillers):
        return True
    return len(set(fillers)) == 1 and len(fillers) + 1 >= MIN_NEUTRAL_CHAIN


def _dropped(text: str) -> tuple[npt.NDArray[np.bool_], str, set[str]]:
    """Positions to remove, the text with characters folded 1:1, and what was done."""
    t = tables()
    codes = np.frombuffer(text.encode("utf-32-le", "replace"), dtype=np.uint32)
    drop = (t.classes[codes] & DELETE) != 0
    kinds: set[str] = {"invisible"} if drop.any() else set()
    radical = ((codes >= 0x2E80) & (codes < 0x2FE0)) | ((codes >= 0xF900) & (codes < 0xFB00))
    radical |= (codes >= 0x2F800) & (codes < 0x2FA20)
    if radical.any():
        folded = codes.copy()
        at = np.flatnonzero(radical)
        folded[at] = t.mapping[codes[at]]
        text = folded.tobytes().decode("utf-32-le")
        text = "".join(_RADICALS.get(c, c) for c in text) if any(c in text for c in _RADICALS) else text
        kinds.add("radical")
    if drop.any():  # chains are looked for with invisible characters already gone
        kept = np.flatnonzero(~drop)
        squeezed = "".join(text[i] for i in kept.tolist())
        for m in _CHAIN.finditer(squeezed):
            if _chain_ok(m.group()):
                for k in range(m.start(), m.end()):
                    if not _LONE_CJK.fullmatch(squeezed[k]):
                        drop[kept[k]] = True
                kinds.add("interleaved")
    else:
        for m in _CHAIN.finditer(text):
            if _chain_ok(m.group()):
                for k in range(m.start(), m.end()):
                    if not _LONE_CJK.fullmatch(text[k]):
                        drop[k] = True
                kinds.add("interleaved")
    return drop, text, kinds


def _cleaned(text: str) -> Reading | None:
    drop, folded, kinds = _dropped(text)
    if not kinds:
        return None
    kept = np.flatnonzero(~drop)
    changed = np.zeros(len(kept), dtype=np.bool_)
    if len(kept):
        changed[1:] = np.diff(kept) > 1  # right after a removed run
        changed |= np.frombuffer(folded.encode("utf-32-le"), np.uint32)[kept] != np.frombuffer(
            text.encode("utf-32-le", "replace"), np.uint32
        )[kept]
    out = "".join(folded[i] for i in kept.tolist())
    return Reading(out, text, kept, kept + 1, changed, tuple(sorted(kinds)))


def _compose(first: DecodedView, second: Reading | None) -> Reading:
    if second is None:
        return Reading(first.text, first.original, first.starts, first.ends, first.decoded,
                       first.kinds)  # fmt: skip
    at = second.starts
    return Reading(
        second.text,
        first.original,
        first.starts[at],
        first.ends[at],
        second.changed | first.decoded[at],
        (*first.kinds, *second.kinds),
    )


def evasion_reading(text: str) -> Reading | None:
    """The reading of ``text`` (see module docstring), or ``None`` when it equals the text."""
    decoded = decoded_view(text)
    if decoded is not None:
        return _compose(decoded, _cleaned(decoded.text))
    if text.isascii():
        return None
    return _cleaned(text)

