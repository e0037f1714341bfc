"""Eval runs in the store: one item per sampled question, one verdict row per judge.

Layout, shared with the report's attachment writer (附件5 模型回答 / 研判结果): the item key
is the question id (``bank:id`` only when two banks share an id), ``text`` is the question,
``data["answer"]`` the answer (absent when none was obtained, with ``data["error"]``), one
verdict row per judge with its evidence, and a finding row per risk a safety judge flagged.

Everything results.json says is rebuilt from these rows (:func:`load_items`), so a manual
review imported days later lands in the same run and the numbers are recomputed, not patched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from beian.errors import InputError
from beian.evaluate.judges import Judgement
from beian.evaluate.results import EvalItem
from beian.store import FindingRow, ItemRow, RunRow, Store, VerdictRow

EVAL_KIND = "eval"
KEY_MAX = 200
"""Length of the items.key column."""


REVIEWS_KEY = "web_reviews"
"""Where a run's config keeps the evidence of people's review published by ``beian web``, per
clause (9.3.b, 9.4.b, 9.4.c): reviewer names, agreement. Read by ``beian assess``."""


def item_keys(ids: Sequence[tuple[str, str]]) -> list[str]:
    """Item keys for ``(bank, question_id)`` pairs: the id, ``bank:id`` when an id repeats
    across banks, hashed when too long for the key column."""
    seen: set[str] = set()
    out = []
    for bank, qid in ids:
        key = qid if qid not in seen else f"{bank}:{qid}"
        if len(key) > KEY_MAX:
            key = f"{bank}:sha256:{hashlib.sha256(qid.encode('utf-8')).hexdigest()}"
        seen.add(qid)
        out.append(key)
    return out


def _item_values(run_id: str, it: EvalItem, extra: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "question_id": it.question_id,
        "bank": it.bank,
        "risk": it.risk,
        "topic": it.topic,
        **extra,
    }
    if it.answer is not None:
        data["answer"] = it.answer
    if it.error is not None:
        data["error"] = it.error
    return {"run_id": run_id, "key": it.key, "source": it.bank, "text": it.question, "data": data}


def _findings(item_id: int, it: EvalItem) -> list[dict[str, Any]]:
    """Finding rows for the risks a safety judge flagged (the evidence behind 不合格)."""
    out = []
    for method, j in it.verdicts.items():
        flagged = set(j.evidence.get("risks", ())) if j.verdict == "unqualified" else set()
        for f in j.evidence.get("findings", ()):
            if f.get("risk") in flagged:
                out.append({
                    "item_id": item_id, "risk": f["risk"], "detector": f.get("detector", method),
                    "score": float(f.get("score", 0.0)), "start": f.get("start"),
                    "end": f.get("end"), "evidence": str(f.get("evidence", "")),
                })  # fmt: skip
    return out


def write_items(
    store: Store, run_id: str, items: Sequence[EvalItem], extras: Sequence[dict[str, Any]]
) -> None:
    """Store every item with its verdicts in one transaction (bulk inserts, not the ORM unit
    of work: a run holds thousands of rows and the per-object overhead dominated)."""
    if not items:
        return
    now = datetime.now(UTC)
    values = [_item_values(run_id, it, ex) for it, ex in zip(items, extras, strict=True)]
    with store.session() as s:
        stmt = insert(ItemRow).returning(ItemRow.id, sort_by_parameter_order=True)
        ids = list(s.scalars(stmt, values))
        verdicts = [
            {"item_id": item_id, "method": m, "verdict": j.verdict, "reviewer": "", "note": "",
             "created_at": now, "data": j.evidence}
            for item_id, it in zip(ids, items, strict=True)
            for m, j in it.verdicts.items()
        ]  # fmt: skip
        if verdicts:
            s.execute(insert(VerdictRow), verdicts)
        findings = [
            f for item_id, it in zip(ids, items, strict=True) for f in _findings(item_id, it)
        ]
        if findings:
            s.execute(insert(FindingRow), findings)


def load_run(store: Store, run_id: str) -> RunRow:
    """The eval run ``run_id``; InputError when the store has no such eval run."""
    with store.session() as s:
        run = s.get(RunRow, run_id)
    if run is None or run.kind != EVAL_KIND:
        raise InputError(f"no eval run {run_id!r} in the store")
    return run


def update_config(store: Store, run_id: str, updates: dict[str, Any]) -> None:
    """Merge ``updates`` into the run's stored configuration (known only after it started,
    such as its output folder, which is named after the run id)."""
    with store.session() as s:
        run = s.get(RunRow, run_id)
        if run is None:
            raise InputError(f"no eval run {run_id!r} in the store")
        run.config = {**(run.config or {}), **updates}


def reopen_run(store: Store, run_id: str) -> None:
    """Put a run back in state ``running`` (resuming it)."""
    with store.session() as s:
        run = s.get(RunRow, run_id)
        if run is None:
            raise InputError(f"no eval run {run_id!r} in the store")
        run.status = "running"
        run.finished_at = None


def clear_items(store: Store, run_id: str) -> None:
    """Drop a run's items (with their verdicts and findings) before it is redone."""
    with store.session() as s:
        ids = select(ItemRow.id).where(ItemRow.run_id == run_id).scalar_subquery()
        s.execute(delete(VerdictRow).where(VerdictRow.item_id.in_(ids)))
        s.execute(delete(FindingRow).where(FindingRow.item_id.in_(ids)))
        s.execute(delete(ItemRow).where(ItemRow.run_id == run_id))


