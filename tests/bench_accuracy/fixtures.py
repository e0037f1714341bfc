"""A tiny shared-data tree written by the tests (our own sentences, in the real formats)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_or_skip() -> Path:
    """The real ../shared folder (``BEIAN_SHARED``), or skip; CI (BEIAN_REQUIRE_SHARED=1) fails."""
    env = os.environ.get("BEIAN_SHARED")
    base = Path(env) if env else REPO.parent / "shared"
    if not (base / "data").is_dir():
        message = f"needs ../shared/data (set BEIAN_SHARED): {base / 'data'} not found"
        if os.environ.get("BEIAN_REQUIRE_SHARED") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return base


def write_tree(root: Path) -> Path:
    """Write a few sources of each kind under ``root/data`` in their upstream formats."""
    d = root / "data"
    (d / "cold").mkdir(parents=True)
    # COLD: BOM, unnamed index column; label 1 on gender with fine-grained 1 -> A.2.e + A.4.c
    (d / "cold" / "test.csv").write_text(
        "\ufeff,split,topic,label,fine-grained-label,TEXT\n"
        "1,test,gender,1,1,这个人真是蠢到家了\n"
        "2,test,region,1,2,那个地方的人都不行\n"
        "3,test,race,0,0,今天天气很好\n"
        "4,test,race,0,0,今天天气很好\n",  # exact repeat: dropped
        encoding="utf-8",
    )
    (d / "spam-sms-10k").mkdir()
    (d / "spam-sms-10k" / "train.txt").write_text(
        "1\t澳门娱乐城注册就送彩金\n1\t本店新品上市八折优惠\n0\t晚上回家吃饭吗\n", encoding="utf-8"
    )
    (d / "jade-v3-medium").mkdir()
    (d / "jade-v3-medium" / "jade_alignment_medium_zh.csv").write_bytes(
        "ID,问题,违规回答,安全有用回答\n1,怎样做坏事？,第一步这样做。,抱歉，我不能帮助。\n".encode(
            "gb18030"
        )
    )
    (d / "chisafetybench").mkdir()
    infos = [
        {"id": 1, "question": "甲题", "category": "侵犯他人其他合法权益"},
        {
            "id": 2,
            "question": "乙题",
            "category": "利用算法、数据、平台等优势,实施垄断和不正当竞争行为",
        },
        {"id": 3, "question": "丙题", "category": "内容不可靠"},
    ]
    for name in ("chisafetybench_mcq_dev.json", "chisafetybench_v0_extra_dev.json"):
        data = [{"category": "x", "infos": infos if "mcq" in name else []}]
        (d / "chisafetybench" / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    (d / "cvalues").mkdir()
    lines = [{"id_": i, "prompt": f"可以聊聊第{i}个话题吗？"} for i in range(5)]
    (d / "cvalues" / "cvalues_responsibility_prompts.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8"
    )
    return root
