"""Originals are never overwritten by accident, and `verify` fails what it cannot vouch for.

Reproductions of reliability.md §5 L2 (``--out`` equal to the input), L5 (empty and unsupported
files passed) and L6 (damaged inputs labelled without a note).
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import pytest

from beian.label import LabelSpec, Writers, label_file, verify_file

from .conftest import Beian, make_png, make_text, make_wav


def digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def test_l2_out_equal_to_input_is_refused(beian: Beian, tmp_path: Path, producer: str) -> None:
    """L2: `add same --out same` used to overwrite plain.png, tone.wav and doc.md."""
    same = tmp_path / "same"
    same.mkdir()
    make_png(same / "plain.png")
    make_wav(same / "tone.wav")
    make_text(same / "doc.md", "# 标题\n正文\n")
    before = digests(same)
    res = beian("label", "add", str(same), "--out", str(same), "--producer", producer, "--explicit")
    assert res.returncode == 2
    assert "would overwrite the input" in res.stderr and "--in-place" in res.stderr
    assert "Traceback" not in res.stderr
    assert digests(same) == before
    # the same folder reached through a symlink is the same files
    link = tmp_path / "link"
    link.symlink_to(same)
    res = beian("label", "add", str(same), "--out", str(link), "--producer", producer)
    assert res.returncode == 2 and digests(same) == before


def test_l2_in_place_labels_the_originals(beian: Beian, tmp_path: Path, producer: str) -> None:
    png = make_png(tmp_path / "a.png")
    res = beian("label", "add", str(png), "--in-place", "--producer", producer)
    assert res.returncode == 0, res.stderr
    assert beian("label", "verify", str(png)).returncode == 0
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]  # no scratch left behind
    res = beian("label", "add", str(png), "--producer", producer)
    assert res.returncode == 2 and "--out FOLDER is required" in res.stderr
    res = beian(
        "label", "add", str(png), "--in-place", "--out", str(tmp_path), "--producer", producer
    )
    assert res.returncode == 2 and "not both" in res.stderr


@pytest.mark.parametrize("name", ["zero.png", "zero.mp4", "zero.wav", "zero.pdf", "zero.md"])
def test_l5_empty_files_fail(tmp_path: Path, writers: Writers, name: str) -> None:
    """L5: `verify zero.png zero.mp4` used to say ok."""
    path = tmp_path / name
    path.write_bytes(b"")
    status = verify_file(path, writers)
    assert not status.ok and [p.code for p in status.problems] == ["empty"]


def test_l5_unsupported_files_fail_the_cli(beian: Beian, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (8, 8)).save(tmp_path / "real.gif")
    (tmp_path / "zero.png").write_bytes(b"")
    res = beian("label", "verify", str(tmp_path), "--json")
    assert res.returncode == 1
    codes = {
        Path(s["path"]).name: [p["code"] for p in s["problems"]] for s in json.loads(res.stdout)
    }
    assert codes == {"real.gif": ["unsupported"], "zero.png": ["empty"]}


def bad_crc_png(path: Path) -> Path:
    data = bytearray(make_png(path).read_bytes())
    data[29] ^= 0xFF  # last byte of the IHDR CRC
    path.write_bytes(bytes(data))
    return path


def truncated_jpeg(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (320, 200), (200, 120, 40)).save(path, quality=90)
    path.write_bytes(path.read_bytes()[:-200])
    return path


def oversized_riff_wav(path: Path) -> Path:
    data = bytearray(make_wav(path).read_bytes())
    data[4:8] = struct.pack("<I", 0xFFFFFFFF)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("maker", "name", "words"),
    [
        (bad_crc_png, "crc.png", "bad CRC"),
        (truncated_jpeg, "cut.jpg", "end-of-image"),
        (oversized_riff_wav, "riff.wav", "RIFF size field"),
    ],
)
def test_l6_damaged_inputs_get_a_note_and_fail_verify(
    tmp_path: Path, spec: LabelSpec, writers: Writers, maker: object, name: str, words: str
) -> None:
    """L6: these used to be labelled with exit 0 and no note."""
    assert callable(maker)
    src = maker(tmp_path / name)
    result = label_file(src, tmp_path / f"out-{name}", spec, writers)
    assert any("damaged" in n and words in n for n in result.notes), result.notes
    status = verify_file(src, writers)
    assert not status.ok and "damaged" in {p.code for p in status.problems}


def test_l6_note_is_shown_by_the_cli(beian: Beian, tmp_path: Path, producer: str) -> None:
    src = bad_crc_png(tmp_path / "crc.png")
    res = beian("label", "add", str(src), "--out", str(tmp_path / "o"), "--producer", producer)
    assert res.returncode == 0 and "note: input looks damaged" in res.stdout
