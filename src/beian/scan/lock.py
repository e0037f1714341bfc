"""One corpus run per output folder at a time (S2).

Two runs writing the same task files raced on their temp files and one died with a traceback.
The lock is an advisory ``flock`` on ``OUT/.lock``: the kernel drops it when the holder exits,
however it exits (kill -9 included), so a stale lock never blocks a later run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from beian.errors import UserError

LOCK_NAME = ".lock"

_HELD: set[int] = set()
"""Descriptors of the locks this process holds: a process forked from it must not hold them."""


def _close_held_in_child() -> None:
    # A pool worker forked from the run shares the lock's open file description: without this,
    # a worker still alive when the run is killed would keep the folder locked until it died.
    for fd in _HELD:
        with suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_in_child)


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the lock of ``out`` for the block; a second holder gets a one-line UserError."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock, as before
        yield
        return
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise UserError(
                f"another beian run (pid {holder}) is writing into {out}; "
                "wait for it to finish or use another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD.add(fd)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # closing the descriptor releases the lock
