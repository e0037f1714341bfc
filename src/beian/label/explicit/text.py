"""Explicit labels in text: wording at the start or end (GB 45438 §5.1), and detection (L-01/L-02).

Plain text, Markdown (after the front matter) and HTML (a paragraph at the start or end of
``<body>``) are written; PDF and OOXML bodies are only read, since rewriting page content or
document XML belongs to the authoring tool.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from html import escape
from pathlib import Path
from typing import Literal

from beian.errors import UserError
from beian.label.atomic import Scratch
from beian.label.carriers.base import FormatError, Reading
from beian.label.carriers.markup import read_text, scan_html, split_front_matter
from beian.label.model import ExplicitStatus, LabelSpec, Problem
from beian.label.rules import DEFAULT_TEXT_WORDING, EXPLICIT_TEXT_RE, TEXT_WINDOW, has_both_elements

TextKind = Literal["plain", "markdown", "html", "pdf", "ooxml"]


def wording(spec: LabelSpec, default: str = DEFAULT_TEXT_WORDING) -> str:
    """The explicit wording of ``spec``; UserError when it lacks an L-01 element."""
    text = spec.text or default
    if not has_both_elements(text):
        raise UserError(
            f"explicit label {text!r} needs an AI element (人工智能/AI) and a generation element "
            "(生成/合成) in one phrase (GB 45438 §5, L-01)"
        )
    return text


def find(text: str) -> ExplicitStatus:
    """Where an L-01 prompt sits in ``text`` (start / end / middle), or ``absent``."""
    stripped = text.strip()
    matches = list(EXPLICIT_TEXT_RE.finditer(stripped))
    if not matches:
        return ExplicitStatus("absent", "no phrase with both an AI and a generation element")
    first, last = matches[0], matches[-1]
    from_start, from_end = first.start(), len(stripped) - last.end()
    if from_start < TEXT_WINDOW and from_start <= from_end:
        return ExplicitStatus("detected", first.group(0), "start")
    if from_end < TEXT_WINDOW:
        return ExplicitStatus("detected", last.group(0), "end")
    return ExplicitStatus("detected", first.group(0), "middle")


def _insert_plain(text: str, label: str, end: bool) -> str:
    if end:
        return text.rstrip("\r\n") + f"\n\n{label}\n"
    return f"{label}\n\n{text}"


def _insert_html(text: str, label: str, end: bool) -> str:
    para = f'<p data-aigc-label="explicit"><strong>{escape(label)}</strong></p>'
    if end:
        m = list(re.finditer(r"</body\s*>", text, re.I))
        at = m[-1].start() if m else len(text)
        return text[:at] + para + "\n" + text[at:]
    m1 = re.search(r"<body\b[^>]*>", text, re.I)
    at = m1.end() if m1 else 0
    return text[:at] + "\n" + para + text[at:]


def body_text(path: Path, kind: TextKind) -> str:
    """The readable text of a document, for detection."""
    if kind == "plain":
        return read_text(path)
    if kind == "markdown":
        return split_front_matter(read_text(path))[1]
    if kind == "html":
        return "".join(scan_html(read_text(path)).text_parts)
    if kind == "pdf":
        from beian.label.carriers.pdf import open_pdf

        pages = open_pdf(path).pages
        chosen = [pages[0], pages[-1]] if len(pages) > 1 else list(pages)
        return "\n".join(p.extract_text() or "" for p in chosen)
    return _ooxml_text(path)


def _ooxml_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            parts = [n for n in zf.namelist() if _is_body_part(n)]
            texts: list[str] = []
            for name in sorted(parts, key=_part_order):
                root = ET.fromstring(zf.read(name))
                texts.append("".join(el.text or "" for el in root.iter() if el.tag.endswith("}t")))
    except (zipfile.BadZipFile, ET.ParseError, OSError) as exc:
        raise FormatError(f"cannot read document text: {exc}") from None
    return "\n".join(texts)


def _is_body_part(name: str) -> bool:
    return (
        name == "word/document.xml"
        or name == "xl/sharedStrings.xml"
        or (name.startswith("ppt/slides/slide") and name.endswith(".xml"))
    )


def _part_order(name: str) -> tuple[int, str]:
    digits = re.findall(r"\d+", name)
    return (int(digits[-1]) if digits else 0, name)


class TextExplicit:
    """Explicit wording for text documents."""

    def __init__(self, kind: TextKind) -> None:
        self.kind = kind

    def add(
        self, src: Path, dst: Path, spec: LabelSpec, scratch: Scratch
    ) -> tuple[str, dict[str, str]]:
        """Insert the wording at the start (default) or end."""
        del scratch
        if self.kind in ("pdf", "ooxml"):
            raise UserError(
                f"beian cannot add explicit labels to {self.kind.upper()} files; add the wording "
                "in the authoring tool and use --implicit only"
            )
        label = wording(spec)
        end = spec.position == "end"
        if spec.position not in (None, "start", "end"):
            raise UserError(f"text labels go at the start or end, not {spec.position}")
        text = read_text(src)
        if self.kind == "html":
            out = _insert_html(text, label, end)
        elif self.kind == "markdown":
            fm, body = split_front_matter(text)
            head = text[: len(text) - len(body)] if fm is not None else ""
            out = head + _insert_plain(body, label, end)
        else:
            out = _insert_plain(text, label, end)
        dst.write_text(out, encoding="utf-8", newline="")
        return f"text {'suffix' if end else 'prefix'} {label!r}", {}

    def check(self, path: Path, reading: Reading) -> tuple[ExplicitStatus, list[Problem]]:
        """Search the body text for an L-01 prompt."""
        del reading
        status = find(body_text(path, self.kind))
        problems: list[Problem] = []
        if status.state == "detected" and status.position == "middle":
            msg = "explicit prompt found only in the middle of the text (start or end is clearer)"
            problems.append(Problem("explicit-middle", msg, "L-02", "info"))
        return status, problems
