"""``beian assess``: the main job. Runs every report section over a workspace and concludes
on every clause of the profile, recording the run in the store.

A clause no section concludes on stays *pending* with the reason; nothing is reported as
conforming without evidence, and no figure is shown that was not computed in this run or read
from a stored run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from beian import __version__
from beian.assess.context import AssessContext, Section
from beian.assess.derived import derive
from beian.assess.dossier import DossierInputs, snapshot
from beian.assess.evidence import ClauseEvidence, Lang, Msg, pending
from beian.assess.monitoring import gather
from beian.assess.settle import settle
from beian.errors import BeianError
from beian.registry import registry
from beian.standard import Profile, load_profile
from beian.store import Store
from beian.workspace import Workspace

COMPLETENESS_CLAUSE = "9.1.b"


class Assessment(BaseModel):
    """The outcome of one ``beian assess`` run."""

    run_id: str
    profile: str
    profile_version: str
    tool_version: str
    workspace: str
    provider: str
    service: str
    clauses: list[ClauseEvidence]
    totals: dict[str, int]
    sections: list[dict[str, Any]]
    notes: list[str] = []
    """What the user should know about the inputs taken, e.g. which eval run was used."""
    dossier: DossierInputs | None = None
    """What the report needs from the workspace, read when the run was assessed; ``None`` in
    assessments stored before it existed (:func:`with_dossier` fills it in)."""

    def inputs(self) -> DossierInputs:
        """The dossier inputs; an error for an assessment stored without them."""
        if self.dossier is None:
            from beian.errors import InputError

            raise InputError(
                f"assessment {self.run_id} was stored without its dossier inputs; "
                "render it with its workspace or assess again"
            )
        return self.dossier


def _sections() -> list[tuple[Section, dict[str, Any]]]:
    built = []
    for info in registry.plugins("report_section"):
        section, spec = registry.create("report_section", info.name)
        built.append((section, spec.model_dump(mode="json")))
    return sorted(built, key=lambda pair: (pair[0].order, pair[0].name))


def _run_section(section: Section, ctx: AssessContext) -> list[ClauseEvidence]:
    try:
        return section.build(ctx)
    except BeianError as exc:
        # One broken input must not sink the whole assessment: its clauses stay pending.
        why = Msg(zh=f"{section.name} 无法完成：{exc}", en=f"{section.name} could not run: {exc}")
        return [pending(c, section.name, why) for c in section.clauses(ctx.profile)]


def _default(profile: Profile, clause_id: str) -> ClauseEvidence:
    kind = profile.clause(clause_id).kind
    if kind == "automatic":
        why = Msg(
            zh=f"beian {__version__} 尚无该条款的自动核查，需人工提供证据",
            en=f"beian {__version__} has no automatic check for this clause yet; evidence needed",
        )
    else:
        why = Msg(zh="尚无声明", en="no attestation yet")
    return pending(clause_id, "default", why)


def _completeness(results: dict[str, ClauseEvidence]) -> ClauseEvidence:
    open_ = sorted(
        c for c, r in results.items() if r.status == "pending" and c != COMPLETENESS_CLAUSE
    )
    if not open_:
        return ClauseEvidence(
            clause=COMPLETENESS_CLAUSE,
            status="conforms",
            section="assess",
            summary=Msg(zh="全部条款均已形成结论", en="every clause has a conclusion"),
            figures={"pending": 0},
        )
    why = Msg(zh=f"{len(open_)} 个条款尚待确认", en=f"{len(open_)} clauses are still pending")
    result = pending(COMPLETENESS_CLAUSE, "assess", why)
    result.figures["pending"] = len(open_)
    return result


def assess(
    ws: Workspace,
    store: Store,
    *,
    lang: Lang = "zh",
    on_progress: Callable[[str], None] = lambda _m: None,
    eval_run: str | None = None,
    scan_run: str | None = None,
) -> Assessment:
    """Assess ``ws`` against its profile; record the run; write ``runs/<id>/assessment.json``.

    ``eval_run`` names the eval run to conclude from (default: the newest finished one); a run
    that does not exist or did not finish is a user error before anything is assessed.
    """
    if eval_run is not None:
        from beian.evaluate.selection import choose_eval_run

        choose_eval_run(store, ws, eval_run)
    if scan_run is not None:
        _check_scan_run(store, scan_run)
    profile = ws.profile()
    sections = _sections()
    run_id = _start_assess_run(
        store,
        profile=profile.profile,
        profile_version=profile.version,
        workspace=str(ws.root),
        config=ws.config.model_dump(mode="json"),
        specs=[spec for _s, spec in sections],
    )
    ctx = AssessContext(
        ws,
        profile,
        store,
        run_id,
        lang,
        on_progress=on_progress,
        eval_run=eval_run,
        scan_run=scan_run,
    )
    results: dict[str, ClauseEvidence] = {}
    known = {c.id for c in profile.clauses}
    for section, _spec in sections:
        on_progress(section.name)
        for ev in _run_section(section, ctx):
            if ev.clause in known:
                results.setdefault(ev.clause, ev)
    for clause in profile.clauses:
        if clause.id not in results:
            results[clause.id] = _default(profile, clause.id)
    monitoring = gather(store, ws.path("runs") / run_id)
    settle(profile, results, ws.config.scope, ws.path("attestations"), monitoring)
    derive(profile, results)
    if COMPLETENESS_CLAUSE in known and results[COMPLETENESS_CLAUSE].section == "default":
        results[COMPLETENESS_CLAUSE] = _completeness(results)
    ordered = [results[c.id] for c in profile.clauses]
    outcome = Assessment(
        run_id=run_id,
        profile=profile.profile,
        profile_version=profile.version,
        tool_version=__version__,
        workspace=str(ws.root),
        provider=ws.config.provider,
        service=ws.config.service,
        clauses=ordered,
        totals=dict(Counter(r.status for r in ordered)),
        sections=[spec for _s, spec in sections],
        notes=ctx.notes,
        dossier=snapshot(ws, profile, ordered, run_id),
    )
    out_dir = ws.path("runs") / run_id
    write_assessment(outcome, out_dir / "assessment.json")
    store.finish_run(run_id, {"totals": outcome.totals, "path": str(out_dir)})
    return outcome


def _check_scan_run(store: Store, run_id: str) -> None:
    """``--scan-run`` must name a finished corpus scan: a user error before anything runs."""
    from beian.errors import InputError
    from beian.scan.record import ASSESS_KIND

    run = store.get_run(run_id)
    if run is None or run.kind != ASSESS_KIND:
        raise InputError(f"no corpus scan run {run_id!r} in the store (see beian corpus assess)")
    if run.status != "done":
        raise InputError(f"corpus scan run {run_id} is {run.status}, not finished")


def _start_assess_run(store: Store, **fields: Any) -> str:
    """A readable run id (``20261203-154501-assess``), unique in the store (F29)."""
    from beian.evaluate.record import now_local
    from beian.evaluate.runid import start_readable_run

    return start_readable_run(store, "assess", "assess", now_local(), **fields)


def write_assessment(outcome: Assessment, path: Path) -> None:
    """Write the assessment as stable, UTF-8 JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = outcome.model_dump(mode="json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def with_dossier(outcome: Assessment, ws: Workspace, *, refresh: bool = False) -> Assessment:
    """``outcome`` with its dossier inputs; an assessment stored without them (or ``refresh``)
    reads them now from ``ws`` (the workspace as it is today, not as it was assessed)."""
    if outcome.dossier is not None and not refresh:
        return outcome
    found = snapshot(ws, ws.profile(), outcome.clauses, outcome.run_id)
    return outcome.model_copy(update={"dossier": found})


def profile_of(outcome: Assessment) -> Profile:
    """The profile the assessment was made against (a built-in name needs no workspace)."""
    d = outcome.inputs()
    return load_profile(d.profile, base_dir=Path(d.root))
