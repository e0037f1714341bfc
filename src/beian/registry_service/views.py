"""Read-only views of dossiers for the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from beian.registry_service.tables import RegDossierRow, RegEventRow, RegFileRow, RegVersionRow
from beian.registry_service.workflow import may_see
from beian.store import Store
from beian.web.auth import User
from beian.web.reviews import Forbidden, WebError


@dataclass(frozen=True, slots=True)
class FileView:
    id: int
    name: str
    role: str
    size: int
    sha256: str
    declared_sha256: str


@dataclass(frozen=True, slots=True)
class VersionView:
    version: int
    submitted_at: str
    run_id: str
    checks: list[dict[str, str]]
    files: list[FileView]


@dataclass(frozen=True, slots=True)
class EventView:
    at: str
    who: str
    kind: str
    text: str
    audit_seq: int


@dataclass(frozen=True, slots=True)
class DossierView:
    id: int
    company: str
    filing_type: str
    model_name: str
    number_name: str
    province: str
    status: str
    number: str
    filed_on: str
    updated_at: str
    versions: list[VersionView]
    events: list[EventView]

    def as_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def _stamp(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value is not None else ""


def _summary(row: RegDossierRow) -> DossierView:
    return DossierView(row.id, row.company, row.filing_type, row.model_name, row.number_name,
                       row.province, row.status, row.number,
                       row.filed_on.isoformat() if row.filed_on else "", _stamp(row.updated_at),
                       [], [])  # fmt: skip


def dossiers(store: Store, user: User, status: str = "") -> list[DossierView]:
    """The dossiers ``user`` may see (a provider: their own), newest first."""
    stmt = select(RegDossierRow).order_by(RegDossierRow.updated_at.desc())
    if not (user.has("registry_reviewer") or user.has("registry_admin")):
        stmt = stmt.where(RegDossierRow.owner_id == user.id)
    if status:
        stmt = stmt.where(RegDossierRow.status == status)
    with store.session() as s:
        return [_summary(r) for r in s.scalars(stmt)]


def dossier(store: Store, user: User, dossier_id: int) -> DossierView:
    """One dossier with its versions (files, checks) and its history."""
    with store.session() as s:
        row = s.get(RegDossierRow, dossier_id)
        if row is None:
            raise WebError("not_found")
        if not may_see(user, row):
            raise Forbidden("forbidden")
        versions = []
        for v in s.scalars(select(RegVersionRow).where(RegVersionRow.dossier_id == row.id)
                           .order_by(RegVersionRow.version.desc())):  # fmt: skip
            files = [FileView(f.id, f.name, f.role, f.size, f.sha256, f.declared_sha256)
                     for f in s.scalars(select(RegFileRow).where(RegFileRow.version_id == v.id)
                                        .order_by(RegFileRow.name))]  # fmt: skip
            versions.append(VersionView(v.version, _stamp(v.submitted_at), v.run_id,
                                        list(v.checks), files))  # fmt: skip
        events = [EventView(_stamp(e.at), e.who, e.kind, e.text, e.audit_seq)
                  for e in s.scalars(select(RegEventRow).where(RegEventRow.dossier_id == row.id)
                                     .order_by(RegEventRow.id))]  # fmt: skip
        base = _summary(row)
    return DossierView(**{**base.as_json(), "versions": versions, "events": events})


def file_content(store: Store, user: User, file_id: int) -> tuple[str, bytes]:
    """A stored file (name, bytes) for someone who may see its dossier."""
    with store.session() as s:
        f = s.get(RegFileRow, file_id)
        version = s.get(RegVersionRow, f.version_id) if f else None
        row = s.get(RegDossierRow, version.dossier_id) if version else None
        if f is None or row is None:
            raise WebError("not_found")
        if not may_see(user, row):
            raise Forbidden("forbidden")
        return f.name, f.content
