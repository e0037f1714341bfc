"""ASGI apps served by uvicorn in threads on free loopback ports, all stopped together."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Literal


def free_socket() -> socket.socket:
    """A socket bound to a free port on 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class ThreadedServers:
    """Start apps with :meth:`start`; :meth:`stop` ends every one of them."""

    def __init__(self) -> None:
        import uvicorn

        self._uvicorn = uvicorn
        self._running: list[tuple[Any, threading.Thread, socket.socket]] = []

    def start(self, app: Any, lifespan: Literal["on", "off"] = "off", what: str = "app") -> str:
        """Serve ``app``; its base URL once uvicorn says it has started."""
        sock = free_socket()
        config = self._uvicorn.Config(app, log_level="warning", lifespan=lifespan)
        server = self._uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, f"the {what} did not start"
            time.sleep(0.02)
        self._running.append((server, thread, sock))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    def __len__(self) -> int:
        return len(self._running)

    def stop(self) -> None:
        for server, thread, sock in self._running:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()
        self._running.clear()
