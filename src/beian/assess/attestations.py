"""Attestations: the provider's own answers for clauses software cannot check.

``attestations/attestations.yaml`` holds, per clause, a status, an explanation, evidence files
(relative to the attestations folder) and an alternative measure (§9.1 b). A clause is never
reported as conforming without at least one evidence file that exists; such answers are
downgraded to pending with the reason.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg
from beian.digest import sha256_file
from beian.errors import ConfigError, InputError
from beian.library.io import cell_date
from beian.records import ClauseStatus
from beian.standard import Profile

M = TypeVar("M", bound=BaseModel)

FILE_NAME = "attestations.yaml"
Role = Literal["legal_representative", "assessment_lead", "legality_lead"]
SIGNATORY_ROLES: tuple[Role, ...] = ("legal_representative", "assessment_lead", "legality_lead")


class Alternative(BaseModel):
    """An alternative measure (§9.1 b 2): what is done instead, and proof that it works."""

    model_config = ConfigDict(extra="forbid")

    measure: str = Field(min_length=1)
    evidence: list[str] = []
    """Files (relative to the attestations folder) that show the measure's effect."""
    effect: str = ""
    """What the evidence shows, in one or two sentences."""


class MonitoringStaff(BaseModel):
    """7.g 2): the monitoring staff (监看人员) and the scale they are matched to."""

    model_config = ConfigDict(extra="forbid")

    headcount: int = Field(ge=0)
    scale: str = Field(min_length=1)
    """The service scale the headcount is matched to, e.g. "日活约 5 万，峰值 20 次/秒"."""
    hours: str = ""
    """When the monitors are on duty, e.g. "7×24, three shifts"."""
    roster: list[str] = []
    """Roster, duty schedule or contract files (relative to the attestations folder)."""


class Answer(BaseModel):
    """The provider's answer for one clause."""

    model_config = ConfigDict(extra="forbid")

    status: ClauseStatus = "pending"
    explanation: str = ""
    """The reasons: required for 不符合 and 不适用 (§9.1 b 2, 3)."""
    evidence: list[str] = []
    alternative: str | Alternative = ""
    """A bare string is a measure without proof: the answer stays pending until evidence of
    the measure's effect is given (``{measure, evidence, effect}``)."""
    monitoring_staff: MonitoringStaff | None = None
    """7.g only: the monitoring-staff half of the clause."""
    explicit_labels: dict[str, list[str]] = {}
    """7.d only: label sample (relative to ``labels/``) → evidence files showing its visible
    label (screenshot, player capture), for samples the verifier cannot check itself."""

    @property
    def measure(self) -> str:
        """The alternative measure's text ("" when there is none)."""
        return (
            self.alternative.measure
            if isinstance(self.alternative, Alternative)
            else (self.alternative)
        )


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


PART_ATTESTED = ("7.d", "7.g")
"""Automatic clauses with a half only the provider can attest (7.d visible labels the verifier
cannot read, 7.g monitoring staff)."""


def attestable(profile: Profile) -> list[str]:
    """Clauses the provider answers: attestation/review clauses, automatic clauses no software
    check concludes on (5.1 d, 9.1 c), and the partly attested ones (``PART_ATTESTED``). Any
    other clause may still be attested 不适用 or 不符合 with a reason."""
    from beian.assess.derived import DERIVED
    from beian.registry import registry

    checked = set(DERIVED) | {"9.1.b"}
    for info in registry.plugins("report_section"):
        if info.name != "attestations":
            section, _spec = registry.create("report_section", info.name)
            checked |= set(section.clauses(profile))
    # clauses with structured fields are answered in obligations.yaml, not here
    return [
        c.id
        for c in profile.clauses
        if not c.fields and (c.kind != "automatic" or c.id not in checked or c.id in PART_ATTESTED)
    ]


def template(profile: Profile) -> Attestations:
    """An attestation file with every clause the provider answers pending, for people to fill."""
    return Attestations(
        signatories={role: Signatory() for role in SIGNATORY_ROLES},
        clauses={cid: Answer() for cid in attestable(profile)},
    )


def write_template(folder: Path, profile: Profile) -> Path:
    """Write ``attestations.yaml`` (with a comment header) unless it already exists."""
    path = folder / FILE_NAME
    if path.exists():
        return path
    return save(folder, template(profile))


