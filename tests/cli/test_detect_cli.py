"""``beian detect`` end to end through the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# The console script installed beside the interpreter running the tests (whatever venv that is),
# not a fixed ./.venv: a clone tested from another environment must still find it.
BEIAN = Path(sys.executable).parent / "beian"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BEIAN), *args], capture_output=True, text=True, timeout=120)


def test_single_text_table_and_json() -> None:
    out = run("detect", "宣传法*轮功")
    assert out.returncode == 0, out.stderr
    assert "法*轮功" in out.stdout and "unqualified" in out.stdout
    js = run(
        "detect", "这真是个大麻烦", "--json", "-d", "keyword"
    )  # context rule: 大麻烦 is not 大麻
    data = json.loads(js.stdout)
    assert data["flagged"] is False and data["risks"] == []


def test_jsonl_stream_with_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": 1, "body": "宣传法轮功"}, ensure_ascii=False).encode(),
        b'{"id": 2, "body": 5}',
        b"not json",
        b"[1, 2]",
        b'{"id": 3}',
        b"\xff\xfe bad bytes",
        json.dumps({"id": 4, "body": "今天天气很好"}, ensure_ascii=False).encode(),
    ]
    src.write_bytes(b"\n".join(lines) + b"\n")
    dst = tmp_path / "out.jsonl"
    res = run("detect", "--input", str(src), "--field", "body", "--output", str(dst))
    assert res.returncode == 0, res.stderr
    assert "input 7 = output 2 + errors 5" in res.stderr
    records = [json.loads(x) for x in dst.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == [1, 4]
    first = records[0]
    assert first["flagged"] is True and first["risks"] == ["A.1.a"]
    f = first["findings"][0]
    assert set(f) >= {"risk", "detector", "start", "end", "score", "evidence"}
    assert first["body"][f["start"] : f["end"]] == f["evidence"]
    assert records[1]["findings"] == [] and records[1]["flagged"] is False
    errors = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [e["position"] for e in errors] == [2, 3, 4, 5, 6]
    assert "not a string" in errors[0]["reason"] and "bad JSON" in errors[1]["reason"]
    assert "not UTF-8" in errors[4]["reason"]


def test_errors_path_option(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "x"}\noops\n', "utf-8")
    errs = tmp_path / "bad.jsonl"
    res = run("detect", "-i", str(src), "-o", str(tmp_path / "o.jsonl"), "--errors", str(errs))
    assert res.returncode == 0 and len(errs.read_text().splitlines()) == 1


def test_unknown_detector_is_one_line_exit_2() -> None:
    res = run("detect", "文本", "--detectors", "keyword,nope")
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "nope" in res.stderr


def test_text_and_input_are_exclusive(tmp_path: Path) -> None:
    res = run("detect")
    assert res.returncode == 2 and "TEXT or --input" in res.stderr
