"""The dossier of a record: files written by ``beian assess`` / ``beian report``, by SHA-256.

Attaching a run folder (``runs/<id>``) takes ``assessment.json`` and everything under
``report/`` (report PDF/HTML/Markdown/JSON, filing draft, XLSX attachments 附件4/附件5,
samples), plus the workspace's attestation file and questionnaire when the run folder is
inside a workspace. Re-hashing later shows whether a file changed after it was attached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from beian.digest import sha256_file
from beian.errors import InputError

_ROLES: tuple[tuple[str, str], ...] = (
    ("assessment.json", "assessment"),
    ("run.json", "run_facts"),
    ("report.", "report"),
    ("filing.", "filing_draft"),
    ("附件4", "annex4"),
    ("annex4", "annex4"),
    ("附件5", "annex5"),
    ("annex5", "annex5"),
    ("抽样", "samples"),
    ("samples", "samples"),
    ("questionnaire", "questionnaire"),
    ("问卷", "questionnaire"),
    ("attestations.yaml", "attestations"),
)


@dataclass(frozen=True)
class DossierFile:
    """A file to attach."""

    path: Path
    role: str
    sha256: str
    size: int


def role_of(path: Path) -> str:
    """What a dossier file is, from its name."""
    name = path.name.lower()
    return next((role for prefix, role in _ROLES if name.startswith(prefix.lower())), "other")


def _files(folder: Path) -> list[Path]:
    if (folder / "assessment.json").is_file():
        picked = [folder / "assessment.json"]
        report = folder / "report"
        if report.is_dir():
            picked += sorted(p for p in report.rglob("*") if p.is_file())
        workspace = folder.parent.parent
        for extra in ("attestations/attestations.yaml", "attestations/questionnaire.xlsx"):
            if (workspace / "beian.toml").is_file() and (workspace / extra).is_file():
                picked.append(workspace / extra)
        return picked
    return sorted(p for p in folder.rglob("*") if p.is_file())


def run_id_of(paths: list[Path]) -> str:
    """The assessment run the files belong to (from assessment.json), or ''."""
    for path in paths:
        if path.name == "assessment.json":
            try:
                return str(json.loads(path.read_text("utf-8")).get("run_id", ""))
            except (OSError, ValueError):
                return ""
    return ""


def collect(paths: list[Path]) -> list[DossierFile]:
    """Files to attach for ``paths`` (run folders, other folders, single files)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += _files(path)
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not found:
        raise InputError("nothing to attach: the folder(s) hold no files")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return [DossierFile(p, role_of(p), sha256_file(p), p.stat().st_size) for p in unique]


def recheck(path: str, sha256: str) -> str:
    """ok | changed | missing: the attached file now."""
    p = Path(path)
    if not p.is_file():
        return "missing"
    return "ok" if sha256_file(p) == sha256 else "changed"
