"""§5.1, §5.2 a and §9.2: the corpus, concluded from the sources register and stored runs.

The register (``corpus/manifest.yaml`` by default) is checked on every assessment (5.1 b, c).
Scan-based clauses read the latest ``corpus-assess`` (5.1 a, 9.2 b), ``corpus-filter`` (5.2 a)
and ``corpus-verdicts`` (9.2 a) runs of the store that were made on the *same* register (same
SHA-256); a run on another version of the register is stale and leaves its clause pending.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from beian.assess import messages, source_share
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg, pending
from beian.digest import sha256_file
from beian.errors import BeianError
from beian.registry import registry
from beian.scan.executors import InlineExecutor
from beian.scan.jobs import Detection, JobOptions, assess_corpus
from beian.scan.manifest import Manifest, load_manifest
from beian.scan.record import ASSESS_KIND, FILTER_KIND, VERDICTS_KIND
from beian.scan.sources import DIVERSITY_CLAUSE, TRACE_CLAUSE, SourcesReport, check_sources
from beian.scan.summary_model import FilterSummary, ScanSummary
from beian.standard import Profile
from beian.store import RunRow, Store

SECTION = "corpus"
CLAUSES = ("5.1.a", "5.1.b", "5.1.c", "5.2.a", "9.2.a", "9.2.b")
FILTER_DETECTORS = ("keyword", "classifier")
"""5.2 a names keywords and classification models (plus manual sampling) as the filter."""
AUTO_ASSESS_MAX_BYTES = 64 * 1024 * 1024
"""Corpora up to this size are scanned by ``beian assess`` itself when no scan is stored."""


def _workspace_detection(ctx: AssessContext) -> Detection:
    """The workspace's detection setup: the same detectors and library as ``corpus assess -w``."""
    from beian.detect.setup import resolve_setup

    setup = resolve_setup(ctx.workspace)
    return Detection.from_setup(setup)


def _msg(zh: str, en: str) -> Msg:
    return Msg(zh=zh, en=en)


def _file_ref(path: Path, note: str) -> EvidenceRef:
    sha = sha256_file(path) if path.is_file() else ""
    return EvidenceRef(kind="file", ref=str(path), sha256=sha, note=note)


def _latest(store: Store, kind: str, sha: str) -> tuple[RunRow | None, bool]:
    """The newest finished run of ``kind`` on the register with hash ``sha``, and whether any
    run of that kind exists at all (to tell 'never run' from 'stale')."""
    run = store.latest_run(kind, manifest_sha256=sha)
    return run, run is not None or store.latest_run(kind) is not None


def _chosen(ctx: AssessContext, sha: str) -> tuple[RunRow | None, bool]:
    """The scan the user chose with ``--scan-run`` (said in the notes), else the newest one."""
    if ctx.scan_run is None:
        run, stale = _latest(ctx.store, ASSESS_KIND, sha)
    else:
        run, stale = ctx.store.get_run(ctx.scan_run), False
    if run is not None:
        setup = ScanSummary.load(run.summary).detection_setup or "—"
        ctx.notes.append(
            Msg(
                zh=f"语料技术抽检采用运行 {run.id}（检测配置 {setup[:12]}）",
                en=f"corpus scan used: run {run.id} (detection setup {setup[:12]})",
            ).get(ctx.lang)
        )
    return run, stale


_KIND_ZH = {
    ASSESS_KIND: "语料技术抽检",
    FILTER_KIND: "语料过滤",
    VERDICTS_KIND: "语料人工抽检研判",
}
"""Run kinds as the Chinese report names them (the English text keeps the kind id)."""


def _missing_run(clause: str, kind: str, stale: bool, command: str) -> ClauseEvidence:
    kind_zh = _KIND_ZH.get(kind, kind)
    if stale:
        why = _msg(
            zh=f"最近的{kind_zh}运行针对的是另一版本的语料来源登记表，请重新运行 {command}",
            en=f"the latest {kind} run used another version of the sources register; run {command} again",
        )
    else:
        why = _msg(
            zh=f"尚无{kind_zh}运行记录，请运行 {command}", en=f"no {kind} run yet: run {command}"
        )
    return pending(clause, SECTION, why)


