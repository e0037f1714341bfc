"""Column names: beian's own, their Chinese aliases, and the filing dossier's columns.

The dossier (REGULATION §6.3) attaches the keyword list as 关键词 / 一级分类 / 二级分类 and the
banks as 序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 / 研判结果; the labels are risk and category
names, which the profile resolves to ids (``Profile.resolve_risk``).
"""

from __future__ import annotations

from typing import Any

from beian.library.records import Bank
from beian.standard.schema import Profile

KEYWORD_COLUMNS = [
    "term",
    "risk",
    "variants",
    "allow",
    "weak",
    "strong",
    "source",
    "added",
    "removed",
    "note",
    "derived_from",
    "benign_hits",
    "benign_rate",
    "harmful_hits",
    "precision",
]
QUESTION_COLUMNS = [
    "id", "text", "bank", "risk", "topic", "history", "source", "added",
    "reference", "note", "derived_from", "model_answer", "verdict",
]  # fmt: skip
DOSSIER_KEYWORD_COLUMNS = ["关键词", "一级分类", "二级分类"]
DOSSIER_QUESTION_COLUMNS = ["序号", "测试题", "一级分类", "二级分类", "模型回答", "研判结果"]
DOSSIER_BANK_SHEETS: dict[Bank, str] = {
    "test": "生成内容测试题库",
    "refuse": "应拒答测试题库",
    "answer": "非拒答测试题库",
}

_ALIASES = {
    "term": ("term", "keyword", "关键词", "词", "词条", "敏感词"),
    "risk": ("risk", "risk_id", "风险", "风险类别", "风险id"),
    "category": ("category", "一级分类"),
    "subcategory": ("subcategory", "二级分类"),
    "variants": ("variants", "变体"),
    "allow": ("allow", "白名单", "允许"),
    "weak": ("weak", "弱词", "需佐证"),
    "strong": ("strong", "强词", "单独拦截"),
    "benign_hits": ("benign_hits", "良性命中数"),
    "benign_rate": ("benign_rate", "良性命中率"),
    "harmful_hits": ("harmful_hits", "有害命中数"),
    "precision": ("precision", "精确率"),
    "source": ("source", "来源"),
    "added": ("added", "添加日期", "新增日期"),
    "removed": ("removed", "删除日期"),
    "note": ("note", "备注", "说明"),
    "derived_from": ("derived_from", "派生自"),
    "id": ("id", "序号", "编号"),
    "text": ("text", "question", "prompt", "测试题", "问题", "题目"),
    "bank": ("bank", "题库"),
    "topic": ("topic", "主题"),
    "history": ("history", "对话历史"),
    "reference": ("reference", "参考答案"),
    "model_answer": ("model_answer", "模型回答"),
    "verdict": ("verdict", "研判结果"),
}
_BY_ALIAS = {alias.lower(): name for name, aliases in _ALIASES.items() for alias in aliases}

# Bank names as people write them in dossiers and sheet titles. Order matters: 非拒答 contains 拒答.
_BANK_WORDS: tuple[tuple[str, Bank], ...] = (
    ("非拒答", "answer"),
    ("answer", "answer"),
    ("应拒答", "refuse"),
    ("拒答", "refuse"),
    ("refuse", "refuse"),
    ("生成内容", "test"),
    ("test", "test"),
)


def canonical_row(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its column names mapped to beian's names (unknown columns dropped)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = _BY_ALIAS.get(str(key).strip().lower())
        if name is not None and name not in out:
            out[name] = value
    return out


def has_column(rows: list[dict[str, Any]], name: str) -> bool:
    """Whether any row has the (canonical) column ``name``."""
    return any(name in canonical_row(r) for r in rows[:50])


def bank_from_label(label: str | None) -> Bank | None:
    """A bank named by a 题库 cell, a sheet title or a 一级分类 such as 应拒答测试题."""
    if not label:
        return None
    low = label.strip().lower()
    for word, bank in _BANK_WORDS:
        if word in low:
            return bank
    return None


def resolve_labels(
    profile: Profile, risk: str | None, category: str | None, subcategory: str | None
) -> tuple[str | None, str | None]:
    """(risk id, topic) from a risk cell and the dossier's 一级分类 / 二级分类.

    An id or name the profile knows resolves to the id; a non-refusal topic (历史 …) becomes the
    topic. A label that resolves to nothing is kept verbatim as the risk so that the check
    reports it as an unknown risk id instead of silently dropping it.
    """
    topic_by_name = {t.name_en.lower(): t.id for t in profile.topics} | {
        t.id: t.id for t in profile.topics
    }
    for label in (risk, subcategory, category):
        if not label or not label.strip():
            continue
        resolved = profile.resolve_risk(label)
        if resolved is not None:
            return resolved, None
        topic = topic_by_name.get(label.strip()) or topic_by_name.get(label.strip().lower())
        if topic is not None:
            return None, topic
    leftover = next((x.strip() for x in (risk, subcategory) if x and x.strip()), None)
    known_categories = {c.name_zh for c in profile.categories}
    if (
        leftover is None
        and category
        and bank_from_label(category) is None
        and category.strip() not in known_categories
    ):
        leftover = category.strip()
    return leftover, None


def category_name(profile: Profile, risk: str | None) -> str:
    """The Chinese category name of ``risk`` (一级分类), or '' for unknown/None."""
    if risk is None:
        return ""
    try:
        cat = profile.risk(risk).category
    except KeyError:
        return ""
    return next((c.name_zh for c in profile.categories if c.id == cat), "")


def risk_name(profile: Profile, risk: str | None) -> str:
    """The Chinese risk name (二级分类), or the raw label when the profile does not know it."""
    if risk is None:
        return ""
    try:
        return profile.risk(risk).name_zh
    except KeyError:
        return risk
