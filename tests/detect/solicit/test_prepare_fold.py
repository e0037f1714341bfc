"""The numpy paths of the one-for-one folds and of the emoji glue give exactly what
``str.translate`` and the glue's regex give."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.solicit.prepare import (
    _CJK,
    _HAS_SYMBOL,
    _LONG,
    _NUMERALS,
    _PUNCT,
    _SYMBOL_UNIT,
    _glue,
    _glue_kinds,
    _glue_long,
    _one_for_one,
    _unit_kinds,
    prepare,
)

_ALPHABET = st.sampled_from(
    list("一二三壹贰〇洞拐＋＠．／－＿微信加我abc123 。，😀\u200b") + ["\ud800"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=300).map("".join))
def test_long_texts_fold_like_translate(piece: str) -> None:
    text = piece * (_LONG // len(piece) + 1)  # long enough for the numpy path
    for mapping in (_NUMERALS, _PUNCT):
        assert _one_for_one(text, mapping) == text.translate(mapping)


def test_a_long_text_keeps_its_offsets() -> None:
    text = "加我微信：壹叁捌〇〇〇〇＋一二三四 " * 200
    prep = prepare(text)
    assert len(prep.digits) == len(prep.text)
    assert "13800001234" in prep.digits.replace("+", "") and "＋" not in prep.text


# CJK characters, glue symbols (BMP and beyond), characters of neither kind, and lone surrogates
_GLUE = st.sampled_from(
    list("微信刷单加我a1 。，·•←☆❤\u200d\ufe0f\u3030")
    + ["😀", "🌹", "🧧", "𠀀", "\U0001fb00", "\ud800"]
)


def _regex_glue(text: str) -> tuple[str, list[int] | None]:
    """The reference: the regex of the glue and the cut text it gives."""
    cuts = [m.span() for m in _glue().finditer(text)]
    if not cuts:
        return text, None
    kept = [i for i in range(len(text)) if not any(lo <= i < hi for lo, hi in cuts)]
    return "".join(text[i] for i in kept), kept


@settings(max_examples=500, deadline=None)
@given(st.lists(_GLUE, max_size=60).map("".join), st.integers(0, 5))
def test_the_glue_of_long_texts_is_the_regex_glue(piece: str, times: int) -> None:
    text = piece * times
    got = _glue_long(text)
    if "\ud800" in text:
        assert got is None  # the regex path handles lone surrogates
        return
    assert got is not None
    expected, kept = _regex_glue(text)
    assert got[0] == expected
    assert (None if got[1] is None else got[1].tolist()) == kept


def test_long_and_short_texts_glue_alike() -> None:
    piece = "刷🌹单加❤微信，·好·，微😀😀😀😀信"
    short = prepare(piece)
    long = prepare(piece * (_LONG // len(piece) + 1))
    assert long.text.startswith(short.text) and "刷单加微信" in long.text
    assert long.keep is not None and short.keep is not None
    assert long.keep[: len(short.keep)].tolist() == short.keep.tolist()


def test_every_glue_symbol_beyond_the_bmp_flags_its_first_code_unit() -> None:
    """The batch looks for the glue only in texts with a flagged code unit: each symbol beyond
    the BMP must flag its high surrogate (one scan of every code point beyond the BMP)."""
    table = _unit_kinds()
    astral = "".join(map(chr, range(0x10000, 0x110000)))
    for m in _HAS_SYMBOL.finditer(astral):
        high = m.group().encode("utf-16-le")[:2]
        assert table[int.from_bytes(high, "little")] & _SYMBOL_UNIT, hex(ord(m.group()))


def test_the_tables_are_the_regex_classes() -> None:
    """The glue's tables, read from the class strings, mark exactly what the regexes match."""
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    cjk = np.zeros(0x10000, dtype=np.bool_)
    cjk[[ord(m.group()) for m in re.finditer(f"[{_CJK}]", bmp)]] = True
    symbol = np.zeros(0x10000, dtype=np.bool_)
    symbol[[ord(m.group()) for m in _HAS_SYMBOL.finditer(bmp)]] = True
    kinds = _glue_kinds()
    assert np.array_equal(kinds == 1, cjk)
    assert np.array_equal(kinds == 2, symbol)
    units = _unit_kinds()
    assert np.array_equal((units[:0xD800] & _SYMBOL_UNIT) != 0, symbol[:0xD800])
    assert np.array_equal((units[0xE000:] & _SYMBOL_UNIT) != 0, symbol[0xE000:])
