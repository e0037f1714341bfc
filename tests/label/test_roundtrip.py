"""Implicit labels per format: written by beian, read back by beian, exiftool and ffprobe."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from beian.label import LabelSpec, Writers, label_file, to_json, verify_file
from beian.label.carriers.riff import WavCarrier
from beian.label.writer import LabelWriter

from .conftest import MAKERS, need_tool

# format -> (exiftool tag holding the label, extra exiftool args)
EXIFTOOL_TAG: dict[str, tuple[str, list[str]]] = {
    "png": ("PNG:AIGC", []),
    "jpg": ("XMP-TC260:Aigc", []),
    "webp": ("XMP-TC260:Aigc", []),
    "mp3": ("ID3v2_3:UserDefinedText", []),
    "mp4": ("Keys:AIGC", []),
    "mov": ("Keys:AIGC", []),
    "pdf": ("PDF:AIGC", []),
    "xlsx": ("XML:AIGC", []),
    "docx": ("XML:AIGC", []),
    "html": ("HTML:AIGC", []),
}
FFPROBE = {"mp3", "mp4", "mov"}


def exiftool_json(path: Path, *extra: str) -> dict[str, object]:
    out = subprocess.run(
        [need_tool("exiftool"), "-j", "-G1", "-a", *extra, str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data: list[dict[str, object]] = json.loads(out.stdout)
    return data[0]


def ffprobe_tags(path: Path) -> dict[str, str]:
    out = subprocess.run(
        [need_tool("ffprobe"), "-v", "error", "-show_format", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    tags: dict[str, str] = json.loads(out.stdout)["format"].get("tags", {})
    return tags


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_implicit_roundtrip(fmt: str, tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = MAKERS[fmt](tmp_path / f"in.{fmt}")
    before = src.read_bytes()
    dst = tmp_path / "out" / f"labelled.{fmt}"
    result = label_file(src, dst, spec, writers)
    assert src.read_bytes() == before, "the source must never change"
    assert result.implicit
    status = verify_file(dst, writers)
    assert status.ok, status.problems
    assert len(status.labels) == 1 and status.fields == spec.fields.as_dict()
    assert not list(dst.parent.glob(".beian-label-*")), "scratch files left behind"
    assert verify_file(src, writers).problems[0].code == "no-label"

    payload = to_json(spec.fields)
    if fmt in EXIFTOOL_TAG:
        tag, extra = EXIFTOOL_TAG[fmt]
        value = str(exiftool_json(dst, *extra).get(tag, ""))
        assert value.removeprefix("(AIGC) ") == payload, f"exiftool {tag}"
    if fmt in FFPROBE:
        assert ffprobe_tags(dst).get("AIGC") == payload


def test_wav_chunk_extracted_by_exiftool(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = MAKERS["wav"](tmp_path / "in.wav")
    dst = tmp_path / "out.wav"
    label_file(src, dst, spec, writers)
    out = subprocess.run(
        [need_tool("exiftool"), "-u", "-b", "-RIFF:Unknown_AIGC", str(dst)],
        capture_output=True, check=True,
    )  # fmt: skip
    # exiftool returns the RIFF pad byte of an odd-sized chunk along with the value
    assert out.stdout.decode().rstrip("\0") == to_json(spec.fields)


def test_wav_list_info_form_is_read_by_ffprobe(tmp_path: Path, spec: LabelSpec) -> None:
    writer = LabelWriter("audio/wav", WavCarrier("list-info"), None)
    src = MAKERS["wav"](tmp_path / "in.wav")
    dst = tmp_path / "out.wav"
    writer.apply(src, dst, spec)
    assert ffprobe_tags(dst).get("AIGC") == to_json(spec.fields)
    status = writer.verify(dst)
    assert status.ok and [p.code for p in status.problems] == []


def test_relabel_replaces_the_label(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    """Labelling a labelled file keeps exactly one label, holding the new value."""
    for fmt in ("png", "jpg", "webp", "wav", "pdf", "docx", "md", "html"):
        first = label_file(MAKERS[fmt](tmp_path / f"a.{fmt}"), tmp_path / f"b.{fmt}", spec, writers)
        fields = spec.fields.model_copy(update={"Label": "2", "ProduceID": "SECOND"})
        second = spec.model_copy(update={"fields": fields})
        label_file(first.dst, first.dst, second, writers)  # in place, atomically
        status = verify_file(first.dst, writers)
        assert status.ok and len(status.labels) == 1, (fmt, status.problems)
        assert status.fields is not None and status.fields["ProduceID"] == "SECOND"


def test_existing_metadata_survives(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    md = tmp_path / "a.md"
    md.write_text("---\ntitle: 示例\nAIGC:\n  Label: '9'\nauthor: x\n---\nbody\n", encoding="utf-8")
    label_file(md, tmp_path / "b.md", spec, writers)
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "title: 示例" in text and "author: x" in text and "Label: '9'" not in text
    assert text.endswith("---\nbody\n")

    pdf = MAKERS["pdf"](tmp_path / "a.pdf")
    label_file(pdf, tmp_path / "b.pdf", spec, writers)
    out = (tmp_path / "b.pdf").read_bytes()
    assert out.startswith(pdf.read_bytes()), "PDF label is an incremental update"
    assert exiftool_json(tmp_path / "b.pdf").get("PDF:Title") == "sample"
