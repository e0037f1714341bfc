"""The report's stylesheet: inline in the HTML, shared by the PDF (which adds page rules)."""

from __future__ import annotations

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", '
    '"Microsoft YaHei", "Helvetica Neue", Arial, sans-serif'
)

CSS = """
:root { --ink:#1f2a33; --muted:#5f6f7a; --rule:#d5dae1; --paper:#fff; --band:#f4f6f8;
  --ok:#2e7d32; --bad:#c62828; --na:#78909c; --pend:#f0a500; --accent:#12355b; }
* { box-sizing: border-box; }
html { background: #e9ecef; }
body { font-family: FONTS; color: var(--ink); font-size: 14px; line-height: 1.6;
  max-width: 920px; margin: 24px auto; padding: 40px 56px; background: var(--paper);
  box-shadow: 0 1px 6px rgba(0,0,0,.12); }
h1 { font-size: 28px; margin: 8px 0 4px; color: var(--accent); letter-spacing: .02em; }
h1 .sub { display:block; font-size: 18px; font-weight: normal; color: var(--muted); }
h2 { font-size: 20px; color: var(--accent); border-bottom: 2px solid var(--accent);
  padding-bottom: 4px; margin: 36px 0 14px; }
h3 { font-size: 16px; margin: 26px 0 10px; padding: 4px 10px; background: var(--band);
  border-left: 4px solid var(--accent); }
h4 { font-size: 14.5px; margin: 0 0 4px; display: flex; gap: 10px; align-items: baseline; }
.cover { border-bottom: 1px solid var(--rule); padding-bottom: 18px; }
.doc-kind { color: var(--muted); font-size: 13px; letter-spacing: .08em; }
dl.meta { display: grid; grid-template-columns: 8.5em 1fr; gap: 2px 14px; margin: 18px 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.draft { border: 1.5px solid var(--pend); background: #fff8e1; color: #6d4c00;
  padding: 8px 12px; margin: 14px 0; font-weight: bold; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin-top: 12px; }
.tile { border: 1px solid var(--rule); border-top: 4px solid var(--c); padding: 8px 12px; }
.tile .n { font-size: 26px; font-weight: bold; color: var(--c); line-height: 1.2; }
.tile .l { color: var(--muted); font-size: 12.5px; }
.s-conforms { --c: var(--ok); } .s-nonconforms { --c: var(--bad); }
.s-not_applicable { --c: var(--na); } .s-pending { --c: var(--pend); }
.badge { display: inline-block; padding: 0 8px; border-radius: 3px; font-size: 12.5px;
  color: #fff; background: var(--c); white-space: nowrap; font-weight: normal; }
.s-pending .badge, .badge.s-pending { color: #3e2a00; }
nav.toc ul { margin: 6px 0; padding-left: 0; list-style: none; }
nav.toc a { color: var(--accent); text-decoration: none; }
p.conclusion { font-size: 15px; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 12.5px; }
th, td { border: 1px solid var(--rule); padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: bold; }
td.id, td.hash, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
td.hash { font-size: 10.5px; word-break: break-all; }
td.st { white-space: nowrap; }
table.summary td:first-child { white-space: nowrap; }
article.clause { border: 1px solid var(--rule); border-left: 5px solid var(--c);
  padding: 10px 14px; margin: 0 0 12px; page-break-inside: avoid; break-inside: avoid; }
article.clause .cid { font-family: "DejaVu Sans Mono", monospace; color: var(--accent); }
article.clause .title { flex: 1; }
.meta-line { color: var(--muted); font-size: 12px; margin-bottom: 6px; }
.summary-text { margin: 4px 0 8px; }
dl.facts { display: grid; grid-template-columns: 9em 1fr; gap: 4px 12px; margin: 6px 0 0; }
dl.facts dt { color: var(--muted); font-size: 12.5px; }
dl.facts dd { margin: 0; font-size: 13px; }
dl.facts ul { margin: 0; padding-left: 1.2em; }
.missing li { color: #8a5a00; }
ul.long { columns: 2; column-gap: 24px; font-size: 12px; }
.alt { background: #e3f2fd; padding: 2px 6px; }
.figs { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0 8px; }
.fig { border: 1px solid var(--rule); background: var(--band); padding: 1px 8px; font-size: 12.5px; }
.fig .k { color: var(--muted); }
.fig-block { font-size: 12.5px; margin: 2px 0 8px; }
.fig-block .k { color: var(--muted); }
.fig-block ul { margin: 2px 0 0; padding-left: 1.4em; }
p.legend { margin: 0 0 12px; }
figure.chart { margin: 6px 0 10px; }
figure.chart figcaption { font-size: 12.5px; color: var(--muted); }
svg.chart { max-width: 100%; height: auto; display: block; }
svg.chart text { font-family: FONTS; }
.sig-grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px; }
.sig { border: 1px solid var(--rule); padding: 10px 12px; min-height: 190px; }
.sig .role { font-weight: bold; color: var(--accent); margin-bottom: 6px; }
.sig .line { border-bottom: 1px solid var(--ink); height: 42px; margin: 4px 0 2px; }
.sig dl { display: grid; grid-template-columns: 5em 1fr; gap: 2px 8px; margin: 0; font-size: 13px; }
.sig dt { color: var(--muted); } .sig dd { margin: 0; }
.note { color: var(--muted); font-size: 12.5px; }
td.id .ref { font-family: inherit; font-size: 11px; color: var(--muted); white-space: normal; }
p.scope { margin: 14px 0 6px; }
table.questions caption, table.agreement caption { text-align: left; font-weight: 600; padding: 4px 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule);
  padding-top: 8px; }
@media print {
  html { background: #fff; }
  body { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  section.signatures { break-before: page; }
}
""".replace("FONTS", FONT_STACK)

PAGE_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #5f6f7a; }
  @top-right { content: string(doctitle); font-size: 8.5pt; color: #5f6f7a; } }
@page :first { @top-right { content: none; } }
h1 { string-set: doctitle content(text); }
body { font-size: 10.5pt; }
section#clauses { break-before: page; }
section#manifest { break-before: page; }
/* Grid and multi-column layout are slow in WeasyPrint; floats and tables lay out the same. */
dl.facts, dl.meta { display: block; }
dl.facts dt, dl.meta dt { float: left; clear: left; width: 8.5em; }
dl.facts dd, dl.meta dd { margin-left: 9.5em; }
ul.long { columns: auto; }
h4 { display: block; } h4 .badge { float: right; } h4 .cid { margin-right: 8px; }
.figs { display: block; } .fig { display: inline-block; margin: 0 6px 4px 0; }
.tiles, .sig-grid { display: table; width: 100%; border-spacing: 8px 0; }
.tile, .sig { display: table-cell; width: 25%; }
.sig { width: 33%; }
.sig dl { display: block; } .sig dt { float: left; clear: left; width: 4.5em; }
.sig dd { margin-left: 5em; }
"""
