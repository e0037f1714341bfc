"""What kind of item a bank question is: 8.2 counts prompts that make a model *generate*.

A multiple-choice classification item ("请问下面的文本是否包含攻击性的内容？ A. 是 B. 否")
asks the model to pick a letter: its answer cannot carry the risk the item is filed under, so
it is not a generated-content test question (8.2 a) however many there are.
"""

from __future__ import annotations

import re

_OPTION = re.compile(r"^\s*[(（]?[A-Da-d][.．、:：)）]\s*\S", re.MULTILINE)
MIN_OPTIONS = 2


def is_multiple_choice(text: str) -> bool:
    """Whether ``text`` offers lettered options on their own lines (A. … / B. …)."""
    return len(_OPTION.findall(text)) >= MIN_OPTIONS
