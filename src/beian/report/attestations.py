"""Attestations: the provider's own answers for clauses software cannot check.

``attestations/attestations.yaml`` holds, per clause, a status, an explanation, evidence files
(relative to the attestations folder) and an alternative measure (§9.1 b). A clause is never
reported as conforming without at least one evidence file that exists; such answers are
downgraded to pending with the reason.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from beian.errors import ConfigError
from beian.records import ClauseStatus
from beian.report.evidence import ClauseEvidence, EvidenceRef, Msg
from beian.standard import Profile

FILE_NAME = "attestations.yaml"
Role = Literal["legal_representative", "assessment_lead", "legality_lead"]
SIGNATORY_ROLES: tuple[Role, ...] = ("legal_representative", "assessment_lead", "legality_lead")


class Answer(BaseModel):
    """The provider's answer for one clause."""

    model_config = ConfigDict(extra="forbid")

    status: ClauseStatus = "pending"
    explanation: str = ""
    evidence: list[str] = []
    alternative: str = ""


class Signatory(BaseModel):
    """One of the people who sign the self-assessment report (§9.1 d)."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    title: str = ""
    signed_on: date | None = None
    note: str = ""


class Attestations(BaseModel):
    """The whole attestation file."""

    model_config = ConfigDict(extra="forbid")

    signatories: dict[Role, Signatory] = {}
    clauses: dict[str, Answer] = {}


def template(profile: Profile) -> Attestations:
    """An attestation file with every attestation/review clause pending, for people to fill."""
    return Attestations(
        signatories={role: Signatory() for role in SIGNATORY_ROLES},
        clauses={c.id: Answer() for c in profile.clauses if c.kind != "automatic"},
    )


def write_template(folder: Path, profile: Profile) -> Path:
    """Write ``attestations.yaml`` (with a comment header) unless it already exists."""
    path = folder / FILE_NAME
    if path.exists():
        return path
    header = (
        "# 自评估声明 / attestations. status: conforms | nonconforms | not_applicable | pending\n"
        "# evidence: file paths relative to this folder (required for 'conforms');\n"
        "# alternative: an alternative measure with the same effect (§9.1 b); explanation: reasons.\n"
    )
    body = yaml.safe_dump(
        template(profile).model_dump(mode="json"), allow_unicode=True, sort_keys=False
    )
    path.write_text(header + body, encoding="utf-8")
    return path


def load(folder: Path) -> Attestations | None:
    """Read the attestation file of a workspace, or ``None`` when there is none."""
    path = folder / FILE_NAME
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Attestations.model_validate(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def evidence_refs(folder: Path, paths: list[str]) -> tuple[list[EvidenceRef], list[Msg]]:
    """Resolve evidence paths: existing files become refs (with SHA-256), others are missing."""
    refs: list[EvidenceRef] = []
    missing: list[Msg] = []
    for rel in paths:
        path = (folder / rel).resolve()
        if path.is_file():
            refs.append(EvidenceRef(kind="file", ref=rel, sha256=_sha256(path)))
        else:
            missing.append(Msg(zh=f"证据文件不存在：{rel}", en=f"evidence file not found: {rel}"))
    return refs, missing


def conclude(clause: str, answer: Answer | None, folder: Path) -> ClauseEvidence:
    """Turn one answer into a clause conclusion, refusing 'conforms' without evidence."""
    section = "attestations"
    if answer is None or answer.status == "pending":
        why = Msg(zh="尚无声明或仍待填写", en="no attestation yet, or still pending")
        return ClauseEvidence(
            clause=clause, status="pending", section=section, summary=why, missing=[why]
        )
    refs, missing = evidence_refs(folder, answer.evidence)
    status: ClauseStatus = answer.status
    if status == "conforms" and (missing or not refs):
        status = "pending"
        if not answer.evidence:
            missing.append(
                Msg(
                    zh="声明符合但未提供证据文件", en="marked conforming but no evidence file given"
                )
            )
    if status == "not_applicable" and not answer.explanation.strip():
        status = "pending"
        missing.append(Msg(zh="不适用须说明理由", en="not applicable needs a reason"))
    summary = Msg(
        zh=answer.explanation or "依据声明及证据文件",
        en=answer.explanation or "per attestation and evidence files",
    )
    return ClauseEvidence(
        clause=clause,
        status=status,
        section=section,
        summary=summary,
        evidence=refs,
        missing=missing,
        alternative=answer.alternative,
        explanation=answer.explanation,
    )


def signed_count(att: Attestations) -> int:
    """How many of the three signatories have a name and a signing date."""
    return sum(1 for s in att.signatories.values() if s.name.strip() and s.signed_on is not None)
