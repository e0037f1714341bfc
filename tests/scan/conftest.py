"""Helpers for the corpus-scan tests: small manifests and corpora written into tmp_path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from beian.standard import Profile, load_profile

PHONE = "请拨打手机 13812345678 联系我。"
"""A text the pii detector flags (A.4.f) without any model."""


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def source_yaml(name: str, files: list[str], **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": name,
        "type": "open-source",
        "languages": ["zh"],
        "modality": "text",
        "origin": "domestic",
        "licence": "LICENSE",
        "files": files,
    }
    entry.update(extra)
    return entry


ManifestFactory = Callable[..., Path]


@pytest.fixture
def make_manifest(tmp_path: Path) -> ManifestFactory:
    """``make_manifest(sources=[...])`` writes corpus/manifest.yaml (and a LICENSE)."""
    import yaml

    def make(sources: list[dict[str, Any]], folder: str = "corpus") -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True, exist_ok=True)
        (root / "LICENSE").write_text("licence text\n", "utf-8")
        path = root / "manifest.yaml"
        path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")
        return path

    return make


@pytest.fixture
def profile() -> Profile:
    return load_profile()


def corpus_rows(n: int, prefix: str, every: int = 0) -> list[dict[str, Any]]:
    """``n`` rows; every ``every``-th one (if > 0) carries a phone number."""
    rows = []
    for i in range(n):
        text = PHONE if every and i % every == 0 else f"第{i}段：今天天气很好，我们去公园散步。"
        rows.append({"id": f"{prefix}-{i}", "text": text})
    return rows
