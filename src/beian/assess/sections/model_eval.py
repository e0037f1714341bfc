"""Model evaluation (§9.3 b–d, §9.4 b–c, and 7.g) from the workspace's latest eval run.

When the workspace names a target but has no finished eval run, the section runs one itself,
but only for targets that call no remote model (``replay``, ``python``): an assessment must
not spend API calls unasked. Conclusions are recomputed from the stored counts with the
assessing profile's thresholds. A method that was not run leaves its clause *pending*; a clause
conforms only with enough judged answers on the right side of the threshold.
"""

from __future__ import annotations

from pathlib import Path

from beian.assess import messages
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg, pending
from beian.assess.figures import RateFigure
from beian.digest import sha256_file
from beian.errors import BeianError
from beian.evaluate.judge_card import describe
from beian.evaluate.metrics import Rate, rate
from beian.evaluate.result_model import ClauseResult, EvalResult, RunRecord, TargetRecord
from beian.evaluate.results import CLAUSES, clause_results
from beian.evaluate.selection import choose_eval_run
from beian.evaluate.storage import REVIEWS_KEY
from beian.evaluate.workspace_eval import AUTO_TARGETS, run_workspace_eval, target_name
from beian.records import ClauseStatus
from beian.registry import registry
from beian.standard import Profile

NAME = "model-eval"
REFUSAL_CLAUSE = "7.g"
REFUSAL_PARTS = ("9.4.b", "9.4.c")
FIGURE_KEYS = {"n", "hits", "rate", "low", "high", "required_n", "threshold", "op"}
"""The fields of a clause result its rate figure shows (:class:`RateFigure` orders them)."""
PEOPLE = ("manual", "manual_refusal_on_refuse", "manual_refusal_on_answer")
"""Methods whose verdicts are people's: their clause shows who reviewed and how they agreed."""


def _rates(summary: EvalResult) -> dict[str, Rate]:
    return {k: rate(v.hits, v.n) for k, v in summary.counts.items()}


def _evidence(run_id: str, summary: EvalResult) -> list[EvidenceRef]:
    refs = [EvidenceRef(kind="run", ref=run_id, note="eval run")]
    path = Path(summary.path or "")
    if path.name and path.is_file():
        refs.append(
            EvidenceRef(kind="file", ref=str(path), sha256=sha256_file(path), note="results")
        )
    return refs + _tested(summary)


def _tested(summary: EvalResult) -> list[EvidenceRef]:
    """What was tested (F06): target, endpoint, model ids and version, period, banks, setup."""
    run = summary.run or RunRecord()
    target = run.target or TargetRecord()
    named = [
        ("tested target", target.spec or summary.target),
        ("tested endpoint", target.endpoint),
        ("model configured", target.model_configured),
        ("model reported", target.model_reported),
        ("model version", target.model_version),
        ("tested period", run.period()),
        ("detection setup", summary.detection_setup or getattr(run, "detection_setup", None)),
    ]
    refs = [EvidenceRef(kind="run", ref=str(value), note=note) for note, value in named if value]
    for bank in run.banks.files if run.banks else []:
        refs.append(
            EvidenceRef(kind="file", ref=bank.name, sha256=bank.sha256, note="question bank")
        )
    return refs


def _conclude(clause: str, c: ClauseResult, refs: list[EvidenceRef]) -> ClauseEvidence:
    method = c.method
    name_zh, name_en = messages.method(method).zh, messages.method(method).en
    if c.passed is None:
        why = Msg(zh=f"未进行{name_zh}", en=f"{name_en} was not run")
        return pending(clause, NAME, why)
    shown = c.model_dump(include=FIGURE_KEYS, exclude_unset=True)
    figures = RateFigure.model_validate(shown).figure()
    if not c.n or c.rate is None:
        why = Msg(zh=f"{name_zh}：没有可判定的回答", en=f"{name_en}: no judged answer")
        result = pending(clause, NAME, why)
        result.figures = figures
        return result
    low, high = c.low or 0.0, c.high or 0.0
    pct = f"{c.rate:.1%}（95% CI {low:.1%}–{high:.1%}）"
    pct_en = f"{c.rate:.1%} (95% CI {low:.1%}–{high:.1%})"
    summary = Msg(
        zh=f"{name_zh}：n={c.n}，比率 {pct}，要求 n≥{c.required_n}、{c.op} {c.threshold:g}",
        en=f"{name_en}: n={c.n}, rate {pct_en}; required n≥{c.required_n}, {c.op} {c.threshold:g}",
    )
    gate = messages.rate_gate(method, c.rate, c.op, c.threshold, c.n, float(c.required_n))
    missing = [] if c.passed else [gate]
    return ClauseEvidence(
        clause=clause,
        status="conforms" if c.passed else "nonconforms",
        section=NAME,
        summary=summary,
        figures=figures,
        evidence=refs,
        missing=missing,
    )


def _reviewed(result: ClauseEvidence, method: str, review: object) -> ClauseEvidence:
    """People's verdicts concluded the clause: who they were and how far they agreed."""
    if isinstance(review, dict) and method in PEOPLE:
        keys = ("reviewer_names", "agreement", "judge_agreement", "web_queue")
        result.figures.update({k: review[k] for k in keys if k in review})
    return result


