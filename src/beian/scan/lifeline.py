"""Pool processes die with the run that started them (K1).

Killing only the parent of a pool (kill -9, the OOM killer) left the fork server and its
workers running, idle, for ever. On Linux each of them asks the kernel for SIGKILL when its
parent dies (``prctl(PR_SET_PDEATHSIG)``): the fork server when the run dies, a worker when
the fork server dies, or when the run dies if the worker was forked from the run itself.

The request only covers a parent that dies *after* it is made. A process whose parent died
before (the fork server starts slowly; a worker may still be starting when the chain of kills
reaches its fork server) has already been re-parented, so it compares its parent with the one
it was started by — the run's pid travels in ``BEIAN_RUN_PID``, the fork server's in
``BEIAN_POOL_PARENT_PID`` — and exits at once when they differ. (Asking whether the run is
still alive is not enough: a killed run stays a zombie until it is reaped, and a zombie
answers ``kill(pid, 0)``; that race left a worker behind on a loaded CI machine.)
Elsewhere than Linux this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

RUN_PID_ENV = "BEIAN_RUN_PID"
POOL_PARENT_ENV = "BEIAN_POOL_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def mark_run() -> None:
    """Record this process as the run its pool processes belong to (inherited by them)."""
    os.environ[RUN_PID_ENV] = str(os.getpid())


def _ask_for_sigkill_on_parent_death() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no usable libc
        return False
    return True


def _tie_to(expected_env: str) -> None:
    if not sys.platform.startswith("linux") or not _ask_for_sigkill_on_parent_death():
        return
    expected = os.environ.get(expected_env, "")
    # Checked after the request: a parent dying later is covered by the kernel, one that died
    # earlier shows here as a different parent (re-parented to init or a subreaper).
    if expected.isdigit() and os.getppid() != int(expected):
        os._exit(1)


def tie_fork_server_to_run() -> None:
    """In the fork server: die with the run; let its workers know whose child they are."""
    _tie_to(RUN_PID_ENV)
    os.environ[POOL_PARENT_ENV] = str(os.getpid())


def tie_worker_to_run() -> None:
    """In a pool worker forked from the run itself: die with the run."""
    _tie_to(RUN_PID_ENV)


def tie_worker_to_fork_server() -> None:
    """In a pool worker: die with the fork server (which dies with the run)."""
    _tie_to(POOL_PARENT_ENV)
