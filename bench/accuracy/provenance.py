"""Which shared-data folders a component was trained or tuned on, read from its metadata.

Looked up at run time, so a retrained model is judged on what it actually saw:

1. ``train_sources`` (a list of folder names such as ``"cold"``) in the registry entry or in
   the component's model metadata;
2. otherwise the ``sources[].name`` entries of that metadata (``"cold/train.csv"``,
   ``"bench/corpus.jsonl.gz (benign chunks)"``): their leading folder;
3. for the keyword detector, the starter library's ``build_stats.json`` ``curation.tuned_on``.

Matching is by folder, on purpose: a model trained on COLD's train split has seen COLD's
annotators, topics and style, so its COLD test figure does not predict an unseen source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

from bench.accuracy.devsets import SOURCES

META_ATTRS = ("meta", "metadata", "model_meta")
MODEL_ATTRS = ("model", "_model")


def folders() -> list[str]:
    """Every folder a dev source reads, longest first (so ``s-eval`` wins over ``s``)."""
    return sorted({s.folder for s in SOURCES}, key=len, reverse=True)


def folder_of(name: str) -> str | None:
    """The dev-source folder a training entry names, or ``None``."""
    for folder in folders():
        if re.search(rf"(^|[/\s(]){re.escape(folder)}($|[/\s)])", name):
            return folder
    return None


def _as_dict(meta: Any) -> dict[str, Any] | None:
    if meta is None:
        return None
    if isinstance(meta, Mapping):
        return dict(meta)
    dump = getattr(meta, "model_dump", None)
    return dict(dump(mode="json")) if callable(dump) else None


def component_meta(component: Any) -> dict[str, Any] | None:
    """Model metadata reachable from a component (``.meta`` or ``.model.meta``)."""
    for holder in (component, *(getattr(component, a, None) for a in MODEL_ATTRS)):
        for attr in META_ATTRS:
            meta = _as_dict(getattr(holder, attr, None))
            if meta:
                return meta
    return None


def packaged_meta(name: str) -> dict[str, Any] | None:
    """``beian/detect/<name>/model/model.json`` (or ``model.json`` beside it), if shipped."""
    try:
        base = resources.files("beian").joinpath("detect", name)
        for path in (base.joinpath("model", "model.json"), base.joinpath("model.json")):
            if path.is_file():
                return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ModuleNotFoundError):
        return None
    return None


def meta_entries(meta: Mapping[str, Any]) -> list[str]:
    """The training entries a metadata dict names (``train_sources`` first)."""
    if meta.get("train_sources"):
        return [str(s) for s in meta["train_sources"]]
    entries = meta.get("sources") or []
    return [str(e.get("name", "")) if isinstance(e, Mapping) else str(e) for e in entries]


def keyword_entries() -> list[str]:
    """What the starter keyword library was tuned on (its build statistics)."""
    path = resources.files("beian").joinpath("demo", "keywords", "build_stats.json")
    try:
        stats = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    tuned = (stats.get("curation") or {}).get("tuned_on")
    return [str(tuned)] if tuned else []


def _registry_entries(name: str) -> list[str]:
    from beian.registry import registry

    try:
        extra = registry.get("detector", name).extra
    except Exception:  # an unregistered name simply has no declaration
        return []
    return [str(s) for s in extra.get("train_sources") or []]


def entries_of(name: str, component: Any) -> list[str]:
    """Training entries of one component, by the rules of the module docstring."""
    declared = _registry_entries(name)
    if declared:
        return declared
    meta = component_meta(component) or packaged_meta(name)
    if meta:
        return meta_entries(meta)
    return keyword_entries() if name == "keyword" else []


def train_sources(names: Sequence[str], components: Iterable[Any]) -> dict[str, list[str]]:
    """Folder → ``"<component>: <entry>"`` lines, over the named components."""
    out: dict[str, list[str]] = {}
    for name, component in zip(names, components, strict=False):
        for entry in entries_of(name, component):
            folder = folder_of(entry) or (entry if entry in folders() else None)
            if folder is not None:
                out.setdefault(folder, []).append(f"{name}: {entry}")
    return out
