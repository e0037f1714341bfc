"""After the sections: the declared scope, then the provider's attestations (§9.1 b).

- A clause the workspace's declared scope rules out (``[scope]`` in beian.toml against the
  clause's ``scope_if``) is 不适用, with the declaration as the reason.
- A clause no software check concludes on (kind attestation/review, or automatic with no
  section, e.g. 5.1 d and 9.1 c) is concluded from ``attestations.yaml``.
- Any clause may be attested 不适用 or 不符合 with a reason. It replaces a pending result; it
  never hides a measured one: 不符合 may replace a measured 符合 (the provider knows better),
  不适用 may not replace a measured result (the clash is listed instead).
- 7.g is refusal behaviour (from 9.4) *and* monitoring staff: the second half comes from the
  beian web roster or the 7.g attestation's ``monitoring_staff`` (see staffing.py); the clause
  conforms only when both halves do.
"""

from __future__ import annotations

from pathlib import Path

from beian.assess import attestations
from beian.assess.attestations import Answer, Attestations
from beian.assess.derived import DERIVED
from beian.assess.evidence import ClauseEvidence, Msg
from beian.assess.monitoring import Monitoring
from beian.assess.staffing import staffed
from beian.standard import Profile
from beian.standard.schema import Clause
from beian.workspace import ScopeConfig

STAFF_CLAUSE = "7.g"
STAFF_KEY = "monitoring_staff_min"
COMPLETENESS_CLAUSE = "9.1.b"
_SCOPE_WHY = {
    "trains": Msg(
        zh="工作区声明不训练模型（beian.toml [scope] trains = false）",
        en="the workspace declares that no model is trained ([scope] trains = false)",
    ),
    "non_text_media": Msg(
        zh='工作区声明服务只生成文本（beian.toml [scope] media = ["text"]）；文本标识另按'
        "《标识办法》第4条核验",
        en='the workspace declares a text-only service ([scope] media = ["text"]); text labels '
        "fall under Labeling Measures Art 4",
    ),
}


def _out_of_scope(clause: Clause, scope: ScopeConfig) -> ClauseEvidence | None:
    failed = [c for c in clause.scope_if if not scope.holds(c)]
    if not failed:
        return None
    why = _SCOPE_WHY[failed[0]]
    return ClauseEvidence(
        clause=clause.id, status="not_applicable", section="scope", summary=why,
        explanation=why.zh,
    )  # fmt: skip


def _attested_over(computed: ClauseEvidence, answer: Answer, folder: Path) -> ClauseEvidence:
    """An attested 不适用 / 不符合 against what the software concluded."""
    attested = attestations.conclude(computed.clause, answer, folder)
    if attested.status == "pending":  # no reason given: the software's result stands
        kept = computed.model_copy(deep=True)
        kept.missing += attested.missing
        return kept
    replaces = computed.status in ("pending", "not_applicable") or attested.status == "nonconforms"
    if replaces:
        attested.figures["software_result"] = computed.status
        return attested
    kept = computed.model_copy(deep=True)
    kept.missing.append(
        Msg(
            zh=f"声明为不适用，但软件核查已得出结论（{computed.status}）：请核对声明或证据",
            en=f"attested not applicable, but the software concluded {computed.status}: "
            "check the attestation or the evidence",
        )
    )
    return kept


def settle(
    profile: Profile,
    results: dict[str, ClauseEvidence],
    scope: ScopeConfig,
    folder: Path,
    monitoring: Monitoring | None = None,
) -> None:
    """Apply the scope and the attestations to ``results`` (one entry per clause), in place."""
    att = attestations.load(folder) or Attestations()
    for clause in profile.clauses:
        cid = clause.id
        if cid == COMPLETENESS_CLAUSE:
            continue
        outside = _out_of_scope(clause, scope)
        if outside is not None:
            results[cid] = outside
            continue
        answer = att.clauses.get(cid)
        current = results[cid]
        if current.section == "default" and cid not in DERIVED:
            results[cid] = _unchecked(cid, answer, folder)
        elif (
            answer is not None
            and answer.status in ("not_applicable", "nonconforms")
            and current.section != "attestations"
        ):
            results[cid] = _attested_over(current, answer, folder)
        if cid == STAFF_CLAUSE and results[cid].section != "attestations":
            need = next((t.value for t in clause.thresholds if t.key == STAFF_KEY), 1.0)
            results[cid] = staffed(results[cid], answer, folder, need, monitoring)


def _unchecked(clause: str, answer: Answer | None, folder: Path) -> ClauseEvidence:
    result = attestations.conclude(clause, answer, folder)
    if answer is None:
        why = Msg(
            zh="该条款无软件核查，请在 attestations.yaml 中声明并附证据",
            en="no software check for this clause: attest it in attestations.yaml with evidence",
        )
        result.summary, result.missing = why, [why]
    return result
