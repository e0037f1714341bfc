"""Recording corpus runs in the store: assess/filter summaries, the sample, manual verdicts.

Run kinds: ``corpus-assess`` and ``corpus-filter`` (summary = their summary.json; the traced
flagged examples become items with findings), ``corpus-sample`` (one item per sampled record,
key ``source:id``) and ``corpus-verdicts`` (the scored import; verdict rows, method ``manual``,
hang on the sample run's items).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from beian.errors import InputError
from beian.records import ComponentSpec
from beian.scan.manual import sample_key
from beian.scan.summary_model import ScanCommon
from beian.store.quick import ItemRecord, QuickStore

if TYPE_CHECKING:
    # SQLAlchemy and the mappings load only when a run is written through the ORM (a
    # QuickStore writes with sqlite3; see beian.store.quick).
    from beian.standard import Profile
    from beian.store import RunRow, Store

ASSESS_KIND = "corpus-assess"
FILTER_KIND = "corpus-filter"
SAMPLE_KIND = "corpus-sample"
VERDICTS_KIND = "corpus-verdicts"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def scan_items(summary: ScanCommon) -> list[ItemRecord]:
    """The traced flagged examples of an assess or filter summary, as store items."""
    taken: set[str] = set()
    return [
        ItemRecord(
            key=sample_key(ex.model_dump(), taken),
            source=ex.source,
            data={"file": ex.file, "position": ex.position, "risks": ex.risks},
            findings=[
                {
                    "risk": f.risk,
                    "detector": f.detector,
                    "score": f.score,
                    "start": f.start,
                    "end": f.end,
                    "evidence": f.evidence,
                }
                for f in ex.findings
            ],
        )
        for ex in summary.traced_examples()
    ]


def record_scan(
    store: Store | QuickStore,
    kind: str,
    summary: ScanCommon,
    profile: Profile,
    *,
    workspace: str,
    config: dict[str, Any],
    specs: list[ComponentSpec],
) -> str:
    """Record an assess or filter run with its summary and traced examples; return its id."""
    items = scan_items(summary)
    if isinstance(store, QuickStore):
        return store.record_run(
            kind, profile=profile.profile, profile_version=profile.version,
            workspace=workspace, config=config, items=items, summary=summary.to_json(),
            specs=[spec.model_dump(mode="json") for spec in specs],
        )  # fmt: skip
    from beian.store import FindingRow, ItemRow

    run_id = store.start_run(
        kind,
        profile=profile.profile,
        profile_version=profile.version,
        workspace=workspace,
        config=config,
        specs=[spec.model_dump(mode="json") for spec in specs],
    )
    with store.session() as s:
        for it in items:
            item = ItemRow(run_id=run_id, key=it.key, source=it.source, data=it.data)
            item.findings = [FindingRow(**f) for f in it.findings]
            s.add(item)
    store.finish_run(run_id, summary.to_json())
    return run_id


def record_sample(
    store: Store,
    entries: list[dict[str, Any]],
    profile: Profile,
    *,
    workspace: str,
    config: dict[str, Any],
    summary: dict[str, Any],
) -> tuple[str, list[dict[str, Any]]]:
    """Record the manual sample; return the run id and the reviewers' rows."""
    from beian.store import ItemRow

    run_id = store.start_run(
        SAMPLE_KIND,
        profile=profile.profile,
        profile_version=profile.version,
        workspace=workspace,
        config=config,
    )
    rows: list[dict[str, Any]] = []
    taken: set[str] = set()
    with store.session() as s:
        for e in entries:
            key = sample_key(e, taken)
            data = {k: e.get(k) for k in ("id", "file", "position", "hash")}
            data["truncated"] = bool(e.get("truncated"))
            s.add(
                ItemRow(
                    run_id=run_id,
                    key=key,
                    source=e["source"],
                    sha256=_sha(e["text"]),
                    text=e["text"],
                    data=data,
                )  # fmt: skip
            )
            rows.append(
                {
                    "sample_id": key,
                    "run_id": run_id,
                    "source": e["source"],
                    "id": e["id"],
                    "file": e["file"],
                    "position": e["position"],
                    "truncated": "yes" if e.get("truncated") else "",
                    "text": e["text"],
                    "verdict": "",
                    "risk": "",
                    "reviewer": "",
                    "note": "",
                }  # fmt: skip
            )
    store.finish_run(run_id, summary)
    return run_id, rows


def _sample_run(store: Store, rows: list[dict[str, Any]], run_id: str | None) -> RunRow:
    from sqlalchemy import select

    from beian.store import RunRow

    ids = {r["run_id"] for r in rows if r["run_id"]}
    if run_id is None and len(ids) > 1:
        raise InputError(f"the file mixes rows of several sample runs: {', '.join(sorted(ids))}")
    wanted = run_id or (ids.pop() if ids else None)
    with store.session() as s:
        if wanted is None:
            run = s.scalars(
                select(RunRow)
                .where(RunRow.kind == SAMPLE_KIND, RunRow.status == "done")
                .order_by(RunRow.started_at.desc())
                .limit(1)
            ).first()
        else:
            run = s.get(RunRow, wanted)
    if run is None or run.kind != SAMPLE_KIND:
        raise InputError(f"no corpus sample run {wanted or ''} in the store".replace("  ", " "))
    return run


def import_verdicts(
    store: Store, rows: list[dict[str, Any]], run_id: str | None
) -> tuple[RunRow, int]:
    """Attach manual verdicts to the sample's items (replacing earlier ones); return the run
    and the sample size."""
    from sqlalchemy import delete, select

    from beian.store import ItemRow, VerdictRow

    run = _sample_run(store, rows, run_id)
    now = datetime.now(UTC)
    with store.session() as s:
        items = {i.key: i for i in s.scalars(select(ItemRow).where(ItemRow.run_id == run.id))}
        unknown = [r["sample_id"] for r in rows if r["sample_id"] not in items]
        if unknown:
            raise InputError(
                f"{len(unknown)} sample_id(s) not in sample run {run.id}: {unknown[0]}"
            )
        ids = [i.id for i in items.values()]
        s.execute(
            delete(VerdictRow).where(VerdictRow.item_id.in_(ids), VerdictRow.method == "manual")
        )
        for r in rows:
            if r["verdict"] is None:
                continue
            s.add(
                VerdictRow(
                    item_id=items[r["sample_id"]].id,
                    method="manual",
                    verdict=r["verdict"],
                    reviewer=r["reviewer"],
                    note=r["note"],
                    created_at=now,
                    data={"risk": r["risk"]} if r["risk"] else {},
                )  # fmt: skip
            )
        size = len(items)
    return run, size


def record_verdicts(
    store: Store,
    summary: dict[str, Any],
    profile: Profile,
    *,
    workspace: str,
    config: dict[str, Any],
) -> str:
    """Record the scored import as a ``corpus-verdicts`` run."""
    run_id = store.start_run(
        VERDICTS_KIND,
        profile=profile.profile,
        profile_version=profile.version,
        workspace=workspace,
        config=config,
    )
    store.finish_run(run_id, summary)
    return run_id
