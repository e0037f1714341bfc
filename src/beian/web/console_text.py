"""Words of the service console pages (Chinese, English); merged into beian.web.i18n."""

from __future__ import annotations

CONSOLE_TEXT: dict[str, tuple[str, str]] = {
    "console": ("服务控制台", "Service console"),
    "optouts": ("训练数据退出登记", "Training opt-out register"),
    "optout_title": ("训练数据使用设置", "Use of your data for training"),
    "optout_intro": (
        "您可以选择是否允许将您与本服务的对话用于模型训练。修改随时生效，可随时改回。",
        "Choose whether your conversations with this service may be used to train models. "
        "The change applies at once and can be undone at any time.",
    ),
    "optout_user": ("用户", "User"),
    "optout_state_out": (
        "当前状态：已退出（您的数据不会用于训练）",
        "Current state: opted out (your data is not used for training)",
    ),
    "optout_state_in": (
        "当前状态：未退出（您的数据可能用于训练）",
        "Current state: not opted out (your data may be used for training)",
    ),
    "optout_do_out": ("退出训练数据使用", "Opt out of training"),
    "optout_do_in": ("允许用于训练", "Allow use for training"),
    "optout_saved": ("已保存", "Saved"),
    "optout_since": ("设置时间", "Set on"),
    "optout_bad_link": ("链接无效或已被篡改", "This link is invalid or has been altered"),
    "opted_out": ("已退出", "Opted out"),
    "opted_in": ("未退出", "Not opted out"),
    "set_at": ("设置时间", "Set at"),
    "method": ("设置方式", "How set"),
    "method_page": ("用户本人（退出页面）", "by the user (opt-out page)"),
    "method_console": ("运营人员（应用户请求）", "by an operator (on request)"),
    "set_by": ("操作人", "By"),
    "export": ("导出（JSONL，供语料流程使用）", "Export (JSONL, for the corpus pipeline)"),
    "user_id": ("用户标识", "User id"),
    "state": ("状态", "State"),
    "set_state": ("登记", "Record"),
    "link": ("退出链接", "Opt-out link"),
    "no_optouts": ("暂无登记", "Nothing recorded"),
    "refused": ("拒答", "Refused"),
    "answered": ("未拒答", "Answered"),
    "rate_refused": ("拒答率", "Refusal rate"),
    "judge_agreement": ("与自动拒答判定一致", "Agreement with the refusal judge"),
    "queue_kind": ("队列类型", "Queue kind"),
    "kind_default": (
        "按运行类型（语料 9.2 a / 生成内容 9.3 b）",
        "by run kind (corpus 9.2 a / answers 9.3 b)",
    ),
    "kind_refusals": (
        "拒答检查（9.4，应拒答/非拒答题库）",
        "Refusal check (9.4, refuse/answer banks)",
    ),
    "kind_traffic": ("网关拦截与标记流量", "Blocked and flagged gateway traffic"),
    "queue_traffic": ("将拦截与标记的请求加入审核队列", "Queue the blocked and flagged requests"),
    "not_publishable": (
        "该类队列的结论保留在审核台中，不写入评估运行",
        "This kind of queue is kept in the workbench, not published to a run",
    ),
    "sanctions": ("用户与处置", "Users and sanctions"),
    "sanctions_intro": (
        "根据网关审计日志统计：违规输入次数、警示与暂停服务；解除暂停须填写理由并记入审计。",
        "From the gateway's audit log: blocked inputs, warnings and suspensions; lifting a "
        "suspension needs a reason and is audited.",
    ),
    "requests": ("请求数", "Requests"),
    "strikes": ("违规输入", "Blocked inputs"),
    "warnings": ("警示", "Warnings"),
    "suspensions": ("暂停次数", "Suspensions"),
    "suspended": ("已暂停", "Suspended"),
    "lifted": ("已解除", "Lifted"),
    "lift": ("解除暂停", "Lift suspension"),
    "lift_reason": ("解除理由", "Reason"),
    "reason_needed": ("须填写解除理由", "A reason is required"),
    "no_users": ("暂无网关用户记录", "No gateway user on record"),
    "no_traffic": ("没有被拦截或标记的网关请求", "No blocked or flagged gateway request"),
}
