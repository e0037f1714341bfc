"""``beian corpus sources check``: traceability (§5.1 c) and diversity (§5.1 b) of a register.

Traceability asks, per source type, for the document that makes the source usable: a licence
for open-source corpora, a collection record (and robots/opt-outs honoured) for self-collected
ones, a contract for commercial ones, a consent record for user input. Each is an existing file
or a structured record (document, party, date, scope); a contract is always a structured record.
A bare word, licence name or contract number is not a document and fails. Diversity counts sources per (language, modality)
against the profile's minimum and looks at the domestic/foreign mix.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from beian.scan.manifest import Manifest, Record, Source
from beian.standard import Profile

DIVERSITY_CLAUSE = "5.1.b"
TRACE_CLAUSE = "5.1.c"
MIN_SOURCES_KEY = "min_sources_per_language_modality"

# Which record each type of source must hold (§5.1 c 1-4), and what it is called.
REQUIRED_RECORD: dict[str, tuple[str, str]] = {
    "open-source": ("licence", "licence or authorisation file"),
    "self-collected": ("collection_record", "collection record"),
    "commercial": ("contract", "contract or cooperation agreement"),
    "user-input": ("consent_record", "user authorisation (consent) record"),
}


class Issue(BaseModel):
    """One finding of the check, tied to the clause it fails."""

    clause: str
    source: str | None = None
    message: str


class SourceStatus(BaseModel):
    """What the check found for one source."""

    name: str
    type: str
    languages: list[str]
    modality: str
    origin: str
    files: int
    bytes: int
    records: dict[str, str]
    """Evidence field → ``file`` (an existing document) or ``record`` (document, party, date,
    scope) for the fields set; bare words and numbers are issues, not references."""
    traceable: bool


class Group(BaseModel):
    """Sources of one (language, modality) pair."""

    language: str
    modality: str
    sources: list[str]
    domestic: int
    foreign: int
    ok: bool


class SourcesReport(BaseModel):
    """Result of ``beian corpus sources check``."""

    manifest: str
    manifest_sha256: str
    profile: str
    min_sources: int
    sources: list[SourceStatus]
    groups: list[Group]
    issues: list[Issue]

    @property
    def traceable(self) -> bool:
        """No §5.1 c finding."""
        return not any(i.clause == TRACE_CLAUSE for i in self.issues)

    @property
    def diverse(self) -> bool:
        """No §5.1 b finding."""
        return not any(i.clause == DIVERSITY_CLAUSE for i in self.issues)

    @property
    def ok(self) -> bool:
        """No finding at all."""
        return not self.issues


RECORD_FIELDS = ("licence", "contract", "collection_record", "consent_record")
STRUCTURED_ONLY = frozenset({"contract"})
"""A contract must say who the counterparty is, when it was signed and what it covers (5.1 c 3):
a file name alone does not, so commercial sources need the structured form."""


def _record_kind(manifest: Manifest, field: str, value: str | Record) -> str | None:
    """``file`` for an existing document, ``record`` for a complete structured record whose
    document exists (or is a URL), else None: a bare word or number is not a document."""
    if isinstance(value, Record):
        doc = value.document
        return "record" if "://" in doc or manifest.resolve(doc).is_file() else None
    if field in STRUCTURED_ONLY:
        return None
    return "file" if manifest.resolve(value).is_file() else None


def _record_issue(field: str, value: str | Record) -> str:
    if isinstance(value, Record):
        return f"{field} document not found: {value.document}"
    shown = f"{field} {value!r}"
    if field in STRUCTURED_ONLY:
        return f"{shown} is not a contract: give {{document, party, date, scope}}"
    if "/" in value or "\\" in value or "." in value:  # meant as a file: say which one is gone
        return f"{field} file not found: {value}"
    return f"{shown} is not an existing document: give a file, or {{document, party, date, scope}}"


def _check_source(manifest: Manifest, source: Source) -> tuple[SourceStatus, list[Issue]]:
    issues: list[Issue] = []
    records: dict[str, str] = {}
    for field in RECORD_FIELDS:
        value = getattr(source, field)
        if value is None:
            continue
        kind = _record_kind(manifest, field, value)
        if kind is None:
            issue = Issue(
                clause=TRACE_CLAUSE, source=source.name, message=_record_issue(field, value)
            )
            issues.append(issue)
        else:
            records[field] = kind
    field, what = REQUIRED_RECORD[source.type]
    if getattr(source, field) is None:
        issues.append(
            Issue(
                clause=TRACE_CLAUSE,
                source=source.name,
                message=f"{source.type} source without a {what} ({field})",
            )
        )
    if source.type == "self-collected" and source.robots_honoured is not True:
        said = "not recorded" if source.robots_honoured is None else "not honoured"
        issues.append(
            Issue(
                clause=TRACE_CLAUSE,
                source=source.name,
                message=f"robots.txt / opt-out compliance {said} (robots_honoured)",
            )
        )
    files = manifest.files(source)
    if not files:
        issues.append(
            Issue(
                clause=TRACE_CLAUSE,
                source=source.name,
                message="no file matches " + ", ".join(source.files),
            )
        )
    status = SourceStatus(
        name=source.name,
        type=source.type,
        languages=source.languages,
        modality=source.modality,
        origin=source.origin,
        files=len(files),
        bytes=sum(p.stat().st_size for p in files),
        records=records,
        traceable=not issues,
    )
    return status, issues


def _groups(sources: list[Source], minimum: int) -> tuple[list[Group], list[Issue]]:
    by_pair: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for s in sources:
        for lang in s.languages:
            by_pair[(lang, s.modality)].append(s)
    groups: list[Group] = []
    issues: list[Issue] = []
    for (lang, modality), members in sorted(by_pair.items()):
        domestic = sum(s.origin == "domestic" for s in members)
        foreign = len(members) - domestic
        ok = len(members) >= minimum
        if not ok:
            issues.append(
                Issue(
                    clause=DIVERSITY_CLAUSE,
                    message=f"{lang}/{modality}: {len(members)} source(s), "
                    f"the profile asks for at least {minimum}",
                )
            )
        if foreign and not domestic:
            ok = False
            issues.append(
                Issue(
                    clause=DIVERSITY_CLAUSE,
                    message=f"{lang}/{modality}: only foreign sources; combine them with "
                    "domestic ones",
                )
            )
        groups.append(
            Group(
                language=lang,
                modality=modality,
                sources=[s.name for s in members],
                domestic=domestic,
                foreign=foreign,
                ok=ok,
            )
        )
    return groups, issues


def check_sources(manifest: Manifest, profile: Profile) -> SourcesReport:
    """Traceability of every source and diversity of the register, against ``profile``."""
    minimum = int(profile.quota(DIVERSITY_CLAUSE, MIN_SOURCES_KEY).value)
    statuses: list[SourceStatus] = []
    issues: list[Issue] = []
    for source in manifest.sources:
        status, found = _check_source(manifest, source)
        statuses.append(status)
        issues.extend(found)
    groups, diversity = _groups(manifest.sources, minimum)
    return SourcesReport(
        manifest=str(manifest.path),
        manifest_sha256=manifest.sha256,
        profile=profile.profile,
        min_sources=minimum,
        sources=statuses,
        groups=groups,
        issues=issues + diversity,
    )