def _run_refs(run_id: str, path: str, note: str) -> list[EvidenceRef]:
    summary = Path(path) if path and Path(path).is_file() else None
    # The run is identified by the digest of its summary file, so a report that cites the
    # same scan is byte-identical whichever assessment run cites it (design/report-model.md).
    digest = _file_ref(summary, "").sha256 if summary else ""
    refs = [EvidenceRef(kind="run", ref=run_id, sha256=digest, note=note)]
    if summary is not None:
        refs.append(_file_ref(summary, f"{note} summary"))
    return refs


def _status(ok: bool) -> Any:
    return "conforms" if ok else "nonconforms"


def _sources_clauses(report: SourcesReport, ref: EvidenceRef) -> list[ClauseEvidence]:
    out: list[ClauseEvidence] = []
    for clause, ok, zh, en in (
        (TRACE_CLAUSE, report.traceable, "来源可追溯性核查", "traceability of the sources"),
        (DIVERSITY_CLAUSE, report.diverse, "来源多样性核查", "diversity of the sources"),
    ):
        issues = [i for i in report.issues if i.clause == clause]
        out.append(
            ClauseEvidence(
                clause=clause,
                status=_status(ok),
                section=SECTION,
                summary=_msg(
                    zh=f"{zh}：登记 {len(report.sources)} 个来源",
                    en=f"{en}: {len(report.sources)} sources registered",
                ),
                figures={
                    "sources": len(report.sources),
                    "groups": [g.model_dump() for g in report.groups],
                    "min_sources": report.min_sources,
                },
                evidence=[ref],
                missing=[
                    _msg(zh=_issue(i.source, i.message), en=_issue(i.source, i.message))
                    for i in issues
                ],
            )
        )
    return out


def _issue(source: str | None, message: str) -> str:
    return f"{source}: {message}" if source else message


def _source_rows(
    s: ScanSummary, rule: source_share.Rule
) -> tuple[list[source_share.SourceJudgement], bool]:
    """Source rows re-judged by the profile's rule, and whether the counts are A.1-A.4 only."""
    run_dir = Path(s.summary_file).parent if s.summary_file else None
    counts = source_share.illegal_counts(run_dir, rule) if run_dir else None
    rows = []
    for x in s.sources:
        # Without traced outputs every flagged item counts: an upper bound of the illegal count.
        illegal = x.flagged if counts is None else counts.get(x.name, 0)
        rows.append(source_share.judge(x, illegal, rule))
    return rows, counts is not None


def _source_missing(x: source_share.SourceJudgement, rule: source_share.Rule) -> Msg:
    if x.verdict == "exclude":
        return _msg(
            zh=f"{x.name}：违法不良信息（A.1–A.4）占比 {x.illegal_share or 0:.1%}，超过限值 "
            f"{rule.limit:.0%}，不得使用",
            en=f"{x.name}: illegal (A.1–A.4) share {x.illegal_share or 0:.1%} above the limit "
            f"{rule.limit:.0%}; do not use it",
        )
    if x.verdict == "insufficient":
        return _msg(
            zh=f"{x.name}：抽检 {x.sampled} 条、违法 {x.illegal} 条，占比上限 "
            f"{x.upper or 0:.1%}（{rule.confidence:.0%} 置信）超过 {rule.limit:.0%}，样本不足以证明"
            f"可用；零检出时至少需 {rule.n_needed()} 条",
            en=f"{x.name}: {x.illegal} of {x.sampled} sampled; upper bound "
            f"{x.upper or 0:.1%} at {rule.confidence:.0%} is above {rule.limit:.0%}, so the sample "
            f"cannot show the source usable; with no finding it needs ≥ {rule.n_needed()} items",
        )
    if x.unreadable:
        return _msg(
            zh=f"{x.name}：无法读取（{'；'.join(x.unreadable)}），没有可抽检的数据，不得使用",
            en=f"{x.name}: could not be read ({'; '.join(x.unreadable)}); "
            "no data could be sampled; do not use it",
        )
    return _msg(
        zh=f"{x.name}：没有可抽检的数据，不得使用",
        en=f"{x.name}: no data could be sampled; do not use it",
    )


