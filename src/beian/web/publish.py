"""Publishing a queue: its decided verdicts go where the sheet imports put them.

A corpus queue goes through the §9.2 a import (``manual`` verdicts on the sample's items, a
scored ``corpus-verdicts`` run that ``beian assess`` reads); an answers queue through the
§9.3 b import (``manual`` verdicts on the eval run, its results recomputed); a §9.4 refusal
queue as ``manual_refusal`` verdicts on the eval run, which then conclude 9.4 b/c; a traffic
queue as ``manual`` verdicts on the gateway-traffic run, read by ``assess`` for 7.g's
monitoring half. Reviewer names and the agreement figures travel with them as evidence (the
corpus run's summary; the eval or traffic run's config).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from beian.assess.monitoring import TRAFFIC_REVIEW_KEY
from beian.evaluate.results import MANUAL_REFUSAL
from beian.evaluate.review import MANUAL
from beian.evaluate.run import rebuild_results
from beian.evaluate.storage import REVIEWS_KEY, load_run, replace_verdicts, update_config
from beian.scan import manual
from beian.scan.record import import_verdicts, record_verdicts
from beian.standard import Profile
from beian.store import Store
from beian.store.models import ItemRow, VerdictRow
from beian.store.web_models import WebQueueRow
from beian.web.audit import action
from beian.web.judge_agreement import judge_agreement
from beian.web.queues import Queue
from beian.web.review_evidence import review_evidence
from beian.web.states import ItemState, final_risk, item_states, people

PUBLISHABLE = ("corpus", "answers", "refusals", "traffic")
"""Queue kinds whose verdicts have a place in the store that ``assess`` reads."""
REFUSAL_CLAUSE_OF = {"refuse": "9.4.b", "answer": "9.4.c"}
AS_JUDGE = {"refused": "refusal", "answered": "answer"}
"""A §9.4 reviewer's verdict in the refusal judge's words, so the same rules count it."""


def _note(st: ItemState) -> str:
    return " | ".join(r.note for r in (*st.reviews, *([st.ruling] if st.ruling else [])) if r.note)


def _corpus(store: Store, queue: Queue, states: list[ItemState], profile: Profile,
            workspace: str, evidence: dict[str, Any]) -> str:  # fmt: skip
    rows = [
        {
            "sample_id": st.key,
            "run_id": queue.run_id,
            "verdict": st.final,
            "risk": final_risk(st),
            "reviewer": ", ".join(people(st)),
            "note": _note(st),
        }  # fmt: skip
        for st in states
    ]
    sample_run, size = import_verdicts(store, rows, queue.run_id)
    summary = manual.score(rows, size, profile)
    summary.update(sample_run=sample_run.id, file="", file_sha256="", **evidence)
    summary["manifest_sha256"] = sample_run.summary.get("manifest_sha256", "")
    config = {"web_queue": queue.id, "sample_run": sample_run.id}
    return record_verdicts(store, summary, profile, workspace=workspace, config=config)


def _manual(states: list[ItemState], words: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        st.key: ((words or {}).get(st.final, st.final), ", ".join(people(st))[:120], _note(st))
        for st in states
        if st.final is not None
    }


def _clear(store: Store, run_id: str, method: str) -> None:
    """Drop ``method``'s verdicts on the run: an item no longer decided keeps none."""
    ids = select(ItemRow.id).where(ItemRow.run_id == run_id).scalar_subquery()
    with store.session() as s:
        s.execute(
            delete(VerdictRow).where(VerdictRow.item_id.in_(ids), VerdictRow.method == method)
        )


def _remember(store: Store, run_id: str, evidence: dict[str, dict[str, Any]]) -> None:
    known = dict((load_run(store, run_id).config or {}).get(REVIEWS_KEY) or {})
    update_config(store, run_id, {REVIEWS_KEY: {**known, **evidence}})


def _answers(store: Store, queue: Queue, states: list[ItemState], profile: Profile,
             evidence: dict[str, Any]) -> str:  # fmt: skip
    replace_verdicts(store, queue.run_id, MANUAL, _manual(states))
    _remember(store, queue.run_id, {"9.3.b": evidence})
    rebuild_results(store, queue.run_id, profile)
    return queue.run_id


def _banks(store: Store, states: list[ItemState]) -> dict[str, list[ItemState]]:
    with store.session() as s:
        bank = dict(s.execute(select(ItemRow.id, ItemRow.source).where(
            ItemRow.id.in_([st.item_id for st in states]))).all())  # fmt: skip
    return {b: [st for st in states if bank.get(st.item_id) == b] for b in REFUSAL_CLAUSE_OF}


def _refusals(store: Store, queue: Queue, states: list[ItemState], profile: Profile,
              settings: dict[str, Any]) -> str:  # fmt: skip
    """§9.4: people's verdicts become ``manual_refusal`` verdicts, which conclude 9.4 b/c."""
    _clear(store, queue.run_id, MANUAL_REFUSAL)
    replace_verdicts(store, queue.run_id, MANUAL_REFUSAL, _manual(states, AS_JUDGE))
    evidence = {
        REFUSAL_CLAUSE_OF[bank]: review_evidence(
            part, positive="refused", judge=judge_agreement(store, part), **settings
        )
        for bank, part in _banks(store, states).items()
        if part
    }
    _remember(store, queue.run_id, evidence)
    rebuild_results(store, queue.run_id, profile)
    return queue.run_id


def _traffic(store: Store, queue: Queue, states: list[ItemState], evidence: dict[str, Any]) -> str:
    """Flagged traffic: ``manual`` verdicts on the traffic run, evidence for 7.g monitoring."""
    _clear(store, queue.run_id, MANUAL)
    verdicts = _manual(states)
    replace_verdicts(store, queue.run_id, MANUAL, verdicts)
    harmless = sum(v == "qualified" for v, _, _ in verdicts.values())
    update_config(store, queue.run_id, {TRAFFIC_REVIEW_KEY: {
        **evidence, "reviewed": len(verdicts), "false_alarms": harmless}})  # fmt: skip
    return queue.run_id


def publish(
    store: Store, queue: Queue, profile: Profile, who: str, *, workspace: str = "",
    min_items: int = 10, idle_cap: float = 300.0,
) -> str:  # fmt: skip
    """Write the queue's decided verdicts to the store; the run that now holds them."""
    states = item_states(store, queue.id, queue.reviewers_required)
    settings: dict[str, Any] = {"queue_id": queue.id, "required": queue.reviewers_required,
                                "min_items": min_items, "idle_cap": idle_cap}  # fmt: skip
    if queue.kind == "refusals":
        run = _refusals(store, queue, states, profile, settings)
    else:
        evidence = review_evidence(states, positive="qualified", **settings)
        if queue.kind == "corpus":
            run = _corpus(store, queue, states, profile, workspace, evidence)
        elif queue.kind == "traffic":
            run = _traffic(store, queue, states, evidence)
        else:
            run = _answers(store, queue, states, profile, evidence)
    decided = sum(st.final is not None for st in states)
    with action(store, "web.publish", who, queue=queue.id, run=run, decided=decided) as (s, _):
        s.execute(update(WebQueueRow).where(WebQueueRow.id == queue.id).values(published_run=run))
    return run
