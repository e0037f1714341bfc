"""The answer cache: every answer a target gave, kept in the store as soon as it arrives.

Answers live in the store's ``items`` table under a run of kind ``eval-cache``; the item key is
:func:`beian.evaluate.target.cache_key` (sha256 of the target's identity, the model id the
server reported and the messages); the item's ``sha256`` column holds the same key without the
reported model, so the runner can tell which questions were ever answered by this configured
target before it knows which model answers now. ``data`` names the eval run that obtained the
answer, so a reuse can say where its answers came from. Each answer is committed in its own transaction the moment it arrives, so a run
killed with ``kill -9`` loses at most the requests in flight, and a rerun asks the model only
for what is missing. See ``design/evaluate.md`` for why the store and not a JSONL file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError

from beian.store import ItemRow, RunRow, Store

CACHE_KIND = "eval-cache"
CACHE_PROFILE = "-"
"""Cache runs belong to no profile: an answer does not depend on the standard."""
_CHUNK = 500


class AnswerCache:
    """Get and put answers by cache key; safe to use from the runner's worker threads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._run_id: str | None = None
        self._sqlite = store.engine.dialect.name == "sqlite"

    def _cache_run(self) -> str:
        if self._run_id is None:
            with self.store.session() as s:
                stmt = (
                    select(RunRow.id)
                    .where(RunRow.kind == CACHE_KIND)
                    .order_by(RunRow.started_at)
                    .limit(1)
                )
                self._run_id = s.scalars(stmt).first()
            if self._run_id is None:
                self._run_id = self.store.start_run(
                    CACHE_KIND, profile=CACHE_PROFILE, profile_version=CACHE_PROFILE
                )
        return self._run_id

    def get_many(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Cached ``{key: {"text": ..., **data}}`` for the keys that have an answer."""
        wanted = sorted(set(keys))
        found: dict[str, dict[str, Any]] = {}
        with self.store.session() as s:
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                stmt = (
                    select(ItemRow.key, ItemRow.text, ItemRow.data)
                    .join(RunRow, ItemRow.run_id == RunRow.id)
                    .where(RunRow.kind == CACHE_KIND, ItemRow.key.in_(chunk))
                )
                for key, text, data in s.execute(stmt):
                    found[key] = {**(data or {}), "text": text or ""}
        return found

    def known(self, bases: Iterable[str]) -> set[str]:
        """The configured-identity keys (``sha256`` column) that have any cached answer."""
        wanted = sorted(set(bases))
        found: set[str] = set()
        with self.store.session() as s:
            for i in range(0, len(wanted), _CHUNK):
                stmt = (
                    select(ItemRow.sha256)
                    .join(RunRow, ItemRow.run_id == RunRow.id)
                    .where(RunRow.kind == CACHE_KIND, ItemRow.sha256.in_(wanted[i : i + _CHUNK]))
                )
                found.update(s.scalars(stmt))
        return found

    def put(self, key: str, text: str, data: dict[str, Any], base: str = "") -> None:
        """Store one answer now (its own transaction); a key stored already is kept as is."""
        run_id = self._cache_run()
        with self._lock:
            try:
                with self.store.session() as s:
                    if self._sqlite:
                        # WAL + synchronous=NORMAL: a commit survives the process being killed
                        # (what resuming needs) without an fsync per answer, which cost ~5 ms
                        # each; only a power cut may lose the last answers, which are re-asked.
                        s.execute(sql_text("PRAGMA synchronous=NORMAL"))
                    s.add(
                        ItemRow(
                            run_id=run_id,
                            key=key,
                            source="answer",
                            sha256=base,
                            text=text,
                            data=data,
                        )  # fmt: skip
                    )
            except IntegrityError:
                pass  # another worker or process cached the same answer first
