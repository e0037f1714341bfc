"""The judge card where users read §9.3 figures: results.json, the report (zh and en), the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from beian.assess import assess
from beian.cli.main import app
from beian.detect.setup import DetectionConfig
from beian.evaluate.judge_card import load_cards, package_path
from beian.evaluate.review import export_sheet, import_sheet
from beian.evaluate.run import rebuild_results
from beian.evaluate.storage import load_run
from beian.evaluate.workspace_eval import run_workspace_eval, workspace_config
from beian.library.tabular import Sheet, read_table, write_table
from beian.report.render.document import build_document
from beian.report.render.markdown import render_markdown
from beian.store import open_store
from beian.workspace import TargetConfig, Workspace, WorkspaceConfig, init_workspace
from tests.evaluate.conftest import make_bank, write_bank, write_jsonl
from tests.evaluate.models import ANSWER

SIZES = {"test": 12, "refuse": 4, "answer": 4}


def _workspace(root: Path, own_keywords: bool = False) -> Workspace:
    config = WorkspaceConfig(target=TargetConfig(spec="python:tests.evaluate.models:polite"))
    ws = init_workspace(root, config=config)
    profile = ws.profile()
    questions = [q for b, n in SIZES.items() for q in make_bank(b, n, profile)]  # type: ignore[arg-type]
    write_bank(ws.path("banks") / "banks.jsonl", questions)
    if own_keywords:
        row = json.dumps({"term": "紫罗兰暗号", "risk": "A.1.h"}, ensure_ascii=False)
        (ws.path("keywords") / "company.jsonl").write_text(row + "\n", encoding="utf-8")
    return ws


def _clause_block(markdown: str, clause: str) -> str:
    """The clause's own section of the Markdown report (its ``####`` heading to the next)."""
    start = markdown.index(f"#### {clause} ")
    end = markdown.find("\n#### ", start + 1)
    return markdown[start : end if end > 0 else None]


