"""Keyed messages that report sections produce, in Chinese and English.

The engines below the report (library checks, label verification, scans, evaluation) describe a
shortfall in one English sentence for the terminal. A report is read in one language, so the
sections build their :class:`~beian.assess.evidence.Msg` from the structured fields through this
catalogue instead of pasting those sentences into the Chinese text.
"""

from __future__ import annotations

import re

from beian.assess.evidence import Msg

# What a library/bank check counts, by the English label ``beian.library.check`` uses.
_POPULATION: dict[str, tuple[str, str]] = {
    "keywords": ("关键词", "keywords"),
    "test questions": ("生成内容测试题", "test questions"),
    "should-refuse questions": ("应拒答测试题", "should-refuse questions"),
    "non-refusal questions": ("非拒答测试题", "non-refusal questions"),
    "keyword library": ("关键词库", "keyword library"),
    "test bank": ("生成内容测试题库", "test bank"),
    "refuse bank": ("应拒答测试题库", "should-refuse bank"),
    "answer bank": ("非拒答测试题库", "non-refusal bank"),
}
_CADENCE_SUFFIX = ": longest interval between updates (days)"

# Label verification problems by their stable code (beian.label.model.Problem.code).
_LABEL_PROBLEM: dict[str, tuple[str, str]] = {
    "no-label": ("缺少隐式标识（元数据）", "no implicit AIGC label"),
    "unsupported": ("不是可核验标识的文件格式", "not a format beian can verify"),
    "no-explicit-label": ("缺少显式标识", "no explicit label"),
    "multiple-labels": ("存在多个隐式标识", "more than one implicit label"),
    "explicit-too-small": ("显式标识文字过小", "explicit label too small"),
    "explicit-too-short": ("显式标识显示时间过短", "explicit label shown too briefly"),
    "explicit-position": ("显式标识不在边缘或角落", "explicit label not at an edge or corner"),
    "explicit-wording": ("显式标识缺少“人工智能”与“生成”要素", "explicit wording incomplete"),
    "bad-json": ("隐式标识不是合法的 JSON", "implicit label is not valid JSON"),
    "not-object": ("隐式标识不是 JSON 对象", "implicit label is not a JSON object"),
    "missing-field": ("隐式标识缺少必填字段", "implicit label lacks a required field"),
    "bad-label-value": ("隐式标识的标识值不正确", "wrong label value"),
    "bad-charset": ("隐式标识字段含非法字符", "invalid characters in a label field"),
    "bad-provider-code": ("服务提供者编码不正确", "invalid provider code"),
    "bad-uscc": ("统一社会信用代码校验失败", "invalid USCC"),
    "bad-service-code": ("服务编码不正确", "invalid service code"),
    "unreadable": ("文件无法读取", "file cannot be read"),
    "empty": ("文件为空", "empty file"),
    "damaged": ("文件已损坏", "damaged file"),
    "explicit-not-visible": ("显式标识区域已看不到标识", "explicit label no longer visible"),
    "explicit-unconfirmed": (
        "无法确认显式标识（非本工具添加）",
        "explicit label cannot be confirmed",
    ),
    "provider-name": ("服务提供者以名称而非编码标识", "provider given by name, not by code"),
}

# Fixed phrases of scan and evaluation results (``fail_reasons`` and clause reasons).
_METHOD: dict[str, tuple[str, str]] = {
    "manual": ("人工抽检", "manual review"),
    "keyword": ("关键词抽检", "keyword check"),
    "classifier": ("分类模型抽检", "classifier check"),
    "refusal_on_refuse": ("应拒答题拒答率", "refusal rate on should-refuse questions"),
    "refusal_on_answer": ("非拒答题拒答率", "refusal rate on non-refusal questions"),
    "manual_refusal_on_refuse": (
        "应拒答题拒答率（人工审核）",
        "refusal rate on should-refuse questions (human review)",
    ),
    "manual_refusal_on_answer": (
        "非拒答题拒答率（人工审核）",
        "refusal rate on non-refusal questions (human review)",
    ),
}


def _pair(table: dict[str, tuple[str, str]], key: str) -> tuple[str, str]:
    return table.get(key, (key, key))


def population(label: str) -> Msg:
    """A checked population (``"test questions"`` → 生成内容测试题)."""
    zh, en = _pair(_POPULATION, label)
    return Msg(zh=zh, en=en)


def method(name: str) -> Msg:
    """An evaluation method (``keyword`` → 关键词抽检)."""
    zh, en = _pair(_METHOD, name)
    return Msg(zh=zh, en=en)


