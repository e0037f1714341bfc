"""7.g's second half: monitoring staff matched to the service's scale (配备与规模相应的监看人员).

Two sources, the first that has people wins the headcount:

- the **roster** kept in ``beian web`` (measured: the people on duty on the assessment's day,
  written beside the assessment as a CSV the report cites with its SHA-256);
- the 7.g attestation's ``monitoring_staff`` (declared: headcount, scale, hours, roster files).

The scale is the attested one, else the gateway's request volume. The latest published review
of blocked and flagged gateway traffic is shown as what the monitors did; it concludes nothing.
The clause conforms only when the refusal half does and the headcount meets the profile's
``monitoring_staff_min``.
"""

from __future__ import annotations

from pathlib import Path

from beian.assess import attestations
from beian.assess.attestations import Answer, MonitoringStaff
from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg
from beian.assess.monitoring import Monitoring, Roster

NOT_STATED = Msg(
    zh="监看人员尚未声明或登记（attestations.yaml 7.g monitoring_staff：人数、服务规模、名册；"
    "或 beian web 监看人员名册）",
    en="monitoring staff not attested nor on a roster (attestations.yaml 7.g monitoring_staff: "
    "headcount, scale, roster; or the beian web monitoring roster)",
)
NO_ROSTER_FILE = Msg(
    zh="监看人员须附名册或排班文件（roster）", en="monitoring staff need a roster file"
)
NO_SCALE = Msg(
    zh="服务规模未知：请在 attestations.yaml 7.g monitoring_staff.scale 中说明，或经网关提供服务",
    en="the service's scale is unknown: state it in attestations.yaml 7.g "
    "monitoring_staff.scale, or serve through the gateway",
)


def _attested(out: ClauseEvidence, staff: MonitoringStaff, folder: Path) -> list[Msg]:
    refs, gone = attestations.evidence_refs(folder, staff.roster)
    out.evidence += [r.model_copy(update={"note": "monitoring staff"}) for r in refs]
    out.figures["monitoring_staff"] = {"headcount": staff.headcount, "scale": staff.scale,
                                       "hours": staff.hours, "source": "attestation"}  # fmt: skip
    return gone or ([] if refs else [NO_ROSTER_FILE])


def _rostered(
    out: ClauseEvidence, roster: Roster, staff: MonitoringStaff | None, scale: str, folder: Path
) -> list[Msg]:
    out.evidence.append(EvidenceRef(kind="file", ref=str(roster.path), sha256=roster.sha256,
                                    note="monitoring roster"))  # fmt: skip
    why: list[Msg] = []
    if staff is not None:
        refs, why = attestations.evidence_refs(folder, staff.roster)
        out.evidence += [r.model_copy(update={"note": "monitoring staff"}) for r in refs]
    shown_scale = staff.scale if staff is not None else scale
    out.figures["monitoring_staff"] = {
        "headcount": roster.on_duty, "scale": shown_scale,
        "hours": (staff.hours if staff is not None and staff.hours else "; ".join(roster.hours)),
        "source": "roster",
    }  # fmt: skip
    return why + ([] if shown_scale else [NO_SCALE])


def _traffic(out: ClauseEvidence, monitoring: Monitoring) -> None:
    review = monitoring.traffic
    if not review:
        return
    keys = ("reviewed", "false_alarms", "reviewer_names")
    out.figures["traffic_review"] = {k: review[k] for k in keys if k in review}
    if review.get("agreement"):
        out.figures["agreement"] = review["agreement"]
    out.evidence.append(
        EvidenceRef(kind="run", ref=monitoring.traffic_run, note="gateway-traffic review")
    )


def staffed(
    result: ClauseEvidence, answer: Answer | None, folder: Path, need: float,
    monitoring: Monitoring | None = None,
) -> ClauseEvidence:  # fmt: skip
    """7.g: the refusal result combined with the monitoring staff (roster or attestation)."""
    out = result.model_copy(deep=True)
    staff = answer.monitoring_staff if answer else None
    roster = monitoring.roster if monitoring else None
    headcount: int | None = None
    if monitoring is not None and roster is not None and (roster.on_duty or staff is None):
        why, headcount = _rostered(out, roster, staff, monitoring.scale, folder), roster.on_duty
    elif staff is not None:
        why, headcount = _attested(out, staff, folder), staff.headcount
    else:
        why = [NOT_STATED]
    if monitoring is not None:
        _traffic(out, monitoring)
    short = headcount is not None and headcount < need
    if short:
        why.append(Msg(zh=f"监看人员 {headcount} 人，少于 {need:g} 人",
                       en=f"{headcount} monitoring staff, fewer than {need:g}"))  # fmt: skip
    out.missing += why
    if short:
        out.status = "nonconforms"
    elif why and out.status == "conforms":
        out.status = "pending"
    return out
