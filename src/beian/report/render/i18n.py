"""The fixed wording of the rendered report, in Chinese and English.

Clause titles, risk names and section conclusions come from the profile and the sections
(as :class:`~beian.assess.evidence.Msg`); everything the renderers add themselves is here, so
both languages stay complete. A missing key is a bug, caught by the tests.
"""

from __future__ import annotations

from beian.assess.evidence import Lang, Msg

_TABLE: dict[str, tuple[str, str]] = {
    "title": ("生成式人工智能服务安全评估报告", "Generative AI Service Safety Assessment Report"),
    "subtitle": ("（自评估）", "(self-assessment)"),
    "draft": (
        "草稿：仍有条款待确认或签字未齐，不得作为结论性报告提交",
        "DRAFT: clauses are still pending or signatures missing; not a final report",
    ),
    "provider": ("服务提供者", "Provider"),
    "service": ("服务名称", "Service"),
    "standard": ("评估依据", "Standard"),
    "profile": ("标准配置", "Profile"),
    "tool": ("评估工具", "Tool"),
    "report_date": ("报告日期", "Report date"),
    "run": ("评估运行", "Assessment run"),
    "unset": ("（未填写）", "(not set)"),
    "toc": ("目录", "Contents"),
    "overview": ("一、评估概况", "1. Overview"),
    "clauses": ("二、逐条评估结论", "2. Clause-by-clause conclusions"),
    "manifest": ("三、证据清单", "3. Evidence manifest"),
    "signatures": ("四、签字", "4. Signatures"),
    "attachments": ("附：随附材料", "Annex: attachments"),
    "conclusion": ("总体结论", "Overall conclusion"),
    "by_chapter": ("各章条款结论", "Conclusions by chapter"),
    "clause": ("条款", "Clause"),
    "requirement": ("要求", "Requirement"),
    "status": ("结论", "Conclusion"),
    "kind": ("核查方式", "Check"),
    "count": ("条款数", "Clauses"),
    "total": ("合计", "Total"),
    "kind.automatic": ("自动核查", "automatic"),
    "kind.attestation": ("提供者声明", "attestation"),
    "kind.review": ("人工审核", "human review"),
    "basis": ("结论来源", "Concluded by"),
    "needs": ("所需证据", "Evidence needed"),
    "figures": ("数据", "Figures"),
    "evidence": ("证据", "Evidence"),
    "missing": ("待补充", "Still missing"),
    "shortfall": ("差距", "Shortfalls"),
    "alternative": ("替代措施（§9.1 b）", "Alternative measure (§9.1 b)"),
    "explanation": ("说明", "Explanation"),
    "na_reason": ("不适用理由", "Reason for not applicable"),
    "nonconf_reason": ("不符合原因", "Reason for not conforming"),
    "fig.total": ("总数", "total"),
    "fig.n": ("样本数", "sample size"),
    "fig.pending": ("待确认条款", "pending clauses"),
    "fig.signatories": ("已签字人数", "signatories"),
    "fig.signatories_required": ("应签字人数", "signatories required"),
    "fig.failures": ("不合格数", "failures"),
    "per_risk": ("按风险分布", "By risk"),
    "per_topic": ("按主题分布", "By topic"),
    "per_source": ("按来源分布", "By source"),
    "rates": ("比率及置信区间", "Rates with confidence intervals"),
    "threshold": ("阈值", "threshold"),
    "quota": ("配额", "quota"),
    "no_evidence": ("无", "none"),
    "files": ("证据文件与运行记录", "Evidence files and runs"),
    "path": ("文件 / 运行", "File / run"),
    "cited_by": ("引用条款", "Cited by"),
    "note": ("备注", "Note"),
    "components": ("评估组件", "Components"),
    "component": ("组件", "Component"),
    "version": ("版本", "Version"),
    "options": ("参数", "Options"),
    "run_note": (
        "路径中的 <run> 指本次评估运行的目录。",
        "<run> in a path stands for this assessment run's folder.",
    ),
    "role": ("角色", "Role"),
    "name": ("姓名", "Name"),
    "position": ("职务", "Position"),
    "signed_on": ("签字日期", "Date"),
    "signature": ("签字", "Signature"),
    "role.legal_representative": ("法定代表人", "Legal representative"),
    "role.assessment_lead": ("评估总体负责人", "Overall assessment lead"),
    "role.legality_lead": ("合法性评估负责人", "Legality assessment lead"),
    "sign_note": (
        "依据 TC260-003-2024 第9.1 d)，自评估报告由以上三人共同签字；法定代表人兼任其他角色的，"
        "可一并签字并说明。",
        "Per TC260-003-2024 §9.1 d) the report is signed jointly by the three people above; a "
        "legal representative who also holds another role may sign for it with a note.",
    ),
    "attachment_list": ("随附文件", "Attached files"),
    "att.report": ("附件1 安全评估报告", "Annex 1 Safety assessment report"),
    "att.keywords": ("附件4 拦截关键词列表", "Annex 4 interception keyword list"),
    "att.questions": ("附件5 评估测试题", "Annex 5 assessment test questions"),
    "att.samples": ("抽样样本及研判结果", "Sampled items with verdicts"),
    "att.filing": ("备案材料草稿", "Filing draft"),
    "refs": ("对应条款", "Also numbered"),
    "attested": ("结构化证据", "Structured evidence"),
    "not_given": ("（未填写）", "(not given)"),
    "scope": ("适用范围", "Scope"),
    "questions": ("适用性问题", "Applicability questions"),
    "question": ("问题", "Question"),
    "answer": ("回答", "Answer"),
    "basis_col": ("依据", "Basis"),
    "answer.yes": ("是", "yes"),
    "answer.no": ("否", "no"),
    "answer.none": ("未回答（待确认）", "not answered (pending)"),
    "obligations": ("法定义务落实情况", "Statutory obligations"),
    "obligations.note": (
        "以下为标准条款以外的法定义务，依据结构化证据（负责人、文件、日期、登记表等）形成结论；"
        "任一必填项缺失或无效的，结论为待确认。",
        "Obligations outside the standard's clauses, concluded from structured evidence "
        "(who, which document, which date, registers); a missing or invalid field leaves the "
        "item pending.",
    ),
    "generated_by": ("本报告由 beian {v} 生成", "Generated by beian {v}"),
    "ch.5": ("语料安全要求", "Corpus safety"),
    "ch.6": ("模型安全要求", "Model safety"),
    "ch.7": ("安全措施要求", "Safety measures"),
    "ch.8": ("其他要求", "Other requirements"),
    "ch.9": ("安全评估要求", "Safety assessment"),
    "verdict.pending": (
        "评估尚未完成：{p} 个条款待确认，{n} 个条款不符合。",
        "The assessment is not complete: {p} clauses pending, {n} not conforming.",
    ),
    "verdict.nonconforms": (
        "全部条款已形成结论，其中 {n} 个条款不符合，须整改或说明替代措施。",
        "Every clause has a conclusion; {n} do not conform and need fixes or alternatives.",
    ),
    "verdict.conforms": (
        "全部条款均为符合或不适用。",
        "Every clause conforms or is not applicable.",
    ),
    "signed": ("已签字 {s}/{r}", "signed {s}/{r}"),
    # Confidence of a clause's reading of the standard (profile field ``confidence``).
    "confidence": ("置信度", "Confidence"),
    "confidence.legend": (
        "置信度：V = 已对照标准原文核实；S = 依据二手资料（解读、培训材料）；U = 尚未确认，"
        "以标准原文为准。",
        "Confidence: V = verified against the standard's text; S = from a secondary source "
        "(commentary, training material); U = unconfirmed, check the standard's text.",
    ),
    # Which part of beian concluded on a clause (ClauseEvidence.section).
    "section.corpus": ("语料核查", "corpus checks"),
    "section.assets": ("关键词库与题库核查", "keyword library and question bank checks"),
    "section.attestations": ("提供者声明", "provider attestations"),
    "section.filing": ("备案登记簿与备案名单", "filing register and public list"),
    "section.filing-display": ("备案信息展示核查", "filing display check"),
    "section.classifier": ("分类模型核查", "classifier check"),
    "section.labels": ("内容标识核验", "content label verification"),
    "section.model-eval": ("模型评估", "model evaluation"),
    "section.assess": ("评估汇总", "assessment summary"),
    "section.default": ("无自动核查", "no automatic check"),
    "section.obligations": ("结构化证据与适用性", "structured evidence and applicability"),
    "section.derived": ("依据相关条款结论", "from related clauses"),
    "section.scope": ("服务范围声明", "declared service scope"),
    # Notes on evidence files and runs.
    "note.workspace": ("工作区配置", "workspace configuration"),
    "note.eval run": ("模型评估运行", "model evaluation run"),
    "note.results": ("评估结果", "evaluation results"),
    "note.tested target": ("被测对象（目标）", "target under test"),
    "note.tested endpoint": ("被测接口地址", "endpoint under test"),
    "note.model configured": ("配置的模型标识", "model id configured"),
    "note.model reported": ("接口返回的模型标识", "model id reported by the endpoint"),
    "note.model version": ("提供者标注的模型版本", "model version given by the provider"),
    "note.tested period": ("测试起止时间", "test period"),
    "note.question bank": ("测试题库文件（SHA-256）", "question bank file (SHA-256)"),
    "note.detection setup": (
        "检测配置摘要（关键词库、检测器、模型）",
        "detection setup digest (library, detectors, models)",
    ),
    "note.check result": ("核查结果", "check result"),
    "note.label verification": ("标识核验结果", "label verification results"),
    "note.corpus-assess": ("语料技术抽检运行", "corpus scan run"),
    "note.corpus-assess summary": ("语料技术抽检汇总", "corpus scan summary"),
    "note.corpus-filter": ("语料过滤运行", "corpus filter run"),
    "note.corpus-filter summary": ("语料过滤汇总", "corpus filter summary"),
    "note.corpus-verdicts": ("语料人工抽检研判", "corpus review verdicts"),
    "note.corpus-verdicts summary": ("语料人工抽检汇总", "corpus review summary"),
    "note.sources check": ("来源登记核查结果", "sources register check"),
    # Explanations sections give by key instead of in words.
    "expl.monitoring-staff-attested-separately": (
        "7.g 同时依据 9.4 b/c 的拒答结果与监看人员声明（attestations.yaml 7.g monitoring_staff）",
        "7.g rests on the 9.4 b/c refusal results and the monitoring-staff attestation "
        "(attestations.yaml 7.g monitoring_staff)",
    ),
    "comp.report_section": ("报告章节", "report section"),
    "comp.detector": ("检测器", "detector"),
    "comp.judge": ("评判器", "judge"),
    "comp.target": ("被测模型", "target"),
    "comp.reader": ("读取器", "reader"),
    "comp.label_writer": ("标识写入器", "label writer"),
    "expl.classifier-mostly-authored": (
        "“训练样本主要为自编示例的风险”中所列风险，其训练样本九成以上为 beian 自编示例，"
        "识别能力弱（见 docs/accuracy.md）。",
        "The risks listed under 'risks trained mostly on authored examples' were trained on "
        "more than 90 % beian-authored examples and are recognised weakly (see docs/accuracy.md).",
    ),
    # Figure keys and values (see figures.py for the shapes).
    "fig.limit": ("限值", "limit"),
    "fig.sources": ("来源", "sources"),
    "fig.groups": ("按语言与模态分组", "groups by language and modality"),
    "fig.min_sources": ("每组至少来源数", "minimum sources per group"),
    "fig.files": ("文件数", "files"),
    "fig.passed": ("合格", "passed"),
    "fig.failed": ("不合格", "failed"),
    "fig.explicit": ("显式标识", "explicit labels"),
    "fig.declared": ("已声明（未读取像素）", "declared (pixels not read)"),
    "fig.detected": ("已检出", "detected"),
    "fig.not_checked": ("未核验", "not checked"),
    "fig.covered": ("已覆盖风险数", "risks covered"),
    "fig.recall_min": ("逐风险检出率下限要求", "per-risk recall floor"),
    "fig.support_min": ("逐风险最少标注样本", "labelled items needed per risk"),
    "fig.below_floor": ("实测检出率未达要求的风险", "risks measured below the floor"),
    "fig.unmeasured": ("未实测的风险", "risks not measured"),
    "fig.measured_recall": ("逐风险实测检出率", "measured recall per risk"),
    "fig.model_outputs": ("模型输出风险数", "model outputs"),
    "fig.illegal": ("违法不良条数（A.1–A.4）", "illegal items (A.1–A.4)"),
    "fig.illegal_share": ("违法不良占比（A.1–A.4）", "illegal share (A.1–A.4)"),
    "fig.upper": ("占比置信上限", "upper bound of the share"),
    "fig.confidence": ("置信水平", "confidence level"),
    "fig.monitoring_staff": ("监看人员", "monitoring staff"),
    "fig.software_result": ("软件核查结论", "software result"),
    "fig.explicit_stated": ("经声明的显式标识样本", "samples with a stated explicit label"),
    "fig.required": ("要求数", "required"),
    "fig.mostly_authored_examples": (
        "训练样本主要为自编示例的风险",
        "risks trained mostly on authored examples",
    ),
    "fig.items": ("语料条数", "items"),
    "fig.sampled": ("抽检条数", "sampled"),
    "fig.sample_share": ("抽检比例", "sampled share"),
    "fig.errors": ("读取错误", "read errors"),
    "fig.hits": ("命中数", "hits"),
    "fig.rate": ("比率", "rate"),
    "fig.low": ("95% 置信下限", "95% CI low"),
    "fig.high": ("95% 置信上限", "95% CI high"),
    "fig.required_n": ("要求样本数", "required sample size"),
    "fig.threshold": ("阈值", "threshold"),
    "fig.op": ("比较方式", "comparison"),
    "fig.name": ("名称", "name"),
    "fig.flagged": ("违法不良条数", "flagged"),
    "fig.flagged_rate": ("违法不良占比", "flagged share"),
    "fig.ci": ("95% 置信区间", "95% CI"),
    "fig.verdict": ("结论", "verdict"),
    "fig.language": ("语言", "language"),
    "fig.modality": ("模态", "modality"),
    "fig.domestic": ("境内来源", "domestic"),
    "fig.foreign": ("境外来源", "foreign"),
    "fig.ok": ("达标", "meets"),
    "fig.complaints": ("网关登记投诉数", "complaints in the gateway register"),
    "fig.complaints_open": ("未结投诉", "open complaints"),
    "fig.complaints_overdue": ("逾期未处理", "overdue"),
    "fig.complaints_unanswered": ("已处理未反馈", "closed without feedback"),
    "fig.incidents_rows": ("事件台账条数", "incident register rows"),
    "fig.register_rows": ("台账条数", "register rows"),
    "fig.requests_rows": ("请求台账条数", "request register rows"),
    "fig.synthetic_register_rows": ("合成数据登记条数", "synthetic-data register rows"),
    "fig.agreement_sections": ("协议已载明事项", "agreement sections found"),
    "fig.retention_days": ("日志留存天数", "log retention (days)"),
    "fig.sampled_per_type": ("每类来源最少抽检条数", "fewest samples per source type"),
    "fig.feedback_days": ("反馈时限（天）", "feedback limit (days)"),
    "fig.handling_days": ("处理时限（天）", "handling limit (days)"),
    "fig.opt_out_clicks": ("关闭训练的点击次数", "clicks to opt out"),
    "fig.filing_working_days_max_actual": (
        "上线至备案（工作日）",
        "launch to filing (working days)",
    ),
    "fig.change_working_days_max_actual": (
        "变更至变更备案（工作日）",
        "change to change filing (working days)",
    ),
    "fig.cancel_working_days_max_actual": (
        "终止至注销（工作日）",
        "end to cancellation (working days)",
    ),
    "val.true": ("是", "yes"),
    "val.false": ("否", "no"),
    "val.none": ("无数据", "no data"),
    "val.usable": ("可使用", "usable"),
    "val.exclude": ("不得使用", "exclude"),
    "val.insufficient": ("样本不足以证明可用", "sample too small to show usable"),
    "val.conforms": ("符合", "conforms"),
    "val.nonconforms": ("不符合", "does not conform"),
    "val.not_applicable": ("不适用", "not applicable"),
    "val.pending": ("待确认", "pending"),
    "val.unreadable": ("无法读取", "unreadable"),
    "val.text": ("文本", "text"),
    "val.image": ("图片", "image"),
    "val.audio": ("音频", "audio"),
    "val.video": ("视频", "video"),
    "val.zh": ("中文", "Chinese"),
    "val.en": ("英文", "English"),
}


def msg(key: str, **values: object) -> Msg:
    """The fixed text ``key`` in both languages, with ``{placeholders}`` filled."""
    zh, en = _TABLE[key]
    return Msg(zh=zh.format(**values), en=en.format(**values))


def t(key: str, lang: Lang, **values: object) -> str:
    """The fixed text ``key`` in ``lang``."""
    return msg(key, **values).get(lang)


def has(key: str) -> bool:
    """Whether the table has ``key`` (for optional labels such as ``kind.<x>``)."""
    return key in _TABLE


def all_keys() -> list[str]:
    """Every key, for completeness tests."""
    return sorted(_TABLE)
