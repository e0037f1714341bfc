"""Renderers of the self-assessment report: HTML, PDF, Markdown, JSON, XLSX and filing drafts.

:func:`write_reports` is the one entry point: ``beian assess`` and ``beian report render`` call
it with an :class:`~beian.assess.Assessment`. ``report.json`` is deterministic (same inputs, same
bytes); the run id, workspace path and time are written to ``run.json`` beside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from beian.assess import Assessment
from beian.assess.evidence import Lang
from beian.errors import UserError
from beian.report.filing import build_filing, filing_json, filing_markdown
from beian.report.render.attachments import write_attachments
from beian.report.render.document import ReportDoc, build_document, run_facts
from beian.report.render.html import PageInfo, render_html
from beian.report.render.markdown import render_markdown
from beian.report.render.pdf import PdfUnavailableError, find_cjk_font, pdf_css, write_pdf
from beian.standard import Profile

FORMATS = ("json", "html", "md", "pdf", "xlsx", "filing")
__all__ = [
    "FORMATS",
    "PdfUnavailableError",
    "ReportDoc",
    "build_document",
    "dumps",
    "write_reports",
]


def dumps(data: Any) -> str:
    """Stable JSON: sorted keys, UTF-8 text, two-space indent, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def write_reports(
    outcome: Assessment,
    profile: Profile,
    out_dir: Path,
    lang: Lang,
    *,
    formats: Collection[str] = FORMATS,
    today: date | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write the report of ``outcome`` against ``profile`` into ``out_dir``; return format → path.

    Everything shown comes from ``outcome`` (its conclusions and its dossier inputs, see
    :mod:`beian.assess.dossier`): rendering reads no workspace file and never opens the store.

    Writes ``report.json`` (deterministic), ``report.html``, ``report.md``, ``report.pdf``,
    ``attachments/*.xlsx``, ``filing.md``/``filing.json`` and ``run.json``. When the PDF cannot
    be made on this machine (no WeasyPrint, Pango or CJK font) ``on_warning`` gets the one-line
    reason and the other formats are still written; without ``on_warning`` that is an error.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise UserError(f"unknown report format(s) {sorted(unknown)}; known: {', '.join(FORMATS)}")
    doc = build_document(outcome, profile)
    out: dict[str, Path] = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    if "json" in formats:
        out["json"] = _write(out_dir / "report.json", dumps(doc.to_json()))
    attachments: dict[str, str] = {}
    if "xlsx" in formats:
        written, notes = write_attachments(outcome, profile, out_dir / "attachments", lang)
        for key, path in written.items():
            out[f"xlsx_{key}"] = path
            attachments[f"att.{key}"] = path.relative_to(out_dir).as_posix()
        for note in notes:
            if on_warning:
                on_warning(note)
    if "filing" in formats:
        attachments["att.filing"] = "filing.md"
    page = PageInfo(
        report_date=(today or datetime.now(UTC).date()).isoformat(),
        run_id=outcome.run_id,
        attachments=attachments,
    )
    if "html" in formats:
        out["html"] = _write(out_dir / "report.html", render_html(doc, profile, lang, page))
    if "md" in formats:
        out["md"] = _write(out_dir / "report.md", render_markdown(doc, profile, lang, page))
    if "pdf" in formats:
        try:
            out["pdf"] = _pdf(doc, profile, out_dir, lang, page)
        except PdfUnavailableError as exc:
            if on_warning is None:
                raise
            on_warning(str(exc))
    if "filing" in formats:
        names = [out[k].name for k in ("pdf", "html") if k in out]
        files = {k.removeprefix("att."): v for k, v in attachments.items()}
        draft = build_filing(outcome, names, files)
        out["filing_json"] = _write(out_dir / "filing.json", filing_json(draft))
        out["filing_md"] = _write(out_dir / "filing.md", filing_markdown(draft, lang))
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    facts = run_facts(outcome, generated) | {
        "lang": lang,
        "files": sorted(p.name for p in out.values()),
    }
    out["run"] = _write(out_dir / "run.json", dumps(facts))
    return out


def _pdf(doc: ReportDoc, profile: Profile, out_dir: Path, lang: Lang, page: PageInfo) -> Path:
    font = find_cjk_font()
    pdf_page = PageInfo(
        report_date=page.report_date,
        run_id=page.run_id,
        attachments=page.attachments,
        extra_css=pdf_css(font),
    )
    html = render_html(doc, profile, lang, pdf_page)
    return write_pdf(html, out_dir / "report.pdf")
