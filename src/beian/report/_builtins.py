"""Imports the modules whose decorators register the built-in report sections."""

from __future__ import annotations

import importlib

_MODULES = (
    "beian.report.sections.assets",
    "beian.report.sections.attestation",
    "beian.report.sections.classifier",
    "beian.report.sections.corpus",
    "beian.report.sections.labels",
    "beian.report.sections.model_eval",
)

for _module in _MODULES:
    importlib.import_module(_module)
