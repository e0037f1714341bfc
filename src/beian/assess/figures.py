"""Typed shapes of ``ClauseEvidence.figures`` (design/report-model.md, "The figures convention").

``figures`` stays a JSON dict, because sections add free-form keys (reviewer names, per-risk
counts, quotas) next to the shapes the report draws. A *rate* is the shape most clauses carry,
so it has a model: sections build it through :class:`RateFigure` and the renderers read it back
through :meth:`RateFigure.read`, instead of both sides knowing the key names by convention.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from beian.assess.evidence import Msg


class RateFigure(BaseModel):
    """A proportion with its sample, interval and the gate it is held against.

    Only the fields that were set are serialised (:meth:`figure`), in the order declared here,
    so a figure's JSON says what the section knew and nothing more: an evaluation clause writes
    ``n, hits, rate, low, high, required_n, threshold, op``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    n: int | None = None
    hits: int | None = None
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    required_n: int | None = None
    threshold: float | None = None
    op: str | None = None
    """``>=`` or ``<=`` (anything else is compared for equality)."""
    ci: list[float] | None = None
    """The interval as ``[low, high]``; another spelling of ``low``/``high``."""
    passed: bool | None = None
    label: Msg | str | None = None
    key: str | None = None
    """A threshold key of the clause: fills ``threshold``/``op`` from the profile."""

    def figure(self) -> dict[str, Any]:
        """The JSON form kept in ``ClauseEvidence.figures``: the fields that were set."""
        return self.model_dump(mode="json", exclude_unset=True)

    def interval(self) -> tuple[float, float] | None:
        """``ci`` when it is a pair, else ``low``/``high`` when both are given."""
        if self.ci is not None:
            return (self.ci[0], self.ci[1]) if len(self.ci) == 2 else None
        if self.low is not None and self.high is not None:
            return (self.low, self.high)
        return None

    @classmethod
    def read(cls, value: object) -> RateFigure | None:
        """``value`` as a rate figure, or ``None`` when it is not one (no numeric ``rate``).

        Keys outside the rate shape (e.g. a reviewer list beside an evaluation rate) are left
        to the caller."""
        if not isinstance(value, dict):
            return None
        rate = value.get("rate")
        if not isinstance(rate, int | float) or isinstance(rate, bool):
            return None
        try:
            return cls.model_validate({k: v for k, v in value.items() if k in cls.model_fields})
        except ValidationError:
            return None
