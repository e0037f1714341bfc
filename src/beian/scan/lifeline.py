"""Pool processes die with the run that started them (K1).

Killing only the parent of a pool (kill -9, the OOM killer) left the fork server and its
workers running, idle, for ever. On Linux each of them asks the kernel for SIGKILL when its
parent dies (``prctl(PR_SET_PDEATHSIG)``): the fork server when the run dies, a worker when
the fork server dies. The run's pid travels in ``BEIAN_RUN_PID`` so that a process whose
run died before it could ask (the fork server starts slowly) exits at once. Elsewhere than
Linux this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

RUN_PID_ENV = "BEIAN_RUN_PID"
_PR_SET_PDEATHSIG = 1


def mark_run() -> None:
    """Record this process as the run its pool processes belong to (inherited by them)."""
    os.environ[RUN_PID_ENV] = str(os.getpid())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tie_to_parent() -> None:
    """Get SIGKILL when the parent process dies; exit now if the run already has."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no usable libc
        return
    run = os.environ.get(RUN_PID_ENV, "")
    # The parent (or the run) died before the request took effect: nothing will signal us.
    if os.getppid() != parent or (run.isdigit() and not _alive(int(run))):
        os._exit(1)
