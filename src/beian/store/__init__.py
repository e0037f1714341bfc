"""The run store: SQLite in the workspace by default, PostgreSQL by URL."""

from __future__ import annotations

from beian.registry_service import tables as _registry  # noqa: F401  (registers its tables)
from beian.store import console_models as console_models  # registers the console tables
from beian.store import filing_models as filing_models  # registers the filing tables
from beian.store import gateway_models as gateway_models  # registers the gateway tables
from beian.store import web_models as web_models  # registers the beian web tables
from beian.store.db import Store, open_store
from beian.store.models import FindingRow, ItemRow, RunRow, VerdictRow

__all__ = ["FindingRow", "ItemRow", "RunRow", "Store", "VerdictRow", "open_store"]
