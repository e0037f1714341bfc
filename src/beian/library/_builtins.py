"""Imports the modules whose decorators register the library's built-in plugins."""

from __future__ import annotations
