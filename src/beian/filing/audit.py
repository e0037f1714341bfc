"""Register changes go into the gateway's hash-chained audit log, in the same transaction.

The filing tables live in the same store as the gateway's audit chain; every action that
changes the register or the imported list appends one link (kind ``filing.*``, no request id),
so ``beian gateway audit verify`` also proves that the filing history was not edited. Links
age out with the gateway's retention pruning like key links do (a checkpoint keeps the chain
verifiable); the events themselves stay in ``filing_events``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from beian.store import Store


@contextmanager
def write_session(store: Store) -> Iterator[Session]:
    """A session holding the audit chain's append lock until it commits."""
    from beian.gateway.chain import locked

    with locked(store) as s:
        yield s


def link(s: Session, kind: str, payload: dict[str, Any]) -> int:
    """Append a ``filing.<kind>`` link; ``s`` must come from :func:`write_session`. Its seq."""
    from beian.gateway.chain import append

    return append(s, f"filing.{kind}", "", payload)
