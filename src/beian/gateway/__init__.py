"""OpenAI-compatible safety gateway: screens input and output, labels answers, keeps the log.

``beian gateway serve --upstream URL`` runs it; :func:`create_app` builds the ASGI app from a
:class:`Gateway` for embedding or tests. Design and limits: design/gateway.md.
"""

from __future__ import annotations

from beian.gateway.app import create_app
from beian.gateway.config import GatewayConfig, load_config
from beian.gateway.runtime import Gateway, build_gateway

__all__ = ["Gateway", "GatewayConfig", "build_gateway", "create_app", "load_config"]
