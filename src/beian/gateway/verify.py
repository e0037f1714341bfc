"""``beian gateway audit verify``: recompute the audit chain and compare every request row.

Detects an edited, deleted, inserted or reordered link, a request row edited or deleted after
its link was written, a row no link commits to, and (with an anchor kept elsewhere) a chain
cut short at its newest end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import RowMapping, select

from beian.gateway.chain import GENESIS, ROW_KINDS, link_hash, row_digest
from beian.store import Store
from beian.store.gateway_models import AuditEventRow, GatewayRequestRow


@dataclass(frozen=True, slots=True)
class Anchor:
    """A (seq, hash) pair written down earlier: the chain must still hold it."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, value: str) -> Anchor:
        """``SEQ:HASH`` as printed by ``audit verify``."""
        seq, _, hash_ = value.partition(":")
        if not seq.isdigit() or len(hash_) != 64:
            raise ValueError(f"anchor {value!r} is not SEQ:HASH (as printed by audit verify)")
        return cls(int(seq), hash_.lower())


@dataclass(slots=True)
class Report:
    """What verification found; ``problems`` in chain order, the first one is the first bad row."""

    links: int = 0
    requests: int = 0
    first_seq: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems


@dataclass(slots=True)
class _Walk:
    prev_seq: int = 0
    prev_hash: str = ""
    checkpoint: dict[str, object] | None = None
    first_prev: str = GENESIS
    committed: dict[str, tuple[int, str]] = field(default_factory=dict)


def verify(store: Store, anchor: Anchor | None = None) -> Report:
    """Check the whole chain and every request row against it."""
    report, walk = Report(), _Walk()
    with store.session() as s:
        if store.engine.dialect.name == "postgresql":  # one snapshot for links and rows
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        links = s.scalars(select(AuditEventRow).order_by(AuditEventRow.seq)).yield_per(2000)
        for link in links:
            _check_link(link, report, walk, anchor)
        _check_start(report, walk)
        if anchor is not None and anchor.seq > report.head_seq:
            report.problems.append(
                f"anchor {anchor.seq}: the chain ends at link {report.head_seq} "
                "(newest links were removed)"
            )
        table = GatewayRequestRow.__table__
        rows = s.execute(select(table).order_by(table.c.created_at)).mappings()
        for row in rows.yield_per(2000):
            report.requests += 1
            _check_row(row, report, walk)
    for request, (seq, _) in sorted(walk.committed.items(), key=lambda kv: kv[1][0]):
        report.problems.append(f"link {seq}: request {request} is missing (row deleted)")
    return report


def _check_link(link: AuditEventRow, report: Report, walk: _Walk, anchor: Anchor | None) -> None:
    report.links += 1
    if report.links == 1:
        report.first_seq, walk.first_prev = link.seq, link.prev_hash
    elif link.seq != walk.prev_seq + 1:
        report.problems.append(
            f"link {walk.prev_seq + 1}: missing (chain jumps from {walk.prev_seq} to {link.seq})"
        )
    elif link.prev_hash != walk.prev_hash:
        report.problems.append(f"link {link.seq}: does not follow link {walk.prev_seq}")
    expected = link_hash(
        link.prev_hash, link.seq, link.created_at, link.kind, link.request_id, link.payload
    )
    if expected != link.hash:
        report.problems.append(f"link {link.seq}: contents do not match its hash (edited)")
    if anchor is not None and link.seq == anchor.seq and link.hash != anchor.hash:
        report.problems.append(f"link {link.seq}: differs from the anchor")
    walk.prev_seq, walk.prev_hash = link.seq, link.hash
    report.head_seq, report.head_hash = link.seq, link.hash
    payload = _payload(link)
    if link.kind in ROW_KINDS and link.request_id:
        walk.committed[link.request_id] = (link.seq, str(payload.get("row_sha256", "")))
    elif link.kind == "checkpoint":
        walk.checkpoint = payload


def _payload(link: AuditEventRow) -> dict[str, object]:
    try:
        data = json.loads(link.payload)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _check_start(report: Report, walk: _Walk) -> None:
    """The first link must be link 1 after GENESIS, or follow the newest checkpoint's cut."""
    if report.links == 0:
        return
    cp = walk.checkpoint
    seq = int(str(cp["pruned_through_seq"])) + 1 if cp else 1
    prev = str(cp["pruned_last_hash"]) if cp else GENESIS
    if report.first_seq != seq or walk.first_prev != prev:
        report.problems.insert(
            0,
            f"link {seq}: missing (the chain starts at link {report.first_seq}; "
            + ("the last pruning kept the chain from there)" if cp else "nothing was pruned)"),
        )


def _check_row(row: RowMapping, report: Report, walk: _Walk) -> None:
    committed = walk.committed.pop(row["id"], None)
    if committed is None:
        report.problems.append(f"request {row['id']}: no chain link commits to it (inserted)")
    elif committed[1] != row_digest(row):
        report.problems.append(
            f"link {committed[0]}: request {row['id']} was changed after it was written"
        )
