"""beian: China generative-AI safety assessment toolkit.

The public API is what ``__all__`` lists; every other module path is private and may change.
"""

from __future__ import annotations

__version__ = "0.1.0"

from beian.errors import BeianError, ConfigError, InputError, MissingExtraError, PluginNotFoundError
from beian.records import ComponentSpec, Finding
from beian.registry import registry
from beian.standard import Profile, load_profile

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
