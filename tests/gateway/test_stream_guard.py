"""StreamGuard alone: release, hold back, cut."""

from __future__ import annotations

from beian.gateway.config import StreamConfig
from beian.gateway.screen import ALLOW, Decision
from beian.gateway.stream_guard import StreamGuard

BAD = "坏"


def check(text: str) -> Decision:
    return Decision("block", ("A.1.a",), ("A.1.a",)) if BAD in text else ALLOW


def test_releases_at_sentence_ends_and_holds_the_rest() -> None:
    guard = StreamGuard(check, StreamConfig(release_chars=100))
    assert guard.feed("你好") == ""
    assert guard.feed("。今天") == "你好。"
    assert guard.pending == "今天"
    assert guard.finish() == "今天" and guard.released == "你好。今天"


def test_releases_long_text_without_sentence_end() -> None:
    guard = StreamGuard(check, StreamConfig(release_chars=4, sentence_ends="。"))
    assert guard.feed("abc") == "" and guard.feed("de") == "abcde"


def test_cut_never_sends_checked_bad_text() -> None:
    guard = StreamGuard(check, StreamConfig(release_chars=100))
    sent = [guard.feed(d) for d in ["一切正常。", "然后", BAD, "事。", "还有更多。"]]
    assert "".join(sent) == "一切正常。"
    assert guard.blocked is not None and guard.withheld == len("然后坏事。")
    assert guard.finish() == ""


def test_context_lets_a_split_risk_be_seen() -> None:
    def pair(text: str) -> Decision:
        return Decision("block", ("r",), ("r",)) if "AB" in text else ALLOW

    guard = StreamGuard(pair, StreamConfig(release_chars=1, context_chars=5))
    assert guard.feed("A") == "A"  # harmless alone: this is the at-most-one-window leak
    assert guard.feed("B") == "" and guard.blocked is not None
    no_context = StreamGuard(pair, StreamConfig(release_chars=1, context_chars=0))
    assert no_context.feed("A") + no_context.feed("B") == "AB"
