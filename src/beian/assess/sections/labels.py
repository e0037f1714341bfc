"""§7.d: generated content is labelled — verified on the workspace's label samples.

Every file under ``labels/`` goes through ``beian label verify --require-explicit`` (GB 45438
implicit label fields, single label, carrier, and an explicit label). A sample passes only when
its explicit label was detected or declared by the verifier, or, where the verifier cannot look
(an image or video beian did not stamp, a third party's file), when the provider states it in
``attestations.yaml`` 7.d ``explicit_labels`` with an evidence file (a screenshot showing the
visible label). A file beian cannot read as a labelled format fails too. The per-file results
are written next to the run as evidence.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from beian.assess import attestations, messages
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg, pending
from beian.digest import sha256_file
from beian.label.model import LabelStatus
from beian.label.rules import figure_options
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


SEEN = frozenset({"detected", "declared"})
"""Explicit-label states the verifier established itself."""
STATEABLE = frozenset({"no-explicit-label", "explicit-unconfirmed"})
"""Problems a provider may answer with evidence in 7.d ``explicit_labels`` (a visible label the
verifier cannot confirm, e.g. drawn by another tool; beian does not OCR)."""


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


def _stated(ctx: AssessContext) -> tuple[set[str], list[EvidenceRef]]:
    """Samples whose visible label the provider states with existing evidence (7.d
    ``explicit_labels``), and the evidence refs (note = the sample)."""
    folder = ctx.workspace.path("attestations")
    att = attestations.load(folder)
    answer = att.clauses.get(LABEL_CLAUSE) if att else None
    if answer is None:
        return set(), []
    ok: set[str] = set()
    refs: list[EvidenceRef] = []
    for sample, files in answer.explicit_labels.items():
        found, gone = attestations.evidence_refs(folder, files)
        if found and not gone:
            ok.add(sample)
            refs += [r.model_copy(update={"note": sample}) for r in found]
    return ok, refs


def _verdict(status: LabelStatus, root: Path, stated: set[str]) -> Msg | None:
    """Why ``status`` fails 7.d, or None when it passes."""
    rel = _rel(status.path, root)
    if status.media_type == "unknown":
        return messages.label_problem(rel, "unsupported", "", "not a format beian can verify")
    if not status.ok:
        errors = {p.code for p in status.problems if p.severity == "error"}
        if rel in stated and errors <= STATEABLE:
            return None
        return _failure(status, root)
    if status.explicit.state in SEEN or rel in stated:
        return None
    return Msg(
        zh=f"{rel}：显式标识未能核验（{status.explicit.state}），请在 attestations.yaml 7.d "
        "explicit_labels 中以截图等证据说明",
        en=f"{rel}: explicit label not verified ({status.explicit.state}); state it in "
        "attestations.yaml 7.d explicit_labels with a screenshot or other evidence",
    )


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
        # the workspace profile's figures (glyph ratio, video seconds), not the default's (W9)
        writers = Writers(registry, require_explicit=True, **figure_options(ctx.profile))
        statuses = [verify_file(f, writers) for f in files]
        stated, stated_refs = _stated(ctx)
        missing: list[Msg] = []
        failed = 0
        for s in statuses:
            reason = _verdict(s, root, stated)
            if reason is not None:
                failed += 1
                missing.append(reason)
        explicit = Counter(s.explicit.state for s in statuses)
        ref = _write(statuses, ctx.workspace.path("runs") / ctx.run_id / "labels-verify.json")
        used = [r for r in stated_refs if r.note in {_rel(s.path, root) for s in statuses}]
        return [
            ClauseEvidence(
                clause=LABEL_CLAUSE,
                status="nonconforms" if failed else "conforms",
                section=self.name,
                summary=Msg(
                    zh=f"核验样本 {len(statuses)} 个，{len(statuses) - failed} 个合格",
                    en=f"verified {len(statuses)} samples, {len(statuses) - failed} pass",
                ),
                figures={
                    "files": len(statuses),
                    "passed": len(statuses) - failed,
                    "failed": failed,
                    "explicit": dict(sorted(explicit.items())),
                    "explicit_stated": sorted(r.note for r in used),
                },
                evidence=[ref, *used],
                missing=missing,
            )
        ]


@registry.register("report_section", "labels", version="1")
def _factory(_options: object) -> LabelsSection:
    """GB 45438 label verification of the workspace's label samples (§7.d)."""
    return LabelsSection()
