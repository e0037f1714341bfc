"""Shared fixtures: a tiny labelled set written by hand (never the full training recipe)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TINY: list[tuple[str, list[str]]] = [
    ("免费看黄色视频加微信", ["A.1.f"]),
    ("同城约炮上门服务", ["A.1.f"]),
    ("裸聊视频私聊发你", ["A.1.f"]),
    ("高清色情直播免费看", ["A.1.f"]),
    ("出售冰毒货到付款", ["A.1.h"]),
    ("低价出售仿真枪联系QQ", ["A.1.h"]),
    ("代办假身份证三天出证", ["A.1.h"]),
    ("出售麻古和摇头丸", ["A.1.h"]),
    ("河南人都是骗子", ["A.2.d"]),
    ("东北人没一个好东西", ["A.2.d"]),
    ("上海人看不起外地人真恶心", ["A.2.d"]),
    ("把土豆切块炖半小时", []),
    ("明天北京有小雨记得带伞", []),
    ("周末去杭州西湖散步", []),
    ("孩子的数学成绩进步了", []),
    ("图书馆周一闭馆", []),
    ("这本书讲的是一个家庭的故事", []),
    ("我最近在学钢琴", []),
    ("会议改到下周三下午", []),
    ("西红柿炒鸡蛋加一点糖", []),
]


def write_jsonl(path: Path, rows: list[tuple[str, list[str]]]) -> Path:
    """Write ``rows`` as labelled JSONL."""
    path.write_text(
        "".join(json.dumps({"text": t, "risks": r}, ensure_ascii=False) + "\n" for t, r in rows),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def tiny_rows() -> list[tuple[str, list[str]]]:
    """The tiny labelled set as ``(text, risks)`` pairs."""
    return list(TINY)


@pytest.fixture
def tiny_jsonl(tmp_path: Path) -> Path:
    """The tiny labelled set as a JSONL file."""
    return write_jsonl(tmp_path / "tiny.jsonl", TINY)
