"""Explicit labels: image stamp geometry, audio rhythm cue, video opening prompt, text wording."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from beian.errors import UserError
from beian.label import LabelSpec, Writers, label_file, verify_file
from beian.label.explicit.audio import cue, find_rhythm, read_wav
from beian.label.explicit.text import find
from beian.label.rules import MIN_GLYPH_RATIO

from .conftest import MAKERS, make_png, make_wav, need_tool


def explicit(spec: LabelSpec, **kw: object) -> LabelSpec:
    return spec.model_copy(update={"explicit": True, **kw})


@pytest.mark.parametrize("fmt", ["png", "jpg", "webp"])
def test_image_stamp_size_and_place(
    fmt: str, tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    from PIL import Image

    src = MAKERS[fmt](tmp_path / f"a.{fmt}")
    dst = tmp_path / f"b.{fmt}"
    label_file(src, dst, explicit(spec), writers)
    status = verify_file(dst, writers)
    assert status.ok and status.explicit.state == "detected", status.problems
    with Image.open(src) as a, Image.open(dst) as b:
        before, after = np.asarray(a.convert("L"), float), np.asarray(b.convert("L"), float)
    h, w = before.shape
    changed = np.argwhere(np.abs(after - before) > 40)
    y0, x0 = changed.min(axis=0)
    y1, x1 = changed.max(axis=0)
    assert y0 > h / 2 and x0 > w / 2, "stamp should sit in the bottom-right corner"
    assert (y1 - y0) >= MIN_GLYPH_RATIO * min(w, h), "stamp box shorter than 5 % of the short side"
    # white glyph pixels inside the box: their vertical extent is at least the 5 % height
    glyph_rows = np.argwhere(after[y0 : y1 + 1, x0 : x1 + 1] > 200)[:, 0]
    assert glyph_rows.max() - glyph_rows.min() + 1 >= MIN_GLYPH_RATIO * min(w, h)


def _copy_with_record(
    src: Path, dst: Path, size: tuple[int, int], record: dict[str, object]
) -> None:
    from PIL import Image, PngImagePlugin

    with Image.open(src) as im:
        info = PngImagePlugin.PngInfo()
        for key, value in getattr(im, "text", {}).items():
            info.add_text(key, json.dumps(record) if key == "BeianExplicitLabel" else value)
        im.resize(size).save(dst, pnginfo=info)


def test_stamp_record_is_rechecked(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    from PIL import Image

    dst = tmp_path / "b.png"
    label_file(make_png(tmp_path / "a.png", (400, 400)), dst, explicit(spec), writers)
    with Image.open(dst) as im:
        record = json.loads(getattr(im, "text", {})["BeianExplicitLabel"])
    assert record["glyph_px"] >= 20 and record["image"] == [400, 400]

    _copy_with_record(dst, tmp_path / "half.png", (200, 200), record)
    status = verify_file(tmp_path / "half.png", writers)
    assert status.ok and "stamp-rescaled" in {p.code for p in status.problems}

    _copy_with_record(dst, tmp_path / "small.png", (400, 400), {**record, "glyph_px": 12})
    status = verify_file(tmp_path / "small.png", writers)
    assert not status.ok and "explicit-too-small" in {p.code for p in status.problems}


def test_image_too_small_for_label(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = make_png(tmp_path / "tiny.png", (20, 400))
    with pytest.raises(UserError, match="too small"):
        label_file(
            src, tmp_path / "o.png", explicit(spec, text="本图片内容由人工智能生成合成"), writers
        )


def test_wording_without_elements_is_refused(
    tmp_path: Path, spec: LabelSpec, writers: Writers
) -> None:
    with pytest.raises(UserError, match="L-01"):
        label_file(
            make_png(tmp_path / "a.png"),
            tmp_path / "b.png",
            explicit(spec, text="机器作品"),
            writers,
        )


def test_rhythm_detector() -> None:
    rate = 16000
    assert find_rhythm(cue(rate), rate)
    t = np.arange(rate * 3) / rate
    assert not find_rhythm(0.3 * np.sin(2 * np.pi * 440 * t), rate)
    rng = np.random.default_rng(0)
    assert not find_rhythm(rng.normal(0, 0.2, rate * 3), rate)
    beeps = np.concatenate([cue(rate)[: int(rate * 0.2)]] * 6)  # six equal short beeps
    assert not find_rhythm(beeps, rate)


def test_wav_cue(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = make_wav(tmp_path / "a.wav", channels=2)
    dst = tmp_path / "b.wav"
    label_file(src, dst, explicit(spec), writers)
    status = verify_file(dst, writers)
    assert status.ok and status.explicit.state == "detected" and status.explicit.position == "start"
    x, rate, _chunks, _fmt = read_wav(dst)
    y, _r, _c, _f = read_wav(src)
    assert x.shape[1] == 2 and len(x) == len(y) + len(cue(rate))
    assert verify_file(src, writers).explicit.state == "absent"


def test_mp3_cue(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = MAKERS["mp3"](tmp_path / "a.mp3")
    dst = tmp_path / "b.mp3"
    label_file(src, dst, explicit(spec), writers)
    status = verify_file(dst, writers)
    assert status.ok and status.explicit.state == "detected", status.problems
    assert verify_file(src, writers).explicit.state == "absent"


def frame(path: Path, at: float) -> np.ndarray:
    out = subprocess.run(
        [need_tool("ffmpeg"), "-v", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return np.frombuffer(out.stdout, np.uint8).reshape(240, 320).astype(float)


def test_video_opening_prompt(tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = MAKERS["mp4"](tmp_path / "a.mp4")
    dst = tmp_path / "b.mp4"
    label_file(src, dst, explicit(spec, seconds=2.0), writers)
    status = verify_file(dst, writers)
    assert status.ok and status.explicit.state == "detected", status.problems
    corner = (slice(180, 240), slice(220, 320))
    early = np.abs(frame(dst, 0.5)[corner] - frame(src, 0.5)[corner]).mean()
    late = np.abs(frame(dst, 2.6)[corner] - frame(src, 2.6)[corner]).mean()
    assert early > 3 * late, (early, late)  # prompt shown at 0.5 s and gone after 2 s


def test_text_detection_positions() -> None:
    assert find("本内容由人工智能生成。\n" + "正文" * 200).position == "start"
    assert find("正文" * 200 + "\n（AI生成）").position == "end"
    assert find("正文" * 200 + "AI合成" + "正文" * 200).position == "middle"
    assert find("普通文本").state == "absent"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_text_formats(fmt: str, tmp_path: Path, spec: LabelSpec, writers: Writers) -> None:
    src = MAKERS[fmt](tmp_path / f"a.{fmt}")
    dst = tmp_path / f"b.{fmt}"
    label_file(src, dst, explicit(spec, position="end"), writers)
    status = verify_file(dst, writers)
    assert status.ok and status.explicit.state == "detected" and status.explicit.position == "end"
    assert verify_file(src, writers).explicit.state == "absent"


def test_require_explicit_makes_absence_an_error(tmp_path: Path, spec: LabelSpec) -> None:
    strict = Writers(require_explicit=True)
    dst = tmp_path / "b.md"
    label_file(MAKERS["md"](tmp_path / "a.md"), dst, spec, strict)
    status = verify_file(dst, strict)
    assert not status.ok and status.problems[-1].code == "no-explicit-label"
    assert verify_file(dst, Writers()).ok
