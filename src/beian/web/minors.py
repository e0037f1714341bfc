"""Minors-mode settings per user (Interim Measures Art 10, §7 a), stored for the gateway.

What is restricted: use outside the allowed local hours, more than ``daily_requests`` requests
a day, and (``restrict_flagged``) inputs the gateway's policy would only flag. The gateway
applies them on each request (gateway/userprefs.py); the guardian contact is kept for the
operator (notices, complaints about a minor's use).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from beian.errors import InputError
from beian.store import Store
from beian.store.console_models import MinorRow
from beian.web.audit import action
from beian.web.optouts import check_user


class MinorSettings(BaseModel):
    """One user's minors mode, as an operator sets it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    start_hour: int = Field(default=8, ge=0, le=23)
    end_hour: int = Field(default=22, ge=0, le=24)
    """Allowed: ``start_hour`` ≤ local hour < ``end_hour`` (over midnight when start > end)."""
    utc_offset_hours: int = Field(default=8, ge=-12, le=14)
    daily_requests: int | None = Field(default=None, ge=1)
    restrict_flagged: bool = True
    guardian_contact: str = Field(default="", max_length=300)


def parse(form: dict[str, str]) -> MinorSettings:
    """Settings from a posted form; InputError with the first problem."""
    data: dict[str, object] = {k: v for k, v in form.items() if k in MinorSettings.model_fields}
    for flag in ("enabled", "restrict_flagged"):
        data[flag] = form.get(flag) == "on"
    if not form.get("daily_requests", "").strip():
        data["daily_requests"] = None
    try:
        return MinorSettings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def save(store: Store, settings: MinorSettings, who: str) -> None:
    """Store ``settings`` (replacing the user's), audited as ``web.minor``."""
    user = check_user(settings.user)
    values = settings.model_dump(exclude={"user"})
    with action(store, "web.minor", who, user=user, **values) as (s, _):
        row = s.get(MinorRow, user) or MinorRow(user_id=user)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at, row.updated_by = datetime.now(UTC), who
        s.add(row)


def all_settings(store: Store) -> list[MinorRow]:
    with store.session() as s:
        return list(s.scalars(select(MinorRow).order_by(MinorRow.user_id)))
