"""The K1 lifeline when the parent is already dead (and not yet reaped) at the check."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# A "fork server" R that forks a "worker" W and dies at once. W waits until it has been
# re-parented, then ties itself to R: it must exit there and then. R is left a zombie on
# purpose (the test reaps it only at the end): a zombie still answers kill(pid, 0), which is
# how a worker outlived its killed run on a loaded CI machine.
_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from beian.scan.lifeline import POOL_PARENT_ENV, tie_worker_to_fork_server
    os.environ[POOL_PARENT_ENV] = str(os.getpid())
    server = os.getpid()
    pid = os.fork()
    if pid:
        print(pid, flush=True)
        os._exit(0)
    while os.getppid() == server:
        time.sleep(0.01)
    tie_worker_to_fork_server()
    open(sys.argv[1], "w").write("survived")
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_k1_worker_whose_fork_server_died_first_exits(tmp_path: Path) -> None:
    marker = tmp_path / "survived"
    server = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, str(marker)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    worker = int(server.stdout.readline())
    deadline = time.monotonic() + 30
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    still_running = Path(f"/proc/{worker}").exists()
    server.wait()
    assert not still_running and not marker.exists()
