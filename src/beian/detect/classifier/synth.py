"""Expand beian's own template file (``seed/synthetic.yaml``) into labelled sentences.

Expansion is deterministic: slot combinations are enumerated in a fixed order and, when there
are more than ``per_template``, a seeded generator picks which ones to keep.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

import numpy as np
import yaml

from beian.errors import ConfigError

_SLOT = re.compile(r"\{([a-z]+?)(\d?)\}")
Labelled = tuple[str, tuple[str, ...]]


def seed_text(name: str) -> str:
    """Text of a file under ``beian/detect/classifier/seed``."""
    return (
        resources.files("beian.detect.classifier")
        .joinpath("seed", name)
        .read_text(encoding="utf-8")
    )


def load_seed(name: str) -> dict[str, Any]:
    """A seed YAML file as a mapping."""
    data = yaml.safe_load(seed_text(name))
    if not isinstance(data, dict):
        raise ConfigError(f"seed file {name} must be a YAML mapping")
    return data


def expand(
    template: str, slots: Mapping[str, Sequence[str]], limit: int, rng: np.random.Generator
) -> list[str]:
    """Up to ``limit`` fillings of ``template``; ``{x}`` and ``{x2}`` take different values of ``x``."""
    names = _SLOT.findall(template)
    if not names:
        return [template]
    choices: list[Sequence[str]] = []
    for base, _ in names:
        if base not in slots:
            raise ConfigError(f"template {template!r} uses unknown slot {base!r}")
        choices.append(slots[base])
    combos = [c for c in itertools.product(*choices) if len(set(c)) == len(c)]
    if len(combos) > limit:
        keep = np.sort(rng.choice(len(combos), size=limit, replace=False))
        combos = [combos[int(i)] for i in keep]
    out = []
    for combo in combos:
        out.append(_fill(template, combo))
    return out


def _fill(template: str, values: Sequence[str]) -> str:
    """Replace the slots of ``template`` left to right with ``values``."""
    it = iter(values)
    return _SLOT.sub(lambda _m: next(it), template)


def synthetic_examples(seed: int = 0, name: str = "synthetic.yaml") -> list[Labelled]:
    """All authored examples: ``(text, risks)``, ``()`` for benign."""
    data = load_seed(name)
    slots: dict[str, list[str]] = {k: list(v) for k, v in data["slots"].items()}
    limit = int(data.get("per_template", 10))
    rng = np.random.default_rng(seed)
    out: list[Labelled] = []
    for risk, templates in data["risks"].items():
        out.extend((t, (risk,)) for tpl in templates for t in expand(tpl, slots, limit, rng))
    out.extend(_group_examples(data, slots, limit, rng))
    out.extend((t, ()) for tpl in data.get("benign", []) for t in expand(tpl, slots, limit, rng))
    return _dedupe(
        _framed(out, list(data.get("frames", [])), int(data.get("frames_per_example", 0)), rng)
    )


def _framed(
    rows: list[Labelled], frames: list[str], k: int, rng: np.random.Generator
) -> list[Labelled]:
    """Each row plus ``k`` copies wrapped in randomly chosen frames (``{x}`` is the row's text)."""
    if not frames or k <= 0:
        return rows
    out = list(rows)
    for text, risks in rows:
        for i in rng.choice(len(frames), size=min(k, len(frames)), replace=False):
            out.append((frames[int(i)].replace("{x}", text), risks))
    return out


def _group_examples(
    data: Mapping[str, Any], slots: dict[str, list[str]], limit: int, rng: np.random.Generator
) -> Iterator[Labelled]:
    for risk, slot in data.get("group_risks", {}).items():
        local = {**slots, "g": slots[slot]}
        for tpl in data.get("group_templates", []):
            yield from ((t, (risk,)) for t in expand(tpl, local, limit // 2, rng))
        for tpl in data.get("benign_group_templates", []):
            yield from ((t, ()) for t in expand(tpl, local, limit // 3, rng))


def _dedupe(rows: list[Labelled]) -> list[Labelled]:
    merged: dict[str, set[str]] = {}
    for text, risks in rows:
        merged.setdefault(text, set()).update(risks)
    return [(t, tuple(sorted(r))) for t, r in merged.items()]
