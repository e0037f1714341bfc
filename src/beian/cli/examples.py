"""The "示例 / Examples" block at the end of each command's ``--help``.

Kept in one table so every command's examples read alike; :func:`attach` puts them on the
commands once they are wired. Each example is a command line and an optional one-line purpose
(Chinese / English); single newlines survive Typer's rich help, so one command per line. Groups
that carry their own epilog in their module (``eval``, ``classifier``, ``judge``, ``detect``)
are not listed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

Example = tuple[str, str]
"""(command line, purpose); the purpose may be empty."""

EXAMPLES: dict[str, tuple[Example, ...]] = {
    "init": (
        (
            'beian init -w my-service --provider "某科技有限公司" --service "某对话服务"',
            "新建工作区 / a new workspace: beian.toml and folders",
        ),
        ("beian init -w demo --demo", "带演示数据 / filled with the bundled demo data"),
    ),
    "assess": (
        ("beian assess", "评估内置演示工作区 / assess the bundled demo workspace"),
        ("beian assess -w my-service", "每条款一行及报告路径 / one line per clause, report paths"),
        ("beian assess -w my-service --details --lang en", "证据与数据表 / the evidence table"),
        ("beian assess -w my-service --json > assessment.json", ""),
    ),
    "risks": (
        ("beian risks", "附录A的31种风险 / the 31 risks of Appendix A"),
        ("beian risks --profile gb-t-45654-2025 --json", ""),
    ),
    "plugins": (
        ("beian plugins", "已注册的组件 / registered detectors, readers, targets …"),
        ("beian plugins --json", ""),
    ),
    "standard show": (
        ("beian standard show --profile gb-t-45654-2025", "条款与阈值 / clauses and thresholds"),
    ),
    "standard export": (
        ("beian standard export > my-profile.yaml", "复制配置后修改阈值 / copy, then edit"),
    ),
    "standard list": (("beian standard list", "内置标准配置 / the built-in profiles"),),
    "standard obligations-template": (
        (
            "beian standard obligations-template -p gb-t-45654-2025 > my-service/attestations/"
            "obligations.yaml",
            "法定义务证据模板 / the structured-evidence template to fill",
        ),
    ),
    "library import": (
        (
            "beian library import 拦截关键词列表.xlsx --into my-service/keywords",
            "导入备案格式的关键词表 / import the dossier's keyword sheet",
        ),
    ),
    "library export": (
        (
            "beian library export my-service/keywords 附件4.xlsx --dossier",
            "备案列 / dossier columns",
        ),
    ),
    "library check": (
        (
            "beian library check my-service/keywords",
            "§8.1 规模、覆盖、更新 / size, coverage, cadence",
        ),
        ("beian library check --starter --json", ""),
    ),
    "library history": (("beian library history my-service/keywords", "增删记录 / changes"),),
    "bank import": (
        (
            "beian bank import 测试题库.xlsx --into my-service/banks",
            "按工作表名分入三个题库 / sheets go to the three banks by name",
        ),
    ),
    "bank export": (("beian bank export my-service/banks 附件5.xlsx --dossier", ""),),
    "bank check": (
        ("beian bank check -w my-service", "§8.2/8.3 题量与覆盖 / quotas and coverage"),
        ("beian bank check my-service/banks --bank refuse --json", ""),
    ),
    "bank mutate": (
        ("beian bank mutate my-service/banks variants.jsonl", "生成变体题 / derived variants"),
    ),
    "label add": (
        (
            "beian label add outputs/ --out labelled/ --producer CODE --explicit --implicit",
            "显式与隐式标识 / visible and metadata labels (GB 45438)",
        ),
        (
            "beian label add received/ --out shared/ --propagator CODE",
            "平台添加传播要素，保留生成者字段 / platforms add propagation fields",
        ),
        ("beian label add outputs/ --in-place --producer CODE", "直接标识原文件 / label originals"),
    ),
    "label verify": (
        ("beian label verify labelled/", "逐文件核验 / check every file"),
        ("beian label verify labelled/ --require-explicit -w my-service --json", ""),
    ),
    "label code": (
        (
            "beian label code 91350100M000100Y43",
            "由统一社会信用代码得服务提供者编码 / provider code",
        ),
    ),
    "corpus sources check": (
        ("beian corpus sources check -w my-service", "§5.1 b/c 来源登记 / sources register"),
    ),
    "corpus assess": (
        (
            "beian corpus assess -w my-service --out scan-out",
            "§5.1 a 逐来源、§9.2 b 技术抽检 / per-source shares, technical sample",
        ),
    ),
    "corpus filter": (
        ("beian corpus filter -w my-service --out filtered", "§5.2 a 过滤语料 / filter the corpus"),
    ),
    "corpus sample": (
        (
            "beian corpus sample -w my-service --n 4000 --seed 1 --out sample.xlsx",
            "§9.2 a 人工抽检表 / the manual review sheet",
        ),
    ),
    "corpus verdicts import": (
        ("beian corpus verdicts import sample-reviewed.xlsx -w my-service", "导入研判 / verdicts"),
    ),
    "gateway serve": (
        (
            "beian gateway serve --upstream http://127.0.0.1:8000/v1 -w my-service --port 8080",
            "在模型前拦截 / guard a model behind an OpenAI-compatible endpoint",
        ),
    ),
    "gateway complaints": (
        ("beian gateway complaints -w my-service --status open", "投诉举报 / complaints"),
    ),
    "gateway log": (("beian gateway log -w my-service -n 50", "审计日志 / the audit log"),),
    "gateway keys create": (
        (
            "beian gateway keys create -w my-service --user app-1 --name 客服机器人",
            "签发密钥（只显示一次）/ issue a key, shown once",
        ),
    ),
    "gateway keys list": (("beian gateway keys list -w my-service", "密钥列表 / keys"),),
    "gateway keys revoke": (
        ("beian gateway keys revoke -w my-service 3f9a0c1b2d4e", "吊销密钥 / revoke a key"),
    ),
    "gateway audit verify": (
        ("beian gateway audit verify -w my-service", "校验审计链 / check the audit chain"),
        (
            "beian gateway audit verify -w my-service --anchor 1042:9c1f…",
            "与先前记下的链头比对 / against a head you wrote down",
        ),
    ),
    "gateway audit prune": (
        ("beian gateway audit prune -w my-service", "按保留期清理 / apply the retention period"),
    ),
    "report render": (
        ("beian report render my-service/runs/RUN", "重新生成报告 / re-render a stored run"),
        ("beian report render my-service/runs/RUN --lang en --out report-en", ""),
    ),
    "report filing": (
        ("beian report filing my-service/runs/RUN", "备案材料草稿 / the filing draft"),
    ),
    "report questionnaire export": (
        ("beian report questionnaire export -w my-service", "声明问卷 / the questionnaire XLSX"),
    ),
    "report questionnaire import": (
        (
            "beian report questionnaire import 声明问卷.xlsx -w my-service",
            "写入声明 / attestations",
        ),
    ),
}


def epilog(examples: tuple[Example, ...]) -> str:
    """The help epilog of one command."""
    lines = ["示例 / Examples:"]
    for command, purpose in examples:
        lines.append(f"  {command}")
        if purpose:
            lines.append(f"      {purpose}")
    return "\n".join(lines) + "\n"


def _commands(app: typer.Typer, prefix: str) -> Iterator[tuple[str, Any]]:
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        yield f"{prefix}{name}", info
    for group in app.registered_groups:
        if group.typer_instance is not None and group.name:
            yield from _commands(group.typer_instance, f"{prefix}{group.name} ")


def attach(app: typer.Typer) -> None:
    """Give every listed command its examples (a command's own epilog is kept)."""
    for path, info in _commands(app, ""):
        if path in EXAMPLES and not info.epilog:
            info.epilog = epilog(EXAMPLES[path])
