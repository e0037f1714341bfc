"""Fixtures of the console tests: a real gateway on the workbench's store (the console's settings
reach it through the store), in front of a real streaming OpenAI-compatible upstream."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest
import uvicorn
from sqlalchemy import select

from beian.gateway import Gateway, GatewayConfig, create_app
from beian.standard import Profile, load_profile
from beian.store import Store
from beian.store.gateway_models import GatewayRequestRow
from tests.gateway.upstream import StreamingOpenAIServer

USER_HEADER = "X-Beian-User"


def obligations_profile(folder: Path) -> Profile:
    """A workspace profile with the statutory-obligations set (EMG-1, OPT-1, MIN-1 …)."""
    path = folder / "profile.yaml"
    path.write_text(
        "extends: tc260-003-2024\nprofile: mine\nincludes: [cn-genai-obligations]\n",
        encoding="utf-8",
    )
    return load_profile(str(path))


@dataclass
class Served:
    """A gateway served on 127.0.0.1 over a given store."""

    url: str
    gateway: Gateway
    upstream: StreamingOpenAIServer

    def client(self, user: str) -> openai.OpenAI:
        return openai.OpenAI(
            base_url=self.url + "/v1", api_key="sk-test", max_retries=0,
            default_headers={USER_HEADER: user},
        )  # fmt: skip


def audit_row(store: Store, request_id: str) -> GatewayRequestRow:
    with store.session() as s:
        found = s.scalars(select(GatewayRequestRow).where(GatewayRequestRow.id == request_id))
        result = found.one_or_none()
    assert result is not None, f"no audit row for {request_id}"
    return result


@pytest.fixture
def gateway_on(store: Store, profile: Profile) -> Iterator[Callable[..., Served]]:
    """Start a gateway (open mode, keyword detector, no caching) over the test's store."""
    upstream = StreamingOpenAIServer().start()
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(**overrides: Any) -> Served:
        data: dict[str, Any] = {
            "upstream": {"base_url": upstream.base_url},
            "auth": {"mode": "open", "cache_seconds": 0},
            "detectors": ["keyword"],
            **overrides,
        }
        gateway = Gateway(GatewayConfig.model_validate(data), store=store, profile=profile)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(
            uvicorn.Config(create_app(gateway), log_level="warning", lifespan="on")
        )
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.01)
        running.append((server, thread))
        return Served(f"http://127.0.0.1:{sock.getsockname()[1]}", gateway, upstream)

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)
    upstream.stop()


def chat(gw: Served, user: str, text: str = "长城有多长？") -> tuple[str, str]:
    """(request id, opt-out token) of one non-streamed chat call as ``user``."""
    raw = gw.client(user).chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": text}]
    )
    return raw.headers["x-request-id"], raw.headers.get("x-beian-optout-token", "")
