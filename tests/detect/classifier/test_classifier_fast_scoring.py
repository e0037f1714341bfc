"""The vectorised featurisation and scoring give exactly what the straightforward code gave.

The references below are the implementations the shipped model was trained and tuned with
(string NFKC per text, hashing with a separator, ``argsort`` into document order, and
``np.add.reduceat`` over the gathered weight rows). The fast path must match them bit for bit,
or the shipped weights and thresholds would silently mean something else.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beian.detect.classifier import load_model
from beian.detect.classifier.fastnorm import MIN_CHARS, normalised_codes
from beian.detect.classifier.features import Batch, featurise
from beian.detect.classifier.model import ClassifierModel

_MIX = np.uint64(0x9E3779B97F4A7C15)
_PRIMES = (np.uint64(0x100000001B3), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
F32 = npt.NDArray[np.float32]


def ref_normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("\x00", "")


def ref_featurise(texts: Sequence[str], bits: int, min_norm: int = 1) -> Batch:
    """The original implementation, kept verbatim in spirit: one order at a time, then argsort."""
    joined = "\x00".join(ref_normalise(t) for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = codes.shape[0]
    seg = np.cumsum(codes == 0, dtype=np.int64)
    idx_parts, doc_parts = [], []
    for order in (1, 2, 3):
        m = n - order + 1
        if m <= 0:
            continue
        h = codes[:m] * _PRIMES[0] + np.uint64(order)
        for k in range(1, order):
            h = (h ^ codes[k : k + m]) * _PRIMES[k]
        valid = (seg[:m] == seg[order - 1 : order - 1 + m]) & (codes[:m] != 0)
        h = h[valid]
        h = h ^ (h >> np.uint64(31))
        h = h * _MIX
        idx_parts.append(h >> np.uint64(64 - bits))
        doc_parts.append(seg[:m][valid])
    index = np.concatenate(idx_parts).astype(np.int64) if idx_parts else np.zeros(0, np.int64)
    docs = np.concatenate(doc_parts) if doc_parts else np.zeros(0, np.int64)
    index = index[np.argsort(docs, kind="stable")]
    counts = np.bincount(docs, minlength=len(texts)).astype(np.int64)
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    with np.errstate(divide="ignore"):
        per_doc = np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, max(1, min_norm))), 0.0)
    return Batch(index=index, indptr=indptr, value=np.repeat(per_doc.astype(np.float32), counts))


def ref_logits(weights: F32, bias: F32, batch: Batch) -> F32:
    out = np.tile(bias, (batch.n_docs, 1))
    if batch.index.size == 0:
        return out
    rows = weights[batch.index]
    rows *= batch.value[:, None]
    nonempty = np.flatnonzero(np.diff(batch.indptr) > 0)
    out[nonempty] += np.add.reduceat(rows, batch.indptr[nonempty], axis=0)
    return out


def ref_scores(model: ClassifierModel, texts: Sequence[str]) -> F32:
    batch = ref_featurise(texts, model.meta.bits, model.meta.min_norm)
    logits = ref_logits(model.weights, model.bias, batch)
    # float32 in, float32 out; astype only tells the type checker (no copy, no rounding).
    out: F32 = (1.0 / (1.0 + np.exp(-np.clip(logits, -60.0, 60.0)))).astype(np.float32, copy=False)
    return out


def same_batch(a: Batch, b: Batch) -> bool:
    return (
        np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.index, b.index)
        and np.array_equal(a.value.view(np.uint32), b.value.view(np.uint32))
    )


def bits_equal(a: F32, b: F32) -> bool:
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


# Characters that stress each rule of the fast normaliser: combining marks and composition
# (e + U+0301, Hangul LV + T jamo), multi-code-point NFKC images (…, ﬁ, ㎏, ½), full width,
# case folding that depends on context (Σ) or expands (İ), NUL, astral emoji and CJK Ext-B.
TRICKY = list("eé\u0301\u0323가\u1100\u1161\u11a8…ﬁ㎏½ＡＢｃ，。ΣσςΑİI\x00😀𠀀𝐀\u0f73\u0cc6\u0cc2")
CJK = [chr(c) for c in range(0x4E00, 0x4E40)]
chars = st.one_of(
    st.characters(exclude_categories=["Cs"]), st.sampled_from(TRICKY), st.sampled_from(CJK)
)
texts_st = st.lists(st.text(chars, max_size=60), max_size=8)
FILLER = "长篇小说的一章，“你好！”他说……Ｏｋ。" * (MIN_CHARS // 20 + 1)  # forces the table path


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_st)
def test_featurise_equals_reference_on_random_unicode(texts: list[str]) -> None:
    for batch_texts in (texts, [*texts, FILLER], [FILLER, *texts, ""]):
        for bits, min_norm in ((16, 10), (10, 1)):
            got = featurise(batch_texts, bits, min_norm)
            assert same_batch(got, ref_featurise(batch_texts, bits, min_norm))


@settings(max_examples=200, deadline=None)
@given(texts_st)
def test_table_normalisation_equals_normalise_text_by_text(texts: list[str]) -> None:
    batch = [*texts, FILLER]
    codes, lengths = normalised_codes(batch)
    expected = [ref_normalise(t) for t in batch]
    assert lengths.tolist() == [len(e) for e in expected]
    assert codes.tobytes().decode("utf-32-le") == "".join(expected)


def test_every_simple_bmp_character_in_sequence() -> None:
    # All BMP code points (minus surrogates) side by side and reversed: every table entry is
    # checked against NFKC in the company of every other kind of neighbour.
    every = "".join(chr(c) for c in range(1, 0x10000) if not 0xD800 <= c < 0xE000)
    for text in (every, every[::-1], every[::7] + every[3::5]):
        codes, _ = normalised_codes([text])
        assert codes.tobytes().decode("utf-32-le") == ref_normalise(text)


def test_empty_and_tiny_batches() -> None:
    for texts in ([], [""], ["", ""], ["a"], ["\x00"], ["ab", "", "c"]):
        assert same_batch(featurise(texts, 16, 10), ref_featurise(texts, 16, 10))
        assert load_model().scores(texts).shape == (len(texts), 31)


def test_lone_surrogates_are_refused_as_before() -> None:
    for texts in (["a\ud800"], ["a\ud800", FILLER]):
        with pytest.raises(UnicodeEncodeError):
            ref_featurise(texts, 16)
        with pytest.raises(UnicodeEncodeError):
            featurise(texts, 16)


def _random_batch(rng: np.random.Generator, lengths: list[int], buckets: int) -> Batch:
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    counts = np.array(lengths, dtype=np.int64)
    per_doc = (1.0 / np.sqrt(np.maximum(counts, 10))).astype(np.float32)
    return Batch(
        index=rng.integers(0, buckets, int(indptr[-1])).astype(np.int64),
        indptr=indptr,
        value=np.repeat(per_doc, counts),
    )


def test_logits_equal_reduceat_bit_for_bit_for_every_length() -> None:
    # Weights spread over 16 binades so that any change of summation order shows up.
    rng = np.random.default_rng(7)
    buckets, risks = 1 << 10, 31
    scale = np.exp2(rng.uniform(-8, 8, (buckets, risks)))
    w = (rng.standard_normal((buckets, risks)) * scale).astype(np.float16).astype(np.float32)
    b = rng.standard_normal(risks).astype(np.float32)
    model = ClassifierModel(weights=w, bias=b, meta=load_model().meta.model_copy())
    lengths = [*range(0, 1100), 1500, 4097, 30001, 150_007]
    rng.shuffle(lengths)
    batch = _random_batch(rng, lengths, buckets)
    got = model.logits_of(batch)
    want = ref_logits(w, b, batch)
    # bit for bit, up to the sign of an exact zero (adding +0.0 turns -0.0 into 0.0)
    assert bits_equal(got + np.float32(0.0), want + np.float32(0.0))


def test_shipped_model_scores_are_bit_identical_on_long_and_short_texts() -> None:
    model = load_model()
    rng = np.random.default_rng(3)
    pool = CJK + list("，。！？…“”、：；ＡＢＣabc 0123😀")
    texts = ["".join(rng.choice(pool, size=int(n))) for n in rng.integers(0, 400, 60)]
    texts += ["".join(rng.choice(pool, size=n)) for n in (2_000, 12_000, 40_000)]
    texts += ["", "你好", "黄色视频", FILLER]
    assert bits_equal(model.scores(texts), ref_scores(model, texts))


@settings(max_examples=60, deadline=None)
@given(texts_st)
def test_scores_equal_reference_on_random_unicode(texts: list[str]) -> None:
    model = load_model()
    batch = [*texts, FILLER]
    assert bits_equal(model.scores(batch), ref_scores(model, batch))


def test_scores_do_not_depend_on_batching() -> None:
    model = load_model()
    texts = ["河南人都是骗子", FILLER, "", "出售冰毒货到付款" * 50, FILLER[:5000]]
    together = model.scores(texts)
    for i, text in enumerate(texts):
        assert bits_equal(model.scores([text])[0], together[i])
