"""The run store: SQLite in the workspace by default, PostgreSQL by URL.

The names below are imported on first use, with every table module (so the metadata and the
mappers are complete): a corpus run that records into a store already at head goes through
:mod:`beian.store.quick` and never imports SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from beian.store.db import Store, open_store
    from beian.store.models import FindingRow, ItemRow, RunRow, VerdictRow

__all__ = ["FindingRow", "ItemRow", "RunRow", "Store", "VerdictRow", "open_store"]

_TABLES = (
    "beian.registry_service.tables",
    "beian.store.console_models",
    "beian.store.filing_models",
    "beian.store.gateway_models",
    "beian.store.web_models",
)
_NAMES = {
    "Store": "beian.store.db",
    "open_store": "beian.store.db",
    "FindingRow": "beian.store.models",
    "ItemRow": "beian.store.models",
    "RunRow": "beian.store.models",
    "VerdictRow": "beian.store.models",
}


def register_tables() -> None:
    """Import every module that declares tables of the store (once; cheap afterwards)."""
    for module in _TABLES:
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    if name not in _NAMES:
        raise AttributeError(f"module 'beian.store' has no attribute {name!r}")
    register_tables()
    value = getattr(importlib.import_module(_NAMES[name]), name)
    globals()[name] = value
    return value
