"""Imports the modules whose decorators register the built-in detectors and judges."""

from __future__ import annotations

import importlib

_MODULES = (
    "beian.detect.keyword",
    "beian.detect.pii",
    "beian.detect.classifier",
    "beian.detect.refusal",
    "beian.detect.llm_judge",
)

for _module in _MODULES:
    importlib.import_module(_module)
