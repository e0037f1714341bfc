"""Another producer's label is kept; platforms add propagation fields; --force is audited.

Reproduces regulatory.md §5.4 / §9.9 (LM Art 6 and Art 10 rows): re-labelling used to replace
producer A's ContentProducer and ProduceID silently, and ``--propagator`` alone was refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from beian.label import make_provider_code

from .conftest import USCC17, Beian, make_jpeg, make_png, make_wav
from .test_roundtrip import exiftool_json, ffprobe_tags

PLATFORM = make_provider_code("91440300708461136", "2ABCD")


def label_of(path: Path) -> dict[str, str]:
    """The label as exiftool reads it (independent of beian's reader)."""
    tags = exiftool_json(path)
    raw = next(str(v) for k, v in tags.items() if k.endswith(("PNG:AIGC", "TC260:Aigc")))
    value: dict[str, str] = json.loads(raw)
    return value


def test_relabel_by_another_producer_is_refused(
    beian: Beian, tmp_path: Path, producer: str
) -> None:
    img = make_png(tmp_path / "img.png")
    other = make_provider_code(USCC17, "1ZZZZ")
    assert (
        beian(
            "label", "add", str(img), "--out", str(tmp_path / "o"), "--producer", producer
        ).returncode
        == 0
    )
    first = label_of(tmp_path / "o" / "img.png")
    res = beian(
        "label", "add", str(tmp_path / "o" / "img.png"), "--out", str(tmp_path / "o2"),
        "--producer", other,
    )  # fmt: skip
    assert res.returncode == 1 and "already labelled by ContentProducer" in res.stderr
    assert not (tmp_path / "o2" / "img.png").exists()
    assert first["ContentProducer"] == producer


def test_platform_adds_only_propagation_fields(beian: Beian, tmp_path: Path, producer: str) -> None:
    """LM Art 6: `--propagator` alone used to fail with "--producer … is required"."""
    for make, name in ((make_png, "img.png"), (make_jpeg, "img.jpg")):
        make(tmp_path / name)
        args = ("label", "add", str(tmp_path / name), "--out", str(tmp_path / "o"))
        assert beian(*args, "--producer", producer, "--produce-id", "P1").returncode == 0
        res = beian(
            "label", "add", str(tmp_path / "o" / name), "--out", str(tmp_path / "o2"),
            "--propagator", PLATFORM, "--propagate-id", "SHARE9",
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        got = label_of(tmp_path / "o2" / name)
        assert (got["ContentProducer"], got["ProduceID"]) == (producer, "P1")
        assert (got["ContentPropagator"], got["PropagateID"]) == (PLATFORM, "SHARE9")
        assert beian("label", "verify", str(tmp_path / "o2" / name)).returncode == 0


def test_platform_with_its_own_producer_code_keeps_the_producer(
    beian: Beian, tmp_path: Path, producer: str
) -> None:
    """The regulatory.md §5.4 command: producer A's fields used to be replaced by B's."""
    make_wav(tmp_path / "a.wav")
    beian(
        "label",
        "add",
        str(tmp_path / "a.wav"),
        "--out",
        str(tmp_path / "o"),
        "--producer",
        producer,
    )
    res = beian(
        "label", "add", str(tmp_path / "o" / "a.wav"), "--out", str(tmp_path / "o2"),
        "--producer", PLATFORM, "--propagator", PLATFORM,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    got = json.loads(ffprobe_tags(tmp_path / "o2" / "a.wav")["AIGC"])
    assert got["ContentProducer"] == producer and got["ContentPropagator"] == PLATFORM
    assert got["PropagateID"]  # a new id when none is given


def test_force_replaces_and_audits(beian: Beian, tmp_path: Path, producer: str) -> None:
    img = make_png(tmp_path / "img.png")
    other = make_provider_code(USCC17, "1ZZZZ")
    beian("label", "add", str(img), "--out", str(tmp_path / "o"), "--producer", producer)
    res = beian(
        "label", "add", str(tmp_path / "o" / "img.png"), "--out", str(tmp_path / "o2"),
        "--producer", other, "--force",
    )  # fmt: skip
    assert res.returncode == 0 and "audit:" in res.stdout
    assert label_of(tmp_path / "o2" / "img.png")["ContentProducer"] == other
    log = tmp_path / "o2" / ".beian-label-audit.jsonl"
    line = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    assert line["action"] == "label-replaced"
    assert line["replaced"]["ContentProducer"] == producer
    assert line["written"]["ContentProducer"] == other
    res = beian("label", "verify", str(tmp_path / "o2"), "--json")  # the log is not a sample
    assert res.returncode == 0 and len(json.loads(res.stdout)) == 1


def test_unlabelled_file_needs_a_producer(beian: Beian, tmp_path: Path) -> None:
    img = make_png(tmp_path / "img.png")
    res = beian("label", "add", str(img), "--out", str(tmp_path / "o"), "--propagator", PLATFORM)
    assert res.returncode == 1 and "--producer CODE is required" in res.stderr
