"""Text normalisation with offset maps back to the original."""

from __future__ import annotations

from beian.text.batch import normalise_many
from beian.text.normalise import Normalised, normalise, normalise_term
from beian.text.pinyin import fold_homophones, latin_pinyin

__all__ = [
    "Normalised",
    "fold_homophones",
    "latin_pinyin",
    "normalise",
    "normalise_many",
    "normalise_term",
]
