"""Implicit-label carriers, one module per file format (REGULATION.md §5.2 carrier table)."""
