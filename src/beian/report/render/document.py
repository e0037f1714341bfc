"""The report as one deterministic document: what every renderer formats.

:func:`build_document` turns an :class:`~beian.assess.Assessment` into a :class:`ReportDoc`
that carries no run id, timestamp or absolute path, so the same inputs give the same document
(and ``report.json`` is byte-identical). Paths are made relative to the workspace, the current
run's folder is written ``runs/<run>/`` and a stored run that carries a content digest is named
by that digest. Volatile facts go to ``run.json`` instead (see :func:`run_facts`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from beian.assess import Assessment, DossierInputs, attestations, obligations
from beian.assess.evidence import STATUS_LABELS, ClauseEvidence, EvidenceRef, Msg
from beian.records import ClauseStatus
from beian.report.render.i18n import msg
from beian.report.render.refs import ref_text
from beian.standard import Profile

SCHEMA = "beian.report/1"
RUN_PLACEHOLDER = "<run>"
STATUSES: tuple[ClauseStatus, ...] = ("conforms", "nonconforms", "not_applicable", "pending")


class Ref(BaseModel):
    """An evidence file or run, with its path made stable."""

    kind: Literal["file", "run"]
    ref: str
    sha256: str = ""
    note: str = ""


class AttestedRow(BaseModel):
    """One structured evidence field as given by the provider (empty = not given)."""

    key: str
    label: Msg
    value: str


class QuestionRow(BaseModel):
    """An applicability question and the workspace's answer."""

    id: str
    text: Msg
    answer: Msg
    basis: str
    confidence: str
    answered: bool


Layout = Literal["standard", "obligation", "standalone"]


class ChapterInfo(BaseModel):
    """A chapter's title and where the report puts it."""

    title: Msg
    layout: Layout = "standard"


class ClauseRow(BaseModel):
    """One clause of the report: the requirement and the conclusion on it."""

    id: str
    refs: list[Msg] = []
    """The clause's numbers in other sources (GB/T 45654, an article), with confidence."""
    attested: list[AttestedRow] = []
    chapter: str
    section: str
    title: Msg
    kind: str
    confidence: str
    needs: Msg
    thresholds: list[dict[str, Any]]
    status: ClauseStatus
    status_label: Msg
    concluded_by: str
    summary: Msg
    figures: dict[str, Any]
    evidence: list[Ref]
    missing: list[Msg]
    alternative: str
    explanation: str


class ManifestEntry(BaseModel):
    """One input of the assessment, with the clauses that cite it."""

    kind: Literal["file", "run"]
    ref: str
    sha256: str
    note: str
    cited_by: list[str]


class SignatoryRow(BaseModel):
    """One of the three signatories of §9.1 d."""

    role: str
    role_label: Msg
    name: str
    title: str
    signed_on: str
    note: str


class ReportDoc(BaseModel):
    """Everything the report says, in both languages."""

    schema_: str
    tool_version: str
    profile: str
    profile_version: str
    standard: Msg
    provider: str
    service: str
    conclusion: Msg
    totals: dict[str, int]
    by_chapter: dict[str, dict[str, int]]
    chapters: dict[str, Msg]
    clauses: list[ClauseRow]
    manifest: list[ManifestEntry]
    components: list[dict[str, Any]]
    signatories: list[SignatoryRow]
    signed: int
    signatories_required: int
    scope: Msg = Msg(zh="", en="")
    questions: list[QuestionRow] = []
    layout: dict[str, str] = {}
    """Chapter id → ``standard`` / ``obligation`` / ``standalone`` (see :class:`ChapterInfo`)."""

    @property
    def questions_open(self) -> int:
        """Applicability questions without an answer (they keep the report a draft)."""
        return sum(1 for q in self.questions if not q.answered)

    def to_json(self) -> dict[str, Any]:
        """The document as JSON data (``schema`` spelled without the underscore)."""
        data = self.model_dump(mode="json")
        data["schema"] = data.pop("schema_")
        return data


