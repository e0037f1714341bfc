"""How often the gateway's output screening blocks real answers, per answer source, and its CPU
cost per answer: ``output_harm: shared`` (answers screened as plain text) against
``output_harm: answer`` (screened as answers: refusal-aware, answer model with the question).

    .venv/bin/python bench/gateway_answers.py [--shared ../shared] [--limit 600] \
        [--sources lawyer-llama-a,alpaca-a,safedialbench-answers,jade-answers]

Each answer goes through ``Screener.check_answers`` as a one-choice, one-carrier answer with its
question (the last user message), with the gateway's default detectors (keyword, solicit, harm,
pii) and default output policy (block). With ``--stream`` each answer is also streamed through
the gateway's ``StreamGuard`` (default stream settings and look-ahead, 6-character deltas as
the test upstream sends): a stream is cut when any window of its text so far is blocked. The records are the dev sets of ``bench.accuracy``
(seeded, capped per source and label), so both settings see the same answers. CPU time is
``time.process_time`` around the screening calls alone (models loaded and warmed first).
Prints Markdown to stdout; nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make ``bench.accuracy`` importable
    sys.path.insert(0, str(REPO))

from bench.accuracy import devsets, metrics  # noqa: E402
from bench.accuracy.run import default_shared  # noqa: E402

from beian.gateway.screen import Screener  # noqa: E402

SOURCES = ("lawyer-llama-a", "alpaca-a", "safedialbench-answers", "jade-answers")
MODES = ("shared", "answer")


def _rate(k: int, n: int) -> str:
    if n == 0:
        return "–"
    r = metrics.rate(k, n)
    return f"{100 * r['value']:.1f} [{100 * r['ci'][0]:.1f}–{100 * r['ci'][1]:.1f}] ({k}/{n})"


def _screeners() -> dict[str, Screener]:
    from beian.detect.setup import resolve_setup
    from beian.gateway.config import GatewayConfig
    from beian.gateway.runtime import gateway_answer_screen, gateway_detectors
    from beian.gateway.screen import resolve_policy
    from beian.standard import load_profile

    out: dict[str, Screener] = {}
    for mode in MODES:
        config = GatewayConfig.model_validate({"output_harm": mode})
        detectors = gateway_detectors(config, resolve_setup(None))
        policy = resolve_policy(config.output_policy, load_profile(), "output_policy")
        answers = gateway_answer_screen(config, detectors)
        out[mode] = Screener(detectors, policy, policy, answers=answers)
    return out


def _question(r: devsets.Record, override: str | None) -> str:
    return override if override is not None else r.question or ""


DELTA = 6
"""Characters per streamed delta (as ``tests/gateway/upstream.py`` sends)."""


def _streamed(s: Screener, text: str, question: str, lookahead: int) -> tuple[bool, int]:
    """Whether streaming ``text`` through a StreamGuard is cut, and how many checks it took."""
    from beian.gateway.config import StreamConfig
    from beian.gateway.stream_guard import StreamGuard

    guard = StreamGuard(lambda t: s.check_output(t, question), StreamConfig(), lookahead)
    for i in range(0, len(text), DELTA):
        if guard.add(text[i : i + DELTA]):
            guard.release()
        if guard.blocked is not None:
            return True, guard.checks
    guard.finish()
    return guard.blocked is not None, guard.checks


def run(
    records: Sequence[devsets.Record], stream: bool = False, question: str | None = None
) -> list[str]:
    """Markdown lines: block rates per source and label, and CPU ms per answer, per mode
    (``question``: every answer judged with this question instead of its own)."""
    from beian.gateway.reach import stream_lookahead

    screeners = _screeners()
    blocked: dict[tuple[str, str, bool], int] = {}
    total: dict[tuple[str, bool], int] = {}
    cpu: dict[str, float] = {}
    checks: dict[str, int] = {}
    chars = sum(len(r.text) for r in records)
    for mode, s in screeners.items():
        s.check_answers([["预热"]], "预热")  # load everything lazily loaded
        t0 = time.process_time()
        for r in records:
            (d,) = s.check_answers([[r.text]], _question(r, question))
            key = (mode, r.source, r.harmful)
            blocked[key] = blocked.get(key, 0) + d.is_block
        cpu[mode] = time.process_time() - t0
        if not stream:
            continue
        lookahead = stream_lookahead(s.detectors.detectors, None)
        t0 = time.process_time()
        for r in records:
            cut, n = _streamed(s, r.text, _question(r, question), lookahead)
            key = (f"{mode}/stream", r.source, r.harmful)
            blocked[key] = blocked.get(key, 0) + cut
            checks[mode] = checks.get(mode, 0) + n
        cpu[f"{mode}/stream"] = time.process_time() - t0
    for r in records:
        total[(r.source, r.harmful)] = total.get((r.source, r.harmful), 0) + 1
    columns = [*MODES, *(f"{m}/stream" for m in MODES if stream)]
    lines = [
        "| source | answers | " + " | ".join(f"blocked, `{c}`" for c in columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for source, harmful in sorted(total, key=lambda k: (k[0], not k[1])):
        n = total[(source, harmful)]
        cells = [_rate(blocked.get((c, source, harmful), 0), n) for c in columns]
        label = "harmful" if harmful else "benign"
        lines.append(f"| {source} | {label} | " + " | ".join(cells) + " |")
    lines.append("")
    n = len(records)
    lines.append(f"CPU per answer (mean {chars / max(n, 1):.0f} characters, {n} answers):")
    for c in columns:
        extra = ""
        if c.endswith("/stream"):
            extra = f" ({checks[c.split('/')[0]] / max(n, 1):.1f} checks per answer)"
        lines.append(f"- `{c}`: {1000 * cpu[c] / max(n, 1):.2f} ms{extra}")
    lines.append(f"- load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--shared", type=Path, default=None, help="shared folder (data/, bench/)")
    p.add_argument("--limit", type=int, default=600, help="answers per source and label")
    p.add_argument("--seed", type=int, default=devsets.DEFAULT_SEED)
    p.add_argument("--sources", default=",".join(SOURCES), help="comma-separated dev sources")
    p.add_argument("--stream", action="store_true", help="also stream each answer (slower)")
    p.add_argument(
        "--question", default=None, help='judge every answer with this question ("": none)'
    )
    args = p.parse_args(argv)
    shared = args.shared or default_shared()
    if not (shared / "data").is_dir():
        print(f"error: no shared data folder at {shared / 'data'} (use --shared)", file=sys.stderr)
        return 2
    names = [s for s in args.sources.split(",") if s]
    try:
        records, failed = devsets.build(shared, names, cap=args.limit, seed=args.seed)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    for name, why in failed.items():
        print(f"source {name} failed: {why}", file=sys.stderr)
    print("\n".join(run(records, stream=args.stream, question=args.question)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
