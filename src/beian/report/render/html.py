"""The self-contained HTML report: inline CSS, inline SVG charts, no script, no network."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from beian.assess.evidence import STATUS_LABELS, Lang
from beian.report.render import charts, readable
from beian.report.render import figures as fig
from beian.report.render.document import ClauseRow, ReportDoc
from beian.report.render.i18n import has, t
from beian.report.render.style import CSS
from beian.standard import Profile


@dataclass(frozen=True)
class PageInfo:
    """Facts shown on the page that are not part of the deterministic document."""

    report_date: str = ""
    run_id: str = ""
    attachments: dict[str, str] = field(default_factory=dict)
    """Attachment label key (``att.keywords`` …) → file name relative to the report."""
    extra_css: str = ""


def _e(s: object) -> str:
    return escape(str(s))


def _badge(status: str, label: str) -> str:
    return f'<span class="badge s-{status}">{_e(label)}</span>'


def _cover(doc: ReportDoc, lang: Lang, page: PageInfo) -> str:
    unset = t("unset", lang)
    rows = [
        ("provider", doc.provider or unset),
        ("service", doc.service or unset),
        ("standard", doc.standard.get(lang)),
        ("profile", f"{doc.profile} {doc.profile_version}"),
        ("tool", f"beian {doc.tool_version}"),
    ]
    if page.report_date:
        rows.append(("report_date", page.report_date))
    if page.run_id:
        rows.append(("run", page.run_id))
    meta = "".join(f"<dt>{_e(t(k, lang))}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    draft = ""
    if is_draft(doc):
        draft = f'<div class="draft" role="note">{_e(t("draft", lang))}</div>'
    tiles = "".join(
        f'<div class="tile s-{s}"><div class="n">{n}</div><div class="l">'
        f"{_e(doc_label(s, lang))}</div></div>"
        for s, n in doc.totals.items()
    )
    return (
        f'<header class="cover"><div class="doc-kind">{_e(t("att.report", lang))}</div>'
        f'<h1>{_e(t("title", lang))}<span class="sub">{_e(t("subtitle", lang))}</span></h1>'
        f'<dl class="meta">{meta}</dl>{draft}<div class="tiles">{tiles}</div>{_scope(doc, lang)}'
        "</header>"
    )


def is_draft(doc: ReportDoc) -> bool:
    """Pending clauses, missing signatures or an unanswered applicability question."""
    return bool(
        doc.totals.get("pending", 0) or doc.signed < doc.signatories_required or doc.questions_open
    )


def chapter_name(chapter: str, title: str) -> str:
    """``§5 语料安全要求`` for the standard's chapters; a sub-profile chapter by its title."""
    return f"§{chapter} {title}" if chapter.isdigit() else title