def _per_source(s: ScanSummary, profile: Profile, refs: list[EvidenceRef]) -> ClauseEvidence:
    rule = source_share.Rule.of(profile)
    rows, exact = _source_rows(s, rule)
    bad = [x for x in rows if x.verdict != "usable"]
    status: Any = "conforms"
    if any(x.verdict != "insufficient" for x in bad):
        status = "nonconforms"
    elif bad:
        status = "pending"
    missing = [_source_missing(x, rule) for x in bad]
    if not exact:
        missing.append(
            _msg(
                zh="该次抽检没有逐条记录，违法占比按全部检出计（含 A.5 与仅含个人信息的条目）",
                en="the scan kept no traced items: every flagged item is counted, A.5 and "
                "PII-only ones included",
            )
        )
    return ClauseEvidence(
        clause="5.1.a",
        status=status,
        section=SECTION,
        summary=_msg(
            zh=f"逐来源技术抽检：{len(rows)} 个来源，按 A.1–A.4 占比的 {rule.confidence:.0%} "
            "置信上限判定",
            en=f"per-source technical scan of {len(rows)} sources, judged on the "
            f"{rule.confidence:.0%} upper bound of the A.1–A.4 share",
        ),
        figures={
            "limit": rule.limit,
            "confidence": rule.confidence,
            "sources": [x.figures() for x in rows],
            # one rate chart per source against the per-source limit (design/report-model.md)
            "rates": [
                {
                    "rate": x.illegal_share,
                    "ci": list(x.ci),
                    "n": x.sampled,
                    "key": "per_source_illegal_share_max",
                    "label": {
                        "zh": f"{x.name} 违法不良信息占比",
                        "en": f"{x.name} illegal share",
                    },
                }
                for x in rows
                if x.illegal_share is not None
            ],
        },
        evidence=refs,
        missing=missing,
    )


def _assess_clauses(run: RunRow, profile: Profile) -> list[ClauseEvidence]:
    s = ScanSummary.load(run.summary)
    refs = _run_refs(run.id, s.summary_file, ASSESS_KIND)
    per_source = _per_source(s, profile, refs)
    technical = ClauseEvidence(
        clause="9.2.b",
        status=_status(s.passed),
        section=SECTION,
        summary=_msg(
            zh=f"技术抽检 {s.sampled}/{s.items} 条，合格率 {s.qualified_rate:.2%}",
            en=f"technical sample {s.sampled}/{s.items} items, qualified {s.qualified_rate:.2%}",
        ),
        figures={
            "items": s.items,
            "sampled": s.sampled,
            "sample_share": s.sample_share,
            "errors": s.errors,
            "qualified": {
                "rate": s.qualified_rate,
                "ci": s.qualified_ci,
                "n": s.sampled,
                "key": "qualified_rate_min",
                "label": {"zh": "技术抽检合格率", "en": "technical sample qualified rate"},
            },
            "per_risk": s.risks,
        },
        evidence=refs,
        missing=[  # 5.1 a reasons belong to 5.1 a (above), not to the technical sample
            messages.scan_reason(w) for w in s.fail_reasons if not w.startswith("5.1.a:")
        ],
    )
    return [per_source, technical]


def _filter_clause(run: RunRow, verdicts: RunRow | None) -> ClauseEvidence:
    s = FilterSummary.load(run.summary)
    names = s.detector_names()
    missing = [
        _msg(zh=f"过滤未使用 {d} 检测器", en=f"the filter did not use the {d} detector")
        for d in FILTER_DETECTORS
        if d not in names
    ]
    if not s.accounted:
        missing.append(_msg(zh="输入 ≠ 保留 + 剔除 + 错误", en="input ≠ clean + rejected + errors"))
    status: Any = _status(not missing)
    if verdicts is None:
        missing.append(
            _msg(
                zh="尚无人工抽检结果（beian corpus verdicts import）",
                en="no manual sampling result yet",
            )
        )
        status = "pending" if status == "conforms" else status
    return ClauseEvidence(
        clause="5.2.a",
        status=status,
        section=SECTION,
        summary=_msg(
            zh=f"过滤全部语料：输入 {s.input} = 保留 {s.clean} + 剔除 {s.rejected} + 错误 {s.errors}",
            en=f"filtered all corpus: input {s.input} = clean {s.clean} + rejected {s.rejected} + errors {s.errors}",
        ),
        figures=s.model_dump(include={"input", "clean", "rejected", "errors", "accounted"})
        | {"detectors": sorted(names)},
        evidence=_run_refs(run.id, s.summary_file, FILTER_KIND),
        missing=missing,
    )


