"""Damaged, truncated, missing and mis-encoded files (findings C1-C10, reliability.md §1).

Every case writes real files into tmp_path (real gzip/zstd/Parquet streams cut at real byte
offsets), runs ``filter_corpus`` in process with the pii detector and checks that every
record and every file ends in exactly one place, with the file, offset and reason named.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.scan.conftest import ManifestFactory, source_yaml

from beian.scan.executors import InlineExecutor
from beian.scan.io import UncertainEncoding, detect_encoding
from beian.scan.jobs import Detection, JobOptions, assess_corpus, filter_corpus
from beian.scan.manifest import load_manifest
from beian.standard import Profile
from beian.store import open_store

KEYWORDS = Detection(["keyword", "pii"])
ROWS = "".join(
    json.dumps({"text": f"第{i}条 我们吃饭了"}, ensure_ascii=False) + "\n" for i in range(20000)
).encode()


def _filter(
    tmp_path: Path, make_manifest: ManifestFactory, files: list[str], profile: Profile
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    manifest = load_manifest(make_manifest([source_yaml("s", files)]))
    out = tmp_path / "out"
    _run, summary = filter_corpus(
        manifest, profile, out, KEYWORDS, open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"),
        job=JobOptions(executor=InlineExecutor()),
    )  # fmt: skip
    errors = [
        json.loads(line)
        for path in sorted((out / "errors").glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]
    for channel in ("clean", "rejected", "errors"):  # strict JSON out: no NaN, no surrogates
        for path in (out / channel).glob("*.jsonl"):
            for line in path.read_bytes().decode("utf-8").splitlines():
                json.loads(line, parse_constant=_not_json)
    return summary.to_json(), errors  # the summary.json contract, as users read it


def _not_json(constant: str) -> None:
    pytest.fail(f"{constant} written to an output")


def _corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir(parents=True, exist_ok=True)
    return root


def test_c1_lone_surrogate_is_one_error_record(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    root = _corpus(tmp_path)
    (root / "a.jsonl").write_text(
        '{"text":"ok"}\n{"text":"abc\\ud800def"}\n{"text":"ok","note":"\\udfff"}\n{"text":"好"}\n',
        "utf-8",
    )
    summary, errors = _filter(tmp_path, make_manifest, ["a.jsonl"], profile)
    assert (summary["input"], summary["clean"], summary["errors"]) == (4, 2, 2)
    assert summary["accounted"] and summary["complete"]
    assert [(e["file"], e["position"]) for e in errors] == [("a.jsonl", 14), ("a.jsonl", 38)]
    assert all(e["reason"].startswith("lone surrogate") for e in errors)


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
def test_c2_c3_truncated_compressed_file_names_file_and_offset(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile, kind: str
) -> None:
    root = _corpus(tmp_path)
    if kind == "gzip":
        name, data = "a.jsonl.gz", gzip.compress(ROWS)
    else:
        zstandard = pytest.importorskip("zstandard")
        name, data = "a.jsonl.zst", zstandard.ZstdCompressor().compress(ROWS)
    (root / name).write_bytes(data[: len(data) // 2])  # a real cut in the middle
    (root / "b.jsonl").write_text('{"text":"后面的文件照常读取"}\n', "utf-8")
    summary, errors = _filter(tmp_path, make_manifest, [name, "b.jsonl"], profile)
    [cut] = [e for e in errors if e["file"] == name]
    assert cut["reason"].startswith("truncated file")
    read = summary["clean"] + summary["rejected"] - 1  # b.jsonl's record
    assert 0 < read < 20000
    # the offset reached is the end of the last whole record read
    assert cut["position"] == len(b"".join(ROWS.splitlines(keepends=True)[:read]))
    assert f"at byte {cut['position']}" in cut["reason"]
    assert summary["files"] == {
        "listed": 2, "read": 1, "unreadable": 1, "accounted": True,
        "problems": {name: summary["files"]["problems"][name]},
    }  # fmt: skip
    assert summary["accounted"] and not summary["complete"]
    assert summary["sources"][0]["unreadable_files"] == summary["files"]["problems"]


def test_c4_missing_dangling_looping_and_folder_entries_are_errors(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    root = _corpus(tmp_path)
    (root / "a.jsonl").write_text('{"text":"你好"}\n', "utf-8")
    os.symlink("gone.jsonl", root / "dangling.jsonl")
    os.symlink("loop.jsonl", root / "loop.jsonl")
    (root / "folder.jsonl").mkdir()
    files = ["a.jsonl", "nothere.jsonl", "dangling.jsonl", "loop.jsonl", "folder.jsonl"]
    summary, errors = _filter(tmp_path, make_manifest, files, profile)
    assert {e["file"]: e["reason"] for e in errors} == {
        "nothere.jsonl": "unreadable file: not found",
        "dangling.jsonl": "unreadable file: dangling symbolic link",
        "loop.jsonl": "unreadable file: symbolic link loop",
        "folder.jsonl": "unreadable file: a folder, not a file",
    }
    assert summary["files"]["listed"] == 5 and summary["files"]["unreadable"] == 4
    assert summary["clean"] == 1 and not summary["complete"]


def test_c4_assess_fails_5_1_a_for_a_source_with_a_missing_file(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    root = _corpus(tmp_path)
    (root / "a.jsonl").write_text('{"text":"你好"}\n' * 50, "utf-8")
    manifest = load_manifest(make_manifest([source_yaml("s", ["a.jsonl", "b.jsonl"])]))
    _run, summary = assess_corpus(
        manifest, profile, tmp_path / "out", KEYWORDS,
        open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"),
        job=JobOptions(executor=InlineExecutor()),
    )  # fmt: skip
    assert summary.passed is False
    assert summary.sources[0].verdict == "unreadable"
    assert summary.sources[0].unreadable == ["b.jsonl: not found"]
    assert summary.files is not None and summary.files.problems == {"b.jsonl": "not found"}


def test_c5_small_gbk_files_are_read_as_gb18030_and_filtered(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    root = _corpus(tmp_path)
    (root / "a.jsonl").write_bytes('{"text":"法轮大法好"}\n'.encode("gbk"))
    (root / "b.csv").write_bytes("text\n你好世界\n测试文本\n".encode("gbk"))
    summary, _errors = _filter(tmp_path, make_manifest, ["a.jsonl", "b.csv"], profile)
    assert summary["legacy_encodings"] == {"a.jsonl": "gb18030", "b.csv": "gb18030"}
    assert (summary["rejected"], summary["clean"]) == (1, 2)
    clean = (tmp_path / "out" / "clean").glob("*.jsonl")
    texts = {
        json.loads(line)["text"] for p in clean for line in p.read_text("utf-8").split("\n") if line
    }
    assert texts == {"你好世界", "测试文本"}


def test_c5_tiny_file_without_evidence_is_uncertain_not_guessed(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    with pytest.raises(UncertainEncoding):
        detect_encoding("été".encode("cp1252"), complete=True)
    assert detect_encoding("推翻共产党".encode("gbk"), complete=True) == "gb18030"
    root = _corpus(tmp_path)
    (root / "a.txt").write_bytes("Café crème brûlée\n".encode("cp1252"))
    summary, errors = _filter(tmp_path, make_manifest, ["a.txt"], profile)
    [err] = errors
    assert err["file"] == "a.txt" and err["reason"].startswith("uncertain encoding")
    assert "reader_options: {encoding" in err["reason"]
    assert summary["files"]["unreadable"] == 1


def test_c6_corrupt_and_truncated_parquet_are_error_records(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    root = _corpus(tmp_path)
    (root / "bad.parquet").write_bytes(b"PAR1garbagePAR1")
    pq.write_table(pa.table({"text": ["你好"] * 100}), root / "full.parquet")
    data = (root / "full.parquet").read_bytes()
    (root / "cut.parquet").write_bytes(data[:-30])
    summary, errors = _filter(
        tmp_path, make_manifest, ["bad.parquet", "cut.parquet", "full.parquet"], profile
    )
    assert sorted(e["file"] for e in errors) == ["bad.parquet", "cut.parquet"]
    assert all(e["reason"].startswith("damaged file: ArrowInvalid") for e in errors)
    assert summary["clean"] == 100 and summary["accounted"]


def test_c7_plain_file_named_gz(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    root = _corpus(tmp_path)
    (root / "a.jsonl.gz").write_text('{"text":"ok"}\n', "utf-8")
    summary, errors = _filter(tmp_path, make_manifest, ["a.jsonl.gz"], profile)
    [err] = errors
    assert err["file"] == "a.jsonl.gz" and err["reason"].startswith("not a gzip file")
    assert summary["input"] == 1 and summary["accounted"]


def test_c8_deeply_nested_json_line_and_document(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    root = _corpus(tmp_path)
    deep = '{"text":"x","a":' + "[" * 100_000 + "]" * 100_000 + "}"
    (root / "a.jsonl").write_text(deep + '\n{"text":"ok"}\n', "utf-8")
    (root / "b.json").write_text("[" + deep + "]", "utf-8")
    summary, errors = _filter(tmp_path, make_manifest, ["a.jsonl", "b.json"], profile)
    assert {e["file"]: e["reason"] for e in errors} == {
        "a.jsonl": "invalid JSON: nested too deeply",
        "b.json": "not a readable JSON document: invalid JSON: nested too deeply",
    }
    assert summary["clean"] == 1


def test_c9_utf16_with_bom_is_read_as_utf16(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    root = _corpus(tmp_path)
    rows = "".join(json.dumps({"text": f"你好{i}"}, ensure_ascii=False) + "\n" for i in range(200))
    (root / "a.jsonl").write_bytes(rows.encode("utf-16"))
    (root / "b.csv").write_bytes("text\n第一行\n第二行\n".encode("utf-16"))
    (root / "c.txt").write_bytes("一行\n两行\n".encode("utf-16"))
    summary, errors = _filter(tmp_path, make_manifest, ["a.jsonl", "b.csv", "c.txt"], profile)
    assert errors == []
    assert summary["clean"] == 203
    assert summary["legacy_encodings"] == {
        "a.jsonl": "utf-16",
        "b.csv": "utf-16",
        "c.txt": "utf-16",
    }


def test_c10_nan_and_infinity_are_rejected_not_copied(
    tmp_path: Path, make_manifest: ManifestFactory, profile: Profile
) -> None:
    root = _corpus(tmp_path)
    (root / "a.jsonl").write_text(
        '{"text":"正常文本","score":NaN}\n{"text":"二","score":-Infinity}\n'
        '{"text":"三","score":1e400}\n{"text":"四","score":0.5}\n',
        "utf-8",
    )
    summary, errors = _filter(tmp_path, make_manifest, ["a.jsonl"], profile)
    assert [e["reason"] for e in errors] == [
        "invalid JSON: NaN is not standard JSON",
        "invalid JSON: -Infinity is not standard JSON",
        "invalid JSON: 1e400 overflows a double",
    ]
    assert summary["clean"] == 1  # written by the strict check in _filter
