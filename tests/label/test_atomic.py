"""Safe rewrites: on any error the source and an existing destination stay byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from beian.errors import InputError
from beian.label import LabelSpec, Writers, label_file

from .conftest import make_jpeg, make_png


def test_corrupt_input_leaves_everything_untouched(
    tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    good = make_jpeg(tmp_path / "good.jpg").read_bytes()
    src = tmp_path / "cut.jpg"
    src.write_bytes(good[:30])  # header segment cut in the middle
    dst = tmp_path / "out" / "cut.jpg"
    dst.parent.mkdir()
    dst.write_bytes(b"previous output")
    with pytest.raises(InputError, match="cut.jpg"):
        label_file(src, dst, spec, writers)
    assert src.read_bytes() == good[:30]
    assert dst.read_bytes() == b"previous output"
    assert sorted(p.name for p in dst.parent.iterdir()) == ["cut.jpg"], "scratch not cleaned"


def test_in_place_failure_keeps_original(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = make_png(tmp_path / "a.png")
    data = bytearray(src.read_bytes())
    data[-12:] = b"\0" * 12  # destroy IEND: the writer must refuse
    src.write_bytes(bytes(data))
    with pytest.raises(InputError):
        label_file(src, src, spec, writers)
    assert src.read_bytes() == bytes(data)


def test_unwritable_destination(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = make_png(tmp_path / "a.png")
    before = src.read_bytes()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot write"):
        label_file(src, blocker / "a.png", spec, writers)
    assert src.read_bytes() == before and blocker.read_text() == "x"


def test_malformed_existing_xmp_is_refused(
    tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    import struct

    from beian.label.carriers.jpeg import XMP_SIG

    base = make_jpeg(tmp_path / "b.jpg").read_bytes()
    body = XMP_SIG + b"<x:xmpmeta><unclosed>"
    src = tmp_path / "x.jpg"
    src.write_bytes(base[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + base[2:])
    before = src.read_bytes()
    with pytest.raises(InputError, match="XMP"):
        label_file(src, tmp_path / "y.jpg", spec, writers)
    assert src.read_bytes() == before and not (tmp_path / "y.jpg").exists()
