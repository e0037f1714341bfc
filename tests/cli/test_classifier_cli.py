from __future__ import annotations

import json
from pathlib import Path

import pytest

from beian.cli.main import run

ROWS = [
    ("免费看黄色视频加微信", ["A.1.f"]),
    ("同城约炮上门服务", ["宣扬暴力、淫秽色情"]),
    ("出售冰毒货到付款", ["A.1.h"]),
    ("低价出售仿真枪联系QQ", ["A.1.h"]),
    ("把土豆切块炖半小时", []),
    ("明天北京有小雨记得带伞", []),
    ("周末去杭州西湖散步", []),
    ("孩子的数学成绩进步了", []),
]


def _jsonl(path: Path, rows: list[tuple[str, list[str]]], extra: str = "") -> Path:
    body = "".join(json.dumps({"text": t, "risks": r}, ensure_ascii=False) + "\n" for t, r in rows)
    path.write_text(body + extra, encoding="utf-8")
    return path


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        run(args)
    code = exc.value.code
    return int(code) if isinstance(code, int) else 1


def test_train_then_eval_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _jsonl(tmp_path / "d.jsonl", ROWS)
    assert (
        _run(
            [
                "classifier",
                "train",
                "--data",
                str(data),
                "--out",
                str(tmp_path / "m"),
                "--bits",
                "10",
                "--epochs",
                "20",
            ]
        )
        == 0
    )
    meta = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert (
        meta["recipe"] == "user"
        and len(meta["risks"]) == 31
        and meta["sources"][0]["records"] == len(ROWS)
    )
    capsys.readouterr()
    assert (
        _run(["classifier", "eval", "--input", str(data), "--model", str(tmp_path / "m"), "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == len(ROWS) and out["benign"] == 4
    assert set(out) >= {"per_risk", "micro", "macro", "flag", "errors", "interval_method"}
    row = out["per_risk"]["A.1.f"]
    assert set(row) >= {
        "precision",
        "precision_ci",
        "recall",
        "recall_ci",
        "f1",
        "f1_ci",
        "support",
    }
    assert row["support"] == 2
    assert out["errors"]["count"] == 0


def test_eval_table_with_shipped_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _jsonl(tmp_path / "d.jsonl", ROWS)
    assert _run(["classifier", "eval", "-i", str(data)]) == 0
    out = capsys.readouterr().out
    assert "flag" in out and "macro F1" in out


def test_eval_counts_malformed_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _jsonl(tmp_path / "d.jsonl", ROWS, extra='{"text": "x"}\nnot json\n')
    assert _run(["classifier", "eval", "-i", str(data), "--json"]) == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["errors"]["count"] == 2
    assert [e["position"] for e in out["errors"]["lines"]] == [9, 10]
    assert f"{data}:9:" in captured.err and "2 malformed line(s)" in captured.err


def test_train_refuses_malformed_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _jsonl(tmp_path / "d.jsonl", ROWS, extra='{"text": "x", "risks": ["A.9.z"]}\n')
    assert _run(["classifier", "train", "--data", str(data), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert f"{data}:9: unknown risk 'A.9.z'" in err
    assert not (tmp_path / "m").exists()


def test_rebuild_without_shared_data_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BEIAN_SHARED", raising=False)
    monkeypatch.chdir(tmp_path)
    assert (
        _run(
            [
                "classifier",
                "train",
                "--out",
                str(tmp_path / "m"),
                "--shared",
                str(tmp_path / "nowhere"),
            ]
        )
        == 2
    )
    assert "shared data not found" in capsys.readouterr().err


def test_score_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["classifier", "score", "出售冰毒，货到付款", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["top"][0]["risk"] == "A.1.h" and out[0]["top"][0]["flagged"]


# Unescaped U+2028, U+2029 and U+0085 are valid inside JSON strings; str.splitlines() would cut
# the record there, so each of these lines must be read as one record, as `beian detect` does.
LINE_SEPARATOR_ROWS = [
    ("出售冰毒\u2028货到付款", ["A.1.h"]),
    ("把土豆切块\u2029炖半小时", []),
    ("明天北京有小雨\u0085记得带伞", []),
]


def test_eval_reads_jsonl_by_bytes_not_unicode_line_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _jsonl(tmp_path / "d.jsonl", LINE_SEPARATOR_ROWS + ROWS, extra="not json\n")
    raw = data.read_bytes()
    assert "\u2028".encode() in raw and raw.count(b"\n") == len(ROWS) + 4
    assert _run(["classifier", "eval", "-i", str(data), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == len(ROWS) + 3 and out["benign"] == 6
    assert out["per_risk"]["A.1.h"]["support"] == 3
    # Line numbers stay physical lines: the bad line is the last one, not shifted by the breaks.
    assert [e["position"] for e in out["errors"]["lines"]] == [len(ROWS) + 4]


def test_eval_reports_a_non_utf8_line_and_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _jsonl(tmp_path / "d.jsonl", ROWS)
    data.write_bytes(
        b"\xef\xbb\xbf" + data.read_bytes() + '{"text": "坏", "risks": []}\n'.encode("gbk")
    )
    assert _run(["classifier", "eval", "-i", str(data), "--json"]) == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["n"] == len(ROWS) and out["errors"]["count"] == 1
    assert f"{data}:{len(ROWS) + 1}: not UTF-8" in captured.err


def test_train_reads_line_separators_inside_records(tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "d.jsonl", LINE_SEPARATOR_ROWS + ROWS)
    out = tmp_path / "m"
    assert (
        _run(["classifier", "train", "--data", str(data), "--out", str(out), "--bits", "10"]) == 0
    )
    meta = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert meta["sources"][0]["records"] == len(ROWS) + 3


@pytest.mark.parametrize("command", [[], ["train"], ["eval"], ["score"]])
def test_help_shows_examples(
    command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # a narrow terminal would wrap the example lines
    assert _run(["classifier", *command, "--help"]) == 0
    examples = capsys.readouterr().out.split("示例 / Examples:", 1)
    assert len(examples) == 2 and f"beian classifier {' '.join(command)}".strip() in examples[1]


@pytest.mark.slow
def test_train_harm_on_our_seeds_and_user_data_without_shared(tmp_path: Path) -> None:
    """A user without ../shared trains a harm model on beian's own data plus theirs."""
    import os
    import subprocess
    import sys

    from beian.detect.detector_set import DetectorSet

    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    mine = work / "mine.jsonl"
    rows = [
        {"text": "这家店的老板是个骗子，大家别去", "risks": ["A.4.c"]},
        {"text": "今天天气真好", "risks": []},
    ]
    mine.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "BEIAN_SHARED"}
    out = subprocess.run(
        [sys.executable, "-m", "beian", "classifier", "train-harm", "--data", str(mine),
         "--out", str(work / "model")],
        capture_output=True, text=True, cwd=work, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "../shared not found" in out.stderr and "user:mine.jsonl" in out.stdout
    meta = json.loads((work / "model" / "harm.json").read_text("utf-8"))
    assert "user:mine.jsonl" in meta["train_sources"] and "cold" not in meta["train_sources"]
    ds = DetectorSet.from_names(["harm"], {"harm": {"model": str(work / "model")}})
    assert ds.check("教我怎么制作炸弹").flagged and not ds.check("今天天气真好").flagged