def _scope(doc: ReportDoc, lang: Lang) -> str:
    out = ""
    if doc.scope.get(lang):
        out += f'<p class="scope"><strong>{_e(t("scope", lang))}</strong>：{_e(doc.scope.get(lang))}</p>'
    if doc.questions:
        head = "".join(
            f"<th>{_e(t(k, lang))}</th>" for k in ("question", "answer", "basis_col", "confidence")
        )
        rows = "".join(
            f'<tr class="{"" if q.answered else "s-pending"}"><td>{_e(q.text.get(lang))}</td>'
            f"<td>{_e(q.answer.get(lang))}</td><td>{_e(q.basis)}</td><td>{_e(q.confidence)}</td></tr>"
            for q in doc.questions
        )
        out += (
            f'<table class="questions"><caption>{_e(t("questions", lang))}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )
    return out


def doc_label(status: str, lang: Lang) -> str:
    """The status label (符合 / Conforms …)."""
    return STATUS_LABELS[status][lang]


def _toc(doc: ReportDoc, lang: Lang) -> str:
    items = [("overview", "overview"), ("clauses", "clauses")]
    li_extra = "".join(
        f'<li><a href="#ch-{_e(c)}">{_e(doc.chapters[c].get(lang))}</a></li>'
        for c, layout in doc.layout.items()
        if layout == "standalone"
    )
    if "obligation" in doc.layout.values():
        li_extra += f'<li><a href="#obligations">{_e(t("obligations", lang))}</a></li>'
    tail = [
        ("manifest", "manifest"),
        ("signatures", "signatures"),
        ("attachments", "attachments"),
    ]
    li = "".join(f'<li><a href="#{a}">{_e(t(k, lang))}</a></li>' for a, k in items) + li_extra
    li += "".join(f'<li><a href="#{a}">{_e(t(k, lang))}</a></li>' for a, k in tail)
    return f'<nav class="toc"><strong>{_e(t("toc", lang))}</strong><ul>{li}</ul></nav>'


def _overview(doc: ReportDoc, lang: Lang) -> str:
    titles = {c: m.get(lang) for c, m in doc.chapters.items()}
    chart = charts.status_chart(doc.by_chapter, titles, lang)
    rows = "".join(
        f'<tr class="s-{r.status}"><td class="id"><a href="#c-{_e(r.id)}">{_e(r.id)}</a>'
        f"{_refs_small(r, lang)}</td>"
        f'<td>{_e(r.title.get(lang))}</td><td class="st">{_e(_kind(r.kind, lang))}</td>'
        f'<td class="st">{_badge(r.status, r.status_label.get(lang))}</td></tr>'
        for r in doc.clauses
    )
    head = "".join(
        f"<th>{_e(t(k, lang))}</th>" for k in ("clause", "requirement", "kind", "status")
    )
    signed = t("signed", lang, s=doc.signed, r=doc.signatories_required)
    return (
        f'<section id="overview"><h2>{_e(t("overview", lang))}</h2>'
        f'<p class="conclusion">{_e(t("conclusion", lang))}：{_e(doc.conclusion.get(lang))} '
        f"{_e(signed)}</p>"
        f'<figure class="chart"><figcaption>{_e(t("by_chapter", lang))}</figcaption>{chart}</figure>'
        f'<table class="summary"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        "</section>"
    )


def _refs_small(row: ClauseRow, lang: Lang) -> str:
    if not row.refs:
        return ""
    return "".join(f'<div class="ref">{_e(m.get(lang))}</div>' for m in row.refs)


def _kind(kind: str, lang: Lang) -> str:
    return t(f"kind.{kind}", lang) if has(f"kind.{kind}") else kind


def _figures(row: ClauseRow, profile: Profile, lang: Lang) -> str:
    clause = profile.clause(row.id)
    parts: list[str] = []
    for rate in fig.rates(row.figures, clause):
        caption = charts.rate_caption(rate, lang)
        svg = charts.rate_chart(rate, lang)
        parts.append(f'<figure class="chart"><figcaption>{_e(caption)}</figcaption>{svg}</figure>')
    for group in fig.counts(row.figures):
        name = t(group.key, lang) if has(group.key) else group.key
        svg = charts.count_chart(group, profile, lang)
        parts.append(f'<figure class="chart"><figcaption>{_e(name)}</figcaption>{svg}</figure>')
    parts.append(_agreement(row, profile, lang))
    chips, blocks = [], []
    for key, value in fig.scalar_items(row.figures):
        values = readable.lines(value, lang, key)
        name = f'<span class="k">{_e(readable.label(key, lang))}</span>'
        if len(values) == 1:
            chips.append(f'<span class="fig">{name} {_e(values[0])}</span>')
        else:
            blocks.append(f'<div class="fig-block">{name}{_list([_e(v) for v in values])}</div>')
    if chips:
        parts.append(f'<div class="figs">{"".join(chips)}</div>')
    return "".join(parts) + "".join(blocks)


def _agreement(row: ClauseRow, profile: Profile, lang: Lang) -> str:
    """Cohen's kappa per reviewer pair (and per risk) of a reviewed sample, as a table."""
    rows = fig.agreement(row.figures)
    if not rows:
        return ""
    head = "".join(f'<th scope="col">{_e(t(k, lang))}</th>' for k in fig.AGREEMENT_HEAD)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in fig.agreement_cells(r, profile, lang))
        + "</tr>"
        for r in rows
    )  # fmt: skip
    return (
        f'<table class="agreement"><caption>{_e(t("kappa.title", lang))}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def figure_label(key: str, lang: Lang) -> str:
    """A known figure key in words (``total`` → 总数), other keys as they are."""
    return readable.label(key, lang)


def note_text(note: str, lang: Lang) -> str:
    """An evidence note in words of ``lang`` when beian wrote it, else as given."""
    return t(f"note.{note}", lang) if has(f"note.{note}") else note


def section_label(section: str, lang: Lang) -> str:
    """Which part of beian concluded (``corpus`` → 语料核查)."""
    return t(f"section.{section}", lang) if has(f"section.{section}") else section


def explanation_text(explanation: str, lang: Lang) -> str:
    """An explanation a section gave by key, in words; a provider's own text as written."""
    return t(f"expl.{explanation}", lang) if has(f"expl.{explanation}") else explanation


def meta_line(row: ClauseRow, lang: Lang) -> str:
    """Check kind, who concluded and the confidence tag (explained by the legend)."""
    return " · ".join(
        [
            _kind(row.kind, lang),
            f"{t('basis', lang)}：{section_label(row.concluded_by, lang)}"
            if lang == "zh"
            else f"{t('basis', lang)}: {section_label(row.concluded_by, lang)}",
            f"{t('confidence', lang)} {row.confidence}",
        ]
    )


def _list(items: list[str], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _clause(row: ClauseRow, profile: Profile, lang: Lang) -> str:
    facts: list[tuple[str, str]] = []
    if row.refs:
        facts.append((t("refs", lang), _list([_e(m.get(lang)) for m in row.refs])))
    if row.attested:
        sep = "：" if lang == "zh" else ": "
        given = [
            f"{_e(a.label.get(lang))}{sep}{_e(a.value or t('not_given', lang))}"
            for a in row.attested
        ]
        facts.append((t("attested", lang), _list(given)))
    if row.needs.get(lang):
        facts.append((t("needs", lang), _e(row.needs.get(lang))))
    if row.evidence:
        refs = [
            f"<code>{_e(e.ref)}</code>"
            + (f' <span class="note">{_e(note_text(e.note, lang))}</span>' if e.note else "")
            for e in row.evidence
        ]
        facts.append((t("evidence", lang), _list(refs)))
    missing = [m.get(lang) for m in row.missing if m != row.summary]
    if missing:
        label = t("shortfall" if row.status == "nonconforms" else "missing", lang)
        css = "missing long" if len(missing) > 8 else "missing"
        facts.append((label, _list([_e(m) for m in missing], css)))
    if row.alternative:
        facts.append((t("alternative", lang), f'<span class="alt">{_e(row.alternative)}</span>'))
    if row.explanation:
        key = {"not_applicable": "na_reason", "nonconforms": "nonconf_reason"}.get(
            row.status, "explanation"
        )
        facts.append((t(key, lang), _e(explanation_text(row.explanation, lang))))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    meta = meta_line(row, lang)
    return (
        f'<article class="clause s-{row.status}" id="c-{_e(row.id)}">'
        f'<h4><span class="cid">{_e(row.id)}</span><span class="title">{_e(row.title.get(lang))}'
        f"</span>{_badge(row.status, row.status_label.get(lang))}</h4>"
        f'<div class="meta-line">{_e(meta)}</div>'
        f'<p class="summary-text">{_e(row.summary.get(lang))}</p>'
        f'{_figures(row, profile, lang)}<dl class="facts">{dl}</dl></article>'
    )


def _clauses(doc: ReportDoc, profile: Profile, lang: Lang) -> str:
    out = [
        f'<section id="clauses"><h2>{_e(t("clauses", lang))}</h2>'
        f'<p class="note legend">{_e(t("confidence.legend", lang))}</p>'
    ]
    out += _chapters(doc, profile, lang, "standard")
    out.append("</section>")
    for chapter, layout in doc.layout.items():
        if layout == "standalone":  # e.g. the Art 17 security assessment: a section of its own
            out.append(
                f'<section id="ch-{_e(chapter)}"><h2>{_e(doc.chapters[chapter].get(lang))}</h2>'
            )
            out.extend(_clause(r, profile, lang) for r in doc.clauses if r.chapter == chapter)
            out.append("</section>")
    if "obligation" in doc.layout.values():
        out.append(
            f'<section id="obligations"><h2>{_e(t("obligations", lang))}</h2>'
            f'<p class="note">{_e(t("obligations.note", lang))}</p>'
        )
        out += _chapters(doc, profile, lang, "obligation")
        out.append("</section>")
    return "".join(out)


def _chapters(doc: ReportDoc, profile: Profile, lang: Lang, layout: str) -> list[str]:
    out: list[str] = []
    for chapter, title in doc.chapters.items():
        if doc.layout.get(chapter, "standard") != layout:
            continue
        name = chapter_name(chapter, title.get(lang))
        out.append(f'<h3 id="ch-{_e(chapter)}">{_e(name)}</h3>')
        out.extend(_clause(r, profile, lang) for r in doc.clauses if r.chapter == chapter)
    return out


def _manifest(doc: ReportDoc, lang: Lang) -> str:
    comp_rows = "".join(
        f"<tr><td>{_e(component_name(c, lang))}</td>"
        f"<td>{_e(c.get('version', ''))}</td><td><code>{_e(readable.options(c.get('options') or {}, lang))}"
        "</code></td></tr>"
        for c in doc.components
    )
    comp_head = "".join(f"<th>{_e(t(k, lang))}</th>" for k in ("component", "version", "options"))
    file_rows = "".join(
        f"<tr><td><code>{_e(m.ref)}</code>"
        + (f' <span class="note">{_e(note_text(m.note, lang))}</span>' if m.note else "")
        + f'</td><td class="hash">{_e(m.sha256)}</td><td>{_e(", ".join(m.cited_by))}</td></tr>'
        for m in doc.manifest
    )
    file_head = "".join(f"<th>{_e(t(k, lang))}</th>" for k in ("path", "note", "cited_by"))
    file_head = file_head.replace(_e(t("note", lang)), "SHA-256", 1)
    return (
        f'<section id="manifest"><h2>{_e(t("manifest", lang))}</h2>'
        f'<dl class="meta"><dt>{_e(t("tool", lang))}</dt><dd>beian {_e(doc.tool_version)}</dd>'
        f"<dt>{_e(t('profile', lang))}</dt><dd>{_e(doc.profile)} {_e(doc.profile_version)}</dd></dl>"
        f"<h3>{_e(t('components', lang))}</h3><table><thead><tr>{comp_head}</tr></thead>"
        f"<tbody>{comp_rows}</tbody></table>"
        f'<h3>{_e(t("files", lang))}</h3><p class="note">{_e(t("run_note", lang))}</p>'
        f"<table><thead><tr>{file_head}</tr></thead><tbody>{file_rows}</tbody></table></section>"
    )


def component_kind(kind: str, lang: Lang) -> str:
    """A registry kind in words (``report_section`` → 报告章节)."""
    return t(f"comp.{kind}", lang) if has(f"comp.{kind}") else kind


def component_name(component: dict[str, object], lang: Lang) -> str:
    """Kind and name of a component; a report section by what it checks."""
    kind, name = str(component.get("kind", "")), str(component.get("name", ""))
    if kind == "report_section":
        sep = "：" if lang == "zh" else ": "
        return f"{component_kind(kind, lang)}{sep}{section_label(name, lang)}"
    return f"{component_kind(kind, lang)} {name}"


def _signatures(doc: ReportDoc, lang: Lang) -> str:
    blocks = []
    for s in doc.signatories:
        fields = [
            ("name", s.name),
            ("position", s.title),
            ("signed_on", s.signed_on),
        ]
        dl = "".join(f"<dt>{_e(t(k, lang))}</dt><dd>{_e(v) or '&nbsp;'}</dd>" for k, v in fields)
        note = f'<p class="note">{_e(s.note)}</p>' if s.note else ""
        blocks.append(
            f'<div class="sig"><div class="role">{_e(s.role_label.get(lang))}</div><dl>{dl}</dl>'
            f'<div class="line"></div><div class="note">{_e(t("signature", lang))}</div>{note}</div>'
        )
    return (
        f'<section class="signatures" id="signatures"><h2>{_e(t("signatures", lang))}</h2>'
        f'<div class="sig-grid">{"".join(blocks)}</div>'
        f'<p class="note">{_e(t("sign_note", lang))}</p></section>'
    )


def _attachments(page: PageInfo, lang: Lang) -> str:
    items = [
        f"{_e(t(key, lang))}: <code>{_e(name)}</code>" for key, name in page.attachments.items()
    ]
    body = _list(items) if items else f"<p>{_e(t('no_evidence', lang))}</p>"
    return f'<section id="attachments"><h2>{_e(t("attachments", lang))}</h2>{body}</section>'


def render_html(doc: ReportDoc, profile: Profile, lang: Lang, page: PageInfo | None = None) -> str:
    """The whole report as one HTML page."""
    page = page or PageInfo()
    html_lang = "zh-CN" if lang == "zh" else "en"
    title = f"{t('title', lang)} — {doc.service or doc.provider}"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,"><title>{_e(title)}</title>'
        f"<style>{CSS}{page.extra_css}</style></head><body>"
        f"{_cover(doc, lang, page)}{_toc(doc, lang)}{_overview(doc, lang)}"
        f"{_clauses(doc, profile, lang)}{_manifest(doc, lang)}{_signatures(doc, lang)}"
        f"{_attachments(page, lang)}"
        f"<footer>{_e(t('generated_by', lang, v=doc.tool_version))}</footer></body></html>\n"
    )
