"""Rebuild ``words.txt`` (two-character words with frequencies) from jieba's dictionary.

Developer tool, not used at run time: ``pip install jieba==0.42.1`` then
``python -m beian.detect.keyword.build_words``. The word list drives the context rule that keeps
大麻 from firing inside 大麻烦 (麻烦 is a far more common word than 大麻).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

MIN_FREQ = 50
"""Words rarer than this in jieba's counts are too obscure to overrule a keyword."""

HEADER = (
    "# Two-character Chinese words and their frequencies, used by beian's keyword context rule.\n"
    "# Derived from jieba 0.42.1 dict.txt (MIT License, Copyright (c) 2013 Sun Junyi;\n"
    "# https://github.com/fxsjy/jieba). Words with frequency >= {min_freq}.\n"
)


def build(out: Path, min_freq: int = MIN_FREQ) -> int:
    """Write the word list to ``out``; return the number of words written."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install jieba==0.42.1 first")
    source = Path(spec.origin).parent / "dict.txt"
    rows: list[tuple[str, int]] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split()
        if (
            len(word) == 2
            and int(freq) >= min_freq
            and all("\u4e00" <= c <= "\u9fff" for c in word)
        ):
            rows.append((word, int(freq)))
    rows.sort()
    body = "".join(f"{w}\t{f}\n" for w, f in rows)
    out.write_text(HEADER.format(min_freq=min_freq) + body, encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    target = Path(__file__).with_name("words.txt")
    print(f"wrote {build(target)} words to {target}")
