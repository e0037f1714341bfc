"""Run the gateway with uvicorn (what ``beian gateway serve`` calls)."""

from __future__ import annotations

import uvicorn

from beian.gateway.app import create_app
from beian.gateway.runtime import Gateway


def serve(
    gateway: Gateway, host: str = "127.0.0.1", port: int = 8080, log_level: str = "info"
) -> None:
    """Serve ``gateway`` until interrupted (Ctrl-C / SIGTERM shut it down cleanly)."""
    uvicorn.run(create_app(gateway), host=host, port=port, log_level=log_level, lifespan="on")
