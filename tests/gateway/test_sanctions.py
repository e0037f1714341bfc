"""Per-user sanctions: counters, warnings, suspension (a configurable draft policy)."""

from __future__ import annotations

from collections.abc import Callable

import openai
import pytest

from beian.gateway.config import SanctionsConfig
from beian.gateway.sanctions import Sanctions
from tests.gateway.conftest import BENIGN_ANSWER, HARMFUL_INPUT, Running
from tests.gateway.upstream import StreamingOpenAIServer


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_consecutive_limit_warns_then_suspends() -> None:
    clock = Clock()
    s = Sanctions(SanctionsConfig(mode="enforce", consecutive=3, suspend_seconds=60), clock)
    assert [s.record("u", True) for _ in range(3)] == ["", "warn", "suspend"]
    assert s.suspended_for("u") == 60
    clock.now += 61
    assert s.suspended_for("u") == 0


def test_allowed_input_resets_the_run_but_not_the_day() -> None:
    s = Sanctions(SanctionsConfig(mode="enforce", consecutive=3, daily=5), Clock())
    seq = [True, True, False, True, True, False, True]
    assert [s.record("u", b) for b in seq][-1] == "suspend"  # 5 blocked today
    assert s.counts("u") == (0, 5)


def test_day_rolls_over() -> None:
    clock = Clock()
    s = Sanctions(SanctionsConfig(mode="enforce", consecutive=10, daily=2), clock)
    s.record("u", True)
    clock.now += 86_400
    assert s.record("u", True) == "warn"
    assert s.counts("u") == (2, 1)


@pytest.mark.parametrize("mode", ["off", "warn"])
def test_no_suspension_unless_enforced(mode: str) -> None:
    s = Sanctions(SanctionsConfig(mode=mode, consecutive=1), Clock())  # type: ignore[arg-type]
    assert s.record("u", True) == ("" if mode == "off" else "warn")
    assert s.suspended_for("u") == 0


def test_anonymous_users_are_never_counted() -> None:
    s = Sanctions(SanctionsConfig(mode="enforce", consecutive=1), Clock())
    assert s.record("", True) == "" and s.suspended_for("") == 0


def test_gateway_suspends_after_n_blocked_inputs(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve(sanctions={"mode": "enforce", "consecutive": 2})
    client = gw.client()
    user = {"X-Beian-User": "alice"}

    def ask(text: str) -> str:
        out = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": text}], extra_headers=user
        )
        return out.choices[0].message.content or ""

    assert "暂停服务" in ask(HARMFUL_INPUT)  # the warning (one more and you are suspended)
    assert "已被暂停服务" in ask(HARMFUL_INPUT)
    with pytest.raises(openai.PermissionDeniedError) as info:
        ask("请介绍一下长城的历史")
    assert info.value.status_code == 403 and "暂停" in info.value.message
    other = client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "请介绍一下长城的历史"}],
        extra_headers={"X-Beian-User": "bob"},
    )
    assert other.choices[0].finish_reason == "stop"
    decisions = [r.decision for r in gw.gateway.audit.requests()]
    assert decisions.count("suspended") == 1 and decisions.count("blocked_input") == 2
