"""Benign SHORT texts for the training recipe: our own phrases and ordinary dictionary words.

The categorised lexicon terms are 2–4-character positives. Without benign texts of the same
length the model learns that shortness itself is risky (before this source existed, 你好 scored
0.94 for A.1.f). Two benign sources balance that region:

- ``seed/short_benign.yaml``: greetings, replies and everyday phrases written by the beian
  developers, each also with a few sentence endings;
- ordinary two-character words from the keyword detector's ``words.txt`` (derived from jieba's
  MIT dictionary), the most frequent first, minus every term of the sensitive lexicon (all of
  its files, so no listed term is ever taught as benign).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import numpy as np

from beian.detect.classifier.synth import Labelled, expand, load_seed, seed_text

SHORT_SEED = "short_benign.yaml"
ORDINARY_WORDS = 12000
"""How many of the most frequent dictionary words become benign texts."""


def words_text() -> str:
    """Text of the keyword detector's ``words.txt`` (word TAB frequency, ``#`` comments)."""
    return resources.files("beian.detect.keyword").joinpath("words.txt").read_text(encoding="utf-8")


def words_digest() -> str:
    """SHA-256 of ``words.txt``, recorded as a training source."""
    return hashlib.sha256(words_text().encode("utf-8")).hexdigest()


def lexicon_terms(folder: Path) -> set[str]:
    """Every term of every sensitive-lexicon file, lower-cased (URLs included, harmlessly)."""
    out: set[str] = set()
    for path in sorted(folder.glob("*.txt")):
        out.update(
            t.strip().lower() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()
        )
    return out


def ordinary_words(exclude: set[str], limit: int = ORDINARY_WORDS) -> list[Labelled]:
    """The ``limit`` most frequent dictionary words not in ``exclude``, as benign rows.

    Ties in frequency keep file order, so the selection is fixed for a given ``words.txt``.
    """
    ranked: list[tuple[int, int, str]] = []
    for i, line in enumerate(words_text().splitlines()):
        if not line or line.startswith("#"):
            continue
        word, _, freq = line.partition("\t")
        if word.lower() not in exclude:
            ranked.append((-int(freq), i, word))
    ranked.sort()
    return [(w, ()) for _, _, w in ranked[:limit]]


def _with_endings(phrases: Iterable[str], endings: list[str]) -> list[str]:
    out: list[str] = []
    for p in phrases:
        out.append(p)
        out.extend(p + e for e in endings)
    return out


def short_phrases(seed: int = 0) -> list[Labelled]:
    """Our own short benign phrases and template fillings, each also with the seed's endings."""
    data = load_seed(SHORT_SEED)
    slots: dict[str, list[str]] = {k: [str(x) for x in v] for k, v in data["slots"].items()}
    limit = int(data.get("per_template", 10))
    rng = np.random.default_rng(seed)
    phrases = [str(p) for p in data["phrases"]] + [str(w) for w in data.get("latin", [])]
    for tpl in data.get("templates", []):
        phrases.extend(expand(str(tpl), slots, limit, rng))
    endings = [str(e) for e in data.get("endings", [])]
    seen: dict[str, None] = dict.fromkeys(_with_endings(phrases, endings))
    return [(t, ()) for t in seen]


def short_seed_digest() -> str:
    """SHA-256 of the short benign seed file."""
    return hashlib.sha256(seed_text(SHORT_SEED).encode("utf-8")).hexdigest()
