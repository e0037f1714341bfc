"""Which eval run an assessment rests on: the one the user named, else the newest finished one.

Only a ``done`` run has results; a ``failed`` run (its requests failed) or an ``interrupted``
one must never stand in for good evidence, so the newest *finished* run is taken and the newer
runs passed over are named, with their cause, so the user sees why they were ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select

from beian.assess.evidence import Msg
from beian.errors import InputError
from beian.evaluate.storage import EVAL_KIND, load_run
from beian.store import RunRow, Store
from beian.workspace import Workspace

DONE = "done"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A run newer than the chosen one that was not taken, and why."""

    id: str
    status: str
    cause: str


@dataclass(frozen=True, slots=True)
class Choice:
    """The run taken (``None`` = no finished run) and how it was chosen."""

    run: RunRow | None
    how: Literal["explicit", "newest"]
    skipped: list[Skipped] = field(default_factory=list)

    def describe(self) -> Msg:
        """One sentence for the user: which run, why, and what was ignored."""
        ignored_zh = ignored_en = ""
        if self.skipped:
            names = "、".join(f"{s.id}（{_status_zh(s.status)}）" for s in self.skipped)
            names_en = ", ".join(f"{s.id} ({s.status}: {s.cause})" for s in self.skipped)
            ignored_zh = f"；已忽略较新的未正常完成的运行 {names}"
            ignored_en = f"; ignored newer runs that did not finish: {names_en}"
        if self.run is None:
            return Msg(
                zh="没有已完成的模型评估运行" + ignored_zh, en="no finished eval run" + ignored_en
            )
        when = "指定的" if self.how == "explicit" else "最新一次已完成的"
        when_en = "as asked" if self.how == "explicit" else "the newest finished run"
        return Msg(
            zh=f"模型评估依据{when}运行 {self.run.id}{ignored_zh}",
            en=f"model evaluation from run {self.run.id} ({when_en}){ignored_en}",
        )


def _status_zh(status: str) -> str:
    return {"failed": "失败", "interrupted": "中断", "running": "未结束"}.get(status, status)


def _cause(run: RunRow) -> str:
    summary = run.summary or {}
    failure = (summary.get("run") or {}).get("failure") or {}
    first = failure.get("first") or []
    if first:
        return str(first[0].get("error", ""))
    return str(summary.get("error", run.status))


def choose_eval_run(store: Store, ws: Workspace, run_id: str | None = None) -> Choice:
    """The run ``run_id`` (must be finished), else the workspace's newest finished run."""
    if run_id is not None:
        run = load_run(store, run_id)
        if run.status != DONE:
            raise InputError(
                f"eval run {run_id} is {run.status} ({_cause(run)}); pick a finished run"
            )
        return Choice(run, "explicit")
    with store.session() as s:
        stmt = (
            select(RunRow)
            .where(RunRow.kind == EVAL_KIND, RunRow.workspace == str(ws.root))
            .order_by(RunRow.started_at.desc())
        )
        skipped: list[Skipped] = []
        for run in s.scalars(stmt):
            if run.status == DONE:
                return Choice(run, "newest", skipped)
            skipped.append(Skipped(run.id, run.status, _cause(run)))
    return Choice(None, "newest", skipped)
