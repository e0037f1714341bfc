"""verify on files made by hand: zero / two labels, bad fields, real-world forms."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from beian.label import Writers, verify_file
from beian.label.carriers.jpeg import XMP_SIG
from beian.label.carriers.png import make_chunk

from .conftest import make_jpeg, make_png, make_wav, riff_chunk

TENCENT = "001191440300708461136T1XGW3"


def aigc(**overrides: str) -> str:
    fields = {
        "Label": "1",
        "ContentProducer": TENCENT,
        "ProduceID": "f1a2b3",
        "ReservedCode1": "",
        "ContentPropagator": "",
        "PropagateID": "",
        "ReservedCode2": "",
    }
    fields.update(overrides)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def png_with(tmp_path: Path, *texts: tuple[bytes, bytes], ctype: bytes = b"tEXt") -> Path:
    base = make_png(tmp_path / "base.png").read_bytes()
    extra = b"".join(make_chunk(ctype, k + b"\0" + v) for k, v in texts)
    out = tmp_path / "x.png"
    out.write_bytes(base[:33] + extra + base[33:])  # after the 8-byte signature + IHDR
    return out


def errors(path: Path, writers: Writers) -> set[str]:
    return {p.code for p in verify_file(path, writers).problems if p.severity == "error"}


def test_zero_labels(tmp_path: Path, writers: Writers) -> None:
    status = verify_file(make_png(tmp_path / "a.png"), writers)
    assert not status.ok and [p.code for p in status.problems] == ["no-label"]
    assert status.problems[0].rule == "L-09"


def test_two_labels_in_one_file(tmp_path: Path, writers: Writers) -> None:
    path = png_with(tmp_path, (b"AIGC", aigc().encode()), (b"AIGC", aigc(ProduceID="2").encode()))
    status = verify_file(path, writers)
    assert "multiple-labels" in {p.code for p in status.problems} and not status.ok
    assert len(status.labels) == 2


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (aigc(Label="AIGC"), "bad-label-value"),
        (aigc(ProduceID=""), "missing-field"),
        (aigc(ContentProducer="00119144030070"), "bad-provider-code"),
        (aigc(ContentProducer="Minimax Agent AI"), "bad-charset"),
        ("{broken", "bad-json"),
    ],
)
def test_bad_fields(tmp_path: Path, writers: Writers, payload: str, code: str) -> None:
    path = png_with(tmp_path, (b"AIGC", payload.encode("latin-1", "replace")))
    assert code in errors(path, writers)


def test_non_ascii_value_in_itxt(tmp_path: Path, writers: Writers) -> None:
    body = aigc(ContentProducer="豆包").encode("utf-8")
    path = png_with(tmp_path, (b"AIGC", b"\0\0\0\0" + body), ctype=b"iTXt")
    problems = verify_file(path, writers).problems
    bad = [p for p in problems if p.code == "bad-charset"]
    assert bad and "U+8C46" in bad[0].message and bad[0].rule == "L-11"


def xmp_packet(inner: str) -> str:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'{inner}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def jpeg_with_xmp(tmp_path: Path, packet: str) -> Path:
    base = make_jpeg(tmp_path / "base.jpg").read_bytes()
    body = XMP_SIG + packet.encode("utf-8")
    seg = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    out = tmp_path / "x.jpg"
    out.write_bytes(base[:2] + seg + base[2:])
    return out


def test_real_world_xmp_element_form(tmp_path: Path, writers: Writers) -> None:
    value = aigc().replace('"', "&quot;")
    inner = (
        '<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">'
        f"<TC260:AIGC>{value}</TC260:AIGC></rdf:Description>"
    )
    status = verify_file(jpeg_with_xmp(tmp_path, xmp_packet(inner)), writers)
    assert status.ok, status.problems
    assert status.fields is not None and status.fields["ContentProducer"] == TENCENT


def test_real_world_xmp_attribute_form(tmp_path: Path, writers: Writers) -> None:
    value = aigc().replace('"', "&quot;")
    inner = (
        '<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" '
        f'TC260:AIGC="{value}"/>'
    )
    status = verify_file(jpeg_with_xmp(tmp_path, xmp_packet(inner)), writers)
    assert status.ok and len(status.labels) == 1


def test_real_world_markdown_front_matter(tmp_path: Path, writers: Writers) -> None:
    md = tmp_path / "report.md"
    md.write_text(
        "---\ntitle: 行业研究\nAIGC:\n  Label: 1\n  ContentProducer: " + TENCENT + "\n"
        "  ProduceID: 7c9e6679\n  ReservedCode1: MEUCIQDx+sig==\n  ContentPropagator: ''\n"
        "  PropagateID: ''\n  ReservedCode2: ''\n---\n\n本文由AI生成。\n",
        encoding="utf-8",
    )
    status = verify_file(md, writers)
    assert status.ok, status.problems
    assert status.fields is not None and status.fields["Label"] == "1"  # read as a string
    assert status.explicit.state == "detected"


def test_markdown_two_blocks_and_json_string(tmp_path: Path, writers: Writers) -> None:
    md = tmp_path / "two.md"
    md.write_text(f"---\nAIGC: '{aigc()}'\nAIGC:\n  Label: '1'\n---\nx\n", encoding="utf-8")
    assert "multiple-labels" in errors(md, writers)


def test_wav_custom_chunk_and_info_both_present(tmp_path: Path, writers: Writers) -> None:
    data = bytearray(make_wav(tmp_path / "a.wav").read_bytes())
    data += riff_chunk(b"AIGC", aigc().encode())
    data += riff_chunk(b"LIST", b"INFO" + riff_chunk(b"AIGC", aigc().encode() + b"\0"))
    data[4:8] = struct.pack("<I", len(data) - 8)
    path = tmp_path / "b.wav"
    path.write_bytes(bytes(data))
    assert "multiple-labels" in errors(path, writers)


def test_unreadable_and_unsupported_files(tmp_path: Path, writers: Writers) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(make_png(tmp_path / "ok.png").read_bytes()[:40])
    status = verify_file(broken, writers)
    assert [p.code for p in status.problems] == ["unreadable"] and not status.ok
    other = tmp_path / "data.bin"
    other.write_bytes(b"\x00\x01")
    status = verify_file(other, writers)
    assert not status.ok and status.problems[0].code == "unsupported"  # L5