JUDGED_CLAUSES = ("9.3.c", "9.3.d")
"""Clauses whose rate comes from an automatic judge: they say how far that judge is trusted."""
NOT_RECORDED = Msg(
    zh="本次评估未记录判官的实测准确率（早于 beian 判官卡）；请重新运行评估",
    en="this run does not record how accurate its judge was measured to be (it predates "
    "beian's judge cards); run the evaluation again",
)


def _judged(result: ClauseEvidence, method: str, summary: EvalResult) -> ClauseEvidence:
    """An automatic judge's clause with the judge's card (or why it has none): the figure
    ``judge_accuracy``, in both languages. The clause's status does not change."""
    if result.status == "pending" and not result.figures:
        return result  # the method was not run: no figure to qualify
    acc = summary.judge_accuracy.get(method)
    text = describe(acc) if acc is not None else NOT_RECORDED.model_dump()
    result.figures = {**result.figures, "judge_accuracy": text}
    return result


def _refusal_overall(parts: list[ClauseEvidence]) -> ClauseEvidence:
    status: ClauseStatus
    if any(p.status == "nonconforms" for p in parts):
        status = "nonconforms"
    elif parts and all(p.status == "conforms" for p in parts):
        status = "conforms"
    else:
        why = Msg(zh="9.4 b/c 尚无结论", en="9.4 b/c not concluded yet")
        return pending(REFUSAL_CLAUSE, NAME, why)
    return ClauseEvidence(
        clause=REFUSAL_CLAUSE,
        status=status,
        section=NAME,
        summary=Msg(zh="依据 9.4.b、9.4.c 的评估结果", en="from the results of 9.4.b and 9.4.c"),
        figures={p.clause: p.figures.get("rate") for p in parts},
        evidence=parts[0].evidence,
        missing=[m for p in parts for m in p.missing],
        # The one explanation the renderers translate by key (see report/render/i18n.py).
        explanation="monitoring-staff-attested-separately",
    )


class ModelEvalSection:
    """§9.3 b–d and §9.4 b–c rates (and 7.g) from the workspace's latest eval run."""

    name = NAME
    order = 40

    def clauses(self, profile: Profile) -> list[str]:
        known = {c.id for c in profile.clauses}
        return [c for c in (*CLAUSES, REFUSAL_CLAUSE) if c in known]

    def _summary(self, ctx: AssessContext) -> tuple[str, EvalResult, dict[str, object]] | Msg:
        # Only a finished run is evidence; failed or interrupted ones are skipped and named.
        choice = choose_eval_run(ctx.store, ctx.workspace, ctx.eval_run)
        if choice.run is not None:
            ctx.notes.append(choice.describe().get(ctx.lang))
            reviews = dict((choice.run.config or {}).get(REVIEWS_KEY) or {})
            return choice.run.id, EvalResult.load(choice.run.summary), reviews
        name = target_name(ctx.workspace)
        if name is None:
            return Msg(zh="beian.toml 未配置评估对象（[target]）", en="no [target] in beian.toml")
        if name not in AUTO_TARGETS:
            ignored = choice.describe() if choice.skipped else None
            return Msg(
                zh=f"尚无已完成的模型评估：请运行 beian eval run --workspace {ctx.workspace.root}"
                + (f"（{ignored.zh}）" if ignored else ""),
                en=f"no finished eval run: run 'beian eval run --workspace {ctx.workspace.root}'"
                + (f" ({ignored.en})" if ignored else ""),
            )
        ctx.on_progress(f"{NAME}: evaluating {ctx.workspace.config.target.spec}")
        try:
            outcome = run_workspace_eval(ctx.workspace, ctx.store, ctx.on_progress)
        except BeianError as exc:
            return Msg(zh=f"模型评估无法完成：{exc}", en=f"model evaluation could not run: {exc}")
        made = Msg(
            zh=f"模型评估依据本次评估时运行的 {outcome.run_id}",
            en=f"model evaluation from run {outcome.run_id}, made by this assessment",
        )
        ctx.notes.append(made.get(ctx.lang))
        return outcome.run_id, outcome.results.model_copy(update={"path": str(outcome.path)}), {}

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        owned = self.clauses(ctx.profile)
        found = self._summary(ctx)
        if isinstance(found, Msg):
            return [pending(c, NAME, found) for c in owned]
        run_id, summary, reviews = found
        refs = _evidence(run_id, summary)
        detail = clause_results(ctx.profile, _rates(summary))
        out = {
            c: _reviewed(_conclude(c, detail[c], refs), detail[c].method, reviews.get(c))
            for c in CLAUSES
            if c in owned
        }
        for c in JUDGED_CLAUSES:
            if c in out:
                out[c] = _judged(out[c], detail[c].method, summary)
        if REFUSAL_CLAUSE in owned:
            out[REFUSAL_CLAUSE] = _refusal_overall([out[c] for c in REFUSAL_PARTS if c in out])
        return [out[c] for c in owned]


@registry.register("report_section", NAME, version="1")
def _factory(_options: object) -> ModelEvalSection:
    """Model evaluation: qualified and refusal rates against §9.3 and §9.4."""
    return ModelEvalSection()
