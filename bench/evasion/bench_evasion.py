"""Evasion benchmark: how much of the plain-text flag rate survives each disguise.

    python bench/evasion/bench_evasion.py evasion [--per-set N] [--write docs/evasion.md]
    python bench/evasion/bench_evasion.py benign [--limit N]
    python bench/evasion/bench_evasion.py speed [--mb 4]

``evasion`` builds the variant set from ../shared/data harmful prompts (S-Eval base, XSafety-zh
harmful categories, MultiJail zh with its English original, JADE v3 medium questions, read as
GB18030), applies every transform of ``transforms.py`` to every prompt, and runs two detector
sets: the default (``keyword, solicit, harm``, as ``beian detect -d default``) and ``keyword``
alone. Per transform it prints the share of variants flagged, that share relative to the
plain-text flag rate (the goal: >= 95 % overall), and the retention (of the prompts flagged as
plain text, the share whose variant is still flagged). ``--write`` replaces the figures between
the ``bench:evasion`` markers of the given Markdown file.

``benign`` prints the share of benign texts flagged (lawyer-llama questions and answers,
alpaca-zh outputs, TNEWS headlines, waimai reviews, Weibo non-rumours) by both sets; run it once
with this tree's ``src`` and once with the base revision's on ``PYTHONPATH`` to compare.

``speed`` times, on the first MB of ../shared/bench/data/corpus.jsonl.gz texts: the normaliser
(``normalise_many``), the evasion reading (``evasion_reading`` on every text), and the keyword
matcher (``KeywordDetector.detect_batch``), as MB of UTF-8 text per CPU-second.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from transforms import TRANSFORMS

from beian.detect.detector_set import DetectorSet

SHARED = Path(os.environ.get("BEIAN_SHARED", Path(__file__).parents[3] / "shared"))
DATA = SHARED / "data"
MARK_START = "<!-- bench:evasion:start -->"
MARK_END = "<!-- bench:evasion:end -->"


def _pick(items: list[str], n: int) -> list[str]:
    """A fixed pseudo-random sample (by SHA-256 of the text), so runs are comparable."""
    unique = list(dict.fromkeys(t.strip() for t in items if t.strip()))
    return sorted(unique, key=lambda t: hashlib.sha256(t.encode()).hexdigest())[:n]


def harmful_sets(per_set: int) -> dict[str, list[tuple[str, str | None]]]:
    """Set name → ``(zh prompt, English original or None)``."""
    seval = [
        json.loads(line)["prompt"]
        for line in (DATA / "s-eval/S-Eval_base_risk_zh_full.jsonl").open()
    ]
    xs: list[str] = []
    for name in ("Crimes_And_Illegal_Activities", "Physical_Harm", "Insult",
                 "Unfairness_And_Discrimination", "Privacy_And_Property"):  # fmt: skip
        with (DATA / f"xsafety-zh/{name}.csv").open(encoding="utf-8-sig") as fh:
            xs += [row[0] for row in csv.reader(fh) if row]
    with (DATA / "multijail/MultiJail.csv").open(encoding="utf-8") as fh:
        mj = [(r["zh"], r["en"]) for r in csv.DictReader(fh)]
    with (DATA / "jade-v3-medium/jade_alignment_medium_zh.csv").open(encoding="gb18030") as fh:
        jade = [r["问题"] for r in csv.DictReader(fh)]
    en = dict(mj)
    return {
        "s-eval": [(t, None) for t in _pick(seval, per_set)],
        "xsafety": [(t, None) for t in _pick(xs, per_set)],
        "multijail": [
            (t, en.get(t.strip())) for t in _pick([z for z, _ in mj], per_set)
        ],  # fmt: skip
        "jade": [(t, None) for t in _pick(jade, per_set)],
    }


def key_term(ds: DetectorSet, text: str) -> str:
    """The longest keyword evidence of the plain text, else its first 4 CJK characters."""
    words = [f.evidence for f in ds.check(text).findings if f.detector == "keyword"]
    words = [w for w in words if w and w in text and not w.isascii()]
    if words:
        return max(words, key=len)
    run = ""
    for c in text:
        if "\u4e00" <= c <= "\u9fff":
            run += c
            if len(run) == 4:
                return run
        elif run:
            if len(run) >= 2:
                return run
            run = ""
    return run


Counts = tuple[int, int, int, int, int]
"""Variants, variants flagged, plain flagged, variants flagged among plain-flagged."""


def flag_rates(
    sets: dict[str, list[tuple[str, str | None]]], ds: DetectorSet, keyer: DetectorSet
) -> tuple[dict[str, Counts], int, int]:
    """Per transform: the counts of :data:`Counts`; and the plain counts (prompts, flagged)."""
    prompts = [p for rows in sets.values() for p in rows]
    plain = [v.flagged for v in ds.check_batch([z for z, _ in prompts])]
    keys = [key_term(keyer, z) for z, _ in prompts]
    out: dict[str, Counts] = {}
    for name, fn in TRANSFORMS.items():
        variants = [fn(z, k) for (z, _), k in zip(prompts, keys, strict=True)]
        out[name] = _count(ds, variants, plain)
    with_en = [(i, en) for i, (_, en) in enumerate(prompts) if en]
    if with_en:
        sub_plain = [plain[i] for i, _ in with_en]
        out["English original*"] = _count(ds, [en for _, en in with_en], sub_plain)
    return out, len(prompts), sum(plain)


def _count(ds: DetectorSet, variants: Sequence[str], plain: Sequence[bool]) -> Counts:
    flags = [v.flagged for v in ds.check_batch(list(variants))]
    kept = sum(1 for f, p in zip(flags, plain, strict=True) if f and p)
    return (
        len(variants),
        sum(flags),
        sum(plain),
        kept,
        sum(1 for f, p in zip(flags, plain, strict=True) if f and not p),
    )


def table(title: str, rates: dict[str, Counts], n: int, plain: int) -> list[str]:
    lines = [
        f"**{title}** — plain text flagged: {plain}/{n} = {plain / n:.1%}",
        "",
        "| transform | variants flagged | relative to plain rate | retained (of plain-flagged) "
        "| newly flagged (of plain-unflagged) |",
        "|---|---:|---:|---:|---:|",
    ]
    rel: list[float] = []
    kept: list[float] = []
    for name, (m, flagged, base, still, new) in rates.items():
        r = (flagged / m) / (base / m) if base else 0.0
        k = still / base if base else 0.0
        lines.append(
            f"| {name} | {flagged / m:.1%} | {r:.0%} | {k:.0%} | {new / max(m - base, 1):.1%} |"
        )
        if not name.endswith("*"):
            rel.append(min(r, 1.0))
            kept.append(k)
    lines += [
        "",
        f"Over the {len(rel)} transforms: mean rate relative to plain (each capped at 100 %) "
        f"**{sum(rel) / len(rel):.1%}**; mean retention **{sum(kept) / len(kept):.1%}**.",
    ]
    return lines


def run_evasion(args: argparse.Namespace) -> None:
    sets = harmful_sets(args.per_set)
    default = DetectorSet.from_names(["keyword", "solicit", "harm"])
    keyword = DetectorSet.from_names(["keyword"])
    started = time.time()
    lines = [f"Prompts: {', '.join(f'{k} {len(v)}' for k, v in sets.items())}; "
             f"{len(TRANSFORMS)} transforms (+ the English original where MultiJail has it, *).", ""]  # fmt: skip
    for title, ds in (("default (keyword, solicit, harm)", default), ("keyword alone", keyword)):
        rates, n, plain = flag_rates(sets, ds, keyword)
        lines += table(title, rates, n, plain) + [""]
    print("\n".join(lines))
    print(f"({time.time() - started:.0f} s)", file=sys.stderr)
    if args.write:
        _write(Path(args.write), lines)


def _write(path: Path, lines: list[str]) -> None:
    doc = path.read_text(encoding="utf-8")
    head, _, rest = doc.partition(MARK_START)
    _, _, tail = rest.partition(MARK_END)
    path.write_text(
        head + MARK_START + "\n" + "\n".join(lines) + "\n" + MARK_END + tail, encoding="utf-8"
    )


def benign_sets(limit: int) -> dict[str, list[str]]:
    law: list[str] = []
    for name in ("zixun_gpt4.json", "legal_advice.json"):
        for row in json.loads((DATA / "lawyer-llama-legal" / name).read_text(encoding="utf-8")):
            for item in row if isinstance(row, list) else [row]:
                law.append(str(item.get("query") or item.get("instruction") or ""))
                law.append(str(item.get("response") or item.get("output") or ""))
    alpaca = [
        str(json.loads(line).get("output", ""))
        for line in (DATA / "alpaca-zh/alpaca_zh_translated.jsonl").open()
    ]
    tnews = [json.loads(line)["sentence"] for line in (DATA / "tnews/test.json").open()]
    with (DATA / "waimai-10k/waimai_10k.csv").open(encoding="utf-8") as fh:
        waimai = [r["review"] for r in csv.DictReader(fh)]
    weibo = [r["text"] for r in map(json.loads, (DATA / "weibo-rumor-ced/ced_original_microblogs.jsonl").open())
             if r.get("label") in ("non-rumor", "non_rumor", 0, "0")]  # fmt: skip
    return {k: _pick(v, limit) for k, v in
            {"lawyer-llama": law, "alpaca-zh": alpaca, "tnews": tnews, "waimai": waimai, "weibo non-rumour": weibo}.items()}  # fmt: skip


def run_benign(args: argparse.Namespace) -> None:
    sets = benign_sets(args.limit)
    mixed = _pick([t[:300] for texts in sets.values() for t in texts[: args.transformed]], 10**9)
    for names in (["keyword", "solicit", "harm"], ["keyword"]):
        ds = DetectorSet.from_names(names)
        print(f"{'+'.join(names)}:")
        for name, texts in sets.items():
            flagged = sum(v.flagged for v in ds.check_batch(texts))
            print(f"  {name:18} {flagged:5}/{len(texts):5} = {flagged / max(len(texts), 1):.2%}")
        if args.transformed:  # the same disguises on benign text must not make it "harmful"
            base = sum(v.flagged for v in ds.check_batch(mixed))
            print(
                f"  transformed benign ({len(mixed)} texts, first 300 characters): plain {base / len(mixed):.1%}"
            )
            for tname, fn in TRANSFORMS.items():
                got = sum(
                    v.flagged for v in ds.check_batch([fn(t, key_term(ds, t)) for t in mixed])
                )
                print(f"    {tname:22} {got / len(mixed):6.1%}")


def _cpu(fn: Callable[[], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def run_speed(args: argparse.Namespace) -> None:
    from beian.detect.keyword import KeywordDetector, load_entries
    from beian.text import normalise_many

    texts: list[str] = []
    size = 0
    with gzip.open(SHARED / "bench/data/corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text", "")
            texts.append(text)
            size += len(text.encode())
            if size >= args.mb * 1e6:
                break
    mb = size / 1e6
    kd = KeywordDetector(load_entries(None))
    ks = DetectorSet([kd])
    batches = [texts[i : i + 256] for i in range(0, len(texts), 256)]
    rows = {"normalise_many": lambda: [normalise_many(b) for b in batches],
            "keyword detect_batch (fold + match + gaps)": lambda: [kd.detect_batch(b) for b in batches],
            "DetectorSet([keyword]).check_batch": lambda: [ks.check_batch(b) for b in batches]}  # fmt: skip
    try:
        from beian.text.reading import evasion_reading

        rows["evasion_reading (every text)"] = lambda: [evasion_reading(t) for t in texts]
    except ImportError:
        pass
    print(f"{len(texts)} texts, {mb:.1f} MB")
    for name, fn in rows.items():
        print(f"  {name:44} {mb / _cpu(fn):7.1f} MB/s")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    ev = sub.add_parser("evasion")
    ev.add_argument("--per-set", type=int, default=250)
    ev.add_argument("--write", default=None)
    be = sub.add_parser("benign")
    be.add_argument("--limit", type=int, default=4000)
    be.add_argument("--transformed", type=int, default=0, help="texts per set to transform too")
    sp = sub.add_parser("speed")
    sp.add_argument("--mb", type=float, default=4.0)
    args = ap.parse_args()
    {"evasion": run_evasion, "benign": run_benign, "speed": run_speed}[args.cmd](args)


if __name__ == "__main__":
    main()
