"""The report-section contract and the context sections build from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from beian.assess.evidence import ClauseEvidence, Lang
from beian.standard import Profile
from beian.store import Store
from beian.workspace import Workspace


@dataclass
class AssessContext:
    """Everything a section may read: the workspace, its profile, the store, the current run."""

    workspace: Workspace
    profile: Profile
    store: Store
    run_id: str
    lang: Lang = "zh"
    notes: list[str] = field(default_factory=list)
    on_progress: Callable[[str], None] = lambda _msg: None
    eval_run: str | None = None
    """The eval run the user chose (``beian assess --eval-run``); ``None`` = the newest finished."""
    scan_run: str | None = None
    """The corpus scan the user chose (``beian assess --scan-run``); ``None`` = the newest
    finished scan of the workspace's register."""


@runtime_checkable
class Section(Protocol):
    """Builds conclusions for the clauses it owns. ``order`` sorts sections in the report."""

    name: str
    order: int

    def clauses(self, profile: Profile) -> list[str]:
        """Ids of the clauses this section concludes on, for this profile."""
        ...

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        """One conclusion per owned clause; evidence it could not find is listed as missing."""
        ...
