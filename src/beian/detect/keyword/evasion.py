"""Spellings of a keyword that evade a plain match: common homophones and Latin pinyin.

Both are compiled into the keyword automaton next to the term, so matching them costs no extra
pass over the text. Only terms of :data:`MIN_HAN` or more Chinese characters get them: a
two-character term has too many innocent homophones (大麻 → 打麻, as in 打麻将); a two-character
entry marked ``strong`` (a measured-precise insult) gets its pinyin only.

- **Homophones** come from a small data file (``data/homophones.txt``) of the substitutions
  seen in evasions (法 → 发, 药 → 要), not from every character of the same reading, which would
  turn half of ordinary Chinese into keywords. A term gets every spelling with one of its
  characters replaced, and with two replaced by their most common substitute.
- **Pinyin** spellings are the toneless syllables joined (falungong) and spaced (fa lun gong);
  ASCII forms only match at word boundaries. A pinyin spelling of at least
  :data:`SPECIFIC_PINYIN` letters is as specific as the term and scores as the term.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations, islice, product
from pathlib import Path

from beian.text.pinyin import readings

HOMOPHONES_FILE = Path(__file__).with_name("data") / "homophones.txt"
MIN_HAN = 3
"""Terms shorter than this get no evasion spellings."""
MAX_SPELLINGS = 24
"""At most this many homophone spellings per term (bounds the automaton)."""
MAX_PINYIN = 4
"""At most this many readings of a term are spelled in pinyin."""
MIN_STRONG_PINYIN = 5
"""A ``strong`` two-character term (傻逼) also gets its pinyin (shabi, sha bi) when it has this
many letters: shorter ones (niu) are English or other words too often."""
SPECIFIC_PINYIN = 8
"""Pinyin spellings this long (letters) score as their term; shorter ones as weak hits."""


@cache
def homophones() -> dict[str, tuple[str, ...]]:
    """Character → the characters written in its place, most common first."""
    table: dict[str, list[str]] = {}
    for line in HOMOPHONES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        char, _, subs = line.partition("\t")
        known = table.setdefault(char.strip(), [])
        known += [s for s in subs.strip() if s not in known and s != char]
    return {c: tuple(s) for c, s in table.items() if s}


def homophone_spellings(form: str) -> list[str]:
    """Spellings of ``form`` with one (any substitute) or two (first substitute) characters
    replaced, at most :data:`MAX_SPELLINGS`, in a fixed order."""
    table = homophones()
    places = [i for i, c in enumerate(form) if c in table]
    out: list[str] = []
    for i in places:
        out += [form[:i] + s + form[i + 1 :] for s in table[form[i]]]
    for i, j in combinations(places, 2):
        out.append(
            form[:i] + table[form[i]][0] + form[i + 1 : j] + table[form[j]][0] + form[j + 1 :]
        )
    unique = list(dict.fromkeys(s for s in out if s != form))
    return unique[:MAX_SPELLINGS]


def pinyin_spellings(form: str) -> list[str]:
    """Latin pinyin of ``form``, joined and spaced; heteronyms give up to
    :data:`MAX_PINYIN` readings (西藏: xizang, xicang). Empty unless every character has one."""
    options = [readings(c) for c in form]
    if not all(options):
        return []
    out: list[str] = []
    for syllables in islice(product(*options), MAX_PINYIN):
        out += ["".join(syllables), " ".join(syllables)]
    return list(dict.fromkeys(out))
