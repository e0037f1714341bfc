"""Attestations: the provider's own answers for clauses software cannot check.

``attestations/attestations.yaml`` holds, per clause, a status, an explanation, evidence files
(relative to the attestations folder) and an alternative measure (§9.1 b). A clause is never
reported as conforming without at least one evidence file that exists; such answers are
downgraded to pending with the reason.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg
from beian.digest import sha256_file
from beian.errors import ConfigError, InputError
from beian.records import ClauseStatus
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
    return save(folder, template(profile))


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


def evidence_refs(folder: Path, paths: list[str]) -> tuple[list[EvidenceRef], list[Msg]]:
    """Resolve evidence paths: existing files become refs (with SHA-256), others are missing."""
    refs: list[EvidenceRef] = []
    missing: list[Msg] = []
    for rel in paths:
        path = (folder / rel).resolve()
        if path.is_file():
            refs.append(EvidenceRef(kind="file", ref=rel, sha256=sha256_file(path)))
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


# --- XLSX questionnaire -------------------------------------------------------------------
# The same answers as attestations.yaml, as a spreadsheet people fill in (and import back).

QUESTIONNAIRE_SHEET = "声明 attestations"
SIGNATORY_SHEET = "签字 signatories"
QUESTIONNAIRE_COLUMNS = (
    ("clause", "条款 clause"),
    ("title", "要求 requirement"),
    ("kind", "核查方式 check"),
    ("status", "结论 status"),
    ("explanation", "说明 explanation"),
    ("evidence", "证据文件 evidence files"),
    ("alternative", "替代措施 alternative"),
)
SIGNATORY_COLUMNS = (
    ("role", "角色 role"),
    ("name", "姓名 name"),
    ("title", "职务 title"),
    ("signed_on", "签字日期 signed on"),
    ("note", "备注 note"),
)
_STATUS_WORDS: dict[str, ClauseStatus] = {
    "conforms": "conforms", "符合": "conforms",
    "nonconforms": "nonconforms", "不符合": "nonconforms", "does not conform": "nonconforms",
    "not_applicable": "not_applicable", "不适用": "not_applicable", "not applicable": "not_applicable",
    "pending": "pending", "待确认": "pending", "": "pending",
}  # fmt: skip
_STATUS_ZH: dict[str, str] = {"conforms": "符合", "nonconforms": "不符合",
                              "not_applicable": "不适用", "pending": "待确认"}  # fmt: skip


def save(folder: Path, att: Attestations) -> Path:
    """Write ``att`` as ``attestations.yaml`` (with the comment header), replacing the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    body = yaml.safe_dump(att.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    path.write_text(_HEADER + body, encoding="utf-8")
    return path


_HEADER = (
    "# 自评估声明 / attestations. status: conforms | nonconforms | not_applicable | pending\n"
    "# evidence: file paths relative to this folder (required for 'conforms');\n"
    "# alternative: an alternative measure with the same effect (§9.1 b); explanation: reasons.\n"
)


def parse_status(value: object, where: str) -> ClauseStatus:
    """A status code from a code or a label (符合 / Conforms …); InputError names ``where``."""
    text = "" if value is None else str(value).strip()
    status = _STATUS_WORDS.get(text) or _STATUS_WORDS.get(text.lower())
    if status is None and text:
        allowed = "符合, 不符合, 不适用, 待确认 (or conforms, nonconforms, not_applicable, pending)"
        raise InputError(f"{where}: status {text!r} is not one of {allowed}")
    return status or "pending"


def export_questionnaire(folder: Path, profile: Profile, path: Path) -> Path:
    """Write the attestations of ``folder`` (or a blank template) as an XLSX questionnaire."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    att = load(folder) or template(profile)
    clauses = {c.id: c for c in profile.clauses}
    ids = [c.id for c in profile.clauses if c.kind != "automatic"]
    ids += sorted(i for i in att.clauses if i not in ids)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = QUESTIONNAIRE_SHEET
    sheet.append([label for _k, label in QUESTIONNAIRE_COLUMNS])
    for cid in ids:
        a = att.clauses.get(cid, Answer())
        c = clauses.get(cid)
        title = c.title_zh if c else ""
        kind = c.kind if c else ""
        sheet.append([cid, title, kind, _STATUS_ZH[a.status], a.explanation,
                      "\n".join(a.evidence), a.alternative])  # fmt: skip
    choices = DataValidation(type="list", formula1='"符合,不符合,不适用,待确认"', allow_blank=True)
    sheet.add_data_validation(choices)
    choices.add(f"D2:D{len(ids) + 1}")
    for col, width in zip("ABCDEFG", (9, 48, 12, 10, 40, 32, 32), strict=True):
        sheet.column_dimensions[col].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE3EA")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.data_type = "s" if cell.value is not None else cell.data_type
    sheet.freeze_panes = "B2"
    signers = book.create_sheet(SIGNATORY_SHEET)
    signers.append([label for _k, label in SIGNATORY_COLUMNS])
    for role in SIGNATORY_ROLES:
        s = att.signatories.get(role, Signatory())
        signers.append(
            [role, s.name, s.title, s.signed_on.isoformat() if s.signed_on else "", s.note]
        )
    for col, width in zip("ABCDE", (22, 16, 22, 14, 40), strict=True):
        signers.column_dimensions[col].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _rows(
    book: Any, name: str, columns: tuple[tuple[str, str], ...], path: Path
) -> list[tuple[int, dict[str, object]]]:
    """Non-empty rows of sheet ``name`` keyed by column key; headers may be key or label."""
    if name not in book.sheetnames:
        return []
    rows = list(book[name].iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h or "").strip() for h in rows[0]]
    index: dict[str, int] = {}
    for key, label in columns:
        for i, h in enumerate(header):
            if h in (label, key) or h.split(" ")[-1] == key:
                index[key] = i
    first_key, first_label = columns[0]
    if first_key not in index:
        raise InputError(f"{path.name}: sheet {name!r} has no {first_label!r} column")
    out = []
    for n, row in enumerate(rows[1:], start=2):
        values = {k: (row[i] if i < len(row) else None) for k, i in index.items()}
        if any(v not in (None, "") for v in values.values()):
            out.append((n, values))
    return out


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _signed_on(value: object, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a date (use YYYY-MM-DD)") from None


def import_questionnaire(path: Path, folder: Path, profile: Profile | None = None) -> Path:
    """Read an XLSX questionnaire and write its answers to ``folder/attestations.yaml``.

    Clauses in the sheet replace those in the file; others are kept. Signatories are taken
    from the signatory sheet when it is there. Errors name the sheet and row, on one line.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not a readable XLSX file ({exc.__class__.__name__})") from None
    if QUESTIONNAIRE_SHEET not in book.sheetnames:
        raise InputError(f"{path.name}: no sheet {QUESTIONNAIRE_SHEET!r}")
    att = load(folder) or Attestations()
    known = {c.id for c in profile.clauses} if profile else None
    clauses = dict(att.clauses)
    for n, row in _rows(book, QUESTIONNAIRE_SHEET, QUESTIONNAIRE_COLUMNS, path):
        where = f"{path.name}: {QUESTIONNAIRE_SHEET} row {n}"
        cid = _text(row.get("clause"))
        if not cid or (known is not None and cid not in known):
            raise InputError(f"{where}: unknown clause {cid!r}")
        evidence = [
            p.strip() for p in re.split(r"[\n;；]", _text(row.get("evidence"))) if p.strip()
        ]
        clauses[cid] = Answer(status=parse_status(row.get("status"), where),
                              explanation=_text(row.get("explanation")), evidence=evidence,
                              alternative=_text(row.get("alternative")))  # fmt: skip
    signatories = dict(att.signatories)
    for n, row in _rows(book, SIGNATORY_SHEET, SIGNATORY_COLUMNS, path):
        where = f"{path.name}: {SIGNATORY_SHEET} row {n}"
        role = _text(row.get("role"))
        if role not in SIGNATORY_ROLES:
            raise InputError(f"{where}: role {role!r} is not one of {', '.join(SIGNATORY_ROLES)}")
        signatories[role] = Signatory(name=_text(row.get("name")), title=_text(row.get("title")),
                                      signed_on=_signed_on(row.get("signed_on"), where),
                                      note=_text(row.get("note")))  # fmt: skip
    book.close()
    return save(folder, Attestations(signatories=signatories, clauses=clauses))
