"""The report as Markdown: the same content as the HTML, charts given as numbers."""

from __future__ import annotations

from beian.assess.evidence import Lang
from beian.report.render import figures as fig
from beian.report.render import readable
from beian.report.render.charts import rate_caption
from beian.report.render.document import ClauseRow, ReportDoc
from beian.report.render.html import (
    PageInfo,
    chapter_name,
    component_name,
    doc_label,
    explanation_text,
    figure_label,
    meta_line,
    note_text,
)
from beian.report.render.i18n import has, t
from beian.standard import Profile


def _cell(s: object) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _kind(kind: str, lang: Lang) -> str:
    return t(f"kind.{kind}", lang) if has(f"kind.{kind}") else kind


def _cover(doc: ReportDoc, lang: Lang, page: PageInfo) -> list[str]:
    unset = t("unset", lang)
    out = [f"# {t('title', lang)}{t('subtitle', lang)}", ""]
    meta = [
        (t("provider", lang), doc.provider or unset),
        (t("service", lang), doc.service or unset),
        (t("standard", lang), doc.standard.get(lang)),
        (t("profile", lang), f"{doc.profile} {doc.profile_version}"),
        (t("tool", lang), f"beian {doc.tool_version}"),
    ]
    if page.report_date:
        meta.append((t("report_date", lang), page.report_date))
    if page.run_id:
        meta.append((t("run", lang), f"`{page.run_id}`"))
    out += [f"- **{k}**: {v}" for k, v in meta] + [""]
    if is_draft(doc):  # same rule as the HTML cover
        out += [f"> **{t('draft', lang)}**", ""]
    return out + _scope(doc, lang)


def is_draft(doc: ReportDoc) -> bool:
    """Pending clauses, missing signatures or an unanswered applicability question."""
    return bool(
        doc.totals.get("pending", 0) or doc.signed < doc.signatories_required or doc.questions_open
    )


def _scope(doc: ReportDoc, lang: Lang) -> list[str]:
    out: list[str] = []
    if doc.scope.get(lang):
        out += [f"**{t('scope', lang)}**: {doc.scope.get(lang)}", ""]
    if doc.questions:
        out += [f"**{t('questions', lang)}**", ""]
        head = [t("question", lang), t("answer", lang), t("basis_col", lang), t("confidence", lang)]
        rows = [
            [q.text.get(lang), q.answer.get(lang), q.basis, q.confidence] for q in doc.questions
        ]
        out += _table(head, rows)
    return out


def _overview(doc: ReportDoc, lang: Lang) -> list[str]:
    signed = t("signed", lang, s=doc.signed, r=doc.signatories_required)
    out = [f"## {t('overview', lang)}", ""]
    out += [f"**{t('conclusion', lang)}**: {doc.conclusion.get(lang)} {signed}", ""]
    statuses = list(doc.totals)
    head = [t("clause", lang), *(doc_label(s, lang) for s in statuses), t("total", lang)]
    rows = [
        [
            chapter_name(c, doc.chapters[c].get(lang)),
            *(str(n[s]) for s in statuses),
            str(sum(n.values())),
        ]
        for c, n in doc.by_chapter.items()
    ]
    rows.append([t("total", lang), *(str(doc.totals[s]) for s in statuses), str(len(doc.clauses))])
    out += _table(head, rows)
    head = [t("clause", lang), t("requirement", lang), t("kind", lang), t("status", lang)]
    with_refs = any(r.refs for r in doc.clauses)
    if with_refs:
        head.insert(1, t("refs", lang))
    rows = []
    for r in doc.clauses:
        row = [r.id, r.title.get(lang), _kind(r.kind, lang), r.status_label.get(lang)]
        if with_refs:
            row.insert(1, "; ".join(m.get(lang) for m in r.refs))
        rows.append(row)
    return out + _table(head, rows)


def _figures(row: ClauseRow, profile: Profile, lang: Lang) -> list[str]:
    clause = profile.clause(row.id)
    out = [f"- {rate_caption(r, lang)}" for r in fig.rates(row.figures, clause)]
    for group in fig.counts(row.figures):
        name = t(group.key, lang) if has(group.key) else group.key
        quota = f" ({t('quota', lang)} {group.quota_op} {group.quota:g})" if group.quota else ""
        keys = fig.order_keys(group.key, list(group.values), profile)
        values = "; ".join(
            f"{fig.group_label(group.key, k, profile, lang)}: {group.values[k]:g}" for k in keys
        )
        out.append(f"- {name}{quota}: {values}")
    kappas = fig.agreement(row.figures)
    if kappas:
        cells = [fig.agreement_cells(r, profile, lang) for r in kappas]
        out += ["", f"{t('kappa.title', lang)}:", "",
                *_table([t(k, lang) for k in fig.AGREEMENT_HEAD], cells)]  # fmt: skip
    for key, value in fig.scalar_items(row.figures):
        shown = readable.lines(value, lang, key)
        if len(shown) == 1:
            out.append(f"- {figure_label(key, lang)}: {shown[0]}")
        else:
            out += [f"- {figure_label(key, lang)}:", *(f"  - {v}" for v in shown)]
    return out


