"""Imports the modules whose decorators register the built-in report sections."""

from __future__ import annotations

import importlib

_MODULES = (
    "beian.assess.sections.assets",
    "beian.assess.sections.attestation",
    "beian.assess.sections.classifier",
    "beian.assess.sections.corpus",
    "beian.assess.sections.labels",
    "beian.assess.sections.model_eval",
    "beian.assess.sections.obligations",
    "beian.filing.section",
)

for _module in _MODULES:
    importlib.import_module(_module)
