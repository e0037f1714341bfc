"""The base of every profile model: frozen, and unknown keys are an error (typos fail loudly)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Confidence = Literal["V", "S", "U"]


class Frozen(BaseModel):
    """A frozen pydantic model that rejects unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
