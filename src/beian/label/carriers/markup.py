"""Markdown and HTML: labels in the text file itself.

* Markdown (PG-20258A): a YAML front-matter mapping ``AIGC:`` with the seven fields, the form
  Chinese agent products publish. Values are written single-quoted so codes keep leading zeros
  and ``Label`` stays a string; front matter is read with YAML's BaseLoader (every scalar a
  string) for the same reason. A JSON string value (``AIGC: '{"Label":"1",...}'``) is read too.
* HTML: no practice guide names a carrier, so beian writes ``<meta name="AIGC" content='{...}'>``
  in ``<head>``: the same key and value as every other carrier, in the element HTML reserves for
  document metadata, which exiftool reports as an HTML tag and crawlers read without running JS.
"""

from __future__ import annotations

import json
import re
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from beian.label.carriers.base import FormatError, Reading, copy_unchanged
from beian.label.model import Found
from beian.label.rules import FIELDS

_FENCE = re.compile(r"^---[ \t]*\r?$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*\r?$")
_AIGC_KEY = re.compile(r"""^["']?AIGC["']?[ \t]*:""", re.I)


def read_text(path: Path) -> str:
    """UTF-8 text of ``path`` (BOM dropped); FormatError for other encodings."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text (byte {exc.start}); convert it to UTF-8") from None


def split_front_matter(text: str) -> tuple[list[str] | None, str]:
    """Front-matter lines (without fences) and the body; ``None`` when there is none."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\n")):
        return None, text
    for i in range(1, len(lines)):
        if _END.match(lines[i].rstrip("\n")):
            return lines[1:i], "".join(lines[i + 1 :])
    return None, text


def _blocks(fm: list[str]) -> tuple[list[list[str]], list[str]]:
    """Top-level ``AIGC:`` blocks and the remaining front-matter lines."""
    blocks: list[list[str]] = []
    rest: list[str] = []
    current: list[str] | None = None
    for line in fm:
        if _AIGC_KEY.match(line):
            current = [line]
            blocks.append(current)
        elif current is not None and (line[:1] in (" ", "\t") or not line.strip()):
            current.append(line)
        else:
            current = None
            rest.append(line)
    return blocks, rest


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def yaml_block(fields: dict[str, str], newline: str = "\n") -> str:
    """The ``AIGC:`` front-matter block for ``fields``."""
    lines = ["AIGC:"] + [f"  {k}: {_quote(fields.get(k, ''))}" for k in FIELDS]
    return newline.join(lines) + newline


class MarkdownCarrier:
    """Markdown front-matter ``AIGC:`` reader/writer."""

    name = "Markdown front matter AIGC"

    def read(self, path: Path) -> Reading:
        """Every top-level ``AIGC`` key in the front matter."""
        out = Reading()
        fm, _body = split_front_matter(read_text(path))
        for block in _blocks(fm or [])[0]:
            try:
                value: Any = yaml.load("".join(block), Loader=yaml.BaseLoader)
            except yaml.YAMLError as exc:
                raise FormatError(f"front matter is not valid YAML: {exc}") from None
            payload = next(iter(value.values())) if isinstance(value, dict) and value else ""
            if not isinstance(payload, (dict, str)):
                payload = str(payload)
            out.labels.append(Found("Markdown front matter AIGC", payload))
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Replace any ``AIGC:`` block; create the front matter when there is none."""
        if payload is None:  # nothing but AIGC labels is stored here: keep them
            copy_unchanged(src, dst)
            return
        del extras
        text = read_text(src)
        newline = "\r\n" if "\r\n" in text else "\n"
        block = yaml_block(json.loads(payload), newline)
        fm, body = split_front_matter(text)
        if fm is None:
            out = f"---{newline}{block}---{newline}{text}"
        else:
            rest = _blocks(fm)[1]
            if rest and not rest[-1].endswith("\n"):
                rest[-1] += newline
            out = f"---{newline}{''.join(rest)}{block}---{newline}{body}"
        dst.write_text(out, encoding="utf-8", newline="")


class _MetaScan(HTMLParser):
    """Collects AIGC meta tags (with their source span) and the visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.metas: list[tuple[str, int, int]] = []
        self.extras: dict[str, str] = {}
        self.head_end: int | None = None
        self.html_end: int | None = None
        self.text_parts: list[str] = []
        self._skip = 0

    def _span(self) -> tuple[int, int]:
        line, col = self.getpos()
        start = self._line_starts[line - 1] + col
        return start, start + len(self.get_starttag_text() or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record meta tags and where ``<head>`` / ``<html>`` open."""
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "head" and self.head_end is None:
            self.head_end = self._span()[1]
        elif tag == "html" and self.html_end is None:
            self.html_end = self._span()[1]
        elif tag == "meta":
            d = {k.lower(): v or "" for k, v in attrs}
            name = d.get("name", "")
            if name.upper() == "AIGC":
                self.metas.append((d.get("content", ""), *self._span()))
            elif name == "beian-explicit-label":
                self.extras["ExplicitLabel"] = d.get("content", "")

    def handle_endtag(self, tag: str) -> None:
        """Leave script/style."""
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        """Keep visible text for explicit-label detection."""
        if not self._skip:
            self.text_parts.append(data)


def scan_html(text: str) -> _MetaScan:
    """Parse ``text`` once for meta tags and visible text."""
    scan = _MetaScan(text)
    scan.feed(text)
    scan.close()
    return scan


class HtmlCarrier:
    """HTML ``<meta name="AIGC">`` reader/writer."""

    name = "HTML meta AIGC"

    def read(self, path: Path) -> Reading:
        """Every ``<meta name="AIGC">`` tag."""
        scan = scan_html(read_text(path))
        return Reading([Found("HTML meta AIGC", c) for c, _s, _e in scan.metas], scan.extras)

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Remove old AIGC meta tags; insert one right after ``<head>`` (or ``<html>``)."""
        if payload is None:  # nothing but AIGC labels is stored here: keep them
            copy_unchanged(src, dst)
            return
        del extras
        text = read_text(src)
        scan = scan_html(text)
        for _content, start, end in sorted(scan.metas, key=lambda m: -m[1]):
            text = text[:start] + text[end:]
        scan = scan_html(text)
        content = html_escape(payload, quote=False).replace("'", "&#39;")
        tag = f"<meta name=\"AIGC\" content='{content}'>"
        at = scan.head_end if scan.head_end is not None else scan.html_end
        text = tag + "\n" + text if at is None else text[:at] + "\n" + tag + text[at:]
        dst.write_text(text, encoding="utf-8", newline="")
