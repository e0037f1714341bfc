"""Explicit labelling keeps what the file had: implicit label, foreign metadata, samples.

Reproductions of reliability.md §5 L1 (metadata and the implicit label stripped), L3 (16-bit
PNG reduced to 8 bits) and L4 (8-bit WAV samples shifted), checked with exiftool / ffmpeg.
"""

from __future__ import annotations

import json
import struct
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from beian.label import LabelSpec, Writers, label_file, verify_file
from beian.label.carriers.png import chunks, make_chunk

from .conftest import Beian, need_tool
from .test_roundtrip import exiftool_json

XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
    "Alice</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
)
PRIVATE = make_chunk(b"prVt", b"vendor private data")


def rich_png(path: Path) -> Path:
    """A real PNG with Comment, Software, XMP and a private ancillary chunk."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made for the test")
    info.add_text("Software", "TestPaint 1.0")
    info.add_itxt("XML:com.adobe.xmp", XMP)
    Image.new("RGB", (320, 200), (90, 160, 220)).save(path, pnginfo=info)
    data = path.read_bytes()
    iend = data.rindex(b"IEND") - 4
    path.write_bytes(data[:iend] + PRIVATE + data[iend:])
    return path


def explicit_only(spec: LabelSpec) -> LabelSpec:
    return spec.model_copy(update={"explicit": True, "implicit": False})


def test_l1_explicit_keeps_implicit_label_and_png_metadata(
    beian: Beian, tmp_path: Path, producer: str
) -> None:
    """L1: `add` then `add --explicit` used to leave no text chunks at all."""
    src = rich_png(tmp_path / "meta.png")
    o1, o3 = tmp_path / "o1", tmp_path / "o3"
    assert beian("label", "add", str(src), "--out", str(o1), "--producer", producer).returncode == 0
    res = beian("label", "add", str(o1), "--out", str(o3), "--explicit")
    assert res.returncode == 0, res.stderr
    res = beian("label", "verify", str(o3), "--require-explicit", "--json")
    assert res.returncode == 0, res.stdout
    status = json.loads(res.stdout)[0]
    assert status["explicit"]["state"] == "detected"
    before = exiftool_json(o1 / "meta.png")
    after = exiftool_json(o3 / "meta.png")
    assert after["PNG:AIGC"] == before["PNG:AIGC"]  # same label, same ProduceID
    assert after["PNG:Comment"] == "made for the test"
    assert after["PNG:Software"] == "TestPaint 1.0"
    assert after["XMP-dc:Creator"] == "Alice"
    assert PRIVATE in (o3 / "meta.png").read_bytes()


def test_l1_explicit_and_implicit_on_the_original_keep_metadata(
    tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    src = rich_png(tmp_path / "meta.png")
    dst = tmp_path / "out.png"
    label_file(src, dst, spec.model_copy(update={"explicit": True}), writers)
    tags = exiftool_json(dst)
    assert tags["PNG:Comment"] == "made for the test" and tags["XMP-dc:Creator"] == "Alice"
    assert PRIVATE in dst.read_bytes()
    assert verify_file(dst, writers).ok


def test_l1_jpeg_keeps_exif_comment_icc_and_label(
    tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    from PIL import Image, ImageCms

    src = tmp_path / "a.jpg"
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (320, 200), (200, 120, 40)).save(
        src, quality=90, exif=exif, comment=b"a JPEG comment", icc_profile=icc
    )
    labelled = tmp_path / "b.jpg"
    label_file(src, labelled, spec, writers)
    dst = tmp_path / "c.jpg"
    label_file(labelled, dst, explicit_only(spec), writers)
    before, after = exiftool_json(labelled), exiftool_json(dst)
    assert after["XMP-TC260:Aigc"] == before["XMP-TC260:Aigc"]
    assert after["IFD0:Make"] == "TestCam"
    assert after["File:Comment"] == "a JPEG comment"
    assert "ICC-header:ProfileVersion" in after
    assert verify_file(dst, writers).explicit.state == "detected"


def ffmpeg_samples(path: Path, pix_fmt: str) -> np.ndarray:
    out = subprocess.run(
        [need_tool("ffmpeg"), "-v", "error", "-i", str(path), "-f", "rawvideo",
         "-pix_fmt", pix_fmt, "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return np.frombuffer(out.stdout, ">u2")


@pytest.mark.parametrize(("pix_fmt", "color_type"), [("gray16be", 0), ("rgb48be", 2)])
def test_l3_16_bit_png_stays_16_bit(
    tmp_path: Path, spec: LabelSpec, writers: Writers, pix_fmt: str, color_type: int
) -> None:
    """L3: a 16-bit PNG used to come out as 8-bit RGB with 54 levels."""
    src = tmp_path / "deep.png"
    channels = 1 if color_type == 0 else 3
    ramp = np.linspace(0, 65535, 320 * 200 * channels).round().astype(">u2")  # 64k levels
    subprocess.run(
        [
            need_tool("ffmpeg"),
            "-v",
            "error",
            "-f",
            "rawvideo",
            "-pix_fmt",
            pix_fmt,
            "-s",
            "320x200",
            "-i",
            "-",
            "-frames:v",
            "1",
            str(src),
        ],
        input=ramp.tobytes(),
        check=True,
    )  # fmt: skip  (ffmpeg, not beian, writes the 16-bit input)
    dst = tmp_path / "out.png"
    label_file(src, dst, spec.model_copy(update={"explicit": True}), writers)
    tags = exiftool_json(dst)
    assert tags["PNG:BitDepth"] == 16
    assert tags["PNG:ColorType"] == exiftool_json(src)["PNG:ColorType"]
    ihdr = next(body for ctype, body, _s, _e in chunks(dst.read_bytes()) if ctype == b"IHDR")
    assert struct.unpack(">IIBB", ihdr[:10])[2:] == (16, color_type)
    a, b = ffmpeg_samples(src, pix_fmt), ffmpeg_samples(dst, pix_fmt)
    assert len(np.unique(a)) > 1000
    changed = np.mean(a != b)
    assert 0 < changed < 0.2  # only the stamp's pixels differ
    status = verify_file(dst, writers)
    assert status.ok and status.explicit.state == "detected", status.problems


def test_l4_8_bit_wav_samples_unchanged(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    """L4: after the cue, 49 % of 8-bit samples used to be off by one."""
    src = tmp_path / "tone8.wav"
    original = (np.arange(765) % 256).astype(np.uint8).tobytes()
    with wave.open(str(src), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(original)
    dst = tmp_path / "out.wav"
    label_file(src, dst, spec.model_copy(update={"explicit": True}), writers)
    with wave.open(str(dst), "rb") as w:
        assert w.getsampwidth() == 1
        frames = w.readframes(w.getnframes())
    assert frames.endswith(original)
    assert len(frames) == len(original) + int(8000 * 1.6)  # the 1.6 s cue, then the original
    status = verify_file(dst, writers)
    assert status.ok and status.explicit.state == "detected"


@pytest.mark.parametrize("fmt", ["png", "jpg", "webp", "wav", "mp3", "mp4", "md", "html"])
def test_l1_explicit_only_never_changes_the_implicit_label(
    fmt: str, tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    """L1 for every format with an explicit label: the implicit label comes out identical."""
    from .conftest import MAKERS

    src = MAKERS[fmt](tmp_path / f"a.{fmt}")
    labelled = tmp_path / f"b.{fmt}"
    label_file(src, labelled, spec, writers)
    dst = tmp_path / f"c.{fmt}"
    label_file(labelled, dst, explicit_only(spec), writers)
    before, after = verify_file(labelled, writers), verify_file(dst, writers)
    assert after.fields == before.fields and len(after.labels) == 1
    assert after.ok and after.explicit.state in ("detected", "declared"), after.problems


def test_palette_png_is_expanded_with_a_note(
    tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    from PIL import Image

    src = tmp_path / "p.png"
    Image.new("RGB", (320, 200), (90, 160, 220)).convert("P").save(src)
    result = label_file(
        src, tmp_path / "o.png", spec.model_copy(update={"explicit": True}), writers
    )
    assert "palette PNG expanded to 8-bit RGB" in result.explicit
    tags = exiftool_json(tmp_path / "o.png")
    assert tags["PNG:BitDepth"] == 8 and tags["PNG:ColorType"] == "RGB"
    assert verify_file(tmp_path / "o.png", writers).ok


def test_jpeg_orientation_is_kept_and_the_stamp_is_upright(
    tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    """The stored pixels are stamped; EXIF orientation stays, so viewers see it bottom-right."""
    from PIL import Image, ImageOps

    src = tmp_path / "rot.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (320, 200), (90, 160, 220)).save(src, exif=exif)
    dst = tmp_path / "out.jpg"
    label_file(src, dst, spec.model_copy(update={"explicit": True}), writers)
    assert exiftool_json(dst)["IFD0:Orientation"] == "Rotate 90 CW"
    with Image.open(dst) as im:
        upright = np.asarray(ImageOps.exif_transpose(im).convert("L"), float)
    assert upright.shape == (320, 200)
    assert upright[-30:, -60:].min() < 60 < upright[:60, :60].min()  # dark box bottom-right only
    assert verify_file(dst, writers).explicit.state == "detected"
