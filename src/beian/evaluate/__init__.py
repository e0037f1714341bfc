"""Model evaluation (§9.3, §9.4): ask a target the sampled bank questions, judge the answers,
compute the rates with Wilson intervals and a pass/fail per clause.

Public API: :func:`run_eval` and :func:`run_workspace_eval` run an evaluation;
:func:`create_target` builds a target from a spec string such as ``openai:qwen-max``;
:class:`Target`, :class:`Judge` are the plugin contracts.
"""

from __future__ import annotations

from beian.evaluate import _builtins  # noqa: F401  (registers the built-in targets and judges)
from beian.evaluate.judges import Judge, JudgeItem, Judgement
from beian.evaluate.outcomes import EvalFailed, EvalInterrupted, EvalOutcome
from beian.evaluate.run import EvalConfig, rebuild_results, resume_eval, run_eval
from beian.evaluate.runner import RunnerOptions
from beian.evaluate.target import Request, Target, TargetError, TargetOutput, create_target
from beian.evaluate.workspace_eval import latest_eval, run_workspace_eval

__all__ = [
    "EvalConfig",
    "EvalFailed",
    "EvalInterrupted",
    "EvalOutcome",
    "Judge",
    "JudgeItem",
    "Judgement",
    "Request",
    "RunnerOptions",
    "Target",
    "TargetError",
    "TargetOutput",
    "create_target",
    "latest_eval",
    "rebuild_results",
    "resume_eval",
    "run_eval",
    "run_workspace_eval",
]
