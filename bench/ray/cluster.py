"""A real Ray cluster of several nodes on loopback, started with ``ray start`` like a real one.

Each node is its own ``ray start --block`` process (the head first, then workers joining it
with ``--address``), with its own temp dir and ports, in its own session: stopping the
cluster ends exactly those sessions (never ``ray stop``, which would end every Ray
process on the machine, other users' included).

    with LocalCluster(Path("/tmp/rc"), nodes=2) as cluster:
        subprocess.run(["beian", "corpus", "assess", ..., "--executor", "ray",
                        "--address", cluster.address])
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

ACTOR_TITLE = "ray::_RayWorker"
"""Process title of a beian scan actor (Ray names worker processes after the actor class)."""
STARTED = "Ray runtime started"


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ray_command() -> list[str]:
    """The ``ray`` CLI of this interpreter's environment."""
    return [sys.executable, "-m", "ray.scripts.scripts"]


def cluster_env(token: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for nodes and drivers: token authentication, no usage reporting.

    Recent Ray (2.60 here) turns token authentication on for a head that finds
    ``~/.ray/auth_token`` but not for nodes joining it; naming the mode and a token file of the
    cluster's own makes every node and driver agree, whatever the home folder holds.
    """
    env = dict(os.environ)
    env.update(
        {
            "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN_PATH": str(token),
        }
    )
    env.update(extra or {})
    return env


@dataclass
class Node:
    """One ``ray start --block`` process and the session it leads."""

    index: int
    proc: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> list[int]:
        """Live processes of this node (its session: raylet, workers, agents …).

        Ray gives each worker a process group of its own, but they all stay in the session
        that ``ray start`` leads.
        """
        return session_pids(self.proc.pid)

    def processes(self, title: str) -> list[int]:
        """Processes of this node whose command line starts with ``title``."""
        return [pid for pid in self.pids() if cmdline(pid).startswith(title)]


def session_pids(sid: int) -> list[int]:
    """Live processes of session ``sid`` (zombies, already dead, are left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:  # stat fields 3 (state) and 6 (session)
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    """The command line of ``pid`` as one string ('' once it has exited)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


class LocalCluster:
    """``nodes`` Ray nodes of ``cpus`` CPUs each on 127.0.0.1, under ``root``."""

    def __init__(
        self, root: Path, nodes: int = 2, cpus: int = 1, env: dict[str, str] | None = None
    ) -> None:
        self.root = root
        self.count = nodes
        self.cpus = cpus
        self.token = root / "auth_token"
        self.env = cluster_env(self.token, env)
        self.port = free_port()
        self.nodes: list[Node] = []
        # Ray's sockets live in the temp dir and a socket path has at most 107 bytes: a short
        # folder of its own per cluster, one per node inside.
        self._temp = Path(tempfile.mkdtemp(prefix="beian-ray-"))

    @property
    def address(self) -> str:
        """The head's GCS address, as ``--address`` takes it."""
        return f"127.0.0.1:{self.port}"

    def _args(self, index: int) -> list[str]:
        ports = {
            "--node-manager-port": free_port(),
            "--object-manager-port": free_port(),
            "--dashboard-agent-grpc-port": free_port(),
            "--dashboard-agent-listen-port": free_port(),
            "--metrics-export-port": free_port(),
            "--runtime-env-agent-port": free_port(),
        }
        args = [
            "start", "--block", "--node-ip-address=127.0.0.1", f"--num-cpus={self.cpus}",
            "--object-store-memory=100000000", "--disable-usage-stats",
            *(f"{k}={v}" for k, v in ports.items()),
        ]  # fmt: skip
        args.append(f"--temp-dir={self._temp / f'n{index}'}")
        if index == 0:
            return [*args, "--head", f"--port={self.port}", "--include-dashboard=false"]
        return [*args, f"--address={self.address}"]

    def _start_node(self, index: int, timeout: float) -> Node:
        log = self.root / f"node{index}.log"
        with log.open("wb") as fh:
            proc = subprocess.Popen(
                [*ray_command(), *self._args(index)],
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,  # its own session, ended as a whole in stop()
            )
        node = Node(index, proc, log)
        self.nodes.append(node)
        deadline = time.monotonic() + timeout
        while STARTED not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"ray node {index} did not start:\n{tail}")
            time.sleep(0.2)
        return node

    def start(self, timeout: float = 90.0) -> str:
        """Start every node; return the address."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.token.write_text(secrets.token_hex(32), encoding="utf-8")
        self.token.chmod(0o600)
        try:
            for i in range(self.count):
                self._start_node(i, timeout)
        except BaseException:
            self.stop()
            raise
        return self.address

    def stop(self, grace: float = 10.0) -> None:
        """End every node: SIGTERM (``ray start --block`` then ends its processes), then KILL."""
        for node in reversed(self.nodes):
            if node.proc.poll() is None:
                node.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for node in reversed(self.nodes):
            with contextlib.suppress(subprocess.TimeoutExpired):
                node.proc.wait(max(0.1, deadline - time.monotonic()))
            for pid in node.pids():  # stragglers of this node's session only
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
            node.proc.wait()
        self.nodes.clear()
        shutil.rmtree(self._temp, ignore_errors=True)

    def __enter__(self) -> LocalCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
