"""The gateway side of the console's settings, without a server: lifting suspensions and the
minors-mode clock (allowed hours in the user's time zone, over midnight too)."""

from __future__ import annotations

from datetime import UTC, datetime

from beian.gateway.config import SanctionsConfig
from beian.gateway.sanctions import Sanctions
from beian.gateway.userprefs import Minor


def test_a_lift_ends_only_suspensions_that_began_before_it() -> None:
    now = [1000.0]
    sanctions = Sanctions(
        SanctionsConfig(mode="enforce", consecutive=1, suspend_seconds=600), clock=lambda: now[0]
    )
    assert sanctions.record("k/e", True) == "suspend"
    sanctions.lift("k/e", 900.0)  # a lift older than the suspension changes nothing
    assert sanctions.suspended_for("k/e") > 0
    sanctions.lift("k/e", 1001.0)
    assert sanctions.suspended_for("k/e") == 0  # the key user's scope is lifted too
    assert sanctions.suspended_for("k/other") == 0
    now[0] = 2000.0
    assert sanctions.record("k/e", True) == "suspend"
    sanctions.lift("k/e", 1001.0)  # the same lift does not undo a later suspension
    assert sanctions.suspended_for("k/e") > 0


def test_minor_hours_in_local_time() -> None:
    day = Minor(8, 22, 8, None, True)
    assert day.in_hours(datetime(2026, 1, 1, 0, 30, tzinfo=UTC))  # 08:30 in Beijing
    assert not day.in_hours(datetime(2026, 1, 1, 14, 0, tzinfo=UTC))  # 22:00 in Beijing
    assert day.day_start(datetime(2026, 1, 1, 17, 0, tzinfo=UTC)) == datetime(
        2026, 1, 1, 16, 0, tzinfo=UTC
    )  # 01:00 on 2 January in Beijing: that day began at 16:00 UTC
    night = Minor(20, 2, 0, None, False)
    assert night.in_hours(datetime(2026, 1, 1, 1, 0, tzinfo=UTC))
    assert not night.in_hours(datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
