"""Error tree. A ``UserError`` is something the user can fix; the CLI prints it as one line."""

from __future__ import annotations


class BeianError(Exception):
    """Base of every error beian raises on purpose."""


class UserError(BeianError):
    """A problem the user can fix (bad path, bad option, bad file). CLI exit code 2."""

    exit_code = 2


class ConfigError(UserError):
    """A configuration file or value is invalid or missing."""


class InputError(UserError):
    """An input file cannot be read or has the wrong shape."""


class PluginNotFoundError(UserError):
    """No plugin of that kind and name is registered."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        hint = ", ".join(sorted(known)) or "none"
        super().__init__(f"no {kind} named {name!r} is registered (known: {hint})")
        self.kind = kind
        self.name = name


class MissingExtraError(UserError):
    """An optional dependency is not installed; the message says how to install it."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"this feature needs the Python package {module!r}: pip install 'beian[{extra}]'"
        )
        self.module = module
        self.extra = extra
