"""Systems under measurement: detector sets on texts and questions, judges on answers.

A system maps records to :class:`Output` (score in [0, 1], flagged, risk ids ranked by score)
and declares the source folders its components were trained or tuned on (read from their
metadata at run time, see :mod:`bench.accuracy.provenance`), so the report can tell "seen in
training" from "unseen" sources.

Names: ``det:<d1>,<d2>,…`` (a :class:`~beian.detect.detector_set.DetectorSet`),
``det:default`` (what ``beian detect FILE`` uses without ``-d``), ``judge:<name>`` (a registry
judge on (question, answer) pairs).
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.accuracy.devsets import Kind, Record
from bench.accuracy.provenance import train_sources

BATCH = 256
"""Records per call: what ``beian detect`` batches, so timings match the CLI's path."""


@dataclass(frozen=True, slots=True)
class Output:
    """One system verdict: a score (higher = more harmful), the flag and ranked risk ids."""

    score: float
    flagged: bool
    risks: tuple[str, ...]


def ranked(scores: Mapping[str, float]) -> tuple[str, ...]:
    """Risk ids by descending score (ties by id, so runs agree)."""
    return tuple(r for r, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass
class System:
    """A named system: which kinds it measures, how, and what it was trained on."""

    name: str
    kinds: frozenset[Kind]
    run_batch: Callable[[Sequence[Record]], list[Output]]
    train: dict[str, list[str]] = field(default_factory=dict)
    """Source folder → the components (and files) that saw it."""
    notes: list[str] = field(default_factory=list)
    measured: dict[str, Any] = field(default_factory=dict)
    """What exactly was measured (a judge's registered version and the digests of its shipped
    files), so ``bench/accuracy/judge_cards.py`` can tell a stale benchmark from a fresh one."""

    def run(self, records: Sequence[Record], progress: Callable[[int], None]) -> list[Output]:
        """Outputs for ``records`` in order, in batches of :data:`BATCH`."""
        out: list[Output] = []
        for i in range(0, len(records), BATCH):
            out.extend(self.run_batch(records[i : i + BATCH]))
            progress(len(out))
        return out


def default_detector_names() -> list[str]:
    """The detectors ``beian detect FILE`` uses without ``-d``, read from beian at run time."""
    try:
        from beian.detect import defaults

        return list(defaults.default_detector_names())
    except (ImportError, AttributeError):
        pass
    from beian.cli.detect import detect

    default = inspect.signature(detect).parameters["detectors"].default
    return [n.strip() for n in str(default).split(",") if n.strip()]


def _registered(kind: str) -> list[str]:
    from beian.registry import registry

    return registry.names(kind)  # type: ignore[arg-type]


def _verdict_output(flagged: bool, scores: Mapping[str, float]) -> Output:
    # The score is the best per-risk score: the continuous signal behind the flag (AUC uses it).
    return Output(score=max(scores.values(), default=0.0), flagged=flagged, risks=ranked(scores))


def _build_detectors(wanted: Sequence[str]) -> tuple[list[str], list[Any], list[str]]:
    """Build each wanted detector; one that is unregistered or fails to build is skipped with a
    note (new detectors may not exist yet, or may lack their model, when the bench runs)."""
    from beian.registry import registry

    known = set(_registered("detector"))
    names: list[str] = []
    built: list[Any] = []
    notes: list[str] = []
    for name in (n.strip() for n in wanted if n.strip()):
        if name not in known:
            notes.append(f"detector {name!r} is not registered: skipped")
            continue
        try:
            built.append(registry.create("detector", name)[0])
            names.append(name)
        except Exception as exc:
            notes.append(
                f"detector {name!r} failed to build ({type(exc).__name__}: {exc}): skipped"
            )
    for note in notes:
        warnings.warn(note, stacklevel=3)
    return names, built, notes


def detector_system(spec: str) -> System:
    """``det:…``: a DetectorSet of the named (registered) detectors on the record text."""
    from beian.detect.detector_set import DetectorSet

    wanted = default_detector_names() if spec == "default" else spec.split(",")
    names, built, notes = _build_detectors(wanted)
    if not names:
        raise ValueError(f"det:{spec}: no detector could be built among {wanted}: {notes}")
    ds = DetectorSet(built)
    if spec == "default":
        notes.insert(0, f"default detectors: {','.join(names)}")

    def run_batch(records: Sequence[Record]) -> list[Output]:
        return [
            _verdict_output(v.flagged, v.scores) for v in ds.check_batch([r.text for r in records])
        ]

    return System(
        name=f"det:{spec}",
        kinds=frozenset({"text", "question"}),
        run_batch=run_batch,
        train=train_sources(names, ds.detectors),
        notes=notes,
    )


def _judgement_output(verdict: str, evidence: Mapping[str, Any]) -> Output:
    scores = {str(k): float(v) for k, v in (evidence.get("scores") or {}).items()}
    risks = ranked(scores) or tuple(str(r) for r in evidence.get("risks") or ())
    flagged = verdict == "unqualified"
    if scores:
        return _verdict_output(flagged, scores)
    # A judge without scores (e.g. an LLM) gives a hard verdict: its score is the flag.
    return Output(score=1.0 if flagged else 0.0, flagged=flagged, risks=risks)


def judge_system(name: str) -> System:
    """``judge:<name>``: a registry judge on (question, answer); "unqualified" = flagged."""
    from beian.evaluate.judges import JudgeItem
    from beian.registry import registry

    judge, _ = registry.create("judge", name)

    def run_batch(records: Sequence[Record]) -> list[Output]:
        items = [JudgeItem(question=r.question or "", answer=r.text) for r in records]
        return [_judgement_output(j.verdict, j.evidence) for j in judge.judge_batch(items)]

    detectors = getattr(getattr(judge, "detectors", None), "detectors", [])
    same_name = [name] if name in _registered("detector") else []
    return System(
        name=f"judge:{name}",
        kinds=frozenset({"answer"}),
        run_batch=run_batch,
        train=train_sources(same_name, detectors or [judge]),
        measured=judge_measured(name),
    )


def judge_measured(name: str) -> dict[str, Any]:
    """Registered version and shipped-file digests of judge ``name`` (see ``System.measured``)."""
    from beian.evaluate.judge_card import JUDGE_COMPONENTS, shipped_components
    from beian.registry import registry

    out: dict[str, Any] = {"version": registry.get("judge", name).version}
    if name in JUDGE_COMPONENTS:
        out["components"] = shipped_components(name)
    return out


SAFETY_JUDGES = ("keyword", "classifier", "default", "harm")
"""Registry judges measured on answers when registered (``llm`` needs a server; ``refusal``
answers another question)."""


def available_judges() -> list[str]:
    """The safety judges of :data:`SAFETY_JUDGES` that are registered now."""
    known = set(_registered("judge"))
    return [f"judge:{n}" for n in SAFETY_JUDGES if n in known]


def make(spec: str) -> System:
    """The system named ``spec`` (``det:…`` or ``judge:…``); ``ValueError`` otherwise."""
    prefix, _, rest = spec.partition(":")
    if prefix == "det" and rest:
        return detector_system(rest)
    if prefix == "judge" and rest:
        return judge_system(rest)
    raise ValueError(f"unknown system {spec!r}: use det:<detectors> or judge:<name>")
