"""Evaluations of a workspace: its target, its banks, its keyword library, its store.

``beian assess`` calls :func:`run_workspace_eval` when a workspace names a target but has no
eval run yet; by default only for targets that call no remote model (``replay``, ``python``),
since an assessment must not quietly spend API calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from beian.errors import ConfigError
from beian.evaluate.outcomes import EvalOutcome
from beian.evaluate.run import EvalConfig, run_eval
from beian.evaluate.selection import choose_eval_run
from beian.library.io import read_questions
from beian.store import RunRow, Store
from beian.workspace import Workspace

TARGET_OPTIONS = ("base_url", "api_key_env", "system_prompt", "temperature", "max_tokens",
                  "top_p", "seed")  # fmt: skip
"""``[target]`` keys of beian.toml that are options of the target plugin."""

AUTO_TARGETS = frozenset({"replay", "python"})
"""Targets ``beian assess`` may evaluate on its own: they call no remote model."""


def target_name(ws: Workspace) -> str | None:
    """The plugin name of the workspace's target (``replay`` …), or ``None``."""
    spec = ws.config.target.spec
    return spec.partition(":")[0] if spec else None


def setup_judges(ws: Workspace | None) -> dict[str, Any]:
    """Judge options and digest from the workspace's detection setup (F02: the §9.3 keyword
    check uses the workspace's library whatever the target, never the starter list)."""
    from beian.detect.setup import resolve_setup

    setup = resolve_setup(ws)
    options: dict[str, dict[str, Any]] = {}
    if setup.library is not None:
        options["keyword"] = {"library": setup.library}
    harm_model = setup.options.get("harm", {}).get("model")
    if harm_model:
        options["classifier"] = {"model": harm_model}
    return {"judge_options": options, "detection_setup": setup.digest()}


def workspace_config(ws: Workspace, **overrides: Any) -> EvalConfig:
    """The eval configuration a workspace implies, with ``overrides`` applied."""
    t = ws.config.target
    if not t.spec:
        raise ConfigError(f"{ws.root}: beian.toml has no [target] spec")
    options = {k: getattr(t, k, None) for k in TARGET_OPTIONS}
    data: dict[str, Any] = {
        "target": t.spec,
        "target_options": {k: v for k, v in options.items() if v is not None},
    }
    for key in ("max_failed", "model_version"):  # settings of the run, not of the plugin
        value = getattr(t, key, None)
        if value is not None:
            data[key] = value
    data.update(setup_judges(ws))
    data.update(overrides)
    return EvalConfig.model_validate(data)


def latest_eval(store: Store, ws: Workspace) -> RunRow | None:
    """The newest finished (``done``) eval run of this workspace; failed and interrupted runs
    are never taken (:func:`beian.evaluate.selection.choose_eval_run` says which were skipped)."""
    return choose_eval_run(store, ws).run


def run_workspace_eval(
    ws: Workspace,
    store: Store,
    on_progress: Callable[[str], None] = lambda _m: None,
    *,
    config: EvalConfig | None = None,
) -> EvalOutcome:
    """Evaluate the workspace's target on samples of its banks; results in ``runs/<run id>``."""
    cfg = config or workspace_config(ws)
    profile = ws.profile()
    banks = ws.path("banks")
    loaded = read_questions(banks, profile=profile)
    return run_eval(
        cfg,
        loaded.items,
        profile,
        store,
        runs_dir=ws.path("runs"),
        base_dir=ws.root,
        workspace=str(ws.root),
        sources=loaded.files,
        banks_path=banks,
        on_progress=on_progress,
    )
