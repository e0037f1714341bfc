"""What people do with a dossier: submit, resubmit, comment, return, accept (number issued).

Every action writes its rows and its link of the audit chain (kind ``registry.*``) in one
transaction; the event row keeps the link's sequence number so the history points at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from beian.errors import InputError
from beian.filing.kinds import check_transition, parse_type
from beian.gateway import chain
from beian.registry_service import checks, issue
from beian.registry_service.tables import RegDossierRow, RegEventRow, RegFileRow, RegVersionRow
from beian.store import Store
from beian.web.auth import User
from beian.web.reviews import Forbidden

ROLES = ("registry_admin", "registry_reviewer", "provider")
MAX_TEXT = 4000


class Application(BaseModel):
    """What a provider declares with a dossier."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    company: str
    filing_type: str
    model_name: str
    number_name: str
    province: str

    @field_validator("company", "model_name")
    @classmethod
    def _filled(cls, value: str) -> str:
        if not value or len(value) > 300:
            raise ValueError("1 to 300 characters")
        return value

    @field_validator("filing_type")
    @classmethod
    def _type(cls, value: str) -> str:
        return parse_type(value)

    @field_validator("number_name")
    @classmethod
    def _latin(cls, value: str) -> str:
        return issue.check_number_name(value)

    @field_validator("province")
    @classmethod
    def _province(cls, value: str) -> str:
        return issue.province_of(value)


def now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _audited(
    store: Store, kind: str, who: User, **payload: Any
) -> Iterator[tuple[Session, dict[str, Any]]]:
    """A locked session; the caller fills ``extra`` (``dossier`` at least) and the link is
    appended with it, then the event row pointing at the link."""
    extra: dict[str, Any] = {}
    with chain.locked(store) as s:
        yield s, extra
        seq = chain.append(s, f"registry.{kind}", "", {"who": who.name, **payload, **extra})
        text = str(extra.get("text", payload.get("text", "")))
        s.add(RegEventRow(dossier_id=extra["dossier"], at=now(), who=who.name, kind=kind,
                          text=text, audit_seq=seq))  # fmt: skip


def _need(user: User, *roles: str) -> None:
    if not any(user.has(r) for r in roles):
        raise Forbidden("forbidden")


def _dossier(s: Session, dossier_id: int) -> RegDossierRow:
    row = s.get(RegDossierRow, dossier_id)
    if row is None:
        raise InputError(f"没有申请 #{dossier_id} / no dossier #{dossier_id}")
    return row


def _add_version(
    s: Session, dossier: RegDossierRow, uploads: list[checks.Upload]
) -> dict[str, Any]:
    if not uploads:
        raise InputError("没有上传文件 / no file uploaded")
    number = 1 + len(s.scalars(select(RegVersionRow.id).where(
        RegVersionRow.dossier_id == dossier.id)).all())  # fmt: skip
    found = [f.as_dict() for f in checks.check(uploads, dossier.filing_type, dossier.model_name)]
    version = RegVersionRow(dossier_id=dossier.id, version=number, submitted_at=now(),
                            run_id=checks.run_id_of(uploads), checks=found)  # fmt: skip
    s.add(version)
    s.flush()
    for f in uploads:
        s.add(RegFileRow(version_id=version.id, name=f.name, role=f.role, size=len(f.data),
                         sha256=f.sha256, declared_sha256=f.declared[:64], content=f.data))  # fmt: skip
    return {
        "version": number,
        "files": {f.name: f.sha256 for f in uploads},
        "errors": len(checks.errors(found)),
    }


def submit(store: Store, user: User, app: Application, uploads: list[checks.Upload]) -> int:
    """A new dossier with its first version (checked at once); its id."""
    _need(user, "provider")
    with _audited(store, "submit", user, **app.model_dump()) as (s, extra):
        row = RegDossierRow(owner_id=user.id, status="submitted", number="", filed_on=None,
                            created_at=now(), updated_at=now(), **app.model_dump())  # fmt: skip
        s.add(row)
        s.flush()
        extra.update(dossier=row.id, **_add_version(s, row, uploads))
        return row.id


def resubmit(store: Store, user: User, dossier_id: int, uploads: list[checks.Upload]) -> int:
    """A new version of a returned dossier, by its provider; the version number."""
    with _audited(store, "resubmit", user) as (s, extra):
        row = _dossier(s, dossier_id)
        if row.owner_id != user.id:
            raise Forbidden("forbidden")
        check_transition(row.status, "submitted")
        row.status, row.updated_at = "submitted", now()
        extra.update(dossier=row.id, **_add_version(s, row, uploads))
        return int(extra["version"])


def _text(value: str, what: str) -> str:
    text = value.strip()
    if not text or len(text) > MAX_TEXT:
        raise InputError(
            f"须填写{what}（至多 {MAX_TEXT} 字） / a {what} of 1 to {MAX_TEXT} "
            "characters is required"
        )
    return text


def may_see(user: User, row: RegDossierRow) -> bool:
    return row.owner_id == user.id or user.has("registry_reviewer") or user.has("registry_admin")


def comment(store: Store, user: User, dossier_id: int, text: str) -> None:
    """A comment by a reviewer or the dossier's provider."""
    body = _text(text, "意见 comment")
    with _audited(store, "comment", user, text=body) as (s, extra):
        if not may_see(user, _dossier(s, dossier_id)):
            raise Forbidden("forbidden")
        extra["dossier"] = dossier_id


def send_back(store: Store, user: User, dossier_id: int, reason: str) -> None:
    """Return a submitted dossier to its provider with the reason (what to fix)."""
    _need(user, "registry_reviewer")
    body = _text(reason, "退回理由 reason")
    with _audited(store, "return", user, text=body) as (s, extra):
        row = _dossier(s, dossier_id)
        check_transition(row.status, "returned")
        row.status, row.updated_at = "returned", now()
        extra["dossier"] = dossier_id


def latest_version(s: Session, dossier_id: int) -> RegVersionRow | None:
    return s.scalars(select(RegVersionRow).where(RegVersionRow.dossier_id == dossier_id)
                     .order_by(RegVersionRow.version.desc())).first()  # fmt: skip


def accept(store: Store, user: User, dossier_id: int, day: date | None = None) -> str:
    """File a submitted dossier whose newest version has no error; the number issued."""
    _need(user, "registry_reviewer")
    with _audited(store, "accept", user) as (s, extra):
        row = _dossier(s, dossier_id)
        check_transition(row.status, "filed")
        version = latest_version(s, dossier_id)
        if version is None or checks.errors(version.checks):
            raise InputError("自动检查有错误，不能通过；请退回 / the automatic check found "
                             "errors: return the dossier instead")  # fmt: skip
        filed_on = day or now().date()
        row.number = issue.issue(s, row, filed_on)
        row.status, row.filed_on, row.updated_at = "filed", filed_on, now()
        extra.update(dossier=dossier_id, number=row.number, version=version.version,
                     text=row.number)  # fmt: skip
        return row.number
