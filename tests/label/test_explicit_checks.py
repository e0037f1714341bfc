"""What `verify --require-explicit` checks, the WAV carrier tools can read, and profile figures.

* regulatory.md §9.9 / issue 14: ``--require-explicit`` said ok for an image with no visible
  label. Now the recorded stamp box is *measured* (dark box, light ink); a file without beian's
  record cannot be confirmed (no OCR) and fails under ``--require-explicit``.
* issue 14: the WAV label was invisible to standard tools.
* regulatory.md W9: label figures were read from the default profile whatever the profile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beian.label import LabelSpec, Writers, label_file, to_json, verify_file
from beian.label.carriers.png import SIGNATURE, chunks
from beian.label.carriers.riff import WavCarrier
from beian.label.writer import LabelWriter

from .conftest import Beian, make_png, make_wav
from .test_roundtrip import exiftool_json, ffprobe_tags


def with_pixels_of(labelled: Path, pixels: Path, out: Path) -> Path:
    """``labelled``'s chunks (label, stamp record) with ``pixels``' image data: a painted-over stamp."""
    data, donor = labelled.read_bytes(), pixels.read_bytes()
    idat = b"".join(donor[s:e] for t, _b, s, e in chunks(donor) if t == b"IDAT")
    parts, done = [SIGNATURE], False
    for ctype, _body, start, end in chunks(data):
        if ctype != b"IDAT":
            parts.append(data[start:end])
        elif not done:
            parts.append(idat)
            done = True
    out.write_bytes(b"".join(parts))
    return out


def test_require_explicit_measures_the_stamp(tmp_path: Path, spec: LabelSpec) -> None:
    strict = Writers(require_explicit=True)
    src = make_png(tmp_path / "a.png")
    stamped = tmp_path / "b.png"
    label_file(src, stamped, spec.model_copy(update={"explicit": True}), strict)
    assert verify_file(stamped, strict).explicit.state == "detected"
    painted = with_pixels_of(stamped, src, tmp_path / "c.png")
    status = verify_file(painted, strict)
    assert not status.ok and status.explicit.state == "absent"
    assert "explicit-not-visible" in {p.code for p in status.problems}


def test_require_explicit_fails_what_it_cannot_confirm(
    beian: Beian, tmp_path: Path, producer: str
) -> None:
    """An implicit-only image used to pass `verify --require-explicit`."""
    img = make_png(tmp_path / "a.png")
    beian("label", "add", str(img), "--out", str(tmp_path / "o"), "--producer", producer)
    assert beian("label", "verify", str(tmp_path / "o")).returncode == 0
    res = beian("label", "verify", str(tmp_path / "o"), "--require-explicit", "--json")
    assert res.returncode == 1
    problems = json.loads(res.stdout)[0]["problems"]
    assert [p["code"] for p in problems] == ["explicit-unconfirmed"]
    assert "OCR" in problems[0]["message"]


def test_wav_label_is_read_by_ffprobe_by_default(
    tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    src = make_wav(tmp_path / "a.wav")
    dst = tmp_path / "b.wav"
    label_file(src, dst, spec, writers)
    assert ffprobe_tags(dst)["AIGC"] == to_json(spec.fields)
    assert verify_file(dst, writers).ok


def test_wav_xmp_form_is_read_by_exiftool(tmp_path: Path, spec: LabelSpec) -> None:
    writer = LabelWriter("audio/wav", WavCarrier("xmp"), None)
    src = make_wav(tmp_path / "a.wav")
    dst = tmp_path / "b.wav"
    writer.apply(src, dst, spec)
    assert exiftool_json(dst)["XMP-TC260:Aigc"] == to_json(spec.fields)
    status = writer.verify(dst)
    assert status.ok and not status.problems


STRICT = """\
extends: tc260-003-2024
clauses_patch:
  "7.d":
    thresholds:
      - {key: explicit_label_height_min, value: 0.10}
      - {key: video_label_seconds_min, value: 4}
"""


@pytest.fixture
def strict_profile(tmp_path: Path) -> Path:
    path = tmp_path / "strict.yaml"
    path.write_text(STRICT, encoding="utf-8")
    return path


def test_w9_figures_come_from_the_profile(
    beian: Beian, tmp_path: Path, producer: str, strict_profile: Path
) -> None:
    """W9: rules.py loaded tc260-003-2024 whatever the workspace's profile was."""
    img = make_png(tmp_path / "a.png", (400, 300))
    add = ("label", "add", str(img), "--producer", producer, "--explicit", "--implicit")
    assert beian(*add, "--out", str(tmp_path / "five")).returncode == 0
    res = beian(
        "label", "verify", str(tmp_path / "five"), "--profile", str(strict_profile), "--json"
    )
    assert res.returncode == 1
    assert "explicit-too-small" in {p["code"] for p in json.loads(res.stdout)[0]["problems"]}
    res = beian(*add, "--out", str(tmp_path / "ten"), "--profile", str(strict_profile))
    assert res.returncode == 0, res.stderr
    assert (
        beian("label", "verify", str(tmp_path / "ten"), "--profile", str(strict_profile)).returncode
        == 0
    )
    # the same through a workspace whose profile is the strict one
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "strict.yaml").write_text(STRICT, encoding="utf-8")
    (ws / "beian.toml").write_text('profile = "strict.yaml"\n', encoding="utf-8")
    res = beian("label", "verify", str(tmp_path / "five"), "-w", str(ws))
    assert res.returncode == 1
    assert beian("label", "verify", str(tmp_path / "ten"), "-w", str(ws)).returncode == 0


def test_require_explicit_measures_video_frames(tmp_path: Path, spec: LabelSpec) -> None:
    """Video: the prompt's box is measured in the frames at 0 s and just before 2 s."""
    import subprocess

    from .conftest import MAKERS, need_tool

    strict = Writers(require_explicit=True)
    src = MAKERS["mp4"](tmp_path / "a.mp4")
    stamped = tmp_path / "b.mp4"
    label_file(src, stamped, spec.model_copy(update={"explicit": True, "seconds": 2.0}), strict)
    status = verify_file(stamped, strict)
    assert status.ok and status.explicit.state == "detected", status.problems
    # the same metadata (label and stamp record) over the unstamped picture
    clean = tmp_path / "c.mp4"
    subprocess.run(
        [need_tool("ffmpeg"), "-v", "error", "-i", str(stamped), "-i", str(src),
         "-map", "1:v", "-map", "0:a", "-map_metadata", "0", "-c", "copy",
         "-movflags", "use_metadata_tags", str(clean)],
        check=True,
    )  # fmt: skip
    status = verify_file(clean, strict)
    assert status.fields == verify_file(stamped, strict).fields
    assert not status.ok and "explicit-not-visible" in {p.code for p in status.problems}
