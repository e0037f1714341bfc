"""Filing types, subjects and the status machine of a register record.

Status machine (Interim Measures Art 17, Algorithmic Recommendation Provisions Arts 24-25):
draft → submitted → (returned → submitted)* → filed → changed* → cancelled. A return needs a
reason, ``filed`` needs the number the authority issued. Anything else is a user error.
"""

from __future__ import annotations

from typing import Literal, get_args

from beian.assess.evidence import Msg
from beian.errors import UserError

FilingType = Literal["algorithm_filing", "model_filing", "registration"]
Subject = Literal["algorithm", "model", "service"]
Status = Literal["draft", "submitted", "returned", "filed", "changed", "cancelled"]

FILING_TYPES: tuple[FilingType, ...] = get_args(FilingType)
SUBJECTS: tuple[Subject, ...] = get_args(Subject)
STATUSES: tuple[Status, ...] = get_args(Status)
ACTIVE: frozenset[str] = frozenset({"filed", "changed"})
"""Statuses under which a record holds a valid number."""

TRANSITIONS: dict[Status, frozenset[Status]] = {
    "draft": frozenset({"submitted", "cancelled"}),
    "submitted": frozenset({"returned", "filed", "cancelled"}),
    "returned": frozenset({"submitted", "cancelled"}),
    "filed": frozenset({"changed", "cancelled"}),
    "changed": frozenset({"changed", "cancelled"}),
    "cancelled": frozenset(),
}

TYPE_LABELS: dict[str, Msg] = {
    "algorithm_filing": Msg(zh="算法备案", en="algorithm filing"),
    "model_filing": Msg(zh="大模型备案", en="model filing"),
    "registration": Msg(zh="登记", en="registration"),
}
SUBJECT_LABELS: dict[str, Msg] = {
    "algorithm": Msg(zh="算法", en="algorithm"),
    "model": Msg(zh="模型", en="model"),
    "service": Msg(zh="服务/应用", en="service / app"),
}
STATUS_LABELS: dict[str, Msg] = {
    "draft": Msg(zh="草稿", en="draft"),
    "submitted": Msg(zh="已提交", en="submitted"),
    "returned": Msg(zh="已退回", en="returned"),
    "filed": Msg(zh="已备案", en="filed"),
    "changed": Msg(zh="已变更", en="changed"),
    "cancelled": Msg(zh="已注销", en="cancelled"),
}
_ALIASES: dict[str, str] = {
    "algorithm": "algorithm_filing",
    "算法备案": "algorithm_filing",
    "model": "model_filing",
    "大模型备案": "model_filing",
    "模型备案": "model_filing",
    "登记": "registration",
    "register": "registration",
    "草稿": "draft",
    "已提交": "submitted",
    "提交": "submitted",
    "退回": "returned",
    "已退回": "returned",
    "已备案": "filed",
    "备案": "filed",
    "变更": "changed",
    "已变更": "changed",
    "注销": "cancelled",
    "已注销": "cancelled",
}


def parse_type(value: str) -> FilingType:
    """A filing type from its code or Chinese name."""
    code = _ALIASES.get(value.strip(), value.strip())
    if code not in FILING_TYPES:
        known = ", ".join(f"{t} ({TYPE_LABELS[t].zh})" for t in FILING_TYPES)
        raise UserError(f"unknown filing type {value!r}; use one of {known}")
    return code


def parse_status(value: str) -> Status:
    """A status from its code or Chinese name."""
    code = _ALIASES.get(value.strip(), value.strip())
    if code not in STATUSES:
        known = ", ".join(f"{s} ({STATUS_LABELS[s].zh})" for s in STATUSES)
        raise UserError(f"unknown status {value!r}; use one of {known}")
    return code


def subject_of(filing_type: FilingType) -> Subject:
    """What a filing type is about: an app that calls a filed model registers (登记)."""
    return {"algorithm_filing": "algorithm", "model_filing": "model"}.get(  # type: ignore[return-value]
        filing_type, "service"
    )


def check_transition(current: str, target: Status) -> None:
    """Raise a user error naming the allowed next statuses when ``current → target`` is invalid."""
    allowed = TRANSITIONS.get(current, frozenset())  # type: ignore[call-overload]
    if target not in allowed:
        nexts = ", ".join(sorted(allowed)) or "none (final)"
        raise UserError(
            f"状态不能从 {STATUS_LABELS[current].zh} 变为 {STATUS_LABELS[target].zh} / "
            f"cannot go from {current} to {target}; allowed next: {nexts}"
        )
