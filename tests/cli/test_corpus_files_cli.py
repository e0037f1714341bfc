"""``beian corpus`` and ``beian detect`` on damaged or awkward inputs, as a user runs them.

Findings C1, C2, C4 (reliability.md §1) and F14, F18, F19 (ux.md, corpus).
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import yaml

from tests.cli.conftest import Runner


def _manifest(folder: Path, sources: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "LICENSE").write_text("CC0\n", "utf-8")
    for s in sources:
        s.setdefault("type", "open-source")
        s.setdefault("languages", ["zh"])
        s.setdefault("origin", "domestic")
        s.setdefault("licence", "LICENSE")
    path = folder / "manifest.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")
    return path


def _rows(n: int, field: str = "text") -> str:
    return "".join(
        json.dumps({field: f"第{i}段：今天天气很好。"}, ensure_ascii=False) + "\n" for i in range(n)
    )


def test_c2_truncated_gz_names_the_file_and_offset(beian: Runner, tmp_path: Path) -> None:
    data = gzip.compress(_rows(20000).encode())
    (tmp_path / "c" / "a.jsonl.gz").parent.mkdir(parents=True)
    (tmp_path / "c" / "a.jsonl.gz").write_bytes(data[: len(data) // 2])
    manifest = _manifest(tmp_path / "c", [{"name": "s", "files": ["a.jsonl.gz"]}])
    done = beian("--debug", "corpus", "filter", str(manifest), "--out", "f", "-d", "pii")
    assert done.returncode == 1
    assert "Aborted" not in done.stderr and "Traceback" not in done.stderr
    assert "a.jsonl.gz: truncated file" in done.stdout
    assert "INCOMPLETE" in done.stdout and "(accounted)" in done.stdout
    [error] = [json.loads(x) for x in (tmp_path / "f" / "errors" / "00000.jsonl").open()]
    assert error["file"] == "a.jsonl.gz" and error["position"] > 0
    assert f"at byte {error['position']}" in error["reason"]


def test_c4_sources_check_does_not_call_a_source_with_missing_files_traceable(
    beian: Runner, tmp_path: Path
) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.jsonl").write_text(_rows(3), "utf-8")
    manifest = _manifest(
        tmp_path / "c",
        [
            {"name": "s", "files": ["a.jsonl", "nothere.jsonl"]},
            {"name": "t", "files": ["a.jsonl"], "origin": "foreign"},
        ],
    )
    done = beian("corpus", "sources", "check", str(manifest), "--json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    status = {s["name"]: s["traceable"] for s in report["sources"]}
    assert status == {"s": False, "t": True}
    assert {
        "clause": "5.1.c",
        "source": "s",
        "message": "listed file nothere.jsonl: not found",
    } in (report["issues"])


def test_f14_source_without_readable_records_fails_with_reason_on_screen(
    beian: Runner, tmp_path: Path
) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "web.jsonl").write_text(_rows(30, field="content"), "utf-8")
    (tmp_path / "c" / "books.jsonl").write_text(_rows(300), "utf-8")
    manifest = _manifest(
        tmp_path / "c",
        [{"name": "web", "files": ["web.jsonl"]}, {"name": "books", "files": ["books.jsonl"]}],
    )
    done = beian("corpus", "assess", str(manifest), "--out", "a", "-d", "pii")
    assert done.returncode == 1
    screen = " ".join(done.stdout.split())  # undo rich's line wrapping
    assert "FAIL" in screen and "PASS" not in screen
    assert "source web could not be read: no readable item (missing text field 'text' ×30" in (
        screen
    )
    assert "reader_options: {text_field: <field>}" in screen
    summary = json.loads((tmp_path / "a" / "summary.json").read_text("utf-8"))
    assert summary["pass"] is False
    web = next(s for s in summary["sources"] if s["name"] == "web")
    assert web["verdict"] == "unreadable" and web["error_reasons"] == {
        "missing text field 'text'": 30
    }


def test_f18_filter_writes_a_manifest_for_clean_that_assess_reads_back(
    beian: Runner, tmp_path: Path
) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "web.jsonl").write_text(
        _rows(40)
        + json.dumps({"text": "请拨打手机 13812345678 联系我。"}, ensure_ascii=False)
        + "\n",
        "utf-8",
    )
    with (corpus / "qa.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerows([[f"q{i}", f"问题{i}：明天会下雨吗？"] for i in range(20)])
    manifest = _manifest(
        corpus,
        [
            {"name": "web", "files": ["web.jsonl"], "type": "self-collected",
             "collection_record": "LICENSE", "robots_honoured": True},
            {"name": "qa", "files": ["qa.csv"], "origin": "foreign"},
        ],
    )  # fmt: skip
    done = beian("corpus", "filter", str(manifest), "--out", "f", "-d", "pii", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["clean"], summary["rejected"]) == (60, 1)
    clean = Path(summary["clean_manifest"])
    assert clean == tmp_path / "f" / "clean" / "manifest.yaml"
    sources = yaml.safe_load(clean.read_text("utf-8"))["sources"]
    assert [s["name"] for s in sources] == ["web", "qa"]  # one entry per source, own files
    assert sources[0]["collection_record"] == "../../c/LICENSE"
    check = beian("corpus", "sources", "check", str(clean), "--json")
    assert all(s["traceable"] for s in json.loads(check.stdout)["sources"])
    again = beian("corpus", "assess", str(clean), "--out", "a", "-d", "pii", "--json")
    assert again.returncode == 0, again.stderr
    rescan = json.loads(again.stdout)
    assert {s["name"]: s["items"] for s in rescan["sources"]} == {"web": 40, "qa": 20}
    assert rescan["errors"] == 0 and rescan["flagged"] == 0


def test_f19_sample_again_with_another_n_just_works(beian: Runner, tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.jsonl").write_text(_rows(100), "utf-8")
    manifest = _manifest(tmp_path / "c", [{"name": "s", "files": ["a.jsonl"]}])
    first = beian("corpus", "sample", str(manifest), "--out", "s.csv", "--n", "10", "--json")
    assert first.returncode == 0, first.stderr
    second = beian("corpus", "sample", str(manifest), "--out", "s.csv", "--n", "20", "--json")
    assert second.returncode == 0, second.stderr
    assert ".work" not in second.stdout + second.stderr
    assert json.loads(second.stdout)["n"] == 20
    with (tmp_path / "s.csv").open(encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == 20


def test_c1_detect_reports_a_lone_surrogate_line(beian: Runner, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        '{"text":"ok"}\n{"text":"abc\\ud800def"}\n{"text":"x","s":NaN}\n{"text":"ok"}\n', "utf-8"
    )
    done = beian("detect", "--input", "a.jsonl", "--output", "o.jsonl")  # classifier included
    assert done.returncode == 0, done.stderr
    assert "input 4 = output 2 + errors 2" in done.stderr
    errors = [json.loads(x) for x in (tmp_path / "o.errors.jsonl").open(encoding="utf-8")]
    assert [(e["position"], e["reason"]) for e in errors] == [
        (2, "lone surrogate: unpaired UTF-16 escape U+D800"),
        (3, "bad JSON: NaN is not standard JSON"),
    ]


def test_f15_plugins_options_lists_reader_options(beian: Runner) -> None:
    done = beian("plugins", "--options", "--json")
    assert done.returncode == 0, done.stderr
    readers = {(p["kind"], p["name"]): p for p in json.loads(done.stdout)}
    text = {o["name"]: o for o in readers[("reader", "text")]["options"]}
    assert (
        text["split"]["default"] == "file" and "per non-blank line" in text["split"]["description"]
    )
    assert text["split"]["type"] == "Literal['file', 'line']"
    jsonl = {o["name"]: o for o in readers[("reader", "jsonl")]["options"]}
    assert (
        jsonl["text_field"]["default"] == "text" and "GB18030" in jsonl["encoding"]["description"]
    )
