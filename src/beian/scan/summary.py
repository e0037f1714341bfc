"""Per-task stats merged into the typed run summaries (``summary.json``) of assess and filter.

Every threshold comes from the profile: the per-source illegal share (5.1 a), the technical
sample share and qualified rate (9.2 b).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from beian.records import ComponentSpec
from beian.scan.engine import ScanConfig, ShardStats
from beian.scan.manifest import Manifest
from beian.scan.summary_model import (
    FilesRead,
    FilterSource,
    FilterSummary,
    ScanSummary,
    SourceSummary,
    TracedExample,
)
from beian.standard import Profile
from beian.stats import wilson

SOURCE_CLAUSE = "5.1.a"
SOURCE_KEY = "per_source_illegal_share_max"
TECH_CLAUSE = "9.2.b"
SHARE_KEY = "sample_share_min"
RATE_KEY = "qualified_rate_min"
EXAMPLES_PER_SOURCE = 5
SHOWN_PROBLEMS = 5
"""Unreadable files named in a fail reason (all of them are in the source row and errors/)."""


def _ci(lo_hi: tuple[float, float]) -> list[float]:
    return [round(lo_hi[0], 6), round(lo_hi[1], 6)]


def _by_source(stats: list[ShardStats], manifest: Manifest) -> dict[str, list[ShardStats]]:
    groups: dict[str, list[ShardStats]] = {s.name: [] for s in manifest.sources}
    for s in stats:
        groups.setdefault(s.source, []).append(s)
    return groups


def _common(stats: list[ShardStats]) -> dict[str, Any]:
    """Error reasons, risks and legacy encodings over all tasks, validated into the summary."""
    reasons: Counter[str] = Counter()
    risks: Counter[str] = Counter()
    encodings: dict[str, str] = {}
    for s in stats:
        reasons.update(s.error_reasons)
        risks.update(s.risks)
        encodings.update(s.encodings)
    legacy = {f: c for f, c in sorted(encodings.items()) if c not in {"utf-8", "utf-8-sig"}}
    return {
        "error_reasons": dict(sorted(reasons.items())),
        "risks": dict(sorted(risks.items())),
        "legacy_encodings": legacy,
    }


def file_problems(group: list[ShardStats]) -> dict[str, str]:
    """Files of ``group`` that could not be read to their end, with why (first reason)."""
    out: dict[str, str] = {}
    for s in group:
        for label, why in s.files.items():
            if why:
                out.setdefault(label, why)
    return out


def files_block(stats: list[ShardStats], planned: list[str]) -> FilesRead:
    """Files planned, read to their end, and not: every listed file is one or the other."""
    status: dict[str, str] = {}
    for s in stats:
        for label, why in s.files.items():
            status[label] = status.get(label) or why
    wanted = list(dict.fromkeys(planned))
    unreadable = {f: status[f] for f in wanted if status.get(f)}
    read = sum(1 for f in wanted if f in status and not status[f])
    return FilesRead(
        listed=len(wanted),
        read=read,
        unreadable=len(unreadable),
        problems=unreadable,
        accounted=read + len(unreadable) == len(wanted) and set(status) <= set(wanted),
    )


def _hint(reasons: Counter[str]) -> str:
    top = ", ".join(f"{r} ×{n}" for r, n in reasons.most_common(3))
    fix = ""
    if any(r.startswith("missing text field") for r in reasons):
        fix = "; name the text field with reader_options: {text_field: <field>}"
    return f"no readable item ({top}{fix})" if top else "no readable item"


def _source_row(name: str, group: list[ShardStats], limit: float) -> SourceSummary:
    items = sum(s.items for s in group)
    sampled = sum(s.sampled for s in group)
    flagged = sum(s.flagged for s in group)
    rate = flagged / sampled if sampled else None
    examples = [e for s in group for e in s.examples][:EXAMPLES_PER_SOURCE]
    row = SourceSummary(
        name=name,
        items=items,
        errors=sum(s.errors for s in group),
        sampled=sampled,
        flagged=flagged,
        flagged_rate=None if rate is None else round(rate, 6),
        ci=_ci(wilson(flagged, sampled)),
        verdict="no-data" if rate is None else ("exclude" if rate > limit else "usable"),
        examples=[TracedExample.model_validate(e) for e in examples],
        error_reasons=dict(_reasons(group).most_common()),
    )
    # F14: a source that cannot be read fails 5.1 a, it is not "no data"
    problems = [f"{f}: {r}" for f, r in file_problems(group).items()]
    if problems or not items:
        row.verdict = "unreadable"
        row.unreadable = problems or [_hint(_reasons(group))]
    return row


def _reasons(group: list[ShardStats]) -> Counter[str]:
    reasons: Counter[str] = Counter()
    for s in group:
        reasons.update(s.error_reasons)
    return reasons


def assess_summary(
    stats: list[ShardStats],
    manifest: Manifest,
    profile: Profile,
    config: ScanConfig,
    specs: list[ComponentSpec],
    planned: list[str] | None = None,
) -> ScanSummary:
    """The ``corpus assess`` summary (the documented summary.json contract plus context)."""
    limit = profile.quota(SOURCE_CLAUSE, SOURCE_KEY).value
    share_min = profile.quota(TECH_CLAUSE, SHARE_KEY).value
    rate_min = profile.quota(TECH_CLAUSE, RATE_KEY).value
    items = sum(s.items for s in stats)
    sampled = sum(s.sampled for s in stats)
    flagged = sum(s.flagged for s in stats)
    qualified = sampled - flagged
    rate = qualified / sampled if sampled else 0.0
    share = sampled / items if items else 0.0
    groups = _by_source(stats, manifest)
    sources = [_source_row(n, g, limit) for n, g in groups.items()]
    why: list[str] = []
    for row in sources:
        if row.verdict == "unreadable":
            shown = row.unreadable[:SHOWN_PROBLEMS]
            more = len(row.unreadable) - len(shown)
            listed = "; ".join(shown) + (f"; and {more} more (see errors/)" if more else "")
            why.append(f"source {row.name} could not be read: {listed}")
    if not sampled:
        why.append("no item was checked")
    if share < share_min:
        why.append(f"sampled share {share:.4f} below {share_min:g}")
    if sampled and rate < rate_min:
        why.append(f"qualified rate {rate:.4f} below {rate_min:g}")
    # F16: a source over the 5.1 a limit is a failure of its own (9.2 b's "pass" stays 9.2 b's)
    excluded = [
        f"{SOURCE_CLAUSE}: source {r.name} flagged share {r.flagged_rate or 0:.2%} above "
        f"{limit:g}: do not use it for training"
        for r in sources
        if r.verdict == "exclude"
    ]
    return ScanSummary(
        profile=profile.profile,
        profile_version=profile.version,
        items=items,
        errors=sum(s.errors for s in stats),
        sampled=sampled,
        sample_share=round(share, 6),
        sample_rate=config.sample_rate,
        seed=config.seed,
        detection_setup=config.setup_digest,
        flagged=flagged,
        qualified_rate=round(rate, 6),
        qualified_ci=_ci(wilson(qualified, sampled)),
        passed=not why,
        fail_reasons=why + excluded,
        thresholds={
            f"{SOURCE_CLAUSE}.{SOURCE_KEY}": limit,
            f"{TECH_CLAUSE}.{SHARE_KEY}": share_min,
            f"{TECH_CLAUSE}.{RATE_KEY}": rate_min,
        },
        sources=sources,
        sources_usable=all(s.verdict == "usable" for s in sources),
        bytes=sum(s.bytes for s in stats),
        tasks=len(stats),
        files=files_block(stats, planned if planned is not None else _labels(stats)),
        manifest=str(manifest.path),
        manifest_sha256=manifest.sha256,
        detectors=specs,
        **_common(stats),
    )


def _labels(stats: list[ShardStats]) -> list[str]:
    return [label for s in stats for label in s.files]


def count_lines(folder: Path) -> int:
    """Number of records (lines) in the ``*.jsonl`` files of ``folder``."""
    total = 0
    for path in sorted(folder.glob("*.jsonl")):
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                total += chunk.count(b"\n")
    return total


def filter_summary(
    stats: list[ShardStats],
    manifest: Manifest,
    profile: Profile,
    out: Path,
    specs: list[ComponentSpec],
    planned: list[str] | None = None,
) -> FilterSummary:
    """The ``corpus filter`` summary, with the output files recounted independently.

    ``accounted`` holds when every record is in exactly one output (counted from disk) and
    every listed file was either read to its end or has an error record saying why not."""
    per: dict[str, dict[str, int]] = defaultdict(lambda: Counter())
    for s in stats:
        row = per[s.source]
        row["input"] += s.items + s.errors
        row["clean"] += s.clean
        row["rejected"] += s.rejected
        row["errors"] += s.errors
    totals = {k: sum(r[k] for r in per.values()) for k in ("input", "clean", "rejected", "errors")}
    files = {k: count_lines(out / k) for k in ("clean", "rejected", "errors")}
    read = files_block(stats, planned if planned is not None else _labels(stats))
    accounted = (
        totals["input"] == totals["clean"] + totals["rejected"] + totals["errors"]
        and all(files[k] == totals[k] for k in files)
        and read.accounted
    )
    groups = _by_source(stats, manifest)
    sources = [
        FilterSource(
            name=s.name,
            input=per[s.name]["input"],
            clean=per[s.name]["clean"],
            rejected=per[s.name]["rejected"],
            errors=per[s.name]["errors"],
            unreadable_files=file_problems(groups[s.name]),
        )
        for s in manifest.sources
    ]
    return FilterSummary(
        profile=profile.profile,
        profile_version=profile.version,
        input=totals["input"],
        clean=totals["clean"],
        rejected=totals["rejected"],
        errors=totals["errors"],
        accounted=accounted,
        output_lines=files,
        files=read,
        complete=not read.unreadable,
        outputs={k: str(out / k) for k in files},
        sources=sources,
        bytes=sum(s.bytes for s in stats),
        tasks=len(stats),
        manifest=str(manifest.path),
        manifest_sha256=manifest.sha256,
        detectors=specs,
        **_common(stats),
    )