def _stable_path(ref: str, d: DossierInputs, run_id: str, base: Path | None) -> str:
    path = Path(ref)
    if not path.is_absolute() and base is not None:
        path = base / path
    if path.is_absolute():
        try:
            ref = path.resolve().relative_to(d.root_resolved).as_posix()
        except ValueError:
            ref = path.as_posix()
    return ref.replace(run_id, RUN_PLACEHOLDER) if run_id else ref


def stable_ref(e: EvidenceRef, d: DossierInputs, run_id: str, section: str) -> Ref:
    """``e`` with a workspace-relative path, or a stored run named by its digest."""
    if e.kind == "run":
        name = e.ref if e.ref != run_id else RUN_PLACEHOLDER
        if e.sha256:
            name = f"run:sha256:{e.sha256[:16]}"
        return Ref(kind="run", ref=name, sha256=e.sha256, note=e.note)
    # Attestation evidence is written relative to the attestations folder (see attestations.py).
    base = Path(d.attestations_dir if section == "attestations" else d.root)
    return Ref(kind="file", ref=_stable_path(e.ref, d, run_id, base), sha256=e.sha256, note=e.note)


def _attested(ev: ClauseEvidence, profile: Profile) -> list[AttestedRow]:
    given = ev.figures.get("attested")
    if not isinstance(given, dict):
        return []
    return [
        AttestedRow(
            key=f.key, label=Msg(zh=f.label_zh, en=f.label_en), value=str(given.get(f.key) or "")
        )
        for f in profile.clause(ev.clause).fields
    ]


def _row(ev: ClauseEvidence, profile: Profile, d: DossierInputs, run_id: str) -> ClauseRow:
    clause = profile.clause(ev.clause)
    return ClauseRow(
        id=clause.id,
        refs=[ref_text(r, profile) for r in clause.refs],
        attested=_attested(ev, profile),
        chapter=clause.section.split(".")[0],
        section=clause.section,
        title=Msg(zh=clause.title_zh, en=clause.title_en),
        kind=clause.kind,
        confidence=clause.confidence,
        needs=Msg(zh=clause.evidence_zh, en=clause.evidence_en),
        thresholds=[t.model_dump(mode="json") for t in clause.thresholds],
        status=ev.status,
        status_label=Msg(**STATUS_LABELS[ev.status]),
        concluded_by=ev.section,
        summary=ev.summary,
        figures={k: v for k, v in ev.figures.items() if k != "attested"},
        evidence=[stable_ref(e, d, run_id, ev.section) for e in ev.evidence],
        missing=list(ev.missing),
        alternative=ev.alternative,
        explanation=ev.explanation,
    )


def _manifest(rows: list[ClauseRow], d: DossierInputs) -> list[ManifestEntry]:
    found: dict[tuple[str, str, str], ManifestEntry] = {}
    # The workspace's own configuration and attestations are inputs even when no clause cites them.
    for f in d.workspace_files:
        found[("file", f.ref, f.sha256)] = ManifestEntry(
            kind="file", ref=f.ref, sha256=f.sha256, note="workspace", cited_by=[]
        )
    for row in rows:
        for e in row.evidence:
            key = (e.kind, e.ref, e.sha256)
            entry = found.setdefault(
                key,
                ManifestEntry(kind=e.kind, ref=e.ref, sha256=e.sha256, note=e.note, cited_by=[]),
            )
            if row.id not in entry.cited_by:
                entry.cited_by.append(row.id)
    return sorted(found.values(), key=lambda m: (m.kind, m.ref, m.sha256))


def _signatories(d: DossierInputs, profile: Profile) -> tuple[list[SignatoryRow], int, int]:
    rows = []
    for role in attestations.SIGNATORY_ROLES:
        s = d.signatories.get(role) or attestations.Signatory()
        rows.append(
            SignatoryRow(
                role=role,
                role_label=msg(f"role.{role}"),
                name=s.name,
                title=s.title,
                signed_on=s.signed_on.isoformat() if s.signed_on else "",
                note=s.note,
            )
        )
    return rows, d.signed, _required_signatories(profile)


