from __future__ import annotations

import numpy as np

from beian.detect.classifier.features import featurise, normalise


def test_ngrams_never_cross_text_boundaries() -> None:
    batch = featurise(["ab", "c", "", "xyz"], bits=16)
    # "ab": a, b, ab → 3; "c": 1; "": 0; "xyz": 3 unigrams + 2 bigrams + 1 trigram → 6
    assert np.diff(batch.indptr).tolist() == [3, 1, 0, 6]
    assert batch.n_docs == 4


def test_features_do_not_depend_on_batch_position() -> None:
    alone = featurise(["河南人都是骗子"], bits=16)
    mixed = featurise(["别的文本", "河南人都是骗子"], bits=16)
    second = mixed.index[mixed.indptr[1] : mixed.indptr[2]]
    assert sorted(alone.index.tolist()) == sorted(second.tolist())


def test_normalise_folds_width_and_case() -> None:
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert featurise(["ＡＢＣ"], 16).index.tolist() == featurise(["abc"], 16).index.tolist()


def test_indices_stay_in_bucket_range_and_values_are_unit_norm() -> None:
    batch = featurise(["一二三四五六七八九十" * 5], bits=10)
    assert batch.index.min() >= 0 and batch.index.max() < 2**10
    assert abs(float((batch.value**2).sum()) - 1.0) < 1e-5