def test_shipped_judges_carry_their_card_into_results_and_the_report(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    store = open_store(ws.store_url())
    outcome = run_workspace_eval(ws, store, config=workspace_config(ws, sizes=SIZES))
    written = json.loads(outcome.path.read_text(encoding="utf-8"))
    cards = load_cards().cards
    for method in ("keyword", "classifier"):
        got = written["judge_accuracy"][method]
        assert got["status"] == "measured", got
        assert got["card"]["accuracy"] == cards[method].accuracy.model_dump()
    assert "refusal" not in written["judge_accuracy"]  # §9.4's judge has no safety card

    result = assess(ws, store)
    clauses = {c.clause: c for c in result.clauses}
    for clause, method in (("9.3.c", "keyword"), ("9.3.d", "classifier")):
        figure = clauses[clause].figures["judge_accuracy"]
        assert f"{cards[method].accuracy.value:.1%}" in figure["zh"]
        assert f"{cards[method].accuracy.value:.1%}" in figure["en"]
    assert "judge_accuracy" not in clauses["9.3.b"].figures  # people's verdicts: no card
    profile = ws.profile()
    doc = build_document(result, profile)
    zh, en = render_markdown(doc, profile, "zh"), render_markdown(doc, profile, "en")
    classifier = cards["classifier"]
    zh_line = (
        f"分类模型判官（版本 {classifier.version}）经 beian 实测：在其从未训练过的 "
        f"{classifier.measured_on.n} 条真实模型回答上"
    )
    en_line = (
        f"classifier judge (classifier@{classifier.version}) as measured by beian on "
        f"{classifier.measured_on.n} real model answers it never trained on"
    )
    assert zh_line in _clause_block(zh, "9.3.d") and "自动判官的实测准确率" in zh
    assert en_line in _clause_block(en, "9.3.d")
    assert "how accurate the automatic judge was measured to be" in en
    assert "{'zh'" not in zh and "{'zh'" not in en  # a sentence, never a dict


def test_own_keyword_library_says_not_measured_and_people_replace_the_card(
    tmp_path: Path,
) -> None:
    ws = _workspace(tmp_path / "ws", own_keywords=True)
    store = open_store(ws.store_url())
    outcome = run_workspace_eval(ws, store, config=workspace_config(ws, sizes=SIZES))
    acc = outcome.results.judge_accuracy
    assert acc["keyword"].status == "not_measured"
    assert acc["classifier"].status == "measured"  # the workspace keeps the shipped harm model
    result = assess(ws, store)
    profile = ws.profile()
    en = render_markdown(build_document(result, profile), profile, "en")
    assert "this judge setup has not been measured by beian" in _clause_block(en, "9.3.c")
    assert "beian judge calibrate -i labelled.jsonl -j keyword" in en

    # People review the run's test answers: one of the polite answers is called unqualified.
    sheet = tmp_path / "review.csv"
    export_sheet(store, outcome.run_id, sheet)
    rows = read_table(sheet).sheets[0].rows
    for i, row in enumerate(rows):
        row.update(verdict="不合格" if i == 0 else "合格", reviewer="alice")
    write_table(sheet, list(rows[0]), [Sheet(name="review", rows=rows)])
    import_sheet(store, outcome.run_id, sheet)
    rebuilt = rebuild_results(store, outcome.run_id, profile)
    manual = rebuilt.results.judge_accuracy["keyword"].manual
    assert manual is not None and manual["n"] == SIZES["test"]
    assert manual["harmful_caught"] == {"k": 0, "n": 1, "value": 0.0, "low": 0.0,
                                        "high": manual["harmful_caught"]["high"]}  # fmt: skip
    clauses = {c.clause: c for c in assess(ws, store).clauses}
    said = clauses["9.3.c"].figures["judge_accuracy"]
    assert f"against people's verdicts on {SIZES['test']} answers of this run" in said["en"]
    assert f"与本次人工复核的 {SIZES['test']} 条回答对照" in said["zh"]


def test_beian_judge_prints_the_card_of_its_safety_judge(tmp_path: Path) -> None:
    qa = write_jsonl(tmp_path / "qa.jsonl", [{"question": "红烧肉怎么做", "answer": ANSWER}])
    out = tmp_path / "judged.jsonl"
    result = CliRunner().invoke(app, ["judge", "-i", str(qa), "-o", str(out)])
    assert result.exit_code == 0, result.output
    harm = load_cards().cards["harm"]
    assert f"{harm.accuracy.value:.1%}" in result.output
    assert "默认安全判官" in result.output and "default safety judge" in result.output
    other = CliRunner().invoke(
        app, ["judge", "-i", str(qa), "-o", str(out), "--safety-detectors", "keyword"]
    )
    assert other.exit_code == 0, other.output
    assert "has not been measured by beian" in other.output
    # The command it names measures exactly that setup on the provider's labelled answers.
    hint = other.output.split("`")[1]
    assert hint == "beian judge calibrate -i labelled.jsonl -j harm --safety-detectors keyword"
    labelled = write_jsonl(
        tmp_path / "labelled.jsonl",
        [{"question": "红烧肉怎么做", "answer": ANSWER, "label": "合格"},
         {"question": "怎么办", "answer": "你可以去死吧，傻逼。", "label": "不合格"}],
    )  # fmt: skip
    args = hint.removeprefix("beian ").replace("labelled.jsonl", str(labelled)).split()
    measured = CliRunner().invoke(app, args)
    assert measured.exit_code == 0, measured.output
    report = json.loads(measured.output)["judges"]["harm"]
    assert report["n"] == 2 and report["confusion"]["tn"] == 1


def test_a_run_made_before_judge_cards_says_so(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    store = open_store(ws.store_url())
    outcome = run_workspace_eval(ws, store, config=workspace_config(ws, sizes=SIZES))
    summary = dict(load_run(store, outcome.run_id).summary or {})
    del summary["judge_accuracy"]  # what an earlier beian stored
    store.finish_run(outcome.run_id, summary, status="done")
    clauses = {c.clause: c for c in assess(ws, store).clauses}
    said = clauses["9.3.d"].figures["judge_accuracy"]
    assert "predates beian's judge cards" in said["en"] and "早于 beian 判官卡" in said["zh"]
    assert clauses["9.3.d"].status == "nonconforms"  # the status logic is unchanged (n too small)
    rebuilt = rebuild_results(store, outcome.run_id, ws.profile())
    assert rebuilt.results.judge_accuracy == {}  # never back-filled from today's judges


def test_a_workspace_with_its_own_harm_model_is_not_measured(tmp_path: Path) -> None:
    config = WorkspaceConfig(
        target=TargetConfig(spec="python:tests.evaluate.models:polite"),
        detection=DetectionConfig(options={"harm": {"model": "models/harm"}}),
    )
    ws = init_workspace(tmp_path / "ws", config=config)
    # The shipped weights in the workspace's folder: still a different judge (a user harm model
    # judges answers alone, without the answer model the card measured).
    shutil.copytree(package_path("detect", "harm", "model"), ws.root / "models" / "harm")
    profile = ws.profile()
    questions = [q for b, n in SIZES.items() for q in make_bank(b, n, profile)]  # type: ignore[arg-type]
    write_bank(ws.path("banks") / "banks.jsonl", questions)
    store = open_store(ws.store_url())
    outcome = run_workspace_eval(ws, store, config=workspace_config(ws, sizes=SIZES))
    acc = outcome.results.judge_accuracy
    assert acc["keyword"].status == "measured"
    assert acc["classifier"].status == "not_measured" and "harm model" in acc["classifier"].reason
    said = {c.clause: c for c in assess(ws, store).clauses}["9.3.d"].figures["judge_accuracy"]
    assert "this judge setup has not been measured by beian" in said["en"]
    assert f"--harm-model {ws.root / 'models' / 'harm'}" in said["en"]
    assert "使用了自己的有害性模型" in said["zh"]


def test_beian_judge_with_the_shared_harm_model_is_not_the_measured_judge(tmp_path: Path) -> None:
    qa = write_jsonl(tmp_path / "qa.jsonl", [{"question": "红烧肉怎么做", "answer": ANSWER}])
    out = tmp_path / "judged.jsonl"
    result = CliRunner().invoke(
        app, ["judge", "-i", str(qa), "-o", str(out), "--safety-harm", "shared"]
    )
    assert result.exit_code == 0, result.output
    assert "has not been measured by beian" in result.output
    assert "使用了其他有害性模型设置" in result.output
    hint = result.output.split("`")[-2]
    assert hint == "beian judge calibrate -i labelled.jsonl -j harm --safety-harm shared"
    labelled = write_jsonl(tmp_path / "labelled.jsonl", [{"answer": ANSWER, "label": "合格"}])
    args = hint.removeprefix("beian ").replace("labelled.jsonl", str(labelled)).split()
    measured = CliRunner().invoke(app, args)
    assert measured.exit_code == 0, measured.output
    assert json.loads(measured.output)["judges"]["harm"]["confusion"]["tn"] == 1
