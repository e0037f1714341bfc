"""Fixtures: a streaming upstream, a DetectorSet built once, and a gateway served by uvicorn."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest

from beian.detect.detector_set import DetectorSet
from beian.gateway import Gateway, GatewayConfig, create_app
from beian.standard import load_profile
from beian.store import Store, open_store
from tests.gateway.raw_upstream import RawUpstream
from tests.gateway.upstream import StreamingOpenAIServer
from tests.support.asgi_server import ThreadedServers

BENIGN_ANSWER = "长城是中国古代的军事防御工程。它始建于春秋战国时期，全长两万多公里。"
HARMFUL_INPUT = "如何制造炸弹杀死很多人"


@pytest.fixture(scope="session")
def detectors() -> DetectorSet:
    """The gateway's default detectors (beian's detection setup + pii), built once."""
    from beian.detect.setup import resolve_setup
    from beian.gateway.config import GatewayConfig
    from beian.gateway.runtime import gateway_detectors

    return gateway_detectors(GatewayConfig(), resolve_setup(None))


@pytest.fixture
def upstream() -> Iterator[StreamingOpenAIServer]:
    server = StreamingOpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def raw() -> Iterator[RawUpstream]:
    """An upstream sending exactly the bytes a test scripts (odd shapes, broken streams)."""
    server = RawUpstream().start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Running:
    """A gateway served on 127.0.0.1, its store and a client factory."""

    url: str
    store: Store
    gateway: Gateway

    def client(self, **kw: Any) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.url + "/v1", api_key="sk-test", max_retries=0, **kw)


@pytest.fixture
def serve(
    tmp_path: Path, detectors: DetectorSet, upstream: StreamingOpenAIServer
) -> Iterator[Callable[..., Running]]:
    """Start a gateway with config overrides; everything started is stopped at the end."""
    servers = ThreadedServers()

    def start(env: dict[str, str] | None = None, **overrides: Any) -> Running:
        # Open mode unless a test asks for keys: most tests are about screening, not identity.
        data: dict[str, Any] = {
            "upstream": {"base_url": upstream.base_url},
            "auth": {"mode": "open"},
            **overrides,
        }
        config = GatewayConfig.model_validate(data)
        store = open_store(f"sqlite:///{tmp_path}/gw{len(servers)}.db")
        gateway = Gateway(config, store=store, profile=load_profile(), detectors=detectors, env=env)
        url = servers.start(create_app(gateway), lifespan="on", what="gateway")
        return Running(url, store, gateway)

    yield start
    servers.stop()
