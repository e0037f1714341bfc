"""Dev accuracy benchmark: build per-source dev sets, run each system, write the report.

    .venv/bin/python bench/accuracy/run.py [--shared ../shared] [--limit N] \
        [--systems det:default,det:keyword,det:keyword,pii,classifier,judge:keyword] \
        [--out docs/accuracy-bench.md]

Writes Markdown and a JSON twin (same name, ``.json``). Progress goes to stderr. A system or a
source that fails is reported in the output and the run goes on; a missing shared folder or an
unknown option is a one-line error with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``bench.accuracy`` importable
    sys.path.insert(0, str(REPO))

from bench.accuracy import devsets, report, results, systems  # noqa: E402

DETECTOR_SYSTEMS = ("det:default", "det:keyword", "det:classifier", "det:keyword,pii,classifier")
"""Measured by default, with every safety judge registered (see ``systems.available_judges``);
``det:harm`` and ``det:solicit`` join when those detectors are registered."""
NEW_DETECTORS = ("harm", "solicit")


def log(message: str) -> None:
    """Progress line on stderr."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def split_systems(value: str) -> list[str]:
    """``det:a,b,judge:c`` → ``["det:a,b", "judge:c"]`` (a name without ``:`` continues the
    detector list before it)."""
    out: list[str] = []
    for token in (t.strip() for t in value.split(",")):
        if not token:
            continue
        if ":" in token or not out:
            out.append(token)
        else:
            out[-1] += f",{token}"
    return out


def default_systems() -> list[str]:
    """The detector systems above, the new detectors if registered, and the judges."""
    from beian.registry import registry

    try:
        known = set(registry.names("detector"))
        judges = systems.available_judges()
    except Exception as exc:  # a broken plugin import: each system then reports its own error
        log(f"registry failed to load: {exc}")
        return [*DETECTOR_SYSTEMS, "judge:keyword", "judge:classifier"]
    extra = [f"det:{n}" for n in NEW_DETECTORS if n in known]
    return [*DETECTOR_SYSTEMS, *extra, *judges]


def default_shared() -> Path:
    """``$BEIAN_SHARED``, else ``../shared`` next to the repository."""
    env = os.environ.get("BEIAN_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=None, help="shared folder (data/, bench/)")
    p.add_argument("--systems", default=None, help="comma-separated systems (default: all)")
    p.add_argument("--sources", default=None, help="comma-separated dev sources (default: all)")
    p.add_argument("--limit", type=int, default=devsets.DEFAULT_CAP, help="cap per source+label")
    p.add_argument("--seed", type=int, default=devsets.DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=REPO / "docs" / "accuracy-bench.md")
    return p.parse_args(argv)


def run_system(spec: str, records: Sequence[devsets.Record]) -> dict[str, Any]:
    """Build and run one system over the records of its kinds; failures become ``error``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unregistered detectors are listed in notes
            system = systems.make(spec)
    except Exception as exc:
        log(f"{spec}: FAILED to build: {exc}")
        return {"error": f"{type(exc).__name__}: {exc}"}
    done: list[devsets.Record] = []
    outputs: list[systems.Output] = []
    timing: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for kind in results.KINDS:
        todo = [r for r in records if r.kind == kind]
        if kind not in system.kinds or not todo:
            continue
        try:
            out, seconds = _timed(system, todo, f"{spec} {kind}")
        except Exception as exc:
            log(f"{spec} {kind}: FAILED: {exc}")
            errors[kind] = f"{type(exc).__name__}: {exc}"
            continue
        chars = sum(len(r.text) for r in todo)
        timing[kind] = {
            "n": len(todo),
            "seconds": seconds,
            "per_s": len(todo) / seconds,
            "chars_per_s": chars / seconds,
        }
        done.extend(todo)
        outputs.extend(out)
    figures = results.system_figures(done, outputs, system.train)
    return {
        "notes": system.notes,
        "train": system.train,
        **({"measured": system.measured} if system.measured else {}),
        "timing": timing,
        "errors": errors,
        **figures,
    }


def _timed(
    system: systems.System, todo: Sequence[devsets.Record], label: str
) -> tuple[list[systems.Output], float]:
    step = max(1, len(todo) // 4)
    marks = iter(range(step, len(todo) + step, step))
    mark = next(marks)

    def progress(n: int) -> None:
        nonlocal mark
        if n >= mark:
            log(f"{label}: {n}/{len(todo)}")
        while n >= mark:
            mark = next(marks, len(todo) + 1)

    start = time.perf_counter()
    out = system.run(todo, progress)
    return out, max(time.perf_counter() - start, 1e-9)


def devset_summary(records: Sequence[devsets.Record]) -> dict[str, Any]:
    """Per source: kind, folder, counts per label, may_ship."""
    out: dict[str, Any] = {}
    for r in records:
        row = out.setdefault(
            r.source,
            {
                "kind": r.kind,
                "purpose": r.purpose,
                "folder": devsets.source_by_name(r.source).folder,
                "may_ship": r.may_ship,
                "harmful": 0,
                "benign": 0,
            },
        )
        row["harmful" if r.harmful else "benign"] += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    shared = args.shared or default_shared()
    if not (shared / "data").is_dir():
        print(f"error: no shared data folder at {shared / 'data'} (use --shared)", file=sys.stderr)
        return 2
    if args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return 2
    names = [n.strip() for n in args.sources.split(",")] if args.sources else None
    try:
        records, failed = devsets.build(shared, names, cap=args.limit, seed=args.seed, log=log)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    specs = split_systems(args.systems) if args.systems else default_systems()
    data: dict[str, Any] = {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {
            "cap": args.limit,
            "seed": args.seed,
            "bootstrap": 500,
            "command": " ".join(["bench/accuracy/run.py", *(argv or sys.argv[1:])]),
        },
        "devsets": devset_summary(records),
        "failed_sources": failed,
        "systems": {},
    }
    for spec in specs:
        log(f"system {spec}")
        data["systems"][spec] = run_system(spec, records)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    args.out.write_text(report.render(data), encoding="utf-8")
    log(f"wrote {args.out} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
