"""One detection setup per workspace, resolved once and used by every entry point.

``detect``, ``judge``, ``corpus``, ``eval``, ``library check``, ``assess`` and the gateway all
ask :func:`resolve_setup` which detectors, keyword library, detector options and scoring to use,
so the same workspace can never be judged with the starter list by one command and with its
own library by another (ux.md F02, F11, F32). Every run records :meth:`DetectionSetup.digest`:
a fingerprint over the detector names and options, the scoring, and the CONTENT of the keyword
library and of the shipped models, so a figure can always be traced to what produced it.

``beian.toml``::

    [detection]
    detectors = ["keyword", "solicit", "harm"]   # the default
    library = "keywords"                         # default: the workspace's keywords folder
    [detection.options.harm]
    model = "models/harm-2026-11"                # a user-trained model directory
    [detection.scoring]
    threshold = 0.5
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from beian.detect.defaults import DEFAULT_DETECTORS
from beian.digest import tree_digest
from beian.errors import ConfigError

if TYPE_CHECKING:
    from beian.detect.detector_set import DetectorSet, ScoringOptions
    from beian.workspace import Workspace

LIBRARY_SUFFIXES = frozenset({".csv", ".xlsx", ".jsonl", ".json", ".txt"})


class DetectionConfig(BaseModel):
    """The ``[detection]`` table of ``beian.toml``."""

    model_config = ConfigDict(extra="forbid")

    detectors: list[str] | None = None
    """Detector names; ``None`` follows beian's current default (keyword, solicit, harm)."""
    library: str | None = None
    """Keyword library file or folder, relative to the workspace; default: its keywords folder
    when that holds a library, else the starter library shipped with beian."""
    options: dict[str, dict[str, Any]] = {}
    """Per-detector options, e.g. ``{"harm": {"model": "models/harm"}}``."""
    scoring: dict[str, Any] = {}
    """:class:`~beian.detect.detector_set.ScoringOptions` fields."""


@dataclass(frozen=True)
class DetectionSetup:
    """A resolved setup: build detectors and judges from it, record its digest with every run."""

    detectors: tuple[str, ...]
    options: Mapping[str, Mapping[str, Any]]
    scoring: Mapping[str, Any] = field(default_factory=dict)
    library: str | None = None
    """Absolute path of the keyword library, or ``None`` for the starter library."""
    origin: str = "beian defaults"

    def detector_set(self) -> DetectorSet:
        """A DetectorSet over this setup."""
        from beian.detect.detector_set import DetectorSet

        return DetectorSet.from_names(
            list(self.detectors), self.detector_options(), scoring=self.scoring_options()
        )

    def scoring_options(self) -> ScoringOptions:
        """The scoring rule (validated)."""
        from beian.detect.detector_set import ScoringOptions

        return ScoringOptions(**dict(self.scoring))

    def detector_options(self) -> dict[str, dict[str, Any]]:
        """Options per detector, the keyword library filled in."""
        out = {name: dict(self.options.get(name, {})) for name in self.detectors}
        if "keyword" in out and self.library is not None:
            out["keyword"].setdefault("library", self.library)
        return out

    def describe(self) -> dict[str, Any]:
        """What the report and run records show: names, library, origin, digest."""
        return {
            "detectors": list(self.detectors),
            "library": self.library or "starter (shipped with beian)",
            "origin": self.origin,
            "digest": self.digest(),
        }

    def digest(self) -> str:
        """SHA-256 over names, options, scoring and the content of library and models."""
        options = self.detector_options()
        body = {
            "detectors": list(self.detectors),
            "options": _without_paths(options),
            "scoring": self.scoring_options().model_dump(mode="json"),
            "components": {n: component_fingerprint(n, options[n]) for n in self.detectors},
        }
        text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _without_paths(options: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Options with path values left out: their CONTENT is fingerprinted instead."""
    return {
        name: {k: v for k, v in opts.items() if k not in {"library", "model"}}
        for name, opts in options.items()
    }


def component_fingerprint(name: str, options: Mapping[str, Any]) -> str:
    """What makes detector ``name`` behave as it does: plugin version and data digests."""
    from beian.registry import registry

    parts = [f"{name}@{registry.get('detector', name).version}"]
    for key in ("library", "model"):
        if options.get(key):
            parts.append(f"{key}={tree_digest(Path(str(options[key])))}")
    if name == "harm" and not options.get("model"):
        from beian.detect.harm.model import load_harm_model

        parts.append(f"model={load_harm_model().classifier.meta.weights_sha256}")
    if name == "classifier" and not options.get("model"):
        from beian.detect.classifier.model import load_model

        parts.append(f"model={load_model().meta.weights_sha256}")
    if name == "keyword" and not options.get("library"):
        from beian.library.starter import starter_dir

        parts.append(f"library=starter:{tree_digest(starter_dir('keywords'))}")
    return ";".join(parts)


def workspace_library(ws: Workspace, configured: str | None) -> str | None:
    """The workspace's keyword library path, or ``None`` (starter) when it has none."""
    if configured is not None:
        path = (ws.root / configured).resolve()
        if not path.exists():
            raise ConfigError(f"{ws.root}: [detection] library {configured!r} does not exist")
        return str(path)
    folder = ws.path("keywords")
    if folder.is_dir() and any(p.suffix.lower() in LIBRARY_SUFFIXES for p in folder.iterdir()):
        return str(folder)
    return None


def _workspace_options(
    ws: Workspace, options: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Options with relative ``model``/``library`` paths made absolute against the workspace."""
    out: dict[str, dict[str, Any]] = {}
    for name, opts in options.items():
        fixed = dict(opts)
        for key in ("model", "library"):
            if isinstance(fixed.get(key), str):
                fixed[key] = str((ws.root / fixed[key]).resolve())
        out[name] = fixed
    return out


def resolve_setup(
    ws: Workspace | None,
    *,
    detectors: list[str] | None = None,
    library: Path | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> DetectionSetup:
    """The setup of ``ws`` (or beian's defaults), with explicit CLI choices applied on top."""
    if ws is not None:
        cfg: DetectionConfig = getattr(ws.config, "detection", DetectionConfig())
        names = detectors or cfg.detectors or list(DEFAULT_DETECTORS)
        lib = str(library.resolve()) if library else workspace_library(ws, cfg.library)
        merged = _workspace_options(ws, cfg.options)
        origin = f"workspace {ws.root}"
        scoring: Mapping[str, Any] = cfg.scoring
    else:
        names = detectors or list(DEFAULT_DETECTORS)
        lib = str(library.resolve()) if library else None
        merged, origin, scoring = {}, "beian defaults", {}
    for name, opts in (options or {}).items():
        merged.setdefault(name, {}).update(opts)
    if not names:
        raise ConfigError("the detection setup names no detector")
    return DetectionSetup(tuple(names), merged, scoring, lib, origin)
