from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from beian.errors import UserError
from beian.filing.clocks import clocks_for
from beian.filing.dossier import recheck
from beian.filing.register import (
    NewRecord,
    add_record,
    attach,
    history,
    record_event,
    set_status,
)
from beian.gateway.verify import verify
from beian.store import Store


def _walk_to_filed(store: Store) -> int:
    rec = add_record(
        store, NewRecord("model_filing", "星河对话大模型", owner="北京星河智能科技有限公司")
    )
    assert rec.status == "draft" and rec.subject == "model"
    set_status(store, rec.id, "submitted", on=date(2026, 3, 2))
    with pytest.raises(UserError, match="reason"):
        set_status(store, rec.id, "returned")
    set_status(store, rec.id, "returned", reason="附件5 题量不足", on=date(2026, 4, 1))
    set_status(store, rec.id, "submitted", on=date(2026, 4, 10))
    with pytest.raises(UserError, match="number"):
        set_status(store, rec.id, "filed")
    with pytest.raises(UserError, match="does not exist"):
        set_status(store, rec.id, "filed", number="Beijing-XingHeDuiHua-202613010001")
    done = set_status(
        store, rec.id, "filed", number="Beijing-XingHeDuiHua-202605100007", on=date(2026, 5, 10)
    )
    assert (done.status, done.filed_on) == ("filed", date(2026, 5, 10))
    return rec.id


def _exercise(store: Store) -> None:
    record_id = _walk_to_filed(store)
    with pytest.raises(UserError, match="cannot go from filed to submitted"):
        set_status(store, record_id, "submitted")
    events, _files = history(store, record_id)
    moves = [(e.from_status, e.to_status) for e in events]
    assert moves == [("", "draft"), ("draft", "submitted"), ("submitted", "returned"),
                     ("returned", "submitted"), ("submitted", "filed")]  # fmt: skip
    assert events[2].note == "附件5 题量不足"
    report = verify(store)
    assert report.ok and report.links == len(events)
    assert all(e.chain_seq for e in events)


def test_status_machine_and_audit_chain_sqlite(store: Store) -> None:
    _exercise(store)


@pytest.mark.postgres
def test_status_machine_and_audit_chain_postgres(pg_store: Store) -> None:
    _exercise(pg_store)


def test_cancelled_is_final_and_drafts_cannot_change(store: Store) -> None:
    rec = add_record(store, NewRecord("algorithm_filing", "某生成合成算法"))
    with pytest.raises(UserError, match="only a filed record"):
        record_event(store, rec.id, "changed", date(2026, 5, 1))
    set_status(store, rec.id, "cancelled")
    with pytest.raises(UserError, match="allowed next: none"):
        set_status(store, rec.id, "submitted")


def test_algorithm_number_must_look_like_one(store: Store) -> None:
    with pytest.raises(UserError, match="网信算备"):
        add_record(store, NewRecord("algorithm_filing", "x", number="Beijing-X-202401010001"))
    ok = add_record(
        store, NewRecord("algorithm_filing", "x", number="网信算备110108823483901230011号")
    )
    assert ok.status == "filed"


def test_clocks_change_cancellation_and_reassessment(store: Store, tmp_path: Path) -> None:
    rec = add_record(store, NewRecord("algorithm_filing", "某生成合成算法",
                                      launched_on=date(2026, 2, 12)))  # fmt: skip
    (clock,) = clocks_for(rec, [], date(2026, 3, 2))
    assert (clock.clock, clock.due, clock.state) == ("filing", date(2026, 3, 4), "due_soon")
    assert clock.working_days_left == 2  # 3-3, 3-4
    assert clocks_for(rec, [], date(2026, 2, 27))[0].state == "ok"  # 2-28 is worked: 4 left
    (late,) = clocks_for(rec, [], date(2026, 3, 5))
    assert late.state == "overdue"
    set_status(store, rec.id, "submitted")
    filed = set_status(store, rec.id, "filed", number="网信算备110108823483901230011号")
    assert clocks_for(filed, [], date(2026, 3, 5)) == []
    changed = record_event(store, rec.id, "changed", date(2025, 9, 26), note="升级")
    names = {c.clock: c for c in clocks_for(changed, [], date(2025, 10, 9))}
    assert names["change"].due == date(2025, 10, 16) and names["change"].state == "ok"
    assert names["reassessment"].state == "warning"
    report = tmp_path / "runs" / "r1" / "report"
    report.mkdir(parents=True)
    (report.parent / "assessment.json").write_text('{"run_id": "r1"}', encoding="utf-8")
    (report / "report.pdf").write_bytes(b"%PDF-1.7 fictional")
    files = attach(store, rec.id, [report.parent])
    assert {f.role for f in files} == {"assessment", "report"} and files[0].run_id == "r1"
    assert [c.clock for c in clocks_for(changed, files, date(2025, 10, 9))] == ["change"]
    after = set_status(store, rec.id, "changed", on=date(2025, 10, 10))
    assert after.change_event_on is None and clocks_for(after, files, date(2025, 10, 20)) == []
    ended = record_event(store, rec.id, "terminated", date(2026, 9, 18))
    (cancel,) = clocks_for(ended, files, date(2026, 9, 18))
    # 20 working days over Mid-autumn and National Day; 9-20 and 10-10 are worked
    assert cancel.due == date(2026, 10, 22)
    (report / "report.pdf").write_bytes(b"%PDF-1.7 edited later")
    assert [recheck(f.path, f.sha256) for f in files] == ["ok", "changed"]


def test_model_launched_before_filing_is_warned(store: Store) -> None:
    rec = add_record(store, NewRecord("registration", "某对话服务", launched_on=date(2026, 6, 1)))
    (warning,) = clocks_for(rec, [], date(2026, 6, 2))
    assert warning.clock == "launch" and warning.state == "warning"
