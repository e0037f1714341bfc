"""Readers: every physical record comes out once, as a Document or an ErrorRecord."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.records import Document, ErrorRecord
from beian.registry import registry
from beian.scan.io import sniff
from beian.scan.readers import Item, Reader, Shard


def _reader(name: str, **options: object) -> Reader:
    import beian.scan.readers  # noqa: F401  (until beian.scan._builtins is in BUILTIN_MODULES)

    reader, spec = registry.create("reader", name, **options)
    assert spec.kind == "reader" and isinstance(reader, Reader)
    return reader


WHOLE = Shard()


def _read(reader: Reader, path: Path, shard: Shard = WHOLE) -> list[Item]:
    return list(reader.read(path, shard, source="s", label=path.name))


BAD_JSONL = (
    '{"id": "a", "text": "第一条"}\n'
    "{not json}\n"
    '{"id": "c", "body": "no text field"}\n'
    "\n"
    '{"id": "e", "text": "' + "长" * 50 + '"}\n'
    '["a list"]\n'
    '{"text": "no id"}\n'
).encode() + b'{"id": "h", "text": "\xff\xfe bad"}\n'


def test_jsonl_bad_records_become_errors_with_position_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(BAD_JSONL)
    items = _read(_reader("jsonl", max_record_bytes=100), path)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, ErrorRecord)]
    assert len(items) == 8, "one item per physical line"
    assert [d.id for d in docs] == ["a", "a.jsonl@" + str(BAD_JSONL.index(b'{"text": "no id"}'))]
    reasons = [e.reason.split(":")[0] for e in errors]
    assert reasons == [
        "invalid JSON",
        "missing text field 'text'",
        "blank line",
        "oversize",
        "not a JSON object but list",
        "undecodable as utf-8",
    ]
    # position = byte offset of the line: seeking there finds the record
    for e in errors:
        assert e.file == "a.jsonl" and e.position is not None
        assert e.position == 0 or BAD_JSONL[e.position - 1 : e.position] == b"\n"
    assert docs[0].metadata["position"] == 0 and docs[0].source == "s"


def test_gzip_and_zstd_read_like_plain(tmp_path: Path) -> None:
    plain = tmp_path / "a.jsonl"
    plain.write_bytes(BAD_JSONL)
    gz = tmp_path / "a.jsonl.gz"
    gz.write_bytes(gzip.compress(BAD_JSONL))
    zst = tmp_path / "a.jsonl.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(BAD_JSONL))
    reader = _reader("jsonl", max_record_bytes=100)

    def strip(items: list[Item]) -> list[object]:
        return [
            i.model_dump(exclude={"file"})
            if isinstance(i, ErrorRecord)
            else (i.metadata["position"], i.text)
            for i in items
        ]

    expected = strip(_read(reader, plain))
    assert strip(_read(reader, gz)) == expected
    assert strip(_read(reader, zst)) == expected
    assert reader.parts(gz, 10) == 1 and reader.parts(plain, 10) > 1


def test_gb18030_files_are_detected_and_decoded(tmp_path: Path) -> None:
    rows = [{"id": str(i), "text": f"简体中文与繁體中文第{i}行"} for i in range(50)]
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("gb18030")
    )
    reader = _reader("jsonl")
    assert sniff(path) == "gb18030" and reader.encoding(path) == "gb18030"
    assert [d.text for d in _read(reader, path) if isinstance(d, Document)] == [
        r["text"] for r in rows
    ]
    csv_path = tmp_path / "gbk.csv"
    csv_path.write_bytes(
        ("id,text\n" + "".join(f'{r["id"]},"{r["text"]}"\n' for r in rows)).encode("gbk")
    )
    got = _read(_reader("csv"), csv_path)
    assert [d.text for d in got if isinstance(d, Document)] == [r["text"] for r in rows]


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=30), max_size=40),
    parts=st.integers(1, 7),
)
def test_byte_range_shards_cover_every_line_exactly_once(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], parts: int
) -> None:
    path = tmp_path_factory.mktemp("shards") / "a.jsonl"
    path.write_text(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), "utf-8"
    )
    reader = _reader("jsonl")
    whole = [
        (i.metadata["position"], i.text) for i in _read(reader, path) if isinstance(i, Document)
    ]
    split = [
        (i.metadata["position"], i.text)
        for rank in range(parts)
        for i in _read(reader, path, Shard(rank, parts))
        if isinstance(i, Document)
    ]
    assert split == whole and [t for _, t in whole] == texts


def test_csv_tsv_json_and_text_readers(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text('id,text\n1,"多行\n文本"\n2,\n3,好\n', "utf-8")
    got = _read(_reader("csv"), tmp_path / "a.csv")
    assert [type(i).__name__ for i in got] == ["Document"] * 3
    assert isinstance(got[1], Document) and got[1].text == "" and got[1].metadata["position"] == 1
    assert isinstance(got[0], Document) and got[0].text == "多行\n文本" and got[0].id == "1"
    assert isinstance(got[2], Document) and got[2].text == "好"
    (tmp_path / "a.tsv").write_text("id\tcontent\nx\t你好\n", "utf-8")
    got = _read(_reader("tsv", text_field="content"), tmp_path / "a.tsv")
    assert isinstance(got[0], Document) and got[0].text == "你好"
    (tmp_path / "a.json").write_text(
        json.dumps({"data": [{"text": "甲"}, 3, {"text": "乙"}]}), "utf-8"
    )
    got = _read(_reader("json", records_key="data"), tmp_path / "a.json")
    assert [type(i).__name__ for i in got] == ["Document", "ErrorRecord", "Document"]
    (tmp_path / "t.txt").write_text("第一行\n\n第三行\n", "utf-8")
    whole = _read(_reader("text"), tmp_path / "t.txt")
    assert len(whole) == 1 and isinstance(whole[0], Document) and whole[0].text.startswith("第一行")
    lines = _read(_reader("text", split="line"), tmp_path / "t.txt")
    assert [type(i).__name__ for i in lines] == ["Document", "ErrorRecord", "Document"]
    # a text line that happens to be JSON is still text, kept literally
    (tmp_path / "j.txt").write_text('{"text": "不是字段"}\n', "utf-8")
    (doc,) = _read(_reader("text", split="line"), tmp_path / "j.txt")
    assert isinstance(doc, Document) and doc.text == '{"text": "不是字段"}'


def test_parquet_row_groups_split_into_shards(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": [f"r{i}" for i in range(100)],
            "text": [f"第{i}条" if i % 10 else None for i in range(100)],
        }
    )
    path = tmp_path / "a.parquet"
    pq.write_table(table, path, row_group_size=10)
    reader = _reader("parquet")
    assert reader.parts(path, 1) == 10
    whole = _read(reader, path)
    assert len(whole) == 100 and sum(isinstance(i, ErrorRecord) for i in whole) == 10
    split = [i for r in range(3) for i in _read(reader, path, Shard(r, 3))]
    positions = [
        i.position if isinstance(i, ErrorRecord) else i.metadata["position"] for i in split
    ]
    assert positions[1:] == list(range(1, 100))
