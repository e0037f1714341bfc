"""XLSX attachments of the filing dossier: 附件4 keywords, 附件5 test questions, samples.

附件4 and 附件5 use the dossier columns of ``beian.library.io`` (关键词 / 一级分类 / 二级分类;
序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 / 研判结果). Samples with verdicts come from the
store runs the assessment cites; an evaluation run whose item keys are question ids fills
模型回答 (``item.data["answer"]``) and 研判结果 (the newest verdict) of 附件5.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from beian.assess import Assessment
from beian.errors import BeianError, InputError
from beian.library.io import read_keywords, read_questions, save_keywords, save_questions
from beian.library.tabular import Sheet, write_table
from beian.report.evidence import Lang
from beian.standard import Profile
from beian.store import ItemRow, RunRow, open_store
from beian.workspace import Workspace

FILE_NAMES: dict[str, dict[str, str]] = {
    "keywords": {"zh": "附件4_拦截关键词列表.xlsx", "en": "annex4_keywords.xlsx"},
    "questions": {"zh": "附件5_评估测试题.xlsx", "en": "annex5_test_questions.xlsx"},
    "samples": {"zh": "抽样样本及研判结果.xlsx", "en": "samples_with_verdicts.xlsx"},
}
SAMPLE_COLUMNS: dict[str, list[str]] = {
    "zh": [
        "运行",
        "样本",
        "来源",
        "内容",
        "模型回答",
        "研判方式",
        "研判结果",
        "审核人",
        "风险",
        "说明",
    ],
    "en": [
        "run",
        "item",
        "source",
        "text",
        "answer",
        "method",
        "verdict",
        "reviewer",
        "risks",
        "note",
    ],
}


@dataclass(frozen=True, slots=True)
class Sample:
    """One stored item with its newest verdict."""

    run_kind: str
    key: str
    source: str
    text: str
    answer: str
    method: str
    verdict: str
    reviewer: str
    risks: str
    note: str


def _clean(value: str) -> str:
    # XLSX cannot hold control characters; a sample's text is shown, not round-tripped.
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def cited_runs(outcome: Assessment) -> list[str]:
    """Ids of the stored runs the assessment's evidence cites (not the assessment itself)."""
    ids = {e.ref for c in outcome.clauses for e in c.evidence if e.kind == "run"}
    ids.discard(outcome.run_id)
    return sorted(ids)


def _sample(item: ItemRow, run_kind: str) -> Sample | None:
    if not item.verdicts:
        return None
    v = max(item.verdicts, key=lambda x: (x.created_at, x.id))
    data: dict[str, Any] = item.data or {}
    return Sample(
        run_kind=run_kind,
        key=item.key,
        source=item.source,
        text=_clean(item.text or ""),
        answer=_clean(str(data.get("answer", ""))),
        method=v.method,
        verdict=v.verdict,
        reviewer=v.reviewer,
        risks=", ".join(sorted({f.risk for f in item.findings})),
        note=_clean(v.note),
    )


def load_samples(ws: Workspace, run_ids: list[str]) -> list[Sample]:
    """Items with verdicts from the runs ``run_ids``, in run and key order."""
    if not run_ids:
        return []
    try:
        store = open_store(ws.store_url(), migrate=False)
        with store.session() as s:
            kinds = {r.id: r.kind for r in s.scalars(select(RunRow).where(RunRow.id.in_(run_ids)))}
            stmt = select(ItemRow).where(ItemRow.run_id.in_(run_ids))
            items = sorted(s.scalars(stmt), key=lambda i: (i.run_id, i.key))
            found = [_sample(i, kinds.get(i.run_id, "")) for i in items]
    except SQLAlchemyError as exc:
        raise InputError(f"store {ws.store_url()}: {exc.__class__.__name__}") from None
    return [x for x in found if x is not None]


def _write_samples(samples: list[Sample], path: Path, lang: Lang) -> None:
    columns = SAMPLE_COLUMNS[lang]
    fields = ("run_kind", "key", "source", "text", "answer", "method", "verdict", "reviewer",
              "risks", "note")  # fmt: skip
    rows = [{c: getattr(s, f) for c, f in zip(columns, fields, strict=True)} for s in samples]
    write_table(path, columns, [Sheet("samples" if lang == "en" else "样本研判", rows)])


def write_attachments(
    outcome: Assessment, ws: Workspace, profile: Profile, folder: Path, lang: Lang
) -> tuple[dict[str, Path], list[str]]:
    """Write the XLSX attachments that have data; return them and notes on what was skipped."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    notes: list[str] = []
    samples: list[Sample] = []
    try:
        samples = load_samples(ws, cited_runs(outcome))
    except BeianError as exc:
        notes.append(f"samples: {exc}")
    try:
        keywords = read_keywords(ws.path("keywords"), profile).items
        path = folder / FILE_NAMES["keywords"][lang]
        save_keywords(keywords, path, dossier=True, profile=profile)
        written["keywords"] = path
    except InputError as exc:
        notes.append(f"keywords: {exc}")
    try:
        answers = {s.key: s for s in samples}
        questions = [
            q.model_copy(
                update={"model_answer": answers[q.id].answer, "verdict": answers[q.id].verdict}
            )
            if q.id in answers and not q.model_answer
            else q
            for q in read_questions(ws.path("banks"), profile).items
        ]
        path = folder / FILE_NAMES["questions"][lang]
        save_questions(questions, path, dossier=True, profile=profile)
        written["questions"] = path
    except InputError as exc:
        notes.append(f"banks: {exc}")
    if samples:
        path = folder / FILE_NAMES["samples"][lang]
        _write_samples(samples, path, lang)
        written["samples"] = path
    return written, notes