def _required_signatories(profile: Profile) -> int:
    for clause in profile.clauses:
        for t in clause.thresholds:
            if t.key == "signatories_min":
                return int(t.value)
    return len(attestations.SIGNATORY_ROLES)


def _conclusion(totals: dict[str, int]) -> Msg:
    pending_n, non = totals.get("pending", 0), totals.get("nonconforms", 0)
    if pending_n:
        return msg("verdict.pending", p=pending_n, n=non)
    if non:
        return msg("verdict.nonconforms", n=non)
    return msg("verdict.conforms")


def _questions(d: DossierInputs, profile: Profile) -> list[QuestionRow]:
    rows = []
    for q in profile.questions:
        a = d.scope.get(q.id, obligations.ScopeAnswer())
        key = {True: "answer.yes", False: "answer.no", None: "answer.none"}[a.answer]
        rows.append(QuestionRow(id=q.id, text=Msg(zh=q.text_zh, en=q.text_en), answer=msg(key),
                                basis=a.basis, confidence=q.confidence,
                                answered=a.answer is not None))  # fmt: skip
    return rows


def build_document(outcome: Assessment, profile: Profile) -> ReportDoc:
    """The report document of ``outcome``; free of run ids, timestamps and absolute paths."""
    d = outcome.inputs()
    rows = [_row(ev, profile, d, outcome.run_id) for ev in outcome.clauses]
    totals: dict[str, int] = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    by_chapter: dict[str, dict[str, int]] = {}
    order = [c.id for c in profile.chapters]
    for chapter in sorted({r.chapter for r in rows}, key=lambda c: _chapter_key(c, order)):
        counts = Counter(r.status for r in rows if r.chapter == chapter)
        by_chapter[chapter] = {s: counts.get(s, 0) for s in STATUSES}
    signatories, signed, required = _signatories(d, profile)
    return ReportDoc(
        schema_=SCHEMA,
        tool_version=outcome.tool_version,
        profile=outcome.profile,
        profile_version=outcome.profile_version,
        standard=Msg(zh=profile.standard_zh, en=profile.standard_en),
        provider=outcome.provider,
        service=outcome.service,
        conclusion=_conclusion(totals),
        totals=totals,
        by_chapter=by_chapter,
        chapters={c: _chapter(c, profile).title for c in by_chapter},
        layout={c: _chapter(c, profile).layout for c in by_chapter},
        scope=Msg(zh=profile.scope_zh, en=profile.scope_en),
        questions=_questions(d, profile),
        clauses=rows,
        manifest=_manifest(rows, d),
        components=sorted(outcome.sections, key=lambda s: (s.get("kind", ""), s.get("name", ""))),
        signatories=signatories,
        signed=signed,
        signatories_required=required,
    )


def _chapter_key(chapter: str, order: list[str]) -> tuple[int, int, str]:
    if chapter.isdigit():
        return (int(chapter), 0, chapter)
    # Sub-profile chapters follow the standard, in the order their profile lists them.
    return (99, order.index(chapter) if chapter in order else len(order), chapter)


def _chapter(chapter: str, profile: Profile) -> ChapterInfo:
    info = profile.chapter_info(chapter)
    if info is not None:
        layout: Layout = (
            "standalone" if info.standalone else "obligation" if info.obligation else "standard"
        )
        return ChapterInfo(title=Msg(zh=info.title_zh, en=info.title_en), layout=layout)
    try:
        return ChapterInfo(title=msg(f"ch.{chapter}"))
    except KeyError:
        return ChapterInfo(title=Msg(zh=f"第{chapter}章", en=f"Chapter {chapter}"))


def run_facts(outcome: Assessment, generated_at: str) -> dict[str, Any]:
    """What ``run.json`` records beside the deterministic report: ids, paths, times."""
    return {
        "run_id": outcome.run_id,
        "workspace": outcome.workspace,
        "generated_at": generated_at,
        "run_placeholder": RUN_PLACEHOLDER,
        "tool_version": outcome.tool_version,
    }
