"""Screening: a DetectorSet verdict turned into a gateway action by a per-risk policy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from beian.detect.detector_set import DetectorSet, TextVerdict
from beian.errors import ConfigError
from beian.gateway.config import Action, PolicyConfig
from beian.standard import Profile

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


def decide(verdict: TextVerdict, policy: PolicyConfig, chars: int) -> Decision:
    """Apply ``policy`` to the verdict on a text of ``chars``: the strictest action wins."""
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
        findings=tuple(_finding(f) for f in verdict.findings if f.risk in actions),
    )


def _finding(f: Any) -> dict[str, Any]:
    # Evidence is cut short: the audit log must not become a second copy of the text.
    return {
        "risk": f.risk,
        "detector": f.detector,
        "score": round(float(f.score), 4),
        "start": f.start,
        "end": f.end,
        "evidence": str(f.evidence)[:40],
    }


class Screener:
    """A DetectorSet plus the input and output policies, built once at start."""

    def __init__(
        self,
        detectors: DetectorSet,
        input_policy: PolicyConfig,
        output_policy: PolicyConfig,
        *,
        input_detectors: DetectorSet | None = None,
    ) -> None:
        self.detectors = detectors
        self.input_detectors = input_detectors
        """Request input only (``input_detectors`` in the config); ``None``: ``detectors``."""
        self.input_policy = input_policy
        self.output_policy = output_policy

    def check_input(self, texts: Sequence[str]) -> Decision:
        """Decision over the texts of one request (the strictest one wins)."""
        return merge(self._decide(texts, self.input_policy, self.input_detectors))

    def check_output(self, text: str) -> Decision:
        """Decision over (the text so far of) an answer."""
        return merge(self._decide([text], self.output_policy))

    def check_answers(self, choices: Sequence[Sequence[str]]) -> list[Decision]:
        """One decision per answer from the texts of its carriers, each alone and joined
        (so a document-level detector also sees the answer as a whole)."""
        groups = [
            [*texts, "\n".join(texts)] if len(texts) > 1 else list(texts) for texts in choices
        ]
        flat = [t for g in groups for t in g]
        decided = iter(self._decide(flat, self.output_policy))
        return [merge(next(decided) for _ in g) for g in groups]

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
