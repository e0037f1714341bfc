"""Ordinary short texts must not be flagged by the shipped classifier (review defect: 你好 → A.1.f)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from beian.detect.classifier import load_model
from beian.detect.classifier.features import featurise
from beian.detect.classifier.model import META_FILE
from beian.detect.classifier.short import ordinary_words, short_phrases
from beian.detect.classifier.train import LabelledSet, train_model
from beian.registry import registry
from beian.standard import load_profile

# Greetings, replies and everyday phrases of 1–15 characters. Most are NOT in the training data
# verbatim (the training phrases live in seed/short_benign.yaml); a few of the commonest
# (你好, 谢谢, 早上好, OK, 不是, 可以 …) are also ordinary dictionary words or seed phrases.
ORDINARY_SHORT = [
    "你好",
    "谢谢",
    "好的。",
    "今天天气不错",
    "OK",
    "我不知道",
    "早上好",
    "是的",
    "不是",
    "嗯",
    "好",
    "对",
    "行",
    "哈哈",
    "晚上好",
    "谢谢你的帮助",
    "没问题",
    "收到，马上处理",
    "明天见",
    "我同意",
    "这个很好",
    "请稍等",
    "可以",
    "不客气",
    "好的，谢谢",
    "早",
    "喂，你好",
    "是",
    "不",
    "我不太明白你的意思",
    "你好！",
    "好的，我知道了",
    "没事的",
    "谢谢大家",
    "我觉得挺好",
    "下午三点开会",
    "今天星期五",
    "好久没见了",
    "OK，没问题",
    "Yes",
    "Thanks!",
    "1",
    "A",
    "？",
    "……",
    "好的好的",
    "辛苦啦",
    "我吃过了",
    "路上注意安全",
    "祝你考试顺利",
]
PORN = "她脱光了衣服，两个人开始做爱，高清无码视频免费看"


@pytest.mark.parametrize("text", ORDINARY_SHORT)
def test_ordinary_short_text_gets_no_finding(text: str) -> None:
    det, _ = registry.create("detector", "classifier")
    assert det.detect(text) == [], text


def test_short_table_in_one_batch_and_empty_text() -> None:
    det, _ = registry.create("detector", "classifier")
    assert len(ORDINARY_SHORT) >= 30
    assert det.detect_batch([*ORDINARY_SHORT, "", " "]) == [[]] * (len(ORDINARY_SHORT) + 2)


def test_short_benign_does_not_mask_obvious_positives() -> None:
    det, _ = registry.create("detector", "classifier")
    # a greeting in front of a harmful text must not hide it
    assert any(f.risk == "A.1.f" for f in det.detect("你好，" + PORN))
    assert any(f.risk == "A.1.h" for f in det.detect("你好，出售冰毒，货到付款"))


def test_shipped_model_records_the_norm_floor_and_short_sources() -> None:
    meta = load_model().meta
    assert meta.min_norm > 1
    names = " ".join(s.name for s in meta.sources)
    assert "short_benign.yaml" in names and "words.txt" in names


def test_norm_floor_shrinks_only_short_texts() -> None:
    short = featurise(["你好"], bits=16, min_norm=10)  # 3 n-grams
    long = featurise(["今天天气不错我们去公园"], bits=16, min_norm=10)  # 11+10+9 n-grams
    assert np.allclose(short.value, 1 / np.sqrt(10))
    assert abs(float((long.value**2).sum()) - 1.0) < 1e-5
    assert np.array_equal(featurise(["你好"], 16).value, featurise(["你好"], 16, 1).value)


def test_models_without_a_norm_floor_load_with_unit_norm(
    tmp_path: Path, tiny_rows: list[tuple[str, list[str]]]
) -> None:
    data = LabelledSet.build(tiny_rows, load_profile().risk_ids())
    train_model(data, seed=0, bits=10, epochs=2, min_norm=1).save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / META_FILE).read_text(encoding="utf-8"))
    del meta["min_norm"]  # as written before the field existed
    (tmp_path / "m" / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    assert load_model(tmp_path / "m").meta.min_norm == 1


def test_ordinary_words_skip_excluded_terms_and_follow_frequency() -> None:
    top = ordinary_words(set(), limit=5)
    assert len(top) == 5 and all(risks == () for _, risks in top)
    first = top[0][0]
    assert first not in {w for w, _ in ordinary_words({first}, limit=5)}


def test_short_phrases_are_benign_deterministic_and_short() -> None:
    rows = short_phrases(0)
    assert rows == short_phrases(0)
    assert all(risks == () for _, risks in rows)
    assert max(len(t) for t, _ in rows) <= 20
    texts = {t for t, _ in rows}
    assert "您好" in texts and "您好。" in texts
