"""Command-line interface. Thin: parse, call the library, render."""
