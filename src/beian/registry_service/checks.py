"""The automatic check of a submitted dossier: digests, completeness, the report's verdicts.

Each finding is an error (the dossier cannot be accepted until a new version fixes it), a
warning (shown to the reviewer, who decides) or ok. What is required per filing type is data
(``data/requirements.yaml``), not code.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from beian.filing.dossier import role_of
from beian.filing.numbers import normalise

Level = Literal["error", "warning", "ok"]


class Requirement(BaseModel):
    """What one filing type needs in its dossier."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    required: list[str]
    expected: list[str] = []
    pending_is: Literal["error", "warning"] = "warning"


@dataclass(frozen=True, slots=True)
class Upload:
    """A received file with the SHA-256 its sender declared."""

    name: str
    data: bytes
    declared: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def role(self) -> str:
        return role_of(Path(PurePosixPath(self.name).name))


@dataclass(frozen=True, slots=True)
class Finding:
    level: Level
    code: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "code": self.code, "zh": self.zh, "en": self.en}


@cache
def requirements() -> dict[str, Requirement]:
    """Per filing type, from the packaged data file."""
    text = resources.files("beian.registry_service").joinpath("data/requirements.yaml")
    raw: dict[str, Any] = yaml.safe_load(text.read_text("utf-8"))
    return {k: Requirement.model_validate(v) for k, v in raw.items()}


def _digests(files: list[Upload]) -> list[Finding]:
    out = []
    for f in files:
        if f.declared.lower() != f.sha256:
            out.append(Finding(
                "error", "digest",
                f"{f.name}：SHA-256 与申报值不符（申报 {f.declared or '无'}，实际 {f.sha256}）",
                f"{f.name}: SHA-256 differs from the declared one "
                f"(declared {f.declared or 'none'}, received {f.sha256})",
            ))  # fmt: skip
    return out


def _completeness(files: list[Upload], need: Requirement) -> list[Finding]:
    roles = {f.role for f in files}
    out = []
    for role in need.required:
        if role not in roles:
            out.append(Finding("error", "missing", f"缺少必需材料：{role}",
                               f"required file missing: {role}"))  # fmt: skip
    for role in need.expected:
        if role not in roles:
            out.append(Finding("warning", "missing", f"未提交材料：{role}（请审核员确认）",
                               f"file not submitted: {role} (reviewer to confirm)"))  # fmt: skip
    return out


def _report(files: list[Upload]) -> dict[str, Any] | None:
    for f in files:
        if f.role == "report" and f.name.lower().endswith(".json"):
            try:
                found = json.loads(f.data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return None
            return found if isinstance(found, dict) else None
    return None


def _verdicts(report: dict[str, Any], need: Requirement, model_name: str) -> list[Finding]:
    out = []
    unexplained = [
        str(c.get("id")) for c in report.get("clauses", [])
        if c.get("status") == "nonconforms" and not str(c.get("explanation") or "").strip()
    ]  # fmt: skip
    if unexplained:
        ids = ", ".join(unexplained)
        out.append(Finding("error", "nonconforms", f"不符合条款未作说明：{ids}",
                           f"clauses not conforming without explanation: {ids}"))  # fmt: skip
    signed, required = int(report.get("signed", 0)), int(report.get("signatories_required", 0))
    if signed < required:
        out.append(Finding("error", "draft", f"报告为草稿：已签字 {signed}/{required}",
                           f"the report is a draft: signed {signed}/{required}"))  # fmt: skip
    pending = int(report.get("totals", {}).get("pending", 0))
    if pending:
        out.append(Finding(need.pending_is, "pending", f"评估未完成：{pending} 个条款待确认",
                           f"assessment not complete: {pending} clauses pending"))  # fmt: skip
    service = str(report.get("service") or "")
    if normalise(service).casefold() != normalise(model_name).casefold():
        out.append(Finding(
            "error", "name", f"报告中的服务名称“{service}”与申报名称“{model_name}”不一致",
            f"the report names the service {service!r}, the application {model_name!r}",
        ))  # fmt: skip
    return out


def check(files: list[Upload], filing_type: str, model_name: str) -> list[Finding]:
    """Every finding on a version's files (an empty error list means it may be accepted)."""
    need = requirements()[filing_type]
    found = _digests(files) + _completeness(files, need)
    names = [f.name for f in files]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        found.append(Finding("error", "duplicate", f"文件名重复：{', '.join(dupes)}",
                             f"file names repeated: {', '.join(dupes)}"))  # fmt: skip
    report = _report(files)
    if report is None:
        found.append(Finding("error", "report", "缺少或无法读取 report.json",
                             "report.json missing or unreadable"))  # fmt: skip
    else:
        found += _verdicts(report, need, model_name)
    if not any(f.level == "error" for f in found):
        found.append(Finding("ok", "ok", "自动检查通过", "automatic check passed"))
    return found


def errors(checks: list[dict[str, str]]) -> list[dict[str, str]]:
    return [c for c in checks if c.get("level") == "error"]


def run_id_of(files: list[Upload]) -> str:
    """The assessment run the dossier comes from (assessment.json), or ''."""
    for f in files:
        if f.role == "assessment":
            try:
                return str(json.loads(f.data.decode("utf-8")).get("run_id", ""))[:60]
            except (UnicodeDecodeError, ValueError, AttributeError):
                return ""
    return ""
