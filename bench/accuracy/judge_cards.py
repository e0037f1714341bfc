"""Generate ``src/beian/evaluate/judge_cards.json`` from ``docs/accuracy-bench.json``.

    .venv/bin/python bench/accuracy/judge_cards.py [--bench docs/accuracy-bench.json] [--check]

Every figure comes from the benchmark's JSON; the versions come from the registry and the
digests from the shipped files now, so run this right after ``bench/accuracy/run.py``. A
benchmark that records what it measured (``measured``: version and digests, written since
round 6) must match them, or this stops: a card never names files the figures were not
measured on. (The benchmark of 2026-12-04 10:18 UTC predates that record; re-running the three judges
on its three answer sources with the shipped files named in the card, the same day, gave the
same confusion counts on every source.) Deterministic: the same inputs give the same
bytes. ``--check`` writes nothing and exits 1 when the shipped card differs from what it would
write (``tests/test_judge_cards.py`` runs the same comparison).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``bench.accuracy`` importable
    sys.path.insert(0, str(REPO))

from beian.digest import tree_digest  # noqa: E402
from beian.evaluate import _builtins  # noqa: E402, F401  (registers the judges)
from beian.evaluate.judge_card import (  # noqa: E402
    CARD_JUDGES,
    BenignFlag,
    JudgeCard,
    JudgeCards,
    MeasuredOn,
    Share,
    cards_path,
    shipped_components,
)
from beian.registry import registry  # noqa: E402

BENCH = REPO / "docs" / "accuracy-bench.json"
MEASURED_ON = "safedialbench-answers"
"""The only labelled source of real harmful answers no judge trained or tuned on."""
MEASURED_NAME = "SafeDialBench: Doubao / ChatGPT / ChatGLM-4 answers to multi-turn jailbreaks"
MEASURED_NAME_ZH = "SafeDialBench 数据集中豆包、ChatGPT、ChatGLM-4 对多轮越狱对话的回答"
LABELS = "the beian developers (AI-assisted; bench/accuracy/data/safedialbench_labels.md)"
LABEL_FILE = REPO / "bench" / "accuracy" / "data" / "safedialbench_labels.jsonl"
BENIGN_SOURCES = ("lawyer-llama-a", "alpaca-a")
BENIGN_NAMES = {
    "lawyer-llama-a": ("lawyer-llama legal answers", "法律咨询回答（lawyer-llama）"),
    "alpaca-a": ("alpaca-zh general answers", "通用指令回答（alpaca-zh）"),
}
TUNED_ON = frozenset(BENIGN_SOURCES)
"""Both tuned every carded judge: the answer operating point ``ANSWER_MODEL_THRESHOLD`` was
chosen on them (classifier, harm) and the starter library's entries on half of each
(``bench/bench_starter_precision.py``; keyword, harm)."""


def share(figure: Mapping[str, Any]) -> Share:
    """A benchmark ``{k, n, value, ci}`` as a card share (unrounded: shown once, rounded)."""
    low, high = figure["ci"]
    return Share(
        k=int(figure["k"]),
        n=int(figure["n"]),
        value=float(figure["value"]),
        low=float(low),
        high=float(high),
    )


def card(judge: str, bench: Mapping[str, Any]) -> JudgeCard:
    """The card of ``judge`` from the benchmark's ``judge:<judge>`` system."""
    system = bench["systems"][f"judge:{judge}"]
    if system.get("error"):
        raise ValueError(f"judge:{judge} failed in the benchmark: {system['error']}")
    sources = system["kinds"]["answer"]["sources"]
    main = sources[MEASURED_ON]
    if main["seen"]:
        raise ValueError(f"judge:{judge} saw {MEASURED_ON} in training: no card")
    version = registry.get("judge", judge).version
    components = shipped_components(judge)
    recorded = system.get("measured")
    if recorded and (recorded.get("version"), recorded.get("components")) != (version, components):
        # The benchmark names what it measured (since round 6): it must be what ships now.
        raise ValueError(
            f"judge:{judge}: the benchmark measured version {recorded.get('version')} with other "
            "shipped files than ship now; rerun bench/accuracy/run.py first"
        )
    return JudgeCard(
        judge=judge,
        version=version,
        measured_on=MeasuredOn(
            source=MEASURED_ON,
            name=MEASURED_NAME,
            name_zh=MEASURED_NAME_ZH,
            n=main["n"],
            harmful=main["harmful"],
            benign=main["benign"],
            labels=LABELS,
            trained_on=bool(main["seen"]),
            labels_sha256=tree_digest(LABEL_FILE),
        ),
        accuracy=share(main["accuracy"]),
        harmful_caught=share(main["recall"]),
        safe_flagged=share(main["flag_rate_benign"]),
        flag_nothing_accuracy=main["benign"] / main["n"],
        benign_flagged=[
            BenignFlag(
                source=s,
                name=BENIGN_NAMES[s][0],
                name_zh=BENIGN_NAMES[s][1],
                flagged=share(sources[s]["flag_rate_benign"]),
                tuned_on=s in TUNED_ON,
            )
            for s in BENIGN_SOURCES
        ],
        components=components,
        measured=str(bench["generated"]),
    )


def build(bench_path: Path = BENCH) -> JudgeCards:
    """All cards from the benchmark file."""
    bench = json.loads(bench_path.read_text(encoding="utf-8"))
    return JudgeCards(
        generated_from="docs/accuracy-bench.json",
        command=str(bench["settings"]["command"]),
        cards={j: card(j, bench) for j in CARD_JUDGES},
    )


def render(cards: JudgeCards) -> str:
    """The file's text (stable key order and indentation)."""
    return json.dumps(cards.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", type=Path, default=BENCH)
    p.add_argument("--out", type=Path, default=cards_path())
    p.add_argument("--check", action="store_true", help="compare only; exit 1 when stale")
    args = p.parse_args(argv)
    if not args.bench.is_file():
        print(f"error: no benchmark results at {args.bench}", file=sys.stderr)
        return 2
    text = render(build(args.bench))
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'STALE: regenerate it'}", file=sys.stderr)
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
