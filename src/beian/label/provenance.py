"""Whose label a file ends with: keep another producer's fields, add propagation fields.

GB 45438 Annex E keeps the generating service's ``ContentProducer`` / ``ProduceID`` and lets a
dissemination platform add ``ContentPropagator`` / ``PropagateID`` (Labeling Measures Art 6).
Replacing someone else's label is what Art 10 forbids tools to do quietly, so it takes
``--force`` and leaves an audit line (regulatory.md §9.9, LM Art 6 / Art 10 rows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from beian.errors import UserError
from beian.label.fields import decode
from beian.label.model import AigcFields, Found
from beian.label.rules import FIELDS

AUDIT_NAME = ".beian-label-audit.jsonl"
"""Audit log of replaced labels, in the folder of each file written (``walk`` skips it)."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """The fields to write, notes for the user and, when a label was replaced, what it held."""

    fields: AigcFields
    notes: tuple[str, ...] = ()
    replaced: dict[str, Any] | None = None


def resolve(existing: list[Found], wanted: AigcFields, force: bool) -> Resolution:
    """Fields to write over ``existing`` labels.

    ``wanted.ContentProducer`` empty means "no producer given": only propagation fields are added.
    """
    if not existing:
        if not wanted.ContentProducer:
            raise UserError(
                "the file has no implicit label to add propagation fields to; "
                "--producer CODE is required to label it"
            )
        return Resolution(wanted)
    old = _single(existing, force)
    if old is None or (force and wanted.ContentProducer):
        if not wanted.ContentProducer:
            raise UserError("--force replaces the label, so --producer CODE is needed")
        raw = old if old is not None else {"labels": [str(f.payload) for f in existing]}
        note = f"replaced the existing label (ContentProducer {_who(raw)}) with --force; audited"
        return Resolution(wanted, (note,), raw)
    producer = str(old.get("ContentProducer", ""))
    if not producer and wanted.ContentProducer:  # an incomplete label names nobody to protect
        note = "replaced an existing label that names no ContentProducer; audited"
        return Resolution(wanted, (note,), old)
    if wanted.ContentProducer == producer and not wanted.ContentPropagator:
        return Resolution(wanted, ("rewrote this producer's own label",))
    if not wanted.ContentPropagator:
        raise UserError(
            f"already labelled by ContentProducer {producer}; add --propagator CODE to "
            "add propagation fields (its producer fields are kept), or --force to replace it "
            "(recorded in the audit log)"
        )
    return _propagate(old, wanted)


def _single(existing: list[Found], force: bool) -> dict[str, Any] | None:
    """The one decodable existing label, or None (only allowed with ``force``)."""
    obj = decode(existing[0])[0] if len(existing) == 1 else None
    if obj is not None and all(isinstance(obj.get(n, ""), str) for n in FIELDS):
        return obj
    if force:
        return None
    what = f"{len(existing)} labels" if len(existing) > 1 else "an unreadable label"
    raise UserError(f"the file holds {what}; --force replaces it (recorded in the audit log)")


def _propagate(old: dict[str, Any], wanted: AigcFields) -> Resolution:
    """The old label with this platform's propagation fields."""
    kept = {n: str(old.get(n, "")) for n in FIELDS}
    notes = [f"kept ContentProducer {kept['ContentProducer']} / ProduceID {kept['ProduceID']}"]
    previous = kept["ContentPropagator"]
    if previous and previous != wanted.ContentPropagator:
        notes.append(f"previous ContentPropagator {previous} replaced by the new propagator")
    dropped = sorted(set(old) - set(FIELDS))
    if dropped:
        notes.append(f"non-Annex-E fields dropped: {', '.join(dropped)}")
    kept |= {"ContentPropagator": wanted.ContentPropagator, "PropagateID": wanted.PropagateID}
    return Resolution(AigcFields(**kept), tuple(notes))


def _who(raw: dict[str, Any]) -> str:
    return str(raw.get("ContentProducer", "?")) if "labels" not in raw else "unreadable"


def audit(dst: Path, src: Path, resolution: Resolution) -> Path:
    """Append one line recording a replaced label to the audit log beside ``dst``."""
    log = dst.parent / AUDIT_NAME
    line = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "action": "label-replaced",
        "src": str(src),
        "dst": str(dst),
        "replaced": resolution.replaced,
        "written": resolution.fields.as_dict(),
    }
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return log
