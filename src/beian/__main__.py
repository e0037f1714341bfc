"""``python -m beian`` runs the CLI."""

from __future__ import annotations

from beian.cli.main import main

if __name__ == "__main__":
    main()
