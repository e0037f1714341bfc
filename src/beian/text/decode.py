"""Decoded views of a text: encodings an attacker wraps a request in, undone for screening.

``decoded_view`` replaces, in place, every segment a reader (or a model) would decode:

- HTML character references (``&#27861;``, ``&#x6cd5;``, ``&amp;``);
- base64 runs (``5rOV6L2u5Yqf``, standard or URL-safe alphabet) whose bytes are UTF-8 text;
- percent-encoded UTF-8 (``%E6%B3%95``) and ``\\uXXXX`` escapes.

A segment is replaced only when its decoding is plausible text (valid UTF-8, printable, and
for base64 either CJK or mostly letters), so ordinary words and identifiers stay as they are.
Decoding runs twice, so one layer of nesting (base64 of HTML entities) is undone too. Every
character of the view knows the original ``[start, end)`` it came from, so a finding on the
view points at the encoded segment of the original.

Cost: one compiled regular-expression search per text; texts without a candidate segment
(almost all prose) return ``None`` at once.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.intp]
Kind = Literal["html", "base64", "percent", "unicode-escape"]

MIN_BASE64 = 8
"""Shortest base64 run decoded (6 bytes: two CJK characters)."""
PASSES = 2
"""Decoding rounds: the second undoes one layer of nesting."""

_HTML = re.compile(r"&#[0-9]{2,7};|&#[xX][0-9a-fA-F]{2,6};|&[a-zA-Z]{2,8};")
_URL_WORD = "A-Za-z0-9._~+-"
_PERCENT = re.compile(rf"%[0-9A-Fa-f]{{2}}(?:[{_URL_WORD}]*%[0-9A-Fa-f]{{2}}){{2,}}[{_URL_WORD}]*")
"""Three or more escapes, with the URL-safe characters between them (How%20to%20make%20…)."""
_ESCAPE = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")
_STARTERS = {ord("&"): ("html", _HTML), ord("%"): ("percent", _PERCENT),
             ord("\\"): ("escape", _ESCAPE)}  # fmt: skip


def _table(chars: str) -> npt.NDArray[np.bool_]:
    table = np.zeros(0x110000, dtype=np.bool_)
    table[[ord(c) for c in chars]] = True
    table.setflags(write=False)
    return table


_B64 = _table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
_START = _table("&%\\")


def candidates(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, group)`` of the segments that may be encoded, in order, not overlapping.

    Found with numpy over code points (base64 runs; the ``&``, ``%`` and ``\\`` that start the
    other encodings), so text without them costs two table look-ups and no regular expression.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "replace"), dtype=np.uint32)
    b64 = _B64[codes]
    found: list[tuple[int, int, str]] = []
    if b64.any():
        edge = np.diff(np.r_[False, b64, False].astype(np.int8))
        lo, hi = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
        long = hi - lo >= MIN_BASE64
        for a, b in zip(lo[long].tolist(), hi[long].tolist(), strict=True):
            run = text[a:b]
            if run.islower() or run.isupper() or run.isdigit():
                continue  # a word, a number or hex; base64 of text mixes cases
            pad = len(text[b : b + 2]) - len(text[b : b + 2].lstrip("="))
            found.append((a, b + pad, "base64"))
    end = -1
    for at in np.flatnonzero(_START[codes]).tolist():
        if at < end:
            continue
        group, rx = _STARTERS[ord(text[at])]
        m = rx.match(text, at)
        if m is not None:
            start = at
            if group == "percent":  # the segment starts with the word before its first escape
                while start > end and start > 0 and re.match(f"[{_URL_WORD}]", text[start - 1]):
                    start -= 1
            found.append((start, m.end(), group))
            end = m.end()
    if len(found) < 2:
        return found
    found.sort()
    kept = [found[0]]
    for seg in found[1:]:  # overlaps are impossible in practice (";", "&", "%" end a run)
        if seg[0] >= kept[-1][1]:
            kept.append(seg)
    return kept


_NESTED = re.compile(r"&#[xX]?[0-9a-fA-F]{2,7};|(?:%[0-9A-Fa-f]{2}){3}|\\u[0-9a-fA-F]{4}")
"""An encoding inside decoded base64: decoded in the next round."""


@dataclass(frozen=True, slots=True)
class DecodedView:
    """A text with its encoded segments decoded, mapped back to the original."""

    text: str
    original: str
    starts: IntArray
    """Original start of the segment each view character came from."""
    ends: IntArray
    """Original end of that segment (``start + 1`` for characters copied as they were)."""
    decoded: npt.NDArray[np.bool_]
    """Whether each view character came from a decoded segment."""
    kinds: tuple[Kind, ...]
    """The encodings found, in order of first appearance."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` behind view ``[start, end)`` (``end > start``)."""
        return int(self.starts[start]), int(self.ends[end - 1])

    def touches_decoded(self, start: int, end: int) -> bool:
        """Whether view ``[start, end)`` holds a decoded character (else the original has it)."""
        return bool(self.decoded[start:end].any())


