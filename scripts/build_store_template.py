"""Write src/beian/store/head.sqlite: the empty store at the newest migration.

    python scripts/build_store_template.py

A corpus command copies it when its store does not exist yet (``beian.store.quick``). Run this
after adding a migration; tests/store/test_quick.py fails until then (the template must name
the newest migration and have the migrations' schema).
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from beian.store import open_store
from beian.store.quick import TEMPLATE

OUT = Path(__file__).resolve().parents[1] / "src" / "beian" / "store" / TEMPLATE


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "head.sqlite"
        store = open_store(f"sqlite:///{db}")  # created and migrated, as any new store
        store.engine.dispose()
        with closing(sqlite3.connect(db)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file
            conn.execute("VACUUM")
        OUT.write_bytes(db.read_bytes())
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
