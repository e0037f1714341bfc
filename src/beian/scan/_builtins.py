"""Imports the modules whose decorators register the built-in reader plugins."""

from __future__ import annotations

import importlib

_MODULES = ("beian.scan.readers",)

for _module in _MODULES:
    importlib.import_module(_module)
