"""Real media files made on the fly, and the external tools the interop tests read them with."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from beian.cli.main import run
from beian.label import AigcFields, LabelSpec, Writers, make_provider_code

USCC17 = "91110108MA01ABCD0"
"""17 characters of an organisation USCC (Beijing, Haidian); the check char is computed."""


def need_tool(name: str) -> str:
    """Path of an external tool; skip when absent locally, fail when CI=true."""
    found = shutil.which(name)
    if found is None:
        reason = f"{name} not installed (Debian: see scripts/debian-packages.txt)"
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def producer() -> str:
    """A valid TC260-PG-20252A provider code (generation service 1ABCD)."""
    return make_provider_code(USCC17, "1ABCD")


@pytest.fixture
def spec(producer: str) -> LabelSpec:
    """An implicit-only label spec."""
    return LabelSpec(fields=AigcFields(ContentProducer=producer, ProduceID="P20250901X1"))


@pytest.fixture(scope="session")
def writers() -> Writers:
    """Label writers with default options."""
    return Writers()


def _ffmpeg(*args: str) -> None:
    subprocess.run([need_tool("ffmpeg"), "-v", "error", "-y", *args], check=True)


def make_png(path: Path, size: tuple[int, int] = (320, 200)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (90, 160, 220)).save(path)
    return path


def make_jpeg(path: Path, size: tuple[int, int] = (320, 200)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (200, 120, 40)).save(path, quality=90)
    return path


def make_webp(path: Path, lossless: bool = False) -> Path:
    from PIL import Image

    Image.new("RGB", (240, 180), (30, 200, 90)).save(path, lossless=lossless)
    return path


def make_wav(path: Path, seconds: float = 1.5, rate: int = 16000, channels: int = 1) -> Path:
    t = np.arange(int(rate * seconds)) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.repeat(tone[:, None], channels, axis=1).tobytes())
    return path


def make_mp3(path: Path) -> Path:
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-c:a", "libmp3lame", str(path))
    return path


def make_video_file(path: Path, seconds: float = 3.0) -> Path:
    src = f"testsrc=size=320x240:rate=10:duration={seconds}"
    _ffmpeg(
        "-f", "lavfi", "-i", src, "-f", "lavfi", "-i", f"sine=duration={seconds}",
        "-shortest", "-c:v", "mpeg4", "-c:a", "aac", str(path),
    )  # fmt: skip
    return path


def make_pdf(path: Path, text: str | None = None) -> Path:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(300, 300)
    w.add_metadata({"/Title": "sample"})
    w.write(str(path))
    return path


def make_xlsx(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "本表由人工智能生成"
    wb.save(path)
    return path


def make_docx(path: Path) -> Path:
    """A minimal WordprocessingML package written with zipfile."""
    import zipfile

    ct = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
        'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t>'
        "</w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", doc)
    return path


def make_text(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


MAKERS: dict[str, Callable[[Path], Path]] = {
    "png": make_png,
    "jpg": make_jpeg,
    "webp": make_webp,
    "wav": make_wav,
    "mp3": make_mp3,
    "mp4": make_video_file,
    "mov": make_video_file,
    "pdf": make_pdf,
    "xlsx": make_xlsx,
    "docx": make_docx,
    "md": lambda p: make_text(p, "---\ntitle: 示例\ntags: [a, b]\n---\n# 标题\n\n正文。\n"),
    "html": lambda p: make_text(
        p, "<!doctype html><html><head><title>t</title></head><body><p>正文</p></body></html>"
    ),
}


def riff_chunk(fourcc: bytes, body: bytes) -> bytes:
    """One RIFF chunk with padding."""
    return fourcc + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


Beian = Callable[..., Result]


@pytest.fixture
def beian(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Beian:
    """``beian(*args, env={})`` → exit code and captured output, like the installed command."""
    monkeypatch.delenv("BEIAN_PRODUCER_CODE", raising=False)

    def call(*args: str, env: dict[str, str] | None = None) -> Result:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        try:
            run(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return call
