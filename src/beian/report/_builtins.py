"""Imports the modules whose decorators register the built-in report sections."""

from __future__ import annotations
