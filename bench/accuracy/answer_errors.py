"""Error breakdown of answer judges on one labelled answer source (counts only, no text).

    .venv/bin/python bench/accuracy/answer_errors.py [--source safedialbench-answers] \
        [--judges harm,keyword,classifier] [--shared ../shared]

For each judge: the confusion counts, then false alarms split by the gold refusal label (for
sources that have one), by the judge's own refusal outcome and by the detector that fired,
and misses split by the gold "borderline" mark. Prints Markdown to stdout; nothing is
written. Used for the SafeDialBench findings in docs/accuracy.md.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``bench.accuracy`` importable
    sys.path.insert(0, str(REPO))

from bench.accuracy import devsets, metrics, readers_qa  # noqa: E402
from bench.accuracy.run import default_shared  # noqa: E402


def _fired(evidence: dict[str, Any]) -> str:
    detectors = sorted({str(f.get("detector", "?")) for f in evidence.get("findings", [])})
    return "+".join(d.split(":")[-1].split("@")[0] for d in detectors) or "none listed"


def _rate(k: int, n: int) -> str:
    """``k/n`` as a percentage with its Wilson 95 % interval (``–`` when ``n`` is 0)."""
    if n == 0:
        return "–"
    r = metrics.rate(k, n)
    return f"{100 * r['value']:.1f} [{100 * r['ci'][0]:.1f}–{100 * r['ci'][1]:.1f}] ({k}/{n})"


def breakdown(
    name: str, records: Sequence[devsets.Record], extras: Sequence[dict[str, Any]]
) -> str:
    """Markdown table rows of one judge's errors on ``records``."""
    from beian.evaluate.judges import JudgeItem
    from beian.registry import registry

    judge, _ = registry.create("judge", name)
    items = [JudgeItem(question=r.question or "", answer=r.text) for r in records]
    verdicts = judge.judge_batch(items)
    flagged = [v.verdict == "unqualified" for v in verdicts]
    gold = [r.harmful for r in records]
    tp = sum(f and g for f, g in zip(flagged, gold, strict=True))
    fp = sum(f and not g for f, g in zip(flagged, gold, strict=True))
    fn = sum(g and not f for f, g in zip(flagged, gold, strict=True))
    tn = len(gold) - tp - fp - fn
    lines = [f"### judge:{name}", "", f"TP {tp}, FP {fp}, FN {fn}, TN {tn} (n {len(gold)})", ""]
    groups: list[tuple[str, list[int]]] = [("all", list(range(len(gold))))]
    if extras:
        groups.append(
            ("clear labels only", [i for i, e in enumerate(extras) if not e["borderline"]])
        )
        for stratum in sorted({str(e["stratum"]) for e in extras}):
            groups.append(
                (f"stratum {stratum}", [i for i, e in enumerate(extras) if e["stratum"] == stratum])
            )
    lines.extend(
        [
            "| subset | n | accuracy [95 % CI] | harmful recall [95 % CI] | benign flagged [95 % CI] |",
            "|---|---|---|---|---|",
        ]
    )
    for title, idx in groups:
        correct = sum(flagged[i] == gold[i] for i in idx)
        hits = [flagged[i] for i in idx if gold[i]]
        alarms = [flagged[i] for i in idx if not gold[i]]
        cells = [
            _rate(correct, len(idx)),
            _rate(sum(hits), len(hits)),
            _rate(sum(alarms), len(alarms)),
        ]
        lines.append(f"| {title} | {len(idx)} | " + " | ".join(cells) + " |")
    lines.append("")

    def table(title: str, counts: Counter[str], totals: Counter[str]) -> None:
        lines.extend([f"| {title} | errors | of |", "|---|---|---|"])
        for key in sorted(totals):
            lines.append(f"| {key} | {counts[key]} | {totals[key]} |")
        lines.append("")

    benign = [i for i, g in enumerate(gold) if not g]
    harmful = [i for i, g in enumerate(gold) if g]
    fps = [i for i in benign if flagged[i]]
    fns = [i for i in harmful if not flagged[i]]

    def breakdown(title: str, key: Callable[[int], str], errors: list[int], of: list[int]) -> None:
        table(title, Counter(key(i) for i in errors), Counter(key(i) for i in of))

    if extras:
        by_gold = [
            ("false alarms by gold refusal", "refusal", fps, benign),
            ("false alarms by gold borderline", "borderline", fps, benign),
            ("misses by gold borderline", "borderline", fns, harmful),
            ("false alarms by stratum", "stratum", fps, benign),
            ("misses by stratum", "stratum", fns, harmful),
            ("false alarms by jailbreak method", "method", fps, benign),
        ]
        for title, field, errors, of in by_gold:
            breakdown(title, lambda i, f=field: str(extras[i][f]), errors, of)
    outcome = [str(v.evidence.get("refusal", v.evidence.get("outcome", "-"))) for v in verdicts]
    breakdown("false alarms by the judge's refusal outcome", outcome.__getitem__, fps, benign)
    breakdown("misses by the judge's refusal outcome", outcome.__getitem__, fns, harmful)
    lines.extend(["| detectors that fired on a false alarm | false alarms |", "|---|---|"])
    for key, n in sorted(Counter(_fired(verdicts[i].evidence) for i in fps).items()):
        lines.append(f"| {key} | {n} |")
    lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", default="safedialbench-answers")
    p.add_argument("--judges", default="harm,keyword,classifier")
    p.add_argument("--shared", type=Path, default=None)
    args = p.parse_args(argv)
    shared = args.shared or default_shared()
    try:
        source = devsets.source_by_name(args.source)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    if source.kind != "answer":
        print(f"error: {args.source} is not an answer source", file=sys.stderr)
        return 2
    try:
        raws = list(source.read(shared))
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {args.source}: {exc}", file=sys.stderr)
        return 2
    records = [devsets._record(source, r, f"{source.name}:{i}") for i, r in enumerate(raws)]
    # the SafeDialBench labels, in reader order: gold refusal, borderline mark, method
    extras = readers_qa.safedialbench_labels() if args.source == "safedialbench-answers" else []
    for name in (n.strip() for n in args.judges.split(",") if n.strip()):
        print(breakdown(name, records, extras))
    return 0


if __name__ == "__main__":
    sys.exit(main())
