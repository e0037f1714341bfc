"""One system's figures: per source, pooled over unseen sources and over all, per kind.

Pooled figures over UNSEEN sources are the ones that predict performance on new data; pooled
figures over all sources are given too, labelled, because a model scores best where it trained.
Pools mix sources at their capped sizes, so they weigh each source by its dev-set size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from bench.accuracy import metrics
from bench.accuracy.devsets import Kind, Record, source_by_name
from bench.accuracy.systems import Output

KINDS: tuple[Kind, ...] = ("text", "question", "answer")


def _arrays(pairs: Sequence[tuple[Record, Output]]) -> tuple[Any, Any, Any]:
    gold = np.array([r.harmful for r, _ in pairs], dtype=bool)
    flagged = np.array([o.flagged for _, o in pairs], dtype=bool)
    score = np.array([o.score for _, o in pairs], dtype=np.float64)
    return gold, flagged, score


def binary(pairs: Sequence[tuple[Record, Output]]) -> dict[str, Any]:
    """Binary figures of a group of (record, output) pairs."""
    return metrics.binary(*_arrays(pairs))


def attribution(pairs: Sequence[tuple[Record, Output]]) -> dict[str, Any]:
    """Top-1 risk id / category accuracy over the harmful items with gold ids."""
    harmful = [(r, o) for r, o in pairs if r.harmful and r.risks]
    return metrics.attribution([r.risks for r, _ in harmful], [o.risks for _, o in harmful])


def seen(source: str, train: Mapping[str, Sequence[str]]) -> bool:
    """Whether the system's components trained or tuned on the source's folder."""
    return source_by_name(source).folder in train


def _by_source(pairs: Sequence[tuple[Record, Output]]) -> dict[str, list[tuple[Record, Output]]]:
    out: dict[str, list[tuple[Record, Output]]] = {}
    for r, o in pairs:
        out.setdefault(r.source, []).append((r, o))
    return out


def kind_figures(
    pairs: Sequence[tuple[Record, Output]], train: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """Per-source rows and the two pools for the binary (non-attribution) records of a kind."""
    binary_pairs = [(r, o) for r, o in pairs if r.purpose == "binary"]
    groups = _by_source(binary_pairs)
    sources = {
        name: {
            "seen": seen(name, train),
            "may_ship": group[0][0].may_ship,
            **binary(group),
        }
        for name, group in groups.items()
    }
    unseen = [p for name, g in groups.items() if not sources[name]["seen"] for p in g]
    return {
        "sources": sources,
        "pooled_unseen": binary(unseen) if unseen else None,
        "pooled_unseen_sources": [n for n in groups if not sources[n]["seen"]],
        "pooled_all": binary(binary_pairs) if binary_pairs else None,
    }


def attribution_figures(
    pairs: Sequence[tuple[Record, Output]], train: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """Top-1 attribution per source (with gold ids) and pooled, unseen and all."""
    groups = {n: g for n, g in _by_source(pairs).items() if any(r.risks for r, _ in g)}
    sources = {n: {"seen": seen(n, train), **attribution(g)} for n, g in groups.items()}
    unseen = [p for n, g in groups.items() if not sources[n]["seen"] for p in g]
    every = [p for g in groups.values() for p in g]
    return {
        "sources": sources,
        "pooled_unseen": attribution(unseen) if unseen else None,
        "pooled_all": attribution(every) if every else None,
    }


def system_figures(
    records: Sequence[Record], outputs: Sequence[Output], train: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """Every figure of one system over the records it measured (aligned with ``outputs``)."""
    pairs = list(zip(records, outputs, strict=True))
    kinds = {}
    for kind in KINDS:
        of_kind = [(r, o) for r, o in pairs if r.kind == kind]
        if of_kind:
            kinds[kind] = kind_figures(of_kind, train)
    return {"kinds": kinds, "attribution": attribution_figures(pairs, train)}
