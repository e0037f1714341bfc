"""Markdown rendering of a benchmark run (the JSON twin holds the same figures, unrounded)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KIND_TITLES = {
    "text": "Texts (content screening: harmful vs benign texts)",
    "question": "Questions (input screening: should refuse = harmful, should answer = benign)",
    "answer": "Answers (output judging: violating vs safe answers, judged with their question)",
}
LAWYER = "lawyer-llama-q"
ATTRIBUTION_SET = "chisafetybench"


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal; an en dash when undefined."""
    return "–" if x is None else f"{100 * x:.1f}"


def ci(interval: list[float] | None) -> str:
    """An interval as percentages."""
    return "" if not interval else f" [{100 * interval[0]:.1f}–{100 * interval[1]:.1f}]"


def num(x: float | None, digits: int = 3) -> str:
    """A number; an en dash when undefined."""
    return "–" if x is None else f"{x:.{digits}f}"


def rate_cell(r: Mapping[str, Any] | None) -> str:
    """A Wilson-interval rate as ``value [low–high]``."""
    if not r or r.get("value") is None:
        return "–"
    return pct(r["value"]) + ci(r["ci"])


def _get(d: Mapping[str, Any] | None, *path: str) -> Any:
    for key in path:
        if not isinstance(d, Mapping):
            return None
        d = d.get(key)
    return d


ROW_HEAD = (
    "| source | seen | n | harmful | P | R [95 % CI] | F1 [95 % CI] | flag-all F1 | "
    "AUC [95 % CI] | benign flag rate [95 % CI] |\n|---|---|---|---|---|---|---|---|---|---|"
)


def row(label: str, seen: str, m: Mapping[str, Any]) -> str:
    """One table row of binary figures."""
    return (
        f"| {label} | {seen} | {m['n']} | {m['harmful']} | {pct(m['precision'])} | "
        f"{rate_cell(m['recall'])} | {pct(m['f1'])}{ci(m['f1_ci'])} | {pct(m['f1_flag_all'])} | "
        f"{num(m['auc'])}{_auc_ci(m)} | {rate_cell(m['flag_rate_benign'])} |"
    )


def _auc_ci(m: Mapping[str, Any]) -> str:
    c = m.get("auc_ci")
    return f" [{c[0]:.3f}–{c[1]:.3f}]" if c else ""


def kind_table(fig: Mapping[str, Any]) -> list[str]:
    """Rows per source, then the unseen and all pools."""
    lines = [ROW_HEAD]
    for name, m in sorted(fig["sources"].items()):
        lines.append(row(name, "seen" if m["seen"] else "unseen", m))
    if fig.get("pooled_unseen"):
        lines.append(row("**pooled, unseen sources**", "", fig["pooled_unseen"]))
    if fig.get("pooled_all"):
        lines.append(row("pooled, all sources (incl. seen)", "", fig["pooled_all"]))
    return lines


