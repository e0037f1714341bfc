"""XLSX attachments of the filing dossier: 附件4 keywords, 附件5 test questions, samples.

附件4 and 附件5 use the dossier columns of ``beian.library.io`` (关键词 / 一级分类 / 二级分类;
序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 / 研判结果). Every row comes from the
assessment's dossier inputs (:mod:`beian.assess.dossier`): the renderers read no workspace file
and never open the store. Samples with verdicts are the reviewed items of the runs the
assessment cites; an evaluation run whose item keys are question ids fills 模型回答 (the
item's answer) and 研判结果 (the newest verdict) of 附件5.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from beian.assess import Assessment
from beian.assess.dossier import SampleRow
from beian.assess.evidence import Lang
from beian.library.io import save_keywords, save_questions
from beian.library.tabular import Sheet, write_table
from beian.standard import Profile

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


def _write_samples(samples: Sequence[SampleRow], path: Path, lang: Lang) -> None:
    columns = SAMPLE_COLUMNS[lang]
    fields = ("run_kind", "key", "source", "text", "answer", "method", "verdict", "reviewer",
              "risks", "note")  # fmt: skip
    rows = [
        {c: _clean(str(getattr(s, f))) for c, f in zip(columns, fields, strict=True)}
        for s in samples
    ]
    write_table(path, columns, [Sheet("samples" if lang == "en" else "样本研判", rows)])


def write_attachments(
    outcome: Assessment, profile: Profile, folder: Path, lang: Lang
) -> tuple[dict[str, Path], list[str]]:
    """Write the XLSX attachments that have data; return them and notes on what was skipped.

    The rows come from the assessment's dossier inputs (read by ``assess``, never here)."""
    d = outcome.inputs()
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if d.keywords is not None:
        path = folder / FILE_NAMES["keywords"][lang]
        save_keywords([k.entry() for k in d.keywords], path, dossier=True, profile=profile)
        written["keywords"] = path
    if d.questions is not None:
        answers = {s.key: s for s in d.samples}
        questions = [
            q.model_copy(
                update={
                    "model_answer": _clean(answers[q.id].answer),
                    "verdict": answers[q.id].verdict,
                }
            )
            if q.id in answers and not q.model_answer
            else q
            for q in (row.question() for row in d.questions)
        ]
        path = folder / FILE_NAMES["questions"][lang]
        save_questions(questions, path, dossier=True, profile=profile)
        written["questions"] = path
    if d.samples:
        path = folder / FILE_NAMES["samples"][lang]
        _write_samples(d.samples, path, lang)
        written["samples"] = path
    return written, list(d.notes)
