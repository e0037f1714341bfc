"""Settings of a ``beian web`` server."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WebSettings(BaseModel):
    """How the server behaves (none of this changes a verdict)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_hours: float = Field(default=12.0, gt=0)
    secure_cookies: bool = False
    """Set the cookies' Secure flag: turn on behind HTTPS (loopback tests run plain HTTP)."""
    kappa_min_items: int = Field(default=10, ge=2)
    """Items a reviewer pair must share within one risk before a per-risk kappa is shown."""
    idle_cap_seconds: float = Field(default=300.0, gt=0)
    """A gap between two verdicts longer than this counts as a break, not as review time."""
    max_form_bytes: int = Field(default=64 * 1024, gt=0)
    login_max_failures: int = Field(default=5, ge=1)
    """Wrong passwords for one name within ``login_window_seconds`` before it is refused."""
    login_window_seconds: float = Field(default=900.0, gt=0)
    burst_blocked: int = Field(default=5, ge=2)
    """Blocked or cut answers that make a burst worth an incident (operational, not a rule) ..."""
    burst_minutes: float = Field(default=10.0, gt=0)
    """... each within this many minutes of the one before."""