def _clause(row: ClauseRow, profile: Profile, lang: Lang) -> list[str]:
    out = [f"#### {row.id} {row.title.get(lang)} — **{row.status_label.get(lang)}**", ""]
    out += [f"*{meta_line(row, lang)}*"]
    if row.refs:
        out += ["", f"{t('refs', lang)}: " + "; ".join(m.get(lang) for m in row.refs)]
    out += ["", row.summary.get(lang), ""]
    if row.attested:
        sep = "：" if lang == "zh" else ": "
        out += [f"**{t('attested', lang)}**", ""]
        out += [
            f"- {a.label.get(lang)}{sep}{a.value or t('not_given', lang)}" for a in row.attested
        ]
        out += [""]
    figures = _figures(row, profile, lang)
    if figures:
        out += [f"**{t('figures', lang)}**", "", *figures, ""]
    if row.needs.get(lang):
        out += [f"- **{t('needs', lang)}**: {row.needs.get(lang)}"]
    if row.evidence:
        refs = ", ".join(
            f"`{e.ref}`"
            + (f"（{note_text(e.note, lang)}）" if e.note and lang == "zh" else "")
            + (f" ({note_text(e.note, lang)})" if e.note and lang == "en" else "")
            for e in row.evidence
        )
        out += [f"- **{t('evidence', lang)}**: {refs}"]
    missing = [m.get(lang) for m in row.missing if m != row.summary]
    if missing:
        label = t("shortfall" if row.status == "nonconforms" else "missing", lang)
        out += [f"- **{label}**: " + ("；" if lang == "zh" else "; ").join(missing)]
    if row.alternative:
        out += [f"- **{t('alternative', lang)}**: {row.alternative}"]
    if row.explanation:
        key = {"not_applicable": "na_reason", "nonconforms": "nonconf_reason"}.get(
            row.status, "explanation"
        )
        out += [f"- **{t(key, lang)}**: {explanation_text(row.explanation, lang)}"]
    return [*out, ""]


def _manifest(doc: ReportDoc, lang: Lang) -> list[str]:
    out = [f"## {t('manifest', lang)}", "", f"### {t('components', lang)}", ""]
    out += _table(
        [t("component", lang), t("version", lang), t("options", lang)],
        [
            [component_name(c, lang),
             str(c.get("version", "")), readable.options(c.get("options") or {}, lang)]
            for c in doc.components
        ],
    )  # fmt: skip
    out += [f"### {t('files', lang)}", "", t("run_note", lang), ""]
    out += _table(
        [t("path", lang), "SHA-256", t("cited_by", lang)],
        [[f"`{m.ref}`", m.sha256, ", ".join(m.cited_by)] for m in doc.manifest],
    )
    return out


def _signatures(doc: ReportDoc, lang: Lang) -> list[str]:
    out = [f"## {t('signatures', lang)}", ""]
    head = [t("role", lang), t("name", lang), t("position", lang), t("signed_on", lang)]
    head.append(t("signature", lang))
    rows = [[s.role_label.get(lang), s.name, s.title, s.signed_on, " "] for s in doc.signatories]
    return [*out, *_table(head, rows), t("sign_note", lang), ""]


def _chapter_rows(doc: ReportDoc, profile: Profile, lang: Lang, chapter: str) -> list[str]:
    out: list[str] = []
    for row in doc.clauses:
        if row.chapter == chapter:
            out += _clause(row, profile, lang)
    return out


def _chapters(doc: ReportDoc, profile: Profile, lang: Lang, layout: str, level: str) -> list[str]:
    out: list[str] = []
    for chapter, title in doc.chapters.items():
        if doc.layout.get(chapter, "standard") != layout:
            continue
        out += [f"{level} {chapter_name(chapter, title.get(lang))}", ""]
        out += _chapter_rows(doc, profile, lang, chapter)
    return out


def render_markdown(
    doc: ReportDoc, profile: Profile, lang: Lang, page: PageInfo | None = None
) -> str:
    """The whole report as Markdown."""
    page = page or PageInfo()
    out = _cover(doc, lang, page) + _overview(doc, lang)
    out += [f"## {t('clauses', lang)}", "", t("confidence.legend", lang), ""]
    out += _chapters(doc, profile, lang, "standard", "###")
    for chapter, layout in doc.layout.items():
        if layout == "standalone":  # e.g. the Art 17 security assessment: a section of its own
            out += [f"## {doc.chapters[chapter].get(lang)}", ""]
            out += _chapter_rows(doc, profile, lang, chapter)
    if "obligation" in doc.layout.values():
        out += [f"## {t('obligations', lang)}", "", t("obligations.note", lang), ""]
        out += _chapters(doc, profile, lang, "obligation", "###")
    out += _manifest(doc, lang) + _signatures(doc, lang)
    if page.attachments:
        out += [f"## {t('attachments', lang)}", ""]
        out += [f"- {t(k, lang)}: `{name}`" for k, name in page.attachments.items()] + [""]
    out += ["---", t("generated_by", lang, v=doc.tool_version), ""]
    return "\n".join(out)
