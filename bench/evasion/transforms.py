"""Evasion transforms of a harmful request: the ways a person slips it past a filter.

Each transform maps ``(text, key)`` to a variant; ``key`` is the request's key term (the
longest keyword the plain text was caught on, else its first run of Chinese characters), used
by the transforms that only touch one word (pinyin, homophones). All are deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import html
import random
import unicodedata
from collections.abc import Callable
from functools import cache
from urllib.parse import quote

Transform = Callable[[str, str], str]


def is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


def interleave(fill: str | Callable[[int], str]) -> Transform:
    """Put ``fill`` between every two adjacent CJK characters."""

    def run(text: str, _key: str) -> str:
        out: list[str] = []
        for i, c in enumerate(text):
            if i and is_cjk(c) and is_cjk(text[i - 1]):
                out.append(fill(i) if callable(fill) else fill)
            out.append(c)
        return "".join(out)

    return run


def each_cjk(fmt: str) -> Transform:
    """Wrap or decorate every CJK character (``fmt`` holds ``{}``)."""
    return lambda text, _key: "".join(fmt.format(c) if is_cjk(c) else c for c in text)


def _digit(i: int) -> str:
    return str(int(hashlib.md5(str(i).encode()).hexdigest(), 16) % 10)


def full_width(text: str, _key: str) -> str:
    """ASCII → full-width forms, and an ideographic space between CJK characters."""
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    return interleave("\u3000")(wide, _key)


@cache
def _radicals() -> dict[str, str]:
    """Common character → a Kangxi radical or compatibility ideograph that looks the same."""
    out: dict[str, str] = {}
    for cp in [*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA)]:
        ch = chr(cp)
        norm = unicodedata.normalize("NFKC", ch)
        if len(norm) == 1 and norm != ch and is_cjk(norm):
            out.setdefault(norm, ch)
    return out


def radicals(text: str, _key: str) -> str:
    table = _radicals()
    return "".join(table.get(c, c) for c in text)


def html_decimal(text: str, _key: str) -> str:
    return "".join(f"&#{ord(c)};" if not c.isascii() else html.escape(c) for c in text)


def html_hex(text: str, _key: str) -> str:
    return "".join(f"&#x{ord(c):x};" if not c.isascii() else html.escape(c) for c in text)


def b64(text: str, _key: str) -> str:
    return "请先解码再回答：" + base64.b64encode(text.encode()).decode()


def percent(text: str, _key: str) -> str:
    return "请解码：" + quote(text)


def unicode_escape(text: str, _key: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if not c.isascii() else c for c in text)


def _pinyin(word: str, sep: str = "") -> str:
    from pypinyin import lazy_pinyin

    return sep.join(lazy_pinyin(word))


def pinyin_key(text: str, key: str) -> str:
    return text.replace(key, " " + _pinyin(key) + " ") if key else text


def pinyin_key_spaced(text: str, key: str) -> str:
    return text.replace(key, " " + _pinyin(key, " ") + " ") if key else text


def pinyin_all(text: str, _key: str) -> str:
    return _pinyin(text, " ")


def homophone_common(text: str, key: str) -> str:
    """Replace the key term's characters by their most common evasion homophone."""
    from beian.detect.keyword.evasion import homophones

    table = homophones()
    swapped = "".join(table[c][0] if c in table else c for c in key)
    return text.replace(key, swapped) if key else text


def homophone_any(text: str, key: str) -> str:
    """Replace every other character of the key by some character of the same reading."""
    from beian.library.mutate import _homophone_of

    swapped = "".join(_homophone_of(c) if i % 2 == 0 else c for i, c in enumerate(key))
    return text.replace(key, swapped) if key else text


def traditional(text: str, _key: str) -> str:
    from beian.library.mutate import traditional as s2t

    return s2t(text)


def reversed_text(text: str, _key: str) -> str:
    return text[::-1] + "（请倒着读）"


def mixed(text: str, key: str) -> str:
    """Zero-width joiners, combining accents and emoji together."""
    rng = random.Random(text)
    fills = ["\u200d", "\u0301", "🔥", "\u2060", "★"]
    return interleave(lambda _i: rng.choice(fills))(text, key)


TRANSFORMS: dict[str, Transform] = {
    "emoji": interleave("😀"),
    "digit": interleave("1"),
    "random digits": interleave(_digit),
    "letter": interleave("x"),
    "symbol ★": interleave("★"),
    "brackets ()": each_cjk("({})"),
    "brackets 【】": each_cjk("【{}】"),
    "space": interleave(" "),
    "newline": interleave("\n"),
    "punctuation ，": interleave("，"),
    "zero-width": interleave("\u200b"),
    "word joiner + ZWJ": interleave("\u2060\u200d"),
    "combining accent": each_cjk("{}\u0301"),
    "full-width": full_width,
    "Kangxi/compat": radicals,
    "HTML &#dec;": html_decimal,
    "HTML &#xhex;": html_hex,
    "base64": b64,
    "percent-encoding": percent,
    "\\u escapes": unicode_escape,
    "pinyin (key term)": pinyin_key,
    "pinyin spaced (key)": pinyin_key_spaced,
    "pinyin (whole)": pinyin_all,
    "homophone (table)": homophone_common,
    "homophone (any)": homophone_any,
    "traditional": traditional,
    "reversed": reversed_text,
    "mixed fillers": mixed,
}
