"""Expand the harm contrast seeds (``seed/contrast.yaml``, written by the beian developers).

Harmful requests come with benign neighbours on the same topic (law, prevention, history,
refusals that name the act, neutral facts about groups), so a model trained on them learns the
request to do harm rather than the topic. Expansion is deterministic (seeded).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from beian.detect.classifier.synth import Labelled, expand
from beian.errors import ConfigError

SEED_FILE = "contrast.yaml"


@cache
def _seed_text() -> str:
    return resources.files("beian.detect.harm").joinpath("seed", SEED_FILE).read_text("utf-8")


def _seed() -> dict[str, Any]:
    data = yaml.safe_load(_seed_text())
    if not isinstance(data, dict):
        raise ConfigError(f"seed file {SEED_FILE} must be a YAML mapping")
    return data


def contrast_digest() -> str:
    """SHA-256 of the seed file (recorded in the model's sources)."""
    return hashlib.sha256(_seed_text().encode("utf-8")).hexdigest()


def contrast_examples(seed: int = 0) -> list[Labelled]:
    """Harmful requests (with their risk), and benign contrast texts and refusals (``()``)."""
    data = _seed()
    slots: dict[str, list[str]] = {k: list(v) for k, v in data["slots"].items()}
    limit = int(data.get("per_template", 10))
    rng = np.random.default_rng(seed)
    out: list[Labelled] = []
    for risk, acts in data["acts"].items():
        local = {**slots, "act": list(acts)}
        for tpl in data["harmful_templates"]:
            out.extend((t, (risk,)) for t in expand(tpl, local, limit, rng))
    out.extend(_writes(data, slots, limit, rng))
    for risk, templates in data.get("targeted", {}).items():
        out.extend((t, (risk,)) for tpl in templates for t in expand(tpl, slots, limit, rng))
    # benign neighbours outnumber the requests: topic words must not become harm signals
    out.extend((t, ()) for tpl in data["benign"] for t in expand(tpl, slots, limit * 3, rng))
    answer_slots = {**slots, **{k: list(v) for k, v in data.get("answer_slots", {}).items()}}
    for tpl in data.get("benign_answers", []):
        out.extend((t, ()) for t in expand(tpl, answer_slots, limit * 4, rng))
    every_act = [a for acts in data["acts"].values() for a in acts]
    local = {**slots, "act": every_act}
    for tpl in data["refusals"]:
        out.extend((t, ()) for t in expand(tpl, local, limit * 3, rng))
    return out


def _writes(
    data: dict[str, Any], slots: dict[str, list[str]], limit: int, rng: np.random.Generator
) -> list[Labelled]:
    """Requests to write harmful content (with their risk) and benign writing requests."""
    out: list[Labelled] = []
    for risk, things in data.get("writes", {}).items():
        filled = [w for thing in things for w in expand(thing, slots, limit, rng)]
        local = {**slots, "w": filled}
        out.extend(
            (t, (risk,)) for tpl in data["write_templates"] for t in expand(tpl, local, limit, rng)
        )
    benign = [
        w for thing in data.get("benign_writes", []) for w in expand(thing, slots, limit, rng)
    ]
    local = {**slots, "w": benign}
    out.extend(
        (t, ()) for tpl in data["write_templates"][:2] for t in expand(tpl, local, limit, rng)
    )
    return out
