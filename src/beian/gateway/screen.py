"""Screening: a DetectorSet verdict turned into a gateway action by a per-risk policy.

Request input is screened as text. Answers are screened as answers (``output_harm: answer``,
the default): the refusal detector classifies each answer, decline and caution sentences are
set aside, the output detectors run on the rest, and harm comes from the answer model fused
with the shared one, the request's last user message as the question
(:mod:`beian.detect.answer_check`, the same pieces as the ``harm`` answer judge).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from beian.detect.answer_check import AnswerCheck
from beian.detect.detector_set import DetectorSet, TextVerdict
from beian.errors import ConfigError
from beian.gateway.config import SET_ASIDE_CHARS, Action, PolicyConfig
from beian.standard import Profile

if TYPE_CHECKING:
    from beian.detect.harm.answer import AnswerHarm

_SEVERITY: dict[Action, int] = {"allow": 0, "flag": 1, "block": 2}


@dataclass(frozen=True, slots=True)
class Decision:
    """What the gateway does with one text, and the evidence for it."""

    action: Action
    risks: tuple[str, ...] = ()
    """Every risk the DetectorSet flagged (blocked, flagged or allowed by policy)."""
    blocked: tuple[str, ...] = ()
    findings: tuple[dict[str, Any], ...] = field(default=())

    @property
    def is_block(self) -> bool:
        """Whether the text is refused."""
        return self.action == "block"


ALLOW = Decision("allow")


def resolve_policy(policy: PolicyConfig, profile: Profile, where: str) -> PolicyConfig:
    """``policy`` with its risk keys (ids, names or aliases) turned into risk ids."""
    risks: dict[str, Action] = {}
    for key, action in policy.risks.items():
        risk_id = profile.resolve_risk(key)
        if risk_id is None:
            raise ConfigError(f"{where}.risks: profile {profile.profile} has no risk {key!r}")
        risks[risk_id] = action
    return policy.model_copy(update={"risks": risks})


def decide(
    verdict: TextVerdict, policy: PolicyConfig, chars: int, harm_model: str | None = None
) -> Decision:
    """Apply ``policy`` to the verdict on a text of ``chars``: the strictest action wins.
    ``harm_model`` names the model behind ``harm`` findings (answers: the fused one)."""
    if not verdict.risks:
        return ALLOW
    spans = {f.risk for f in verdict.findings if f.start is not None}
    actions = {
        r: policy.action(r, verdict.scores.get(r, 0.0), document_only=r not in spans, chars=chars)
        for r in verdict.risks
    }
    action = max(actions.values(), key=_SEVERITY.__getitem__)
    return Decision(
        action=action,
        risks=verdict.risks,
        blocked=tuple(r for r, a in actions.items() if a == "block"),
        findings=tuple(_finding(f, harm_model) for f in verdict.findings if f.risk in actions),
    )


def _finding(f: Any, harm_model: str | None = None) -> dict[str, Any]:
    # Evidence is cut short: the audit log must not become a second copy of the text.
    out = {
        "risk": f.risk,
        "detector": f.detector,
        "score": round(float(f.score), 4),
        "start": f.start,
        "end": f.end,
        "evidence": str(f.evidence)[:40],
    }
    if harm_model is not None and f.detector == "harm":
        out["model"] = harm_model
    return out


class AnswerScreen:
    """How answers are checked with ``output_harm: answer``.

    ``check`` is the answer judge's procedure (refusal-aware; fused answer harm when the output
    detectors hold the shipped harm model). ``whole`` holds the personal-data detectors: they
    also see the WHOLE answer when refusal sentences were set aside, since a refusal that
    quotes an ID or phone number still delivers it.
    """

    def __init__(self, check: AnswerCheck, whole: DetectorSet | None) -> None:
        self.check = check
        self.whole = whole
        self.harm_model = check.answer_harm.label if check.answer_harm is not None else None

    @classmethod
    def build(
        cls,
        detectors: DetectorSet,
        answer_harm: AnswerHarm | None = None,
        max_set_aside: int | None = SET_ASIDE_CHARS,
    ) -> AnswerScreen:
        """From the output detectors; with ``answer_harm``, their ``harm`` detector is left out
        (the fused model replaces it). ``max_set_aside``: ``output_set_aside_chars``."""
        from beian.detect.refusal import RefusalDetector

        keep = [
            i for i, d in enumerate(detectors.detectors) if answer_harm is None or d.name != "harm"
        ]
        specs = [detectors.specs[i] for i in keep] if detectors.specs else []
        rest = DetectorSet(
            [detectors.detectors[i] for i in keep], scoring=detectors.scoring, specs=specs
        )
        pii = [d for d in detectors.detectors if d.name == "pii"]
        whole = DetectorSet(pii, scoring=detectors.scoring) if pii else None
        check = AnswerCheck(RefusalDetector(), rest, answer_harm, max_set_aside=max_set_aside)
        return cls(check, whole)

    def decide(self, texts: Sequence[str], question: str, policy: PolicyConfig) -> list[Decision]:
        """One decision per non-blank answer text, each judged with ``question``."""
        checked = self.check.check_batch(texts, [question] * len(texts))
        out: list[Decision] = []
        for text, c in zip(texts, checked, strict=True):
            d = decide(c.verdict, policy, len(c.judged), self.harm_model)
            if self.whole is not None and c.judged != text:
                d = merge([d, decide(self.whole.check(text), policy, len(text))])
            out.append(d)
        return out


class Screener:
    """A DetectorSet plus the input and output policies, built once at start."""

    def __init__(
        self,
        detectors: DetectorSet,
        input_policy: PolicyConfig,
        output_policy: PolicyConfig,
        *,
        input_detectors: DetectorSet | None = None,
        answers: AnswerScreen | None = None,
    ) -> None:
        self.detectors = detectors
        self.input_detectors = input_detectors
        """Request input only (``input_detectors`` in the config); ``None``: ``detectors``."""
        self.input_policy = input_policy
        self.output_policy = output_policy
        self.answers = answers
        """Answers judged as answers (``output_harm: answer``); ``None``: as plain text with
        ``detectors`` (``output_harm: shared``, or a workspace's own harm model)."""

    def check_input(self, texts: Sequence[str]) -> Decision:
        """Decision over the texts of one request (the strictest one wins)."""
        return merge(self._decide(texts, self.input_policy, self.input_detectors))

    def check_output(self, text: str, question: str = "") -> Decision:
        """Decision over (the text so far of) an answer to ``question``."""
        return merge(self._decide_answers([text], question))

    def check_answers(self, choices: Sequence[Sequence[str]], question: str = "") -> list[Decision]:
        """One decision per answer from the texts of its carriers, each alone and joined
        (so a document-level detector also sees the answer as a whole); every choice is
        judged with the same ``question``."""
        groups = [
            [*texts, "\n".join(texts)] if len(texts) > 1 else list(texts) for texts in choices
        ]
        flat = [t for g in groups for t in g]
        decided = iter(self._decide_answers(flat, question))
        return [merge(next(decided) for _ in g) for g in groups]

    def _decide_answers(self, texts: Sequence[str], question: str) -> list[Decision]:
        if self.answers is None:
            return self._decide(texts, self.output_policy)
        out = [ALLOW] * len(texts)
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        decided = self.answers.decide([texts[i] for i in todo], question, self.output_policy)
        for i, d in zip(todo, decided, strict=True):
            out[i] = d
        return out

    def _decide(
        self, texts: Sequence[str], policy: PolicyConfig, detectors: DetectorSet | None = None
    ) -> list[Decision]:
        """One decision per text, in order (blank texts are allowed without a check)."""
        ds = detectors or self.detectors
        out = [ALLOW] * len(texts)
        todo = [i for i, t in enumerate(texts) if t.strip()]
        batch = [texts[i] for i in todo]
        if len(batch) == 1:
            verdicts = [ds.check(batch[0])]
        else:  # the batch path shares the keyword fold with the PII pre-check
            verdicts = ds.check_batch(batch) if batch else []
        for i, v in zip(todo, verdicts, strict=True):
            out[i] = decide(v, policy, len(texts[i]))
        return out


def merge(decisions: Iterable[Decision]) -> Decision:
    """One decision from several: strictest action, union of risks and findings."""
    out = ALLOW
    for d in decisions:
        if d.action == "allow" and not d.risks:
            continue
        action = max((out.action, d.action), key=_SEVERITY.__getitem__)
        out = Decision(
            action=action,
            risks=tuple(sorted(set(out.risks) | set(d.risks))),
            blocked=tuple(sorted(set(out.blocked) | set(d.blocked))),
            findings=out.findings + d.findings,
        )
    return out
