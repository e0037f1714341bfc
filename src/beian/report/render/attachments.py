"""XLSX attachments of the filing dossier: 附件4 keywords, 附件5 test questions, samples.

附件4 and 附件5 use the dossier columns of ``beian.library.io`` (关键词 / 一级分类 / 二级分类;
序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 / 研判结果). Samples with verdicts come from the
store runs the assessment cites, read by the caller (the renderers never open the store); an evaluation run whose item keys are question ids fills
模型回答 (``item.data["answer"]``) and 研判结果 (the newest verdict) of 附件5.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from beian.assess.evidence import Lang
from beian.errors import InputError
from beian.library.io import read_keywords, read_questions, save_keywords, save_questions
from beian.library.tabular import Sheet, write_table
from beian.standard import Profile
from beian.store.samples import ReviewedItem
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


def _clean(value: str) -> str:
    # XLSX cannot hold control characters; a sample's text is shown, not round-tripped.
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def _write_samples(samples: Sequence[ReviewedItem], path: Path, lang: Lang) -> None:
    columns = SAMPLE_COLUMNS[lang]
    fields = ("run_kind", "key", "source", "text", "answer", "method", "verdict", "reviewer",
              "risks", "note")  # fmt: skip
    rows = [
        {c: _clean(str(getattr(s, f))) for c, f in zip(columns, fields, strict=True)}
        for s in samples
    ]
    write_table(path, columns, [Sheet("samples" if lang == "en" else "样本研判", rows)])


def write_attachments(
    ws: Workspace,
    profile: Profile,
    folder: Path,
    lang: Lang,
    samples: Sequence[ReviewedItem] = (),
) -> tuple[dict[str, Path], list[str]]:
    """Write the XLSX attachments that have data; return them and notes on what was skipped.

    ``samples`` are the reviewed items of the runs the assessment cites, read from the store by
    the caller (:func:`beian.assess.dossier_samples`)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    notes: list[str] = []
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
                update={
                    "model_answer": _clean(answers[q.id].answer),
                    "verdict": answers[q.id].verdict,
                }
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
