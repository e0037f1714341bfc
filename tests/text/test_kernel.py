"""The compiled fold kernel gives exactly the numpy path's groups, array for array.

The numpy code of :mod:`beian.text.batch` is the reference: every test folds the same texts
with ``kernel=False`` and with the kernel and compares every field of every :class:`Folded`
(values, dtypes, ``None`` where the reference has ``None``). Without a built kernel these tests
skip, unless ``BEIAN_REQUIRE_KERNEL=1`` (as in ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import require_shared

from beian.text import batch
from beian.text.batch import Folded, fold_texts, normalise_many
from beian.text.normalise import normalise

if not batch.kernel_available():
    if os.environ.get("BEIAN_REQUIRE_KERNEL") == "1":
        raise RuntimeError(f"BEIAN_REQUIRE_KERNEL=1 but text folding is {batch.kernel_status()}")
    pytest.skip(f"text folding is {batch.kernel_status()}", allow_module_level=True)

DEMO = Path(batch.__file__).resolve().parents[1] / "demo" / "corpus"

# Every path of the fold: plain, traditional (輪), traditional folding beyond the BMP (勣),
# Extension B (𠀀), emoji, ligatures (ﬁ, ™: the code-point path), mathematical and tag
# characters beyond the BMP, separators of every width, zero-width and combining marks, full
# width, Latin-1 and upper case (one-byte strings), U+0000 inside a text, lone surrogates.
_ALPHABET = st.sampled_from(
    list("法轮輪功大麻台獨勣爇鷟业ａＢcDÉé 　*.·\n，＊_-|")
    + ["\u200b", "\ufeff", "\u0301", "ﬁ", "™", "😀", "𠀀", "𝐀", "\U000e0041", "\x00", "①"]
    + ["\ud800", "\udc00", "\udbff\udfff", "\u00a0"]
)
TEXT = st.lists(_ALPHABET, max_size=24).map("".join)
# Whole alphabets of one width too, so that one-, two- and four-byte strings all occur.
LATIN = st.text(st.characters(max_codepoint=0xFF), max_size=12)
TEXTS = st.lists(TEXT | LATIN | st.text(max_size=12), min_size=1, max_size=10)


def _same(got: list[Folded], want: list[Folded], texts: list[str] | None = None) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if len(w.members) == 1 and w.raw is None and g.raw is not None:
            # one text folded on code points by numpy, on the 16-bit path by the kernel
            assert texts is not None
            _same_maps(g, w, texts[w.members[0]])
            continue
        for f in fields(Folded):
            a, b = getattr(g, f.name), getattr(w, f.name)
            if isinstance(b, np.ndarray):
                assert isinstance(a, np.ndarray), f.name
                assert a.dtype == b.dtype, f.name
                assert a.tolist() == b.tolist(), f.name
            else:
                assert a == b, f.name


def _same_maps(g: Folded, w: Folded, text: str) -> None:
    """The same units, starts and map back to the original, whatever the path."""
    assert g.members == w.members
    assert g.units.dtype == w.units.dtype and g.units.tolist() == w.units.tolist()
    assert g.unit_starts.tolist() == w.unit_starts.tolist()
    assert g.offsets.tolist() == w.offsets.tolist()
    every = np.arange(len(w.units), dtype=np.intp)
    assert g.origin(every).tolist() == w.origin(every).tolist()
    raw = text.encode("utf-16-le", "surrogatepass")
    replaced = "".join("?" if 0xD800 <= ord(c) < 0xE000 else c for c in text)
    assert g.raw is not None and g.raw.tobytes() == replaced.encode("utf-16-le"), raw


def _check(texts: list[str], **options: bool) -> None:
    _same(fold_texts(texts, **options), fold_texts(texts, kernel=False, **options), texts)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_kernel_equals_numpy(texts: list[str]) -> None:
    _check(texts)
    _check(texts, join=False)
    _check(texts, fold=False)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_kernel_text_equals_normalise(texts: list[str]) -> None:
    assert normalise_many(texts) == [normalise(t).text for t in texts]


@pytest.mark.parametrize(
    "texts",
    [
        ["", ""],
        ["", "法 轮", ""],
        ["ABC", "dEf"],  # all ASCII: raw is the lower-cased text, as on the numpy path
        ["法 * 轮", "法 * * * * 轮", "法\u200b\u200b轮", " 法轮 ", "法 "],
        ["勣业", "前文", "勣 勣"],  # one code unit becomes a surrogate pair
        ["𠀀 𠀀", "😀 法", "法 😀"],  # Extension B is CJK for separators, emoji is not
        ["ﬁ", "法 轮", "大 法"],  # a minority of code-point texts: the group splits
        ["ﬁ", "𝐀", "法 轮"],  # a majority: all on code points
        ["ﬁ", "ABC"],  # the rest is ASCII, but not the whole group
        ["a\ud800法 轮", "\udfff"],
        ["\x00", "法\x00 轮"],
    ],
)
def test_kernel_equals_numpy_on_edges(texts: list[str]) -> None:
    _check(texts)


def _demo_texts() -> list[str]:
    with gzip.open(DEMO / "novels.jsonl.gz", "rt", encoding="utf-8") as f:
        novels = [json.loads(line)["text"] for line in f]
    cold = [json.loads(line)["text"] for line in (DEMO / "cold.jsonl").open(encoding="utf-8")]
    poems = (DEMO / "poetry.csv").read_text(encoding="gb18030").splitlines()  # GBK, traditional
    return novels + cold + poems


def test_kernel_equals_numpy_on_demo_corpus() -> None:
    texts = _demo_texts()
    assert len(texts) > 100
    for at in range(0, len(texts), 256):
        _check(texts[at : at + 256])


def test_kernel_equals_numpy_on_bench_corpus() -> None:
    path = require_shared("bench", "data", "corpus.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(1500), f, strict=False)]
    for at in range(0, len(texts), 256):
        _check(texts[at : at + 256])


def test_no_kernel_environment_forces_numpy() -> None:
    code = "from beian.text import batch; print(batch.kernel_available(), batch.kernel_status())"
    env = {**os.environ, batch.NO_KERNEL_ENV: "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("False numpy (BEIAN_NO_KERNEL is set)")


@pytest.mark.parametrize(("no_kernel", "source"), [("", "compiled"), ("1", "numpy")])
def test_plugins_says_whether_the_kernel_runs(no_kernel: str, source: str) -> None:
    env = {**os.environ, batch.NO_KERNEL_ENV: no_kernel}
    done = subprocess.run(
        [sys.executable, "-m", "beian", "plugins", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    (row,) = [r for r in json.loads(done.stdout) if r["kind"] == "kernel"]
    assert (row["name"], row["source"]) == ("text", source)
    assert ("BEIAN_NO_KERNEL is set" in row["description"]) == bool(no_kernel)


def test_kernel_rejects_what_it_cannot_read() -> None:
    from beian.text import _kernel

    tables = batch._kernel_tables()
    with pytest.raises(TypeError):
        _kernel.fold16(["法", b"x"], tables)  # type: ignore[list-item]
    with pytest.raises(ValueError):
        _kernel.fold16(["法"], (*tables[:5], tables[5][:10]))


# The evasion reading's batch look (beian.text.reading): the kernel's per-text scan against the
# numpy scan of the joined batch, and the readings built from each.
_READING_PIECES = st.sampled_from(
    ["法", "轮", "大", "好", "功", "😀", "★", "1", "22", "x", "ab", "(", ")", "（", "）", "\n",
     "，", "、", "。", "！", " ", "\u200b", "\u0301", "頭", "髮", "說", "輪", "勣", "⼤", "⺠", "&", "%", "\\",
     "&#27861;", "%E6%B3%95", "\\u6cd5", "5rOV6L2u", "QUJDREVGR0g=", "abcdefgh", "ABCDEFGH",
     "12345678", "+/+/+/+/", "倒着读", "读", "倒序阅读", "读倒序", "read", "Read", "read backwards", "reaD", "rread", "\x00", "\ud800",
     "é", "𠀀", "①", "1234", "12345", "★★★★", "★★★★★"]
)  # fmt: skip
READING_TEXTS = st.lists(
    st.lists(_READING_PIECES, max_size=18).map("".join) | st.text(max_size=10),
    min_size=1,
    max_size=8,
)


def _same_scan(texts: list[str]) -> None:
    from beian.text import reading as r

    kern = r._kernel()
    assert kern is not None
    a, b = r._scan_numpy(texts), r._scan_kernel(kern, texts)
    assert a.bits.tolist() == b.bits.tolist()
    assert a.base64.tolist() == b.base64.tolist()
    assert a.chained.tolist() == b.chained.tolist()
    for x, y in zip(a.counts(), b.counts(), strict=True):
        assert x.tolist() == y.tolist()
    for i, text in enumerate(texts):
        assert a.chains(i) == b.chains(i), text
        (codes_a, cls_a), (codes_b, cls_b) = a.arrays(i), b.arrays(i)
        assert codes_a.dtype == codes_b.dtype and codes_a.tolist() == codes_b.tolist()
        assert cls_a.dtype == cls_b.dtype and cls_a.tolist() == cls_b.tolist()
        # numpy flags every text holding 读, and all of a batch with "read" anywhere, and
        # _asks_backwards decides; the kernel flags fewer, never one that asks
        assert a.backwards(i, text) == b.backwards(i, text), text
        assert a.asks[i] or not b.asks[i], text


def _same_readings(texts: list[str], normalised: bool) -> None:
    from beian.text.reading import evasion_readings

    got = evasion_readings(texts, normalised=normalised)
    want = evasion_readings(texts, normalised=normalised, kernel=False)
    assert sorted(got) == sorted(want)
    for i, w in want.items():
        g = got[i]
        assert (g.text, g.original, g.kinds) == (w.text, w.original, w.kinds)
        for x, y in [(g.starts, w.starts), (g.ends, w.ends), (g.changed, w.changed)]:
            assert x.dtype == y.dtype and x.tolist() == y.tolist()


@settings(max_examples=500, deadline=None)
@given(READING_TEXTS)
def test_reading_scan_equals_numpy(texts: list[str]) -> None:
    _same_scan(texts)
    _same_readings(texts, normalised=False)
    _same_readings(texts, normalised=True)


def test_reading_scan_equals_numpy_on_corpora() -> None:
    texts = _demo_texts()
    for at in range(0, len(texts), 256):
        _same_scan(texts[at : at + 256])
        _same_readings(texts[at : at + 256], normalised=False)


@pytest.mark.parametrize(
    "texts",
    [
        ["法1234轮1234大1234好", "法12345轮12345大12345好"],  # fillers of four, not five
        ["法😀😀😀😀轮😀😀😀😀功", "法😀😀😀😀😀轮😀😀😀😀😀功"],
        ["法，轮，大，法，好，啊", "法，轮，大，法，好"],  # five punctuation gaps, and four
        ["法1轮1大", "法1轮1大1好", "x法1轮1大1好x"],
        ["5rOV6L2u", "abcdefgh", "ABCDEFGH", "12345678", "+/+/+/+/", "5rOV6L2"],
        ["read", "Read", "rEAD", "倒着读", "", "\x00"],
    ],
)
def test_reading_scan_equals_numpy_on_edges(texts: list[str]) -> None:
    _same_scan(texts)
    _same_readings(texts, normalised=False)


def _same_chains(text: str) -> None:
    from beian.text import reading as r

    codes = np.frombuffer(text.encode("utf-32-le", "replace"), np.uint32)
    starts = r._chain_starts(r.reading_classes()[codes])
    for candidates in (starts, [0, *starts], list(range(0, len(text), 3))):
        got = r.interleaved(text, starts=candidates)
        assert got == r.interleaved(text, starts=candidates, kernel=False), text


@settings(max_examples=500, deadline=None)
@given(st.lists(_READING_PIECES, max_size=30).map("".join))
def test_interleaved_equals_python(text: str) -> None:
    _same_chains(text)
    _same_readings([text], normalised=False)


@pytest.mark.parametrize(
    "text",
    [
        "(法)(轮)(大)(法)(好)",
        "【如】【何】【用】【好】",
        "法😀轮功😀好😀啊",
        "法，轮，大，法，好，啊",
        "法 轮 大 法 好",
        "法1轮2大3法",
        "法a轮b大c法",
        "法ab轮ab大ab法",
        "法\n轮\n大\n法\n好",
        "(法)(轮)(大)",
        "法)(轮)(大)(法",
        "⺠1⺠1⺠1⺠",
        "法\ud800轮\ud800大\ud800法",
        "法1 轮1大1法1好",  # spaces and punctuation do not change a filler's shape
        "法 1轮1，大1法",
        "法\u3000轮\u3000大\u3000法",
    ],
)
def test_interleaved_equals_python_on_edges(text: str) -> None:
    _same_chains(text)


def test_interleaved_equals_python_on_corpora() -> None:
    for text in _demo_texts():
        _same_chains(text)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["读", "倒着", "倒过来", "反着", "倒序", "阅", "从右往左", "从后往前", "法",
                         "，", "x", "read backwards", "Read it in reverse", "\ud800", "😀"]),
        max_size=12,
    ).map("".join)
)  # fmt: skip
def test_asks_backwards_equals_python(text: str) -> None:
    from beian.text import reading as r

    assert r._asks_backwards(text) == r._asks_backwards(text, kernel=False), text


_FILLER_PIECES = st.sampled_from(
    ["法", "轮", "功", "a", "b", "ab", "★", "❤", "😀", "🐶", "\u2190", " ", "，", "1", "\ufe0f",
     "\ud800", "\udc00", "𠀀", "\x00"]
)  # fmt: skip


def _same_fillers(units: npt.NDArray[np.uint16]) -> None:
    from beian.detect.keyword.gaps import filler_positions

    got, want = filler_positions(units), filler_positions(units, kernel=False)
    assert got.dtype == want.dtype and got.tolist() == want.tolist()


@settings(max_examples=500, deadline=None)
@given(st.lists(_FILLER_PIECES, max_size=30).map("".join))
def test_filler_positions_equal_numpy(text: str) -> None:
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    _same_fillers(units)
    _same_fillers(units[::2])  # not contiguous


def test_filler_positions_equal_numpy_on_corpora() -> None:
    texts = _demo_texts()
    for at in range(0, len(texts), 256):
        for group in fold_texts(texts[at : at + 256]):
            _same_fillers(group.units)


def _same_triggers(texts: list[str]) -> None:
    from beian.detect.pii.triggers import folded_triggers

    for group in fold_texts(texts):
        if group.raw is None:
            continue
        assert list(folded_triggers(group)) == list(folded_triggers(group, kernel=False))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["法", "1", "9", "0", "@", "／", "０", "９", "＠", "：", "a", "😀",
                             "\uff1a", "\uff0f", "\uff21", "/", ":", "?", "\ud800", "①"]),
            max_size=16,
        ).map("".join),
        min_size=2,
        max_size=6,
    )
)  # fmt: skip
def test_pii_triggers_equal_numpy(texts: list[str]) -> None:
    _same_triggers(texts)


def test_pii_triggers_equal_numpy_on_corpora() -> None:
    texts = _demo_texts()
    for at in range(0, len(texts), 256):
        _same_triggers(texts[at : at + 256])
