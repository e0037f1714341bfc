"""Evaluations of a workspace: its target, its banks, its keyword library, its store.

``beian assess`` calls :func:`run_workspace_eval` when a workspace names a target but has no
eval run yet; by default only for targets that call no remote model (``replay``, ``python``),
since an assessment must not quietly spend API calls.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from beian.errors import ConfigError
from beian.evaluate.run import EvalConfig, EvalOutcome, run_eval
from beian.evaluate.storage import EVAL_KIND
from beian.library.io import load_questions
from beian.library.tabular import FORMATS
from beian.store import RunRow, Store
from beian.workspace import Workspace

AUTO_TARGETS = frozenset({"replay", "python"})
"""Targets ``beian assess`` may evaluate on its own: they call no remote model."""


def target_name(ws: Workspace) -> str | None:
    """The plugin name of the workspace's target (``replay`` …), or ``None``."""
    spec = ws.config.target.spec
    return spec.partition(":")[0] if spec else None


def has_library(ws: Workspace) -> bool:
    """Whether the workspace's keywords folder holds a library file."""
    folder = ws.path("keywords")
    return folder.is_dir() and any(p.suffix.lower() in FORMATS for p in folder.iterdir())


def workspace_config(ws: Workspace, **overrides: Any) -> EvalConfig:
    """The eval configuration a workspace implies, with ``overrides`` applied."""
    t = ws.config.target
    if not t.spec:
        raise ConfigError(f"{ws.root}: beian.toml has no [target] spec")
    options = {
        "base_url": t.base_url,
        "api_key_env": t.api_key_env,
        "system_prompt": t.system_prompt,
    }
    data: dict[str, Any] = {
        "target": t.spec,
        "target_options": {k: v for k, v in options.items() if v is not None},
    }
    if has_library(ws):
        data["judge_options"] = {"keyword": {"library": str(ws.path("keywords"))}}
    data.update(overrides)
    return EvalConfig.model_validate(data)


def latest_eval(store: Store, ws: Workspace) -> RunRow | None:
    """The newest finished eval run of this workspace."""
    with store.session() as s:
        stmt = (
            select(RunRow)
            .where(
                RunRow.kind == EVAL_KIND,
                RunRow.status == "done",
                RunRow.workspace == str(ws.root),
            )
            .order_by(RunRow.started_at.desc())
            .limit(1)
        )
        return s.scalars(stmt).first()


def run_workspace_eval(
    ws: Workspace,
    store: Store,
    on_progress: Callable[[str], None] = lambda _m: None,
    *,
    config: EvalConfig | None = None,
) -> EvalOutcome:
    """Evaluate the workspace's target on samples of its banks; results under ``runs/``."""
    cfg = config or workspace_config(ws)
    profile = ws.profile()
    questions = load_questions(ws.path("banks"), profile=profile)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    out_dir = ws.path("runs") / f"eval-{stamp}"
    return run_eval(
        cfg,
        questions,
        profile,
        store,
        out_dir,
        base_dir=ws.root,
        workspace=str(ws.root),
        on_progress=on_progress,
    )
