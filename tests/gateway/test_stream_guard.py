"""StreamGuard alone: look-ahead, sentence release, digit runs, cut."""

from __future__ import annotations

import random

from beian.gateway.config import StreamConfig
from beian.gateway.screen import ALLOW, Decision
from beian.gateway.stream_guard import StreamGuard

BAD = "坏"


def check(text: str) -> Decision:
    return Decision("block", ("A.1.a",), ("A.1.a",)) if BAD in text else ALLOW


def feed(guard: StreamGuard, delta: str) -> str:
    return guard.release() if guard.add(delta) else ""


def test_releases_at_sentence_ends_behind_the_lookahead() -> None:
    guard = StreamGuard(check, StreamConfig(release_chars=3), lookahead=4)
    assert feed(guard, "你好。今天") == ""  # the sentence end is inside the look-ahead
    assert feed(guard, "天气好") == "你好。"
    assert guard.finish() == "今天天气好" and guard.released == "你好。今天天气好"


def test_waits_for_release_chars_before_checking() -> None:
    guard = StreamGuard(check, StreamConfig(release_chars=6), lookahead=2)
    assert feed(guard, "你好。今天天气") == ""  # five characters wait: no check yet
    assert guard.checks == 0
    assert feed(guard, "很好") == "你好。" and guard.checks == 1


def test_releases_long_text_without_sentence_end() -> None:
    guard = StreamGuard(check, StreamConfig(release_chars=4, sentence_ends="。"), lookahead=2)
    assert feed(guard, "一二三四五") == ""
    assert feed(guard, "六") == "一二三四"


def test_trailing_ascii_tokens_are_held_until_they_end() -> None:
    """An e-mail address or URL is not sent while it may still grow."""
    guard = StreamGuard(lambda t: ALLOW, StreamConfig(release_chars=1), lookahead=2)
    assert feed(guard, "邮箱是zhang.san.42@example") == "邮箱是"
    assert feed(guard, ".com，请联系") == "zhang.san.42@example.com，请"


def test_cut_never_sends_checked_bad_text() -> None:
    guard = StreamGuard(check, StreamConfig(release_chars=1), lookahead=3)
    sent = [feed(guard, d) for d in ["一切正常。", "然后", BAD, "事。", "还有更多。"]]
    assert "".join(sent) == "一切正常"  # 坏 arrived while 。然后 was still held back
    assert guard.blocked is not None and guard.finish() == ""


def test_a_span_split_across_releases_is_seen_whole() -> None:
    """G-b2: a pattern that starts in text about to be released is inside the checked text."""

    def pair(text: str) -> Decision:
        return Decision("block", ("r",), ("r",)) if "甲乙" in text else ALLOW

    guard = StreamGuard(pair, StreamConfig(release_chars=1, context_chars=0), lookahead=2)
    assert feed(guard, "丙丙甲") == "丙"
    assert feed(guard, "乙") == "" and guard.blocked is not None


def test_digit_runs_are_held_until_they_end() -> None:
    """G-b2: 17 of 18 ID digits must not go out while the 18th is still to come."""
    guard = StreamGuard(lambda t: ALLOW, StreamConfig(release_chars=1), lookahead=2)
    sent = "".join(feed(guard, c) for c in "身份证号码是11010119900307757")
    assert sent == "身份证号码是"
    assert feed(guard, "1，家住北京") == "110101199003077571，家住"


def test_random_chunkings_release_the_same_text() -> None:
    text = "长城是中国古代的军事防御工程。它始建于春秋战国时期，全长两万多公里。" * 4
    rng = random.Random(7)
    for _ in range(20):
        guard = StreamGuard(lambda t: ALLOW, StreamConfig(), lookahead=32)
        out, i = [], 0
        while i < len(text):
            step = rng.randint(1, 9)
            out.append(feed(guard, text[i : i + step]))
            i += step
        assert "".join(out) + guard.finish() == text
