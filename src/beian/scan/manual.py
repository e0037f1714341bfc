"""The manual-review sample (§9.2 a): drawing it, and scoring the reviewers' verdicts.

The sample is stratified by source in proportion to each source's size (largest remainder,
at least one item per non-empty source) and within a source takes the items with the smallest
seeded hash of (source, file, position). That is a uniform random draw without replacement,
the same for a given seed however the corpus is sharded or how many workers ran.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from beian.errors import InputError
from beian.library.tabular import Sheet, read_table, write_table
from beian.scan.engine import ShardStats
from beian.standard import Profile
from beian.stats import wilson

MANUAL_CLAUSE = "9.2.a"
SAMPLE_KEY = "sample_min"
RATE_KEY = "qualified_rate_min"
COLUMNS = [
    "sample_id", "run_id", "source", "id", "file", "position", "truncated", "text",
    "verdict", "risk", "reviewer", "note",
]  # fmt: skip
QUALIFIED = {"qualified", "合格", "pass", "passed", "ok", "yes", "y", "1", "true", "通过"}
UNQUALIFIED = {"unqualified", "不合格", "fail", "failed", "no", "n", "0", "false", "不通过"}
KEY_MAX = 200


def allocate(population: dict[str, int], n: int) -> dict[str, int]:
    """Items to draw per source: proportional, largest remainder, ≥ 1 per non-empty source."""
    total = sum(population.values())
    if total <= n:
        return dict(population)
    quota = {s: n * p / total for s, p in population.items()}
    alloc = {s: min(p, math.floor(quota[s])) for s, p in population.items()}
    nonempty = [s for s, p in population.items() if p]
    if n >= len(nonempty):
        for s in nonempty:
            alloc[s] = max(alloc[s], 1)
    while sum(alloc.values()) < n:
        s = max(
            (s for s in alloc if alloc[s] < population[s]), key=lambda s: (quota[s] - alloc[s], s)
        )
        alloc[s] += 1
    while sum(alloc.values()) > n:
        s = min((s for s in alloc if alloc[s] > 1), key=lambda s: (quota[s] - alloc[s], s))
        alloc[s] -= 1
    return alloc


def _candidates(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            entry = json.loads(line)
            yield int(entry["hash"]), entry


def draw(
    work: Path, stats: list[ShardStats], n: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The sampled entries (by source, then hash) and the allocation, from a sample run."""
    population: dict[str, int] = {}
    files: dict[str, list[Path]] = {}
    for s in stats:
        population[s.source] = population.get(s.source, 0) + s.items
        files.setdefault(s.source, []).append(work / "candidates" / f"{s.task:05d}.jsonl")
    alloc = allocate(population, n)
    picked: list[dict[str, Any]] = []
    for source, paths in files.items():
        merged = heapq.merge(*(_candidates(p) for p in paths), key=lambda pair: pair[0])
        for i, (_h, entry) in enumerate(merged):
            if i >= alloc[source]:
                break
            picked.append(entry)
    return picked, {"population": population, "allocation": alloc}


def sample_key(entry: dict[str, Any], taken: set[str]) -> str:
    """A unique, at most 200-character key ``source:id`` for a sampled entry."""
    key = f"{entry['source']}:{entry['id']}"
    if key in taken:
        key = f"{key}@{entry['file']}:{entry['position']}"
    if len(key) > KEY_MAX:
        digest = hashlib.sha1(key.encode()).hexdigest()[:16]
        key = f"{entry['source'][: KEY_MAX - 20]}:{digest}"
    taken.add(key)
    return key


def write_sample(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write the reviewers' sheet (XLSX, CSV or JSONL by extension)."""
    from beian.library.review_guides import corpus_sample_guide

    write_table(path, COLUMNS, [Sheet("sample", rows)], corpus_sample_guide())


def _verdict(value: Any, where: str) -> str | None:
    text = "" if value is None else str(value).strip().lower()
    if not text:
        return None
    if text in QUALIFIED:
        return "qualified"
    if text in UNQUALIFIED:
        return "unqualified"
    raise InputError(f"{where}: verdict {value!r} (use 合格/不合格 or qualified/unqualified)")


def read_verdicts(path: Path) -> list[dict[str, Any]]:
    """Rows of a filled-in sheet: ``sample_id``, ``run_id``, verdict (or None), risk, reviewer."""
    table = read_table(path)
    rows: list[dict[str, Any]] = []
    for sheet in table.sheets:
        for i, row in enumerate(sheet.rows, start=2):
            key = str(row.get("sample_id") or "").strip()
            if not key:
                raise InputError(f"{path}: row {i}: no sample_id")
            rows.append(
                {
                    "sample_id": key,
                    "run_id": str(row.get("run_id") or "").strip(),
                    "verdict": _verdict(row.get("verdict"), f"{path}: row {i}"),
                    "risk": str(row.get("risk") or "").strip(),
                    "reviewer": str(row.get("reviewer") or "").strip(),
                    "note": str(row.get("note") or "").strip(),
                }
            )
    if not rows:
        raise InputError(f"{path}: no rows")
    return rows


def score(rows: list[dict[str, Any]], sample_size: int, profile: Profile) -> dict[str, Any]:
    """Manual qualified rate against the profile's 9.2 a sample size and rate."""
    sample_min = profile.quota(MANUAL_CLAUSE, SAMPLE_KEY).value
    rate_min = profile.quota(MANUAL_CLAUSE, RATE_KEY).value
    reviewed = [r for r in rows if r["verdict"] is not None]
    qualified = sum(r["verdict"] == "qualified" for r in reviewed)
    rate = qualified / len(reviewed) if reviewed else 0.0
    lo, hi = wilson(qualified, len(reviewed))
    why: list[str] = []
    if len(reviewed) < sample_min:
        why.append(f"{len(reviewed)} items reviewed, at least {sample_min:g} required")
    if reviewed and rate < rate_min:
        why.append(f"qualified rate {rate:.4f} below {rate_min:g}")
    risks: dict[str, int] = {}
    for r in reviewed:
        if r["verdict"] == "unqualified" and r["risk"]:
            risks[r["risk"]] = risks.get(r["risk"], 0) + 1
    return {
        "profile": profile.profile,
        "profile_version": profile.version,
        "sample_size": sample_size,
        "reviewed": len(reviewed),
        "unreviewed": sample_size - len(reviewed),
        "qualified": qualified,
        "unqualified": len(reviewed) - qualified,
        "qualified_rate": round(rate, 6),
        "qualified_ci": [round(lo, 6), round(hi, 6)],
        "pass": not why,
        "fail_reasons": why,
        "thresholds": {
            f"{MANUAL_CLAUSE}.{SAMPLE_KEY}": sample_min,
            f"{MANUAL_CLAUSE}.{RATE_KEY}": rate_min,
        },
        "risks": dict(sorted(risks.items())),
    }
