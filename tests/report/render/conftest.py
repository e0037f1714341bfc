"""Fixtures for the report renderers: one assessed demo workspace, rendered once per language."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

import beian.assess._builtins  # noqa: F401  (registers the report sections)
from beian.assess import Assessment, assess, attestations
from beian.assess.evidence import Lang
from beian.report.render import write_reports
from beian.store import open_store
from beian.workspace import Workspace, init_workspace


def need_tool(name: str) -> str:
    """Path of an executable; under CI a missing one fails the test, elsewhere it skips."""
    path = shutil.which(name) or (name if os.path.isfile(name) else None)
    if path is None:
        reason = f"{name} is not installed (Debian packages: see scripts/debian-packages.txt)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@dataclass(frozen=True)
class Demo:
    """The assessed demo workspace."""

    ws: Workspace
    outcome: Assessment


@dataclass(frozen=True)
class Rendered:
    """Every format written for one language."""

    lang: Lang
    paths: dict[str, Path]
    warnings: list[str]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("demo-ws")
    ws = init_workspace(root, demo=True)
    attestations.write_template(ws.path("attestations"), ws.profile())
    outcome = assess(ws, open_store(ws.store_url()))
    return Demo(ws, outcome)


def with_figures(outcome: Assessment) -> Assessment:
    """A copy of ``outcome`` whose clauses carry rate and per-risk figures, as sections will."""
    copy = outcome.model_copy(deep=True)
    by_id = {c.clause: c for c in copy.clauses}
    by_id["9.2.a"].figures = {
        "rate": 0.958, "ci": [0.951, 0.964], "n": 4000, "key": "qualified_rate_min",
        "per_risk": {"A.1.a": 12, "A.1.f": 80, "A.4.e": 40},
    }  # fmt: skip
    by_id["9.4.c"].figures = {
        "refusal": {"rate": 0.03, "ci": [0.015, 0.06], "n": 300, "threshold": 0.05, "op": "<=",
                    "label": {"zh": "非拒答题拒答率", "en": "refusal rate"}},
    }  # fmt: skip
    by_id["8.1.b"].figures = {"per_risk": {"A.1.a": 805, "A.1.e": 0}, "per_risk_min": 200}
    return copy


@pytest.fixture(scope="session")
def rendered(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    out: dict[str, Rendered] = {}
    outcome = with_figures(demo.outcome)
    langs: tuple[Lang, ...] = ("zh", "en")
    for lang in langs:
        folder = tmp_path_factory.mktemp(f"report-{lang}")
        warnings: list[str] = []
        paths = write_reports(outcome, demo.ws.profile(), folder, lang, on_warning=warnings.append)
        out[lang] = Rendered(lang, paths, warnings)
    return out
