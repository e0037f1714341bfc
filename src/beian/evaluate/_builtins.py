"""Imports the modules whose decorators register the built-in targets and judges.

Listed in the registry's ``BUILTIN_MODULES`` as ``beian.evaluate._builtins``; importing
:mod:`beian.evaluate` also imports it, so the plugins exist whenever evaluation code runs.
"""

from __future__ import annotations

import importlib

_MODULES = (
    "beian.evaluate.targets",
    "beian.evaluate.replay",
    "beian.evaluate.judges",
    "beian.evaluate.answer_judge",
    "beian.detect.guard.judge",
)

for _module in _MODULES:
    importlib.import_module(_module)
