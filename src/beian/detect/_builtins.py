"""Imports the modules whose decorators register the built-in detectors and judges."""

from __future__ import annotations

import importlib

_MODULES = (
    "beian.detect.keyword",
    "beian.detect.pii",
    "beian.detect.classifier",
    "beian.detect.harm.detector",
    "beian.detect.e5",
    "beian.detect.refusal",
    "beian.detect.llm_judge",
    "beian.detect.solicit",
    "beian.detect.guard.detector",
)

for _module in _MODULES:
    importlib.import_module(_module)