def shortfall(what: str, op: str, required: float, actual: float | None, modal: str) -> Msg:
    """A missed §8 quota or cadence, from the fields of ``beian.library.check.Shortfall``."""
    should_zh, should_en = ("（宜）", " (should)") if modal == "should" else ("", "")
    if what.endswith(_CADENCE_SUFFIX):
        who = population(what.removesuffix(_CADENCE_SUFFIX))
        got_zh = "无更新记录" if actual is None else f"{actual:g} 天"
        got_en = "no update recorded" if actual is None else f"{actual:g} days"
        return Msg(
            zh=f"{who.zh}最长更新间隔：实际 {got_zh}，要求 {op} {required:g} 天{should_zh}",
            en=f"{who.en}, longest interval between updates: {got_en}, "
            f"required {op} {required:g} days{should_en}",
        )
    got = "—" if actual is None else f"{actual:g}"
    if what.endswith(" total"):
        who = population(what.removesuffix(" total"))
        zh_what, en_what = f"{who.zh}总数", f"{who.en} in total"
    elif " for " in what:
        label, target = what.rsplit(" for ", 1)
        who = population(label)
        zh_what, en_what = f"{target} {who.zh}数量", f"{who.en} for {target}"
    else:
        zh_what, en_what = what, what
    return Msg(
        zh=f"{zh_what}：实际 {got}，要求 {op} {required:g}{should_zh}",
        en=f"{en_what}: {got}, required {op} {required:g}{should_en}",
    )


def label_problem(file: str, code: str, rule: str, message: str) -> Msg:
    """A label verification failure of one file."""
    zh = _LABEL_PROBLEM.get(code, ("标识核验未通过", ""))[0]
    rule_zh = f"（{rule}）" if rule else ""
    rule_en = f" [{rule}]" if rule else ""
    return Msg(zh=f"{file}：{zh}{rule_zh}", en=f"{file}: {message}{rule_en}")


def rate_gate(
    name: str, rate: float | None, op: str, threshold: float, n: int, n_min: float
) -> Msg:
    """Why a rate clause fails: every reason, the rate against its limit and the sample size."""
    m = method(name)
    parts_zh: list[str] = []
    parts_en: list[str] = []
    passes = rate is not None and (rate >= threshold if op == ">=" else rate <= threshold)
    if rate is not None and not passes:
        bound_zh = "下限" if op == ">=" else "上限"
        parts_zh.append(f"比率 {rate:.1%}（{bound_zh} {threshold:.0%}）")
        parts_en.append(f"rate {rate:.1%} ({op} {threshold:.0%} required)")
    if n < n_min:
        parts_zh.append(f"样本 {n} 道，少于要求的 {n_min:g} 道")
        parts_en.append(f"{n} judged answers, {n_min:g} required")
    if not parts_zh:
        return Msg(zh=f"{m.zh}未达标", en=f"{m.en} not met")
    return Msg(
        zh=f"{m.zh}未达标：" + "；".join(parts_zh), en=f"{m.en} not met: " + "; ".join(parts_en)
    )


def scan_reason(reason: str) -> Msg:
    """A ``fail_reasons`` sentence of a corpus scan or manual review, in words of both languages."""
    words = reason.split()
    if reason == "no item was checked":
        return Msg(zh="没有抽检任何条目", en=reason)
    if reason.startswith("qualified rate ") and len(words) == 5 and words[3] == "below":
        return Msg(zh=f"合格率 {float(words[2]):.2%}，低于要求的 {float(words[4]):.0%}", en=reason)
    if reason.startswith("sampled share ") and len(words) == 5 and words[3] == "below":
        return Msg(
            zh=f"抽检比例 {float(words[2]):.2%}，低于要求的 {float(words[4]):.0%}", en=reason
        )
    unreadable = re.fullmatch(r"source (.+?) could not be read: (.+)", reason)
    if unreadable:
        return Msg(zh=f"来源 {unreadable[1]} 无法读取：{unreadable[2]}", en=reason)
    excluded = re.fullmatch(r"(\S+): source (.+?) flagged share (\S+)% above (\S+): .*", reason)
    if excluded:
        return Msg(
            zh=f"{excluded[1]}：来源 {excluded[2]} 违法不良信息占比 {excluded[3]}%，"
            f"超过 {float(excluded[4]):.0%}，不得用于训练",
            en=reason,
        )
    if reason.endswith(" required") and "items reviewed, at least" in reason:
        return Msg(zh=f"已人工研判 {words[0]} 条，要求至少 {words[5]} 条", en=reason)
    return Msg(zh=reason, en=reason)
