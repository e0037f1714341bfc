"""§8 assets: the keyword library (8.1) and the question banks (8.2, 8.3).

Runs the same checks as ``beian library check`` / ``beian bank check`` over the workspace's
``keywords/`` and ``banks/`` folders and writes their JSON next to the run as evidence.
A quota that is measured and missed is *nonconforms* with the figures; a folder with no library
file leaves its clauses *pending*. Counts are of distinct items (the matcher's normaliser), and
multiple-choice items do not count as generated-content test questions (``library/check.py``).
9.3 a / 9.4 a ("built as 8.2 / 8.3 require") are concluded in ``assess/derived.py`` from every
sub-clause, the attested procedure (8.2 c) included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from beian.assess import messages
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg, pending
from beian.digest import sha256_file
from beian.errors import InputError
from beian.library.check import (
    BANK_CLAUSES,
    KEYWORD_CLAUSES,
    CheckReport,
    Counts,
    Shortfall,
    check_keywords,
    check_questions,
)
from beian.library.history import read_history
from beian.library.io import read_keywords, read_questions
from beian.registry import registry
from beian.standard import Profile

_FOLDER_ZH = {"keywords": "关键词库", "banks": "测试题库"}
"""How the Chinese report names the workspace folders it checked."""


def _bank_clauses() -> list[str]:
    return sorted({c for ids in BANK_CLAUSES.values() for c in ids})


def _shortfall_msg(s: Shortfall) -> Msg:
    return messages.shortfall(s.what, s.op, s.required, s.actual, s.modal)


def _write(report: CheckReport, path: Path) -> EvidenceRef:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = report.model_dump(mode="json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return EvidenceRef(kind="file", ref=str(path), sha256=sha256_file(path), note="check result")


def _inputs(folder: Path) -> list[EvidenceRef]:
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    return [EvidenceRef(kind="file", ref=str(p), sha256=sha256_file(p)) for p in files]


def _population(report: CheckReport, clause: str) -> Counts:
    """The counts a clause's quotas apply to: the library, or the clause's bank."""
    for bank, ids in BANK_CLAUSES.items():
        if clause in ids and bank in report.banks:
            return report.banks[bank]
    return Counts(total=report.total, per_risk=report.per_risk, per_topic=report.per_topic)


def _quota_figures(profile: Profile, clause: str, counts: Counts) -> dict[str, Any]:
    """``per_risk`` / ``per_topic`` bars with their quotas (design/report-model.md)."""
    figures: dict[str, Any] = {"total": counts.total}
    for t in profile.clause(clause).thresholds:
        if t.per == "risk":
            names, seen = profile.risks_in(t.applies_to), counts.per_risk
        elif t.per == "topic":
            names, seen = [tp.id for tp in profile.topics], counts.per_topic
        else:
            continue
        group = f"per_{t.per}"
        figures.setdefault(group, {}).update({n: seen.get(n, 0) for n in names})
        figures.setdefault(f"{group}_min", {}).update(dict.fromkeys(names, t.value))
    return figures


def _conclude(
    clauses: Sequence[str],
    report: CheckReport,
    refs: list[EvidenceRef],
    summary: Msg,
    profile: Profile,
) -> list[ClauseEvidence]:
    out = []
    for clause in clauses:
        short = [s for s in report.shortfalls if s.clause == clause]
        out.append(
            ClauseEvidence(
                clause=clause,
                status="nonconforms" if short else "conforms",
                section="assets",
                summary=summary,
                figures=_quota_figures(profile, clause, _population(report, clause)),
                evidence=refs,
                missing=[_shortfall_msg(s) for s in short],
            )
        )
    return out


class AssetsSection:
    """Keyword library and question banks against §8's quotas and update cadence."""

    name = "assets"
    order = 20

    def clauses(self, profile: Profile) -> list[str]:
        known = {c.id for c in profile.clauses}
        ids = [*KEYWORD_CLAUSES, *_bank_clauses()]
        return [c for c in ids if c in known]

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        run_dir = ctx.workspace.path("runs") / ctx.run_id
        today = datetime.now(UTC).date()
        results = self._part(
            ctx,
            "keywords",
            list(KEYWORD_CLAUSES),
            lambda folder: _keywords(folder, ctx.profile, today),
            run_dir / "keywords-check.json",
        )
        results += self._part(
            ctx,
            "banks",
            _bank_clauses(),
            lambda folder: _banks(folder, ctx.profile, today),
            run_dir / "banks-check.json",
        )
        by_id = {r.clause: r for r in results}
        return [by_id[c] for c in self.clauses(ctx.profile) if c in by_id]

    def _part(
        self,
        ctx: AssessContext,
        folder_name: str,
        clauses: list[str],
        check: Callable[[Path], CheckReport],
        out: Path,
    ) -> list[ClauseEvidence]:
        folder = ctx.workspace.path(folder_name)
        known = {c.id for c in ctx.profile.clauses}  # a profile may remove clauses
        clauses = [c for c in clauses if c in known]
        ctx.on_progress(f"{self.name}: {folder_name}")
        try:
            report = check(folder)
        except InputError as exc:
            why = Msg(
                zh=f"工作区中没有可用的文件：{exc}", en=f"no usable file in the workspace: {exc}"
            )
            return [pending(c, self.name, why) for c in clauses]
        refs = [_write(report, out), *_inputs(folder)]
        summary = Msg(
            zh=f"已核查{_FOLDER_ZH.get(folder_name, folder_name)}（共 {report.total} 条）",
            en=f"checked {folder_name} ({report.total} entries)",
        )
        return _conclude(clauses, report, refs, summary, ctx.profile)


def _keywords(folder: Path, profile: Profile, today: date) -> CheckReport:
    loaded = read_keywords(folder, profile)
    return check_keywords(
        loaded.items, profile, as_of=today, events=read_history(folder),
        empty_rows=loaded.empty_rows,
    )  # fmt: skip


def _banks(folder: Path, profile: Profile, today: date) -> CheckReport:
    loaded = read_questions(folder, profile)
    return check_questions(
        loaded.items, profile, as_of=today, events=read_history(folder),
        empty_rows=loaded.empty_rows, banks_required=list(BANK_CLAUSES),
    )  # fmt: skip


@registry.register("report_section", "assets", version="1")
def _factory(_options: object) -> AssetsSection:
    """Keyword library and question banks against §8 quotas and cadence."""
    return AssetsSection()
