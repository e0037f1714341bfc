"""Where the API key of an OpenAI-compatible endpoint comes from: an environment variable.

Shared by the evaluation target and the LLM judge, so a key never enters a config file or a
stored run, and local servers (vLLM, the tests' loopback server) work without one.
"""

from __future__ import annotations

import os

from beian.errors import ConfigError

DEFAULT_KEY_ENV = "OPENAI_API_KEY"
LOCAL_PLACEHOLDER_KEY = "not-needed"
"""Sent when no key is configured: the client insists on one, local servers ignore it."""


def api_key(env_name: str | None, who: str) -> str:
    """The key named by ``env_name``; the default variable may be unset, a custom one may not."""
    if env_name is None:
        return LOCAL_PLACEHOLDER_KEY
    value = os.environ.get(env_name, "").strip()
    if value:
        return value
    if env_name == DEFAULT_KEY_ENV:
        return LOCAL_PLACEHOLDER_KEY
    raise ConfigError(f"{who}: environment variable {env_name} (api_key_env) is not set")