def read_model(path: Path, model: type[M]) -> M:
    """``path`` (YAML) validated as ``model``; a ConfigError naming the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return model.model_validate(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


def load(folder: Path) -> Attestations | None:
    """Read the attestation file of a workspace, or ``None`` when there is none."""
    path = folder / FILE_NAME
    return read_model(path, Attestations) if path.is_file() else None


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
    """Turn one answer into a clause conclusion (§9.1 b).

    符合 needs an existing evidence file; 不符合 and 不适用 need a reason; an alternative measure
    needs existing evidence of its effect. An answer short of that stays pending, with why.
    """
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
    if status in ("not_applicable", "nonconforms") and not answer.explanation.strip():
        status = "pending"
        word = "不适用" if answer.status == "not_applicable" else "不符合"
        missing.append(
            Msg(
                zh=f"{word}须说明理由（explanation）",
                en=f"{answer.status.replace('_', ' ')} needs a reason (explanation)",
            )
        )
    alt_refs, alt_missing = _alternative(answer, folder)
    if alt_missing and status != "pending":
        status = "pending"
    summary = Msg(
        zh=answer.explanation or "依据声明及证据文件",
        en=answer.explanation or "per attestation and evidence files",
    )
    return ClauseEvidence(
        clause=clause,
        status=status,
        section=section,
        summary=summary,
        evidence=refs + alt_refs,
        missing=missing + alt_missing,
        alternative=answer.measure,
        explanation=answer.explanation,
    )


def _alternative(answer: Answer, folder: Path) -> tuple[list[EvidenceRef], list[Msg]]:
    """Evidence of an alternative measure's effect, and what is missing of it."""
    if not answer.measure.strip():
        return [], []
    paths = answer.alternative.evidence if isinstance(answer.alternative, Alternative) else []
    refs, missing = evidence_refs(folder, paths)
    refs = [r.model_copy(update={"note": "alternative measure: evidence of effect"}) for r in refs]
    if not paths:
        missing.append(
            Msg(
                zh="替代措施须提供其效果的证据（alternative.evidence）",
                en="an alternative measure needs evidence of its effect (alternative.evidence)",
            )
        )
    return refs, missing


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
    ("alternative_evidence", "替代措施效果证据 alternative_evidence"),
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
    data = att.model_dump(mode="json")
    for answer in data["clauses"].values():  # structured parts only where they are used
        for key in ("monitoring_staff", "explicit_labels"):
            if not answer.get(key):
                answer.pop(key, None)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(_HEADER + body, encoding="utf-8")
    return path


_HEADER = (
    "# 自评估声明 / attestations. status: conforms | nonconforms | not_applicable | pending\n"
    "# evidence: file paths relative to this folder (required for 'conforms');\n"
    "# explanation: reasons (required for nonconforms and not_applicable);\n"
    "# alternative: {measure, evidence: [files showing its effect], effect} (§9.1 b 2).\n"
    "# See docs/attestations.md for 7.g monitoring_staff and 7.d explicit_labels.\n"
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
    ids = attestable(profile)
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
                      "\n".join(a.evidence), a.measure, "\n".join(_alt_files(a))])  # fmt: skip
    choices = DataValidation(type="list", formula1='"符合,不符合,不适用,待确认"', allow_blank=True)
    sheet.add_data_validation(choices)
    choices.add(f"D2:D{len(ids) + 1}")
    for col, width in zip("ABCDEFGH", (9, 48, 12, 10, 40, 32, 32, 32), strict=True):
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


def _files(value: object) -> list[str]:
    return [p.strip() for p in re.split(r"[\n;；]", _text(value)) if p.strip()]


def _alt_files(answer: Answer) -> list[str]:
    return answer.alternative.evidence if isinstance(answer.alternative, Alternative) else []


def _alt_answer(row: dict[str, object]) -> str | Alternative:
    measure, files = _text(row.get("alternative")), _files(row.get("alternative_evidence"))
    return Alternative(measure=measure, evidence=files) if measure and files else measure


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


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
        before = clauses.get(cid) or Answer()
        # The sheet carries the flat fields; structured ones (7.g staff, 7.d labels) are kept.
        clauses[cid] = before.model_copy(update={
            "status": parse_status(row.get("status"), where),
            "explanation": _text(row.get("explanation")), "evidence": _files(row.get("evidence")),
            "alternative": _alt_answer(row),
        })  # fmt: skip
    signatories = dict(att.signatories)
    for n, row in _rows(book, SIGNATORY_SHEET, SIGNATORY_COLUMNS, path):
        where = f"{path.name}: {SIGNATORY_SHEET} row {n}"
        role = _text(row.get("role"))
        if role not in SIGNATORY_ROLES:
            raise InputError(f"{where}: role {role!r} is not one of {', '.join(SIGNATORY_ROLES)}")
        signatories[role] = Signatory(name=_text(row.get("name")), title=_text(row.get("title")),
                                      signed_on=cell_date(row.get("signed_on"), where),
                                      note=_text(row.get("note")))  # fmt: skip
    book.close()
    return save(folder, Attestations(signatories=signatories, clauses=clauses))
