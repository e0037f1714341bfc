"""Serialisable views of register rows (what the CLI prints as JSON and a server would return)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class RecordView(BaseModel):
    """One register record."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    owner: str
    subject: str
    filing_type: str
    name: str
    status: str
    number: str
    province: str
    base_model: str
    base_model_number: str
    display_url: str
    launched_on: date | None
    filed_on: date | None
    change_event_on: date | None
    terminated_on: date | None
    created_at: datetime
    updated_at: datetime
    data: dict[str, Any]


class EventView(BaseModel):
    """One entry of a record's history."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    kind: str
    on: date | None
    from_status: str
    to_status: str
    actor: str
    note: str
    data: dict[str, Any]
    chain_seq: int | None


class DossierFileView(BaseModel):
    """A dossier file fixed by its digest."""

    model_config = ConfigDict(from_attributes=True)

    attached_at: datetime
    run_id: str
    role: str
    path: str
    sha256: str
    size: int
