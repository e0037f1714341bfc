"""The display duty: a service shows the filed model's name and number (CAC notice 2024-04-02;
ARP Art 26 for algorithm filings). Checked on the text of a page (URL) or a file.

What must be shown: an app that registered (登记) because it calls a filed model shows that base
model's name and number; a filed model or algorithm shows its own.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from beian.errors import InputError, UserError
from beian.filing.numbers import normalise
from beian.filing.views import RecordView

_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


@dataclass(frozen=True)
class DisplayCheck:
    """Whether the page shows the expected name and number."""

    source: str
    sha256: str
    expected_name: str
    expected_number: str
    name_found: bool
    number_found: bool
    checked_at: str

    @property
    def ok(self) -> bool:
        """Both shown."""
        return self.name_found and self.number_found

    def to_json(self) -> dict[str, Any]:
        """As stored on the record."""
        return asdict(self) | {"ok": self.ok}


def expected(rec: RecordView) -> tuple[str, str]:
    """(model name, number) the record's service must display."""
    if rec.filing_type == "registration":
        name, number = rec.base_model, rec.base_model_number
    else:
        name, number = rec.name, rec.number
    if not name or not number:
        raise UserError(
            f"记录 {rec.id} 缺少应展示的模型名称或备案号 / record {rec.id} has no "
            "model name and number to display yet (set the number / base model)"
        )
    return name, number


def fetch(source: str, timeout: float = 15.0) -> bytes:
    """The bytes of a http(s) URL or a local file."""
    if source.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(source, timeout=timeout, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise InputError(f"{source}: cannot fetch ({exc.__class__.__name__}: {exc})") from None
        return response.content
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{source}: no such file (give a file or an http(s) URL)")
    return path.read_bytes()


def visible_text(data: bytes) -> str:
    """Text a reader sees: tags, scripts and styles dropped, entities decoded, NFKC, no spaces."""
    text = data.decode("utf-8", errors="replace")
    return normalise(html.unescape(_TAGS.sub(" ", text)))


def check_display(rec: RecordView, source: str) -> DisplayCheck:
    """Fetch ``source`` and look for the name and number ``rec`` must display."""
    name, number = expected(rec)
    data = fetch(source)
    text = visible_text(data).casefold()
    return DisplayCheck(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        expected_name=name,
        expected_number=number,
        name_found=normalise(name).casefold() in text,
        number_found=normalise(number).casefold() in text,
        checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
