"""The words people read in ``beian web``: Chinese by default, English on request."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_TEXT: dict[str, tuple[str, str]] = {
    "app": ("备案人工审核台", "beian review workbench"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "bad_login": ("用户名或密码错误", "Wrong user name or password"),
    "locked": ("密码错误次数过多，请稍后再试", "Too many wrong passwords; try again later"),
    "settings": ("队列设置", "Queue settings"),
    "save": ("保存", "Save"),
    "queues": ("审核队列", "Review queues"),
    "dashboard": ("看板", "Dashboard"),
    "admin": ("管理", "Admin"),
    "queue": ("队列", "Queue"),
    "kind_corpus": ("语料人工抽检（9.2 a）", "Corpus manual sample (9.2 a)"),
    "kind_answers": ("生成内容人工抽检（9.3 b）", "Answer manual sample (9.3 b)"),
    "items": ("条目", "Items"),
    "decided": ("已定论", "Decided"),
    "to_adjudicate": ("待裁决", "To adjudicate"),
    "review": ("审核", "Review"),
    "adjudicate": ("裁决", "Adjudicate"),
    "qualified": ("合格", "Qualified"),
    "unqualified": ("不合格", "Unqualified"),
    "skip": ("跳过", "Skip"),
    "undo": ("撤销", "Undo"),
    "note": ("备注", "Note"),
    "risk": ("风险类别（可搜索）", "Risk (type to search)"),
    "keys_help": (
        "快捷键：1 合格 · 2 不合格 · r 风险 · n 备注 · s 跳过 · u 撤销 · Esc 返回",
        "Keys: 1 qualified · 2 unqualified · r risk · n note · s skip · u undo · Esc back",
    ),
    "item_of": ("条目", "Item"),
    "your_reviews": ("我的审核数", "My reviews"),
    "queue_done": ("本队列没有待您审核的条目。", "Nothing left for you in this queue."),
    "skipped_left": ("已跳过的条目", "Skipped items"),
    "revisit": ("重新审核已跳过条目", "Revisit skipped items"),
    "question": ("问题", "Question"),
    "answer": ("回答", "Answer"),
    "text": ("文本", "Text"),
    "source": ("来源", "Source"),
    "auto": ("自动研判（非盲审）", "Automatic verdicts (not blind)"),
    "reviews_so_far": ("审核意见", "Reviews"),
    "reviewer": ("审核员", "Reviewer"),
    "reviews": ("审核数", "Reviews"),
    "per_hour": ("每小时条数", "Items per hour"),
    "rate": ("合格率", "Qualified rate"),
    "ci": ("95% 置信区间", "95% interval"),
    "kappa": ("Cohen κ", "Cohen's κ"),
    "pair": ("审核员组合", "Reviewer pair"),
    "agreement": ("一致率", "Observed agreement"),
    "per_risk": ("按风险类别", "Per risk"),
    "n": ("共同审核数", "Items both reviewed"),
    "create_queue": ("新建队列", "New queue"),
    "run": ("运行", "Run"),
    "reviewers_required": ("每条审核人数", "Reviewers per item"),
    "blind": ("盲审（隐藏自动研判）", "Blind (hide automatic verdicts)"),
    "create": ("创建", "Create"),
    "publish": ("写入评估结果", "Publish to the store"),
    "published": ("已写入运行", "Published as run"),
    "users": ("用户", "Users"),
    "roles": ("角色", "Roles"),
    "forbidden": ("无权执行此操作", "You may not do this"),
    "csrf": ("表单已过期，请刷新页面后重试", "The form expired; reload the page and try again"),
    "separation": (
        "同一人不得在同一条目上担任两个角色（§5.3）",
        "One person may not hold two roles on the same item (§5.3)",
    ),
    "already_decided": (
        "该条目已有定论或已由他人完成",
        "This item is already decided or done by others",
    ),
    "nothing_to_undo": ("没有可撤销的操作", "Nothing to undo"),
    "home": ("首页", "Home"),
    "final": ("定论", "Decision"),
    "disputed_left": ("待裁决条目", "Disputes left"),
    "no_disputes": ("没有待您裁决的分歧。", "No dispute left for you."),
    "pace": ("审核进度与速度", "Progress and pace"),
    "agreement_title": ("审核一致性", "Agreement"),
    "undefined": ("无法计算", "undefined"),
    "status": ("状态", "Status"),
    "key": ("编号", "Key"),
    "complaints": ("投诉举报", "Complaints"),
    "ticket": ("受理编号", "Ticket"),
    "received": ("收到时间", "Received"),
    "due": ("处理时限", "Due"),
    "days_left": ("剩余天数", "Days left"),
    "overdue": ("已逾期", "Overdue"),
    "category": ("类别", "Category"),
    "contact": ("联系方式", "Contact"),
    "content": ("内容", "Content"),
    "linked_request": ("关联请求（审计记录）", "Linked request (audit log)"),
    "reply": ("答复内容", "Reply"),
    "history": ("处理记录", "History"),
    "st_open": ("已受理", "received"),
    "st_handling": ("处理中", "handling"),
    "st_answered": ("已答复", "answered"),
    "st_closed": ("已关闭", "closed"),
    "to_handling": ("开始处理", "Start handling"),
    "to_answered": ("答复并告知", "Send the reply"),
    "to_closed": ("关闭", "Close"),
    "step_text": ("答复或关闭理由", "Reply or reason for closing"),
    "reply_needed": ("答复或关闭须填写内容", "A reply or a reason is required"),
    "bad_step": ("该投诉当前状态不允许此操作", "Not possible in the complaint's current state"),
    "no_complaints": ("暂无投诉举报", "No complaints"),
    "not_found": ("未找到", "Not found"),
    "bad_input": ("输入无效", "Invalid input"),
    "no_runs": ("存储中没有可审核的运行", "No run in the store to review"),
    "language": ("English", "中文"),
    "progress": ("进度", "Progress"),
    "none": ("—", "—"),
    "role_admin": ("管理员", "admin"),
    "role_annotator": ("标注员", "annotator"),
    "role_reviewer": ("审核员", "reviewer"),
    "role_adjudicator": ("裁决员", "adjudicator"),
    "role_operator": ("运营人员", "operator"),
}


def text(key: str, lang: Lang) -> str:
    """The message ``key`` in ``lang`` (the key itself when unknown, so a gap shows up)."""
    pair = _TEXT.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def pick(lang: str | None) -> Lang:
    """A supported language from a cookie or query value; Chinese otherwise."""
    return "en" if lang == "en" else "zh"


def _merge() -> None:
    from beian.web.console_text import CONSOLE_TEXT

    _TEXT.update(CONSOLE_TEXT)


_merge()
