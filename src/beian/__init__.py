"""beian: China generative-AI safety assessment toolkit.

The public API is what ``__all__`` lists; every other module path is private and may change.
Names are imported on first use, so that ``import beian`` (and the CLI's start-up) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from beian.errors import (
        BeianError,
        ConfigError,
        InputError,
        MissingExtraError,
        PluginNotFoundError,
    )
    from beian.records import ComponentSpec, Finding
    from beian.registry import registry
    from beian.standard import Profile, load_profile

_LAZY = {
    "BeianError": "beian.errors",
    "ConfigError": "beian.errors",
    "InputError": "beian.errors",
    "MissingExtraError": "beian.errors",
    "PluginNotFoundError": "beian.errors",
    "ComponentSpec": "beian.records",
    "Finding": "beian.records",
    "registry": "beian.registry",
    "Profile": "beian.standard",
    "load_profile": "beian.standard",
}

__all__ = [
    "BeianError",
    "ComponentSpec",
    "ConfigError",
    "Finding",
    "InputError",
    "MissingExtraError",
    "PluginNotFoundError",
    "Profile",
    "__version__",
    "load_profile",
    "registry",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'beian' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