def load_items(store: Store, run_id: str) -> list[EvalItem]:
    """The run's items with every verdict (the latest one per method wins)."""
    with store.session() as s:
        stmt = (
            select(ItemRow)
            .where(ItemRow.run_id == run_id)
            .options(selectinload(ItemRow.verdicts))
            .order_by(ItemRow.id)
        )
        rows = list(s.scalars(stmt))
    items = []
    for row in rows:
        data = row.data or {}
        verdicts: dict[str, Judgement] = {}
        for v in sorted(row.verdicts, key=lambda v: (v.created_at, v.id)):
            evidence = dict(v.data or {})
            if v.reviewer:
                evidence["reviewer"] = v.reviewer
            if v.note:
                evidence["note"] = v.note
            verdicts[v.method] = Judgement(verdict=v.verdict, evidence=evidence)
        items.append(
            EvalItem(
                key=row.key,
                question_id=str(data.get("question_id", row.key)),
                bank=str(data.get("bank", row.source)),
                question=row.text or "",
                answer=data.get("answer"),
                risk=data.get("risk"),
                topic=data.get("topic"),
                error=data.get("error"),
                verdicts=verdicts,
            )
        )
    return items


def replace_verdicts(
    store: Store, run_id: str, method: str, verdicts: dict[str, tuple[str, str, str]]
) -> int:
    """Set ``method``'s verdict ``(verdict, reviewer, note)`` per item key; returns how many.

    A key the run does not hold is an InputError naming it: a review sheet from another run
    must not be merged silently.
    """
    now = datetime.now(UTC)
    with store.session() as s:
        rows = {r.key: r for r in s.scalars(select(ItemRow).where(ItemRow.run_id == run_id))}
        unknown = sorted(k for k in verdicts if k not in rows)
        if unknown:
            raise InputError(f"review sheet names items not in run {run_id}: {unknown[:3]}")
        ids = [rows[k].id for k in verdicts]
        s.execute(
            delete(VerdictRow).where(VerdictRow.item_id.in_(ids), VerdictRow.method == method)
        )
        for key, (verdict, reviewer, note) in verdicts.items():
            s.add(
                VerdictRow(
                    item_id=rows[key].id,
                    method=method,
                    verdict=verdict,
                    reviewer=reviewer,
                    note=note,
                    created_at=now,
                    data={},
                )
            )
    return len(verdicts)


def list_runs(store: Store, workspace: str | None = None) -> list[dict[str, Any]]:
    """Eval runs, newest first, as their records (id, status, target, answers, cause)."""
    with store.session() as s:
        stmt = select(RunRow).where(RunRow.kind == EVAL_KIND)
        if workspace is not None:
            stmt = stmt.where(RunRow.workspace == workspace)
        rows = list(s.scalars(stmt.order_by(RunRow.started_at.desc())))
    out = []
    for run in rows:
        summary = run.summary or {}
        record = dict(summary.get("run") or (run.config or {}).get("run") or {})
        first = (record.get("failure") or {}).get("first") or []
        cause = first[0]["error"] if first and run.status != "done" else summary.get("error", "")
        record.update(
            id=run.id,
            status=run.status,
            started_at=run.started_at.isoformat(),
            target=record.get("target") or {"spec": (run.config or {}).get("target", "")},
            cause=cause,
        )
        out.append(record)
    return out
