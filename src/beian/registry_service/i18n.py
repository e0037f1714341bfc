"""The words of the registry service's pages (Chinese by default); web's words fill the rest."""

from __future__ import annotations

from beian.filing.kinds import STATUS_LABELS, TYPE_LABELS
from beian.web.i18n import Lang
from beian.web.i18n import text as web_text

_TEXT: dict[str, tuple[str, str]] = {
    "app": ("生成式人工智能服务备案系统", "Generative-AI filing registry"),
    "public_list": ("备案公示名单", "Public list of filed services"),
    "batches": ("公布批次", "Published batches"),
    "dossiers": ("备案申请", "Applications"),
    "my_dossiers": ("我的备案申请", "My applications"),
    "new_dossier": ("提交备案申请", "Submit an application"),
    "review_queue": ("待审核申请", "Applications to review"),
    "admin": ("名单管理", "List admin"),
    "company": ("备案单位", "Filing organisation"),
    "filing_type": ("备案类型", "Filing type"),
    "model_name": ("模型名称", "Model name"),
    "number_name": ("备案号中的模型名（拉丁字母）", "Model name in the number (Latin letters)"),
    "province": ("属地", "Province"),
    "files": ("材料文件（beian assess 输出）", "Files (written by beian assess)"),
    "digests": (
        "SHA-256 清单（选择文件后自动计算，或粘贴 sha256sum 输出）",
        "SHA-256 list (computed when files are picked, or paste sha256sum output)",
    ),
    "submit": ("提交", "Submit"),
    "resubmit": ("提交修改后的材料", "Resubmit the corrected files"),
    "status": ("状态", "Status"),
    "number": ("备案号", "Filing number"),
    "filed_on": ("备案时间", "Filed on"),
    "seq": ("序号", "No."),
    "version": ("版本", "Version"),
    "checks": ("自动检查", "Automatic check"),
    "file": ("文件", "File"),
    "role": ("类别", "Role"),
    "size": ("字节", "Bytes"),
    "history": ("办理记录", "History"),
    "audit_link": ("审计链", "Audit link"),
    "comment": ("意见", "Comment"),
    "add_comment": ("添加意见", "Add comment"),
    "reason": ("退回理由（须写明需补正的内容）", "Reason for return (what to fix)"),
    "send_back": ("退回补正", "Return for correction"),
    "accept": ("审核通过并发放备案号", "Accept and issue the number"),
    "publish": ("公布新批次", "Publish a new batch"),
    "label": ("批次名称", "Batch label"),
    "search": (
        "搜索（模型、单位、备案号、属地）",
        "Search (model, organisation, number, province)",
    ),
    "go": ("查询", "Search"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "json_api": ("JSON 接口", "JSON API"),
    "batch": ("批次", "Batch"),
    "published_at": ("公布时间", "Published"),
    "published_by": ("公布人", "Published by"),
    "count": ("条数", "Entries"),
    "no_entries": ("没有符合条件的备案", "No matching entry"),
    "nothing": ("暂无", "None"),
    "level_error": ("错误", "error"),
    "level_warning": ("提示", "warning"),
    "level_ok": ("通过", "ok"),
    "ev_submit": ("提交", "submitted"),
    "ev_resubmit": ("重新提交", "resubmitted"),
    "ev_comment": ("意见", "comment"),
    "ev_return": ("退回", "returned"),
    "ev_accept": ("备案通过", "filed"),
    "ev_publish": ("公示", "published"),
    "all_batches": ("全部批次", "All batches"),
    "all": ("全部", "All"),
    "open_dossier": ("查看", "Open"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "role_registry_admin": ("名单管理员", "registry admin"),
    "role_registry_reviewer": ("审核员", "reviewer"),
    "role_provider": ("备案申请人", "provider"),
}


def text(key: str, lang: Lang) -> str:
    """A registry word; then web's; then filing's status and type labels; else the key."""
    pair = _TEXT.get(key)
    if pair is not None:
        return pair[0] if lang == "zh" else pair[1]
    for prefix, labels in (("st_", STATUS_LABELS), ("type_", TYPE_LABELS)):
        if key.startswith(prefix) and key[len(prefix) :] in labels:
            msg = labels[key[len(prefix) :]]
            return msg.zh if lang == "zh" else msg.en
    return web_text(key, lang)
