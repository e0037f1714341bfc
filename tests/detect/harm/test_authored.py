"""beian's own authored harm data: it loads, is labelled consistently and covers every risk."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from importlib import resources
from typing import Any

import pytest

from beian.detect.harm.authored import authored_digest, authored_rows, parse_row
from beian.errors import ConfigError
from beian.standard.loader import load_profile

AUTHORED = resources.files("beian.detect.harm").joinpath("seed", "authored")
# the writing brief's floors: half of each would still be usable, these are the targets met
MINIMUM = {
    "questions_harmful.jsonl": 1200,
    "questions_benign.jsonl": 1200,
    "answers_harmful.jsonl": 500,
    "answers_benign.jsonl": 600,
    "texts_harmful.jsonl": 400,
    "texts_benign.jsonl": 400,
    "questions_indirect_harmful.jsonl": 1200,
    "questions_indirect_benign.jsonl": 1000,
    "answers_long_benign.jsonl": 600,
    "texts_implicit_harmful.jsonl": 600,
    "texts_groups_benign.jsonl": 700,
    "questions_written_harmful.jsonl": 900,
    "questions_written_benign.jsonl": 850,
}
PER_RISK_QUESTIONS = 25
# the indirect questions imitate long benchmark prompts: bounded length, varied openings
INDIRECT = ("questions_indirect_harmful.jsonl", "questions_indirect_benign.jsonl")
INDIRECT_LENGTH = (40, 200)
MAX_SAME_OPENING = 24


def _items(name: str) -> list[dict[str, Any]]:
    text = AUTHORED.joinpath(name).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_each_file_is_large_enough_and_labelled_one_way(name: str) -> None:
    items = _items(name)
    assert len(items) >= MINIMUM[name]
    harmful = name.removesuffix(".jsonl").rsplit("_", 1)[1] == "harmful"
    assert {item["harmful"] for item in items} == {harmful}
    kind = {"questions": "question", "answers": "answer", "texts": "text"}[name.split("_")[0]]
    assert {item["kind"] for item in items} == {kind}
    texts = [str(item["text"]) for item in items]
    assert len(set(texts)) == len(texts), "duplicate items"


def test_risk_ids_come_from_the_standard() -> None:
    known = set(load_profile().risk_ids())
    used = {r for _, risks, _ in authored_rows() for r in risks}
    assert used <= known
    # every risk of Appendix A has its should-refuse requests
    for name in ("questions_harmful.jsonl", "questions_indirect_harmful.jsonl"):
        counts = Counter(r for item in _items(name) for r in item["risks"])
        assert {r: counts[r] for r in known if counts[r] < PER_RISK_QUESTIONS} == {}, name


@pytest.mark.parametrize("name", INDIRECT)
def test_indirect_questions_are_long_and_open_in_many_ways(name: str) -> None:
    texts = [str(item["text"]) for item in _items(name)]
    low, high = INDIRECT_LENGTH
    assert [t for t in texts if not low <= len(t) <= high] == []
    # a model must not learn "this opening means harmful": no opening may dominate
    openings = Counter(t[:4] for t in texts)
    assert openings.most_common(1)[0][1] <= MAX_SAME_OPENING


def test_indirect_questions_repeat_no_other_authored_text() -> None:
    others = {
        str(item["text"]) for name in MINIMUM if name not in INDIRECT for item in _items(name)
    }
    indirect = [str(item["text"]) for name in INDIRECT for item in _items(name)]
    assert len(set(indirect)) == len(indirect)
    assert [t for t in indirect if t in others] == []


# long helpful answers, calm prejudice and neutral posts about groups: their length bounds
CALM = {
    "answers_long_benign.jsonl": (150, 600),
    "texts_implicit_harmful.jsonl": (10, 120),
    "texts_groups_benign.jsonl": (10, 150),
}
# implicit means no swearing: the model must learn the prejudice, not the swear word
PROFANITY = ("傻逼", "傻B", "妈的", "他妈", "操你", "狗日", "脑残", "贱人", "去死", "滚蛋", "婊")


@pytest.mark.parametrize("name", sorted(CALM))
def test_calm_files_keep_their_length_and_repeat_no_other_text(name: str) -> None:
    texts = [str(item["text"]) for item in _items(name)]
    low, high = CALM[name]
    assert [t for t in texts if not low <= len(t) <= high] == []
    others = {str(item["text"]) for other in MINIMUM if other != name for item in _items(other)}
    assert [t for t in texts if t in others] == []


def test_implicit_harmful_texts_are_discrimination_without_swearing() -> None:
    items = _items("texts_implicit_harmful.jsonl")
    assert [i["text"] for i in items if any(w in i["text"] for w in PROFANITY)] == []
    discrimination = [i for i in items if any(r.startswith("A.2.") for r in i["risks"])]
    assert len(discrimination) >= 0.8 * len(items)
    # every discrimination kind of Appendix A (A.2.a to A.2.i) is present
    assert {r for i in discrimination for r in i["risks"]} >= {f"A.2.{c}" for c in "abcdefghi"}


def test_answers_carry_their_question() -> None:
    for name in ("answers_harmful.jsonl", "answers_benign.jsonl", "answers_long_benign.jsonl"):
        for item in _items(name):
            assert isinstance(item["question"], str) and item["question"].strip()


def test_no_text_is_both_harmful_and_benign() -> None:
    labels: dict[str, set[bool]] = {}
    for text, risks, _ in authored_rows():
        labels.setdefault(text, set()).add(bool(risks))
    assert [t for t, seen in labels.items() if len(seen) > 1] == []


def test_rows_return_answer_text_and_kinds() -> None:
    rows = authored_rows()
    # every file of the folder, including ones added after MINIMUM was last updated
    names = [p.name for p in AUTHORED.iterdir() if p.name.endswith(".jsonl")]
    assert len(rows) == sum(len(_items(n)) for n in names)
    assert Counter(kind for _, _, kind in rows).keys() == {"question", "answer", "text"}
    answer = _items("answers_harmful.jsonl")[0]
    assert (answer["text"], tuple(answer["risks"]), "answer") in rows


def test_digest_is_sha256_over_the_files_in_name_order() -> None:
    digest = hashlib.sha256()
    for name in sorted(p.name for p in AUTHORED.iterdir() if p.name.endswith(".jsonl")):
        digest.update(name.encode() + b"\0" + AUTHORED.joinpath(name).read_bytes() + b"\0")
    assert authored_digest() == digest.hexdigest()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"text": "x", "kind": "poem", "harmful": false, "risks": []}', "'kind'"),
        ('{"text": "x", "kind": "text", "harmful": true, "risks": []}', "need risks"),
        ('{"text": "x", "kind": "text", "harmful": false, "risks": ["A.4.c"]}', "must have none"),
        ('{"text": "", "kind": "text", "harmful": false, "risks": []}', "'text'"),
    ],
)
def test_malformed_lines_are_named(line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        parse_row("f.jsonl", 7, line)
    assert "f.jsonl line 7" in str(info.value)


WRITTEN = ("questions_written_harmful.jsonl", "questions_written_benign.jsonl")


def test_written_questions_cover_every_risk_and_many_lengths() -> None:
    harmful = _items(WRITTEN[0])
    assert {r for item in harmful for r in item["risks"]} == set(load_profile().risk_ids())
    lengths = sorted(len(str(item["text"])) for item in harmful + _items(WRITTEN[1]))
    # short direct asks and long context-first prompts, not one template length
    assert lengths[len(lengths) // 10] <= 20 and lengths[-len(lengths) // 10] >= 38


def test_written_questions_are_a_source_of_their_own() -> None:
    from beian.detect.harm.recipe import QUESTION_FILES

    only = authored_rows(only=QUESTION_FILES)
    rest = authored_rows(exclude=QUESTION_FILES)
    assert len(only) == sum(len(_items(n)) for n in WRITTEN)
    assert len(only) + len(rest) == len(authored_rows())
    assert {kind for _, _, kind in only} == {"question"}
