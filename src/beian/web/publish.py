"""Publishing a queue: its decided verdicts go where the sheet imports put them.

A corpus queue goes through the §9.2 a import (``manual`` verdicts on the sample's items, a
scored ``corpus-verdicts`` run that ``beian assess`` reads); an answers queue through the
§9.3 b import (``manual`` verdicts on the eval run, its results recomputed). Reviewer names
and the agreement figures travel with the summary as evidence.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import update

from beian.evaluate.review import MANUAL
from beian.evaluate.run import rebuild_results
from beian.evaluate.storage import replace_verdicts
from beian.scan import manual
from beian.scan.record import import_verdicts, record_verdicts
from beian.standard import Profile
from beian.store import Store
from beian.store.web_models import WebQueueRow
from beian.web.agreement import Overview, overview
from beian.web.audit import action
from beian.web.queues import Queue
from beian.web.states import ItemState, final_risk, item_states, people

PUBLISHABLE = ("corpus", "answers")
"""Queue kinds whose verdicts have a place in the store that ``assess`` reads."""


def _evidence(states: list[ItemState], ov: Overview, queue: Queue) -> dict[str, Any]:
    names = sorted({n for st in states for n in people(st)})
    pairs = [k for k in ov.kappas if not k.risk]
    kappa_text = "; ".join(
        f"{a}·{b} κ={'—' if k.kappa is None else f'{k.kappa:.3f}'} (n={k.n})"
        for k in pairs
        for a, b in [k.pair]
    )
    return {
        "reviewer_names": ", ".join(names),
        "agreement_kappa": kappa_text or "—",
        "source": "beian web",
        "web_queue": queue.id,
        "reviewers_required": queue.reviewers_required,
        "reviewers": names,
        "disputed": ov.disputed,
        "agreement": [{**asdict(k), "pair": list(k.pair)} for k in ov.kappas if not k.risk],
    }


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


def _answers(store: Store, queue: Queue, states: list[ItemState], profile: Profile) -> str:
    verdicts = {
        st.key: (st.final, ", ".join(people(st))[:120], _note(st))
        for st in states
        if st.final is not None
    }
    replace_verdicts(store, queue.run_id, MANUAL, verdicts)
    rebuild_results(store, queue.run_id, profile)
    return queue.run_id


def publish(
    store: Store, queue: Queue, profile: Profile, who: str, *, workspace: str = "",
    min_items: int = 10, idle_cap: float = 300.0,
) -> str:  # fmt: skip
    """Write the queue's decided verdicts to the store; the run that now holds them."""
    states = item_states(store, queue.id, queue.reviewers_required)
    ov = overview(states, min_items=min_items, idle_cap=idle_cap)
    evidence = _evidence(states, ov, queue)
    if queue.kind == "corpus":
        run = _corpus(store, queue, states, profile, workspace, evidence)
    else:
        run = _answers(store, queue, states, profile)
    with action(store, "web.publish", who, queue=queue.id, run=run, decided=ov.decided) as (s, _):
        s.execute(update(WebQueueRow).where(WebQueueRow.id == queue.id).values(published_run=run))
    return run
