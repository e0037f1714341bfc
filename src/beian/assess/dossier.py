"""What the report needs from the workspace besides the conclusions, read once by ``assess``.

The report renders an :class:`~beian.assess.Assessment` and nothing else: the signatories, the
applicability answers, the digests of the workspace's own configuration, the 附件4/附件5 rows,
the reviewed samples and the test channel are gathered here into :class:`DossierInputs`, which
the Assessment carries (``assessment.json``). A stored assessment therefore renders the same
report after the workspace has changed or is gone (aesthetics.md R1).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from beian.assess import attestations, obligations
from beian.assess.evidence import ClauseEvidence, Lang
from beian.digest import sha256_file
from beian.errors import BeianError, InputError
from beian.library.io import read_keywords, read_questions
from beian.library.records import Bank, KeywordEntry, Question
from beian.standard import Profile
from beian.store.samples import reviewed_items
from beian.workspace import CONFIG_NAME, Workspace

# File-name hints for documents the provider keeps in attestations/ (confirmed by people).
AGREEMENT_HINTS = ("协议", "隐私", "agreement", "privacy", "terms")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileDigest(_Row):
    """A workspace file that is an input even when no clause cites it."""

    ref: str
    """Relative to the workspace root, ``/``-separated."""
    sha256: str


class TestChannel(_Row):
    """The target the filing's test channel names (from ``beian.toml``)."""

    __test__ = False  # not a pytest class, whatever its name says
    base_url: str = ""
    spec: str = ""
    api_key_env: str = ""


class KeywordRow(_Row):
    """One keyword in force, as 附件4 lists it."""

    term: str
    risk: str | None = None

    def entry(self) -> KeywordEntry:
        """The library record the dossier writer takes."""
        return KeywordEntry(term=self.term, risk=self.risk)


class QuestionRow(_Row):
    """One bank question, as 附件5 lists it."""

    id: str
    text: str
    bank: Bank
    risk: str | None = None
    topic: str | None = None
    model_answer: str | None = None
    verdict: str | None = None

    def question(self) -> Question:
        """The library record the dossier writer takes."""
        return Question(**self.model_dump())


class SampleRow(_Row):
    """One reviewed item of a run the assessment cites (the samples attachment)."""

    run_kind: str
    key: str
    source: str
    text: str
    answer: str
    method: str
    verdict: str
    reviewer: str
    risks: str
    note: str


class DossierInputs(_Row):
    """Everything the report reads besides the clause conclusions."""

    root: str
    """The workspace root as given (it names the profile's base folder)."""
    root_resolved: str
    """The root with links resolved: evidence paths are written relative to it."""
    attestations_dir: str
    """Where attestation evidence paths are relative to."""
    profile: str
    """The profile's name or path, as the workspace configuration names it."""
    language: Lang = "zh"
    """The report language the assessment was made in (the default for rendering it again)."""
    workspace_files: list[FileDigest] = []
    signatories: dict[attestations.Role, attestations.Signatory] = {}
    signed: int = 0
    scope: dict[str, obligations.ScopeAnswer] = {}
    agreement_files: list[str] = []
    """Files in attestations/ whose names suggest a service agreement or privacy policy."""
    test_channel: TestChannel = TestChannel()
    keywords: list[KeywordRow] | None = None
    questions: list[QuestionRow] | None = None
    samples: list[SampleRow] = []
    notes: list[str] = []
    """Inputs that could not be read (``keywords: …``, ``banks: …``, ``samples: …``)."""


def cited_runs(clauses: Sequence[ClauseEvidence], run_id: str) -> list[str]:
    """Ids of the stored runs the conclusions cite, without the assessment run itself."""
    ids = {e.ref for c in clauses for e in c.evidence if e.kind == "run"}
    return sorted(i for i in ids if i != run_id)


def snapshot(
    ws: Workspace, profile: Profile, clauses: Sequence[ClauseEvidence], run_id: str
) -> DossierInputs:
    """Read, once, what the report of these conclusions needs from ``ws`` and its store."""
    folder = ws.path("attestations")
    att = attestations.load(folder)
    notes: list[str] = []
    keywords = _keywords(ws, profile, notes)
    questions = _questions(ws, profile, notes)
    try:
        samples = [
            SampleRow(**dataclasses.asdict(s))
            for s in reviewed_items(ws.store_url(), cited_runs(clauses, run_id))
        ]
    except BeianError as exc:
        samples, notes = [], [*notes, f"samples: {exc}"]
    target = ws.config.target
    return DossierInputs(
        root=str(ws.root),
        root_resolved=str(ws.root.resolve()),
        attestations_dir=str(folder),
        profile=ws.config.profile,
        language=ws.config.language,
        workspace_files=_workspace_files(ws),
        signatories=dict(att.signatories) if att else {},
        signed=attestations.signed_count(att) if att else 0,
        scope=obligations.load(folder).scope,
        agreement_files=_named(folder),
        test_channel=TestChannel(
            base_url=target.base_url or "",
            spec=target.spec or "",
            api_key_env=target.api_key_env or "",
        ),  # fmt: skip
        keywords=keywords,
        questions=questions,
        samples=samples,
        notes=notes,
    )


def _workspace_files(ws: Workspace) -> list[FileDigest]:
    # The configuration and the attestations are inputs even when no clause cites them.
    found = []
    for path in (ws.root / CONFIG_NAME, ws.path("attestations") / attestations.FILE_NAME):
        if path.is_file():
            rel = path.relative_to(ws.root).as_posix()
            found.append(FileDigest(ref=rel, sha256=sha256_file(path)))
    return found


def _keywords(ws: Workspace, profile: Profile, notes: list[str]) -> list[KeywordRow] | None:
    try:
        items = read_keywords(ws.path("keywords"), profile).items
    except InputError as exc:
        notes.append(f"keywords: {exc}")
        return None
    # 附件4 lists the interception keywords in force: no allow-list, no removed entries.
    return [
        KeywordRow(term=e.term, risk=e.risk) for e in items if not e.allow and e.removed is None
    ]


def _questions(ws: Workspace, profile: Profile, notes: list[str]) -> list[QuestionRow] | None:
    try:
        items = read_questions(ws.path("banks"), profile).items
    except InputError as exc:
        notes.append(f"banks: {exc}")
        return None
    fields = set(QuestionRow.model_fields)
    return [QuestionRow(**q.model_dump(include=fields)) for q in items]


def _named(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file() and any(h in p.name.lower() for h in AGREEMENT_HINTS)
    )
