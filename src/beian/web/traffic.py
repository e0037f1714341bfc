"""Flagged gateway traffic as a reviewable run: blocked and flagged audit rows, one item each.

A reviewer says whether the content was really harmful (``unqualified``: the gateway was
right to act) or not (``qualified``: a false alarm). Where the gateway kept no text
(``audit.store_text`` off, the default) the item shows the digests and risks only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from beian.assess.monitoring import TRAFFIC_KIND
from beian.errors import InputError
from beian.standard import Profile
from beian.store import Store
from beian.store.gateway_models import GatewayRequestRow
from beian.store.models import ItemRow

FLAGGED = ("blocked_input", "blocked_output", "cut_stream", "flagged")
"""Audit decisions worth a human look."""


def _text(row: GatewayRequestRow) -> str:
    if row.input_text is not None:
        return row.input_text
    return f"（未保存原文 text not kept）sha256:{row.input_sha256}"


def _data(row: GatewayRequestRow) -> dict[str, object]:
    risks = [*row.input_risks, *row.output_risks]
    return {
        "answer": row.output_text if row.output_text is not None else "",
        "decision": row.decision,
        "user_id": row.user_id,
        "created_at": row.created_at.isoformat(),
        "input_risks": list(row.input_risks),
        "output_risks": list(row.output_risks),
        "risk": risks[0] if risks else "",
    }


def record_traffic(
    store: Store, profile: Profile, *, since: datetime | None = None, limit: int = 1000
) -> str:
    """A finished run of the newest ``limit`` blocked/flagged audit rows; its id."""
    stmt = select(GatewayRequestRow).where(GatewayRequestRow.decision.in_(FLAGGED))
    if since is not None:
        stmt = stmt.where(GatewayRequestRow.created_at >= since)
    with store.session() as s:
        rows = list(s.scalars(stmt.order_by(GatewayRequestRow.created_at.desc()).limit(limit)))
    if not rows:
        raise InputError("no blocked or flagged gateway request to review")
    run_id = store.start_run(
        TRAFFIC_KIND, profile=profile.profile, profile_version=profile.version, workspace="",
        config={"decisions": list(FLAGGED), "limit": limit},
    )  # fmt: skip
    with store.session() as s:
        for r in reversed(rows):  # oldest first, as they happened
            item = ItemRow(
                run_id=run_id, key=r.id, source=r.decision, sha256=r.input_sha256,
                text=_text(r), data=_data(r),
            )  # fmt: skip
            s.add(item)
    store.finish_run(run_id, {"n": len(rows)})
    return run_id
