"""§7.d: generated content is labelled — verified on the workspace's label samples.

Every file under ``labels/`` goes through ``beian label verify``'s checks (GB 45438 implicit
label fields, single label, carrier; explicit label where it can be detected). The per-file
results are written next to the run as evidence.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from beian.assess import messages
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg, pending
from beian.digest import sha256_file
from beian.label.model import LabelStatus
from beian.label.service import Writers, verify_file, walk
from beian.registry import registry
from beian.standard import Profile

LABEL_CLAUSE = "7.d"


def _write(statuses: list[LabelStatus], path: Path) -> EvidenceRef:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = [s.to_dict() for s in statuses]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return EvidenceRef(
        kind="file", ref=str(path), sha256=sha256_file(path), note="label verification"
    )


def _failure(status: LabelStatus, root: Path) -> Msg:
    errors = [p for p in status.problems if p.severity == "error"]
    rel = str(status.path.relative_to(root) if status.path.is_relative_to(root) else status.path)
    parts = [messages.label_problem(rel, p.code, p.rule, p.message) for p in errors[:2]]
    if not parts:
        return messages.label_problem(rel, "", "", "")
    return Msg(zh="；".join(m.zh for m in parts), en="; ".join(m.en for m in parts))


class LabelsSection:
    """Label verification of the workspace's sample files."""

    name = "labels"
    order = 40

    def clauses(self, profile: Profile) -> list[str]:
        return [LABEL_CLAUSE] if LABEL_CLAUSE in {c.id for c in profile.clauses} else []

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        if not self.clauses(ctx.profile):
            return []
        root = ctx.workspace.path("labels")
        files = [f for f, _rel in walk([root])] if root.is_dir() else []
        if not files:
            why = Msg(
                zh="labels/ 中没有生成内容样本可供核验",
                en="no generated-content samples in labels/ to verify",
            )
            return [pending(LABEL_CLAUSE, self.name, why)]
        ctx.on_progress(f"{self.name}: {len(files)} files")
        writers = Writers()
        statuses = [verify_file(f, writers) for f in files]
        failed = [s for s in statuses if not s.ok]
        explicit = Counter(s.explicit.state for s in statuses)
        ref = _write(statuses, ctx.workspace.path("runs") / ctx.run_id / "labels-verify.json")
        return [
            ClauseEvidence(
                clause=LABEL_CLAUSE,
                status="nonconforms" if failed else "conforms",
                section=self.name,
                summary=Msg(
                    zh=f"核验样本 {len(statuses)} 个，{len(statuses) - len(failed)} 个合格",
                    en=f"verified {len(statuses)} samples, {len(statuses) - len(failed)} pass",
                ),
                figures={
                    "files": len(statuses),
                    "passed": len(statuses) - len(failed),
                    "failed": len(failed),
                    "explicit": dict(sorted(explicit.items())),
                },
                evidence=[ref],
                missing=[_failure(s, root) for s in failed],
            )
        ]


@registry.register("report_section", "labels", version="1")
def _factory(_options: object) -> LabelsSection:
    """GB 45438 label verification of the workspace's label samples (§7.d)."""
    return LabelsSection()
