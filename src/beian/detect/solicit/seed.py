"""Our own solicitation training data: hand-written texts plus generated variants.

Reads ``beian/detect/harm/seed/solicitation.yaml`` (written by beian developers): harmful
texts with their risk ids, benign hard negatives that use the same words, and a small
generator spec (term slots × templates × contact slots × obfuscation transforms).
:func:`load_seed` returns ``(text, risks, harmful)`` tuples (benign ones with ``()``);
generation is deterministic for a given ``seed``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import yaml

SeedItem = tuple[str, tuple[str, ...], bool]

_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789abcdefghijklmnopqrstuvwxyz"}
_NUMERALS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
_CAPITAL = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))


def _map(table: dict[str, str]) -> Callable[[str], str]:
    return lambda s: "".join(table.get(c, c) for c in s)


def _emoji(s: str) -> str:
    step = 3 if len(s) > 6 else 2
    return "🌹".join(s[i : i + step] for i in range(0, len(s), step))


_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "plain": lambda s: s,
    "spaced": lambda s: " ".join(s),
    "fullwidth": _map(_FULLWIDTH),
    "numerals": _map(_NUMERALS),
    "capital_numerals": _map(_CAPITAL),
    "emoji": _emoji,
    "dotted_domain": lambda s: s.replace(".", "点"),
    "comma_cue": lambda s: s,  # applied to the cue, see _contact
}


@cache
def _text() -> str:
    path = resources.files("beian.detect").joinpath("harm").joinpath("seed")
    return path.joinpath("solicitation.yaml").read_text("utf-8")


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_text())
    return data


def seed_digest() -> str:
    """SHA-256 of the seed file (recorded in a trained model's sources)."""
    return hashlib.sha256(_text().encode("utf-8")).hexdigest()


def _contact(rng: random.Random, spec: dict[str, Any], transform: str) -> str:
    cue = str(rng.choice(spec["cue"]))
    ident = str(rng.choice(spec["id"]))
    if transform == "comma_cue" and len(cue) >= 2:
        cue = cue[0] + "，" + cue[1:]
    if transform == "dotted_domain" and spec["type"] != "domain":
        transform = "plain"
    body = ident.lstrip("@")
    body = _TRANSFORMS[transform](body)
    if ident.startswith("@"):
        body = "@" + body
    return f"{cue}：{body}"


def generate(n: int, seed: int | None = None) -> list[SeedItem]:
    """``n`` generated harmful texts (deterministic for a given ``seed``)."""
    gen = _data()["generator"]
    rng = random.Random(gen["seed"] if seed is None else seed)
    families = list(gen["families"].values())
    out: list[SeedItem] = []
    for _ in range(n):
        fam = rng.choice(families)
        template = str(rng.choice(gen["templates"]))
        contact = _contact(rng, rng.choice(gen["contacts"]), str(rng.choice(gen["transforms"])))
        text = template.format(term=rng.choice(fam["terms"]), contact=contact)
        out.append((text, tuple(fam["risks"]), True))
    return out


def load_seed(seed: int | None = None, generated: int = 300) -> list[SeedItem]:
    """Hand-written harmful and benign texts, then ``generated`` generated harmful ones.

    ``seed`` drives the generator (``None``: the seed the YAML file names); the same seed
    always gives the same list.
    """
    data = _data()
    out: list[SeedItem] = []
    for group in data["harmful"]:
        risks = tuple(group["risks"])
        out.extend((str(t), risks, True) for t in group["texts"])
    out.extend((str(t), (), False) for t in data["benign"])
    out.extend(generate(generated, seed))
    return out