def _manual_clause(run: RunRow) -> ClauseEvidence:
    s = run.summary
    return ClauseEvidence(
        clause="9.2.a",
        status=_status(bool(s["pass"])),
        section=SECTION,
        summary=_msg(
            zh=f"人工抽检 {s['reviewed']} 条，合格率 {s['qualified_rate']:.2%}",
            en=f"manual sample of {s['reviewed']} items, qualified {s['qualified_rate']:.2%}",
        ),
        figures={
            k: s[k]
            for k in ("sample_size", "reviewed", "qualified", "qualified_rate", "qualified_ci")
        }
        # who reviewed and how far they agreed, when the verdicts came from beian web
        | {k: s[k] for k in ("reviewer_names", "agreement") if k in s},
        evidence=[EvidenceRef(kind="run", ref=run.id, note=VERDICTS_KIND)],
        missing=[messages.scan_reason(w) for w in s["fail_reasons"]],
    )


class CorpusSection:
    """Corpus sources, technical and manual sampling, and filtering."""

    name = SECTION
    order = 10

    def clauses(self, profile: Profile) -> list[str]:
        known = {c.id for c in profile.clauses}
        return [c for c in CLAUSES if c in known]

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        path = ctx.workspace.path("corpus")
        owned = self.clauses(ctx.profile)
        if not path.is_file():
            why = _msg(zh=f"没有语料来源登记表 {path}", en=f"no corpus sources register at {path}")
            return [pending(c, SECTION, why) for c in owned]
        ctx.on_progress(f"{SECTION}: sources")
        try:
            manifest = load_manifest(path)
        except BeianError as exc:
            why = _msg(
                zh=f"语料来源登记表无法读取：{exc}",
                en=f"the sources register cannot be read: {exc}",
            )
            return [pending(c, SECTION, why) for c in owned]
        results = {r.clause: r for r in self._sources(ctx, manifest)}
        if ctx.scan_run is None:
            self._auto_assess(ctx, manifest)
        results.update({r.clause: r for r in self._runs(ctx, manifest)})
        return [results[c] for c in owned if c in results]

    def _auto_assess(self, ctx: AssessContext, manifest: Manifest) -> None:
        """Run the technical scan of a small corpus that has none yet (the demo, a pilot).

        Large corpora are left to ``beian corpus assess`` (resumable, multi-process or Ray):
        an assessment must not quietly spend hours scanning.
        """
        if _latest(ctx.store, ASSESS_KIND, manifest.sha256)[0] is not None:
            return
        files = [f for src in manifest.sources for f in manifest.files(src) if f.is_file()]
        if not files or sum(f.stat().st_size for f in files) > AUTO_ASSESS_MAX_BYTES:
            return
        ctx.on_progress(f"{SECTION}: technical scan of {len(files)} files")
        assess_corpus(
            manifest,
            ctx.profile,
            ctx.workspace.path("runs") / f"corpus-assess-{manifest.sha256[:12]}",
            _workspace_detection(ctx),
            ctx.store,
            workspace=str(ctx.workspace.root),
            job=JobOptions(executor=InlineExecutor()),
        )

    def _sources(self, ctx: AssessContext, manifest: Manifest) -> list[ClauseEvidence]:
        report = check_sources(manifest, ctx.profile)
        out = ctx.workspace.path("runs") / ctx.run_id / "corpus-sources.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        data = {**report.model_dump(mode="json"), "ok": report.ok}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return _sources_clauses(report, _file_ref(out, "sources check"))

    def _runs(self, ctx: AssessContext, manifest: Manifest) -> list[ClauseEvidence]:
        store, sha = ctx.store, manifest.sha256
        out: list[ClauseEvidence] = []
        assess, stale = _chosen(ctx, sha)
        if assess is None:
            out += [
                _missing_run(c, ASSESS_KIND, stale, "beian corpus assess")
                for c in ("5.1.a", "9.2.b")
            ]
        else:
            out += _assess_clauses(assess, ctx.profile)
        verdicts, v_stale = _latest(store, VERDICTS_KIND, sha)
        if verdicts is None:
            command = "beian corpus sample / beian corpus verdicts import"
            out.append(_missing_run("9.2.a", VERDICTS_KIND, v_stale, command))
        else:
            out.append(_manual_clause(verdicts))
        filtered, f_stale = _latest(store, FILTER_KIND, sha)
        if filtered is None:
            out.append(_missing_run("5.2.a", FILTER_KIND, f_stale, "beian corpus filter"))
        else:
            out.append(_filter_clause(filtered, verdicts))
        return out


@registry.register("report_section", "corpus", version="1")
def _factory(_options: object) -> CorpusSection:
    """Corpus sources register, technical and manual sampling, and filtering (§5.1, §5.2 a, §9.2)."""
    return CorpusSection()
