"""Readable eval run ids: ``YYYYMMDD-HHMMSS-<target>``, unique in the store.

A user finds a run by when it ran and what it asked (``20261203-131255-xinghe-7b``), not by a
UUID. Ids fit the store's 36-character run id column, so no migration is needed and runs with
UUID ids from earlier versions still load. Times are local: that is the clock the user reads.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from beian.store import Store

RUN_ID_MAX = 36
"""Length of ``runs.id`` in the store."""
_STAMP = "%Y%m%d-%H%M%S"
_UNSAFE = re.compile(r"[^a-z0-9._]+")


def target_slug(spec: str) -> str:
    """A file-name-safe short name of the target: the model of ``openai:M``, the file stem of
    ``replay:PATH``, the function of ``python:mod:fn``; the plugin name when nothing is left."""
    plugin, _, rest = spec.partition(":")
    value = rest
    if plugin == "replay":
        value = PurePath(rest).stem
    elif plugin == "python":
        value = rest.rpartition(":")[2]
    slug = _UNSAFE.sub("-", value.lower()).strip("-._")
    return slug or _UNSAFE.sub("-", plugin.lower()).strip("-._") or "target"


def run_id_candidates(spec: str, now: datetime) -> list[str]:
    """Ids to try in order: the plain one, then ``-2`` … ``-99`` for runs in the same second."""
    stamp = now.strftime(_STAMP)
    base = f"{stamp}-{target_slug(spec)}"
    out = [base[:RUN_ID_MAX].rstrip("-")]
    for n in range(2, 100):
        suffix = f"-{n}"
        out.append(base[: RUN_ID_MAX - len(suffix)].rstrip("-") + suffix)
    return out


def start_readable_run(store: Store, kind: str, spec: str, now: datetime, **fields: Any) -> str:
    """Insert a run of ``kind`` under the first free readable id (two runs may start in one
    second); after 99 of them in one second, under a UUID."""
    from sqlalchemy.exc import IntegrityError

    for candidate in run_id_candidates(spec, now):
        try:
            return store.start_run(kind, run_id=candidate, **fields)
        except IntegrityError:
            continue
    return store.start_run(kind, **fields)
