"""Every web action as a link of the gateway's hash-chained audit log (who, what, when).

The action's own writes and its link commit in one transaction (the chain's append lock is
held throughout), so there is never a verdict without its audit link or the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from beian.gateway import chain
from beian.store import Store


@contextmanager
def action(
    store: Store, kind: str, who: str, **payload: Any
) -> Iterator[tuple[Session, dict[str, Any]]]:
    """A locked session; on success the link ``kind`` (e.g. ``web.verdict``) is appended with
    ``who`` and ``payload`` plus whatever the caller added to the yielded dict."""
    extra: dict[str, Any] = {}
    with chain.locked(store) as s:
        yield s, extra
        chain.append(s, kind, "", {"who": who, **payload, **extra})