def _plausible(text: str, *, strict: bool) -> bool:
    """Decoded text a person wrote: printable, and (``strict``) CJK or mostly letters."""
    if not text or not all(c.isprintable() or c.isspace() for c in text):
        return False
    if not strict:
        return True
    if any("\u3400" <= c <= "\u9fff" for c in text) or _NESTED.search(text):
        return True
    letters = sum(c.isalpha() or c == " " for c in text)
    return len(text) >= 4 and letters >= 0.8 * len(text) and " " in text


def _base64(seg: str) -> str | None:
    body = seg.rstrip("=")
    # one-case runs are words, hex or identifiers; base64 of text mixes cases (and digits)
    if len(body) % 4 == 1 or body.islower() or body.isupper():
        return None
    padded = body + "=" * (-len(body) % 4)
    try:
        raw = (
            base64.urlsafe_b64decode(padded)
            if "-" in body or "_" in body
            else base64.b64decode(padded, validate=True)
        )
        out = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return out if _plausible(out, strict=True) else None


def _html(seg: str) -> str | None:
    import html  # its table of entities costs 1.5 ms to import; few texts hold a reference

    out = html.unescape(seg)
    return out if out != seg and _plausible(out, strict=False) else None


def _percent(seg: str) -> str | None:
    try:
        out = unquote(seg, errors="strict")
    except UnicodeDecodeError:
        return None
    readable = not out.isascii() or " " in out  # CJK, or words once %20 is undone
    return out if readable and _plausible(out, strict=False) else None


def _escape(seg: str) -> str | None:
    try:
        out = seg.encode("ascii").decode("unicode-escape")
    except UnicodeDecodeError:
        return None
    return out if _plausible(out, strict=False) else None


_DECODERS: dict[str, tuple[Kind, Callable[[str], str | None]]] = {
    "html": ("html", _html),
    "percent": ("percent", _percent),
    "escape": ("unicode-escape", _escape),
    "base64": ("base64", _base64),
}


Maps = tuple[IntArray, IntArray, npt.NDArray[np.bool_]]


def _copied(lo: int, hi: int) -> Maps:
    starts = np.arange(lo, hi, dtype=np.intp)
    return starts, starts + 1, np.zeros(hi - lo, dtype=np.bool_)


def _one_pass(text: str) -> tuple[str, Maps, list[Kind]] | None:
    """Decode once: the new text, its maps to ``text`` (see :class:`DecodedView`), the kinds."""
    parts: list[str] = []
    maps: list[Maps] = []
    kinds: list[Kind] = []
    prev = 0
    for start, end, group in candidates(text):
        kind, decode = _DECODERS[group]
        out = decode(text[start:end])
        if out is None:
            continue
        parts += [text[prev:start], out]
        n = len(out)
        maps += [
            _copied(prev, start),
            (np.full(n, start, np.intp), np.full(n, end, np.intp), np.ones(n, np.bool_)),
        ]
        prev = end
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        return None
    parts.append(text[prev:])
    maps.append(_copied(prev, len(text)))
    starts, ends, decoded = (np.concatenate(x) for x in zip(*maps, strict=True))
    return "".join(parts), (starts, ends, decoded), kinds


def decoded_view(text: str) -> DecodedView | None:
    """``text`` with its encoded segments decoded, or ``None`` when it holds none."""
    current = text
    starts = np.arange(len(text), dtype=np.intp)
    ends = starts + 1
    decoded = np.zeros(len(text), dtype=np.bool_)
    kinds: list[Kind] = []
    for _ in range(PASSES):
        step = _one_pass(current)
        if step is None:
            break
        view, (s, e, d), found = step
        # compose with the earlier rounds: a view character spans its source characters' range
        starts, ends, decoded = starts[s], ends[e - 1], decoded[s] | d
        current = view
        kinds += [k for k in found if k not in kinds]
    if not kinds:
        return None
    return DecodedView(current, text, starts, ends, decoded, tuple(kinds))