def attribution_table(fig: Mapping[str, Any]) -> list[str]:
    """Top-1 risk id and category accuracy per source and pooled."""
    lines = [
        "| source | seen | n with gold ids | top-1 id [95 % CI] | top-1 category [95 % CI] | "
        "named any risk | top-1 id when named |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = sorted(fig["sources"].items())
    rows += [
        ("**pooled, unseen**", fig.get("pooled_unseen")),
        ("pooled, all", fig.get("pooled_all")),
    ]
    for name, m in rows:
        if not m:
            continue
        seen = "" if "seen" not in m else ("seen" if m["seen"] else "unseen")
        lines.append(
            f"| {name} | {seen} | {m['n']} | {rate_cell(m['top1_id'])} | "
            f"{rate_cell(m['top1_category'])} | {m['given']} | {rate_cell(m['top1_id_given'])} |"
        )
    return lines


def headline(data: Mapping[str, Any]) -> list[str]:
    """One row per system: the figures that predict unseen data."""
    lines = [
        "| system | texts F1, unseen [CI] | flag-all F1 | texts AUC, unseen | harmful-text recall, "
        "unseen | benign-text flag rate, unseen | should-refuse recall, unseen | "
        "benign-question flag rate, unseen | lawyer-llama legal questions flagged | "
        "answer-judge accuracy, unseen | CHiSafetyBench top-1 id |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in data["systems"].items():
        if "error" in s:
            lines.append(f"| {name} | failed: {s['error']} |" + " |" * 9)
            continue
        built = [n for n in s.get("notes", []) if n.startswith("default detectors: ")]
        if built:  # det:default follows beian at run time: say what it was this time
            name = f"{name} ({built[0].removeprefix('default detectors: ')})"
        t = _get(s, "kinds", "text", "pooled_unseen") or {}
        q = _get(s, "kinds", "question", "pooled_unseen") or {}
        a = _get(s, "kinds", "answer", "pooled_unseen") or {}
        law = _get(s, "kinds", "question", "sources", LAWYER, "flag_rate_benign")
        chi = _get(s, "attribution", "sources", ATTRIBUTION_SET, "top1_id")
        lines.append(
            f"| {name} | {pct(t.get('f1'))}{ci(t.get('f1_ci'))} | {pct(t.get('f1_flag_all'))} | "
            f"{num(t.get('auc'))} | {rate_cell(t.get('recall'))} | "
            f"{rate_cell(t.get('flag_rate_benign'))} | {rate_cell(q.get('recall'))} | "
            f"{rate_cell(q.get('flag_rate_benign'))} | {rate_cell(law)} | "
            f"{rate_cell(a.get('accuracy'))} | {rate_cell(chi)} |"
        )
    return lines


def devset_table(data: Mapping[str, Any]) -> list[str]:
    """The dev sets: source, kind, folder, counts and whether the source may ship."""
    lines = [
        "| source | kind | folder | harmful | benign | may ship |",
        "|---|---|---|---|---|---|",
    ]
    for name, d in data["devsets"].items():
        kind = d["kind"] + (" (attribution only)" if d["purpose"] == "attribution" else "")
        ship = "yes" if d["may_ship"] else "no"
        lines.append(
            f"| {name} | {kind} | `{d['folder']}` | {d['harmful']} | {d['benign']} | {ship} |"
        )
    for name, reason in data.get("failed_sources", {}).items():
        lines.append(f"| {name} | FAILED: {reason} | | | | |")
    return lines


def system_section(name: str, s: Mapping[str, Any]) -> list[str]:
    """Everything about one system."""
    out = [f"### `{name}`", ""]
    if "error" in s:
        return [*out, f"Failed to build: `{s['error']}`", ""]
    for note in s.get("notes", []):
        out.append(f"- {note}")
    train = s.get("train") or {}
    seen = "; ".join(f"`{f}` ({', '.join(v)})" for f, v in sorted(train.items()))
    out.append(f"- trained or tuned on dev-source folders: {seen or 'none declared'}")
    for kind, t in s.get("timing", {}).items():
        out.append(
            f"- speed on {kind}s: {t['per_s']:.0f} items/s ({t['chars_per_s'] / 1000:.0f}k chars/s, "
            f"{t['n']} items in {t['seconds']:.1f} s, 1 process)"
        )
    for kind, err in s.get("errors", {}).items():
        out.append(f"- **{kind}s failed**: `{err}`")
    out.append("")
    for kind, fig in s.get("kinds", {}).items():
        out += [f"#### {KIND_TITLES[kind]}", "", *kind_table(fig), ""]
    if s.get("attribution", {}).get("sources"):
        out += ["#### Risk attribution (harmful items with gold risk ids)", ""]
        out += [*attribution_table(s["attribution"]), ""]
    return out


INTRO = """\
# Dev accuracy benchmark / 开发集准确率基准

Generated by `bench/accuracy/run.py` on {generated} ({command}); cap {cap} records per
(source, label), seed {seed}, bootstrap {bootstrap} resamples. The JSON twin
(`accuracy-bench.json`) holds every figure unrounded.

How to read it:

- **seen / unseen**: a source is *seen* when any component of the system was trained or tuned
  on its data folder (read at run time from the model metadata: `train_sources`, or the
  `sources` of `model.json`; for the keyword library its `build_stats.json`). Figures on seen
  sources are optimistic. **Pooled rows over unseen sources are the ones that predict
  performance on new data**; the all-sources pool is shown for comparison.
- P = precision, R = recall of harmful items, F1 of the harmful class; "flag-all F1" is the F1 of
  flagging every item (a system below it is worse than no filter at all for F1).
  AUC is the ROC AUC of the system's score (the best per-risk score; 0 when nothing fired, so a
  system that rarely fires has an AUC near 0.5 by construction). "benign flag rate" is the
  false-alarm rate on benign items. Rates have Wilson 95 % intervals, F1 and AUC percentile
  bootstrap intervals.
- Pools weigh each source by its dev-set size (capped), not by any real traffic mix.
- Dev sets come from `../shared/data` (development data; most sources may not ship, see the
  table) and are rebuilt at every run; nothing of them is stored here besides the figures.
"""


def render(data: Mapping[str, Any]) -> str:
    """The whole Markdown report."""
    s = data["settings"]
    lines = [INTRO.format(generated=data["generated"], **{**s, "command": f"`{s['command']}`"})]
    lines += ["## Headline (pooled over sources each system did not train on)", ""]
    lines += [*headline(data), ""]
    lines += ["## Dev sets", "", *devset_table(data), ""]
    lines += ["## Per system, per source", ""]
    for name, sys_data in data["systems"].items():
        lines += system_section(name, sys_data)
    return "\n".join(lines).rstrip() + "\n"
