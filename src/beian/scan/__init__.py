"""Corpus safety assessment and filtering (TC260-003 §5, §9.2).

- ``manifest`` / ``sources``: the sources register and its traceability/diversity check;
- ``io`` / ``reader_base`` / ``read_lines`` / ``read_tables`` / ``readers``: reader plugins
  turning files into Documents or ErrorRecords;
- ``plan`` / ``engine``: tasks (shards of files) and ``run_shard``, the unit of work;
- ``executors``: where ``run_shard`` runs (local processes or Ray);
- ``summary`` / ``manual`` / ``record``: merged results, the manual sample, the store.

See ``design/scan.md``.
"""

from __future__ import annotations
