"""Small workspaces for the verdict tests: each reproduces one finding of regulatory.md §3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from beian.assess import assess
from beian.assess.evidence import ClauseEvidence
from beian.store import open_store
from beian.workspace import load_workspace


def assessed(root: Path) -> dict[str, ClauseEvidence]:
    """Run ``beian assess`` on ``root``: one conclusion per clause id."""
    ws = load_workspace(root)
    outcome = assess(ws, open_store(ws.store_url()))
    return {c.clause: c for c in outcome.clauses}


def use_profile(root: Path, patch: str, remove: tuple[str, ...] = ()) -> None:
    """Point the workspace at a profile extending TC260-003 with ``patch`` (YAML text) and
    without the clauses in ``remove``."""
    gone = f"clauses_remove: {list(remove)}\n" if remove else ""
    (root / "small.yaml").write_text(
        "extends: tc260-003-2024\nprofile: small\n" + gone + "clauses_patch:\n" + patch, "utf-8"
    )
    cfg = (root / "beian.toml").read_text("utf-8")
    (root / "beian.toml").write_text(
        cfg.replace('profile = "tc260-003-2024"', 'profile = "small.yaml"'), "utf-8"
    )


def add_config(root: Path, text: str) -> None:
    """Append TOML to the workspace's beian.toml."""
    path = root / "beian.toml"
    path.write_text(path.read_text("utf-8") + "\n" + text + "\n", "utf-8")


def attest(root: Path, clauses: dict[str, Any], signed: bool = False) -> None:
    """Write attestations/attestations.yaml (optionally with the three signatures)."""
    data: dict[str, Any] = {"clauses": clauses}
    if signed:
        data["signatories"] = {
            role: {"name": name, "signed_on": "2026-12-01"}
            for role, name in (
                ("legal_representative", "张三"),
                ("assessment_lead", "李四"),
                ("legality_lead", "王五"),
            )
        }
    folder = root / "attestations"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "attestations.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def evidence_file(root: Path, name: str, body: str = "evidence") -> str:
    """An evidence file under attestations/ (its path relative to that folder)."""
    path = root / "attestations" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, "utf-8")
    return name


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
