"""What the store shows of 7.g's monitoring half: the roster kept in ``beian web`` (people on
duty on the assessment's day), the service's scale from the gateway's audit log, and the
latest published review of blocked and flagged gateway traffic (what the monitors did).

The roster is written beside the assessment as ``monitoring-roster.csv`` so the report cites
a file with its SHA-256, as it does for an attested roster.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from beian.digest import sha256_file
from beian.store import Store
from beian.store import assess_queries as queries

ROSTER_FILE = "monitoring-roster.csv"
TRAFFIC_KIND = "gateway-traffic"
TRAFFIC_REVIEW_KEY = "web_review"
"""Where ``beian web publish`` keeps a traffic run's review evidence (the run's config)."""
SCALE_DAYS = 30


@dataclass(frozen=True, slots=True)
class Roster:
    on_duty: int
    entries: int
    hours: tuple[str, ...]
    """The distinct shifts of the people on duty."""
    path: Path
    sha256: str


@dataclass(frozen=True, slots=True)
class Monitoring:
    roster: Roster | None
    """None when the store keeps no roster entry."""
    scale: str
    """The service's scale measured by the gateway ('' when it logged nothing recently)."""
    traffic_run: str
    traffic: dict[str, Any] | None
    """The published traffic review: reviewed, false_alarms, reviewer_names, agreement."""


def _roster(store: Store, out_dir: Path, day: date) -> Roster | None:
    rows = queries.roster(store)
    if not rows:
        return None
    duty = [r for r in rows if r.started_on <= day and (r.ended_on is None or r.ended_on >= day)]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ROSTER_FILE
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "role", "hours", "started_on", "ended_on", "on_duty"])
        for r in rows:
            ended = r.ended_on.isoformat() if r.ended_on else ""
            w.writerow([r.name, r.role, r.hours, r.started_on.isoformat(), ended, r in duty])
    hours = tuple(dict.fromkeys(r.hours for r in duty))
    return Roster(len(duty), len(rows), hours, path, sha256_file(path))


def _scale(store: Store, now: datetime) -> str:
    since = now - timedelta(days=SCALE_DAYS)
    n, users = queries.gateway_volume(store, since)
    if not n:
        return ""
    return f"gateway: {n} requests from {users} users in the last {SCALE_DAYS} days"


def _traffic(store: Store) -> tuple[str, dict[str, Any] | None]:
    found = queries.newest_run_config(store, TRAFFIC_KIND, TRAFFIC_REVIEW_KEY)
    return found if found is not None else ("", None)


def gather(store: Store, out_dir: Path, now: datetime | None = None) -> Monitoring:
    """The monitoring evidence in ``store``; the roster file goes to ``out_dir``."""
    now = now or datetime.now(UTC).astimezone()  # roster dates are local calendar days
    run, review = _traffic(store)
    return Monitoring(_roster(store, out_dir, now.date()), _scale(store, now), run, review)
