"""Standard JSON in, standard UTF-8 JSON out: what every record must satisfy (C1, C8, C10).

Python's ``json`` accepts ``NaN``/``Infinity`` and decodes ``"\\ud800"`` into a lone surrogate
that no UTF-8 writer can encode; both used to end whole runs or write invalid JSON. Kept free
of heavy imports: ``beian detect`` and ``beian judge`` read their JSONL through it too.
"""

from __future__ import annotations

import json
import math
from typing import Any


def _not_standard(constant: str) -> None:
    raise ValueError(f"{constant} is not standard JSON")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"{literal} overflows a double")
    return value


def loads_strict(text: str) -> tuple[Any, str | None]:
    """Parse ``text`` as standard JSON: the value, or None and why it is not JSON.

    ``NaN``/``Infinity`` and numbers beyond a double are rejected: copied through they made
    ``clean/`` invalid JSON (C10). Nesting too deep to parse is an error, not a crash (C8).
    """
    try:
        return json.loads(text, parse_constant=_not_standard, parse_float=_finite), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} at column {exc.colno}"
    except ValueError as exc:
        return None, f"invalid JSON: {exc}"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"


def unencodable(obj: Any) -> str | None:
    """Why ``obj`` cannot be written as UTF-8 JSON (a lone surrogate from a ``\\ud800``
    escape, C1), or None."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"lone surrogate: unpaired UTF-16 escape U+{ord(exc.object[exc.start]):04X}"
    except RecursionError:
        return "invalid JSON: nested too deeply"
    return None
