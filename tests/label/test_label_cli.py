"""``beian label`` through the console-script entry point (in process, plus one subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import Beian, make_jpeg, make_png, make_text


def test_add_then_verify_folder(beian: Beian, tmp_path: Path, producer: str) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    make_png(src / "a.png")
    make_jpeg(src / "sub" / "b.jpg")
    make_text(src / "c.md", "# 标题\n正文\n")
    out = tmp_path / "out"
    res = beian("label", "add", str(src), "--out", str(out), "--producer", producer, "--json")
    assert res.returncode == 0, res.stderr
    results = json.loads(res.stdout)
    assert {Path(r["dst"]).relative_to(out).as_posix() for r in results} == {
        "a.png",
        "sub/b.jpg",
        "c.md",
    }
    res = beian("label", "verify", str(out), "--json")
    assert res.returncode == 0, res.stdout
    statuses = json.loads(res.stdout)
    assert len(statuses) == 3 and all(s["ok"] for s in statuses)
    assert all(s["implicit"]["count"] == 1 for s in statuses)

    res = beian("label", "verify", str(src), "--json")
    assert res.returncode == 1
    assert {p["code"] for s in json.loads(res.stdout) for p in s["problems"]} >= {"no-label"}


def test_producer_from_environment_and_explicit(
    beian: Beian, tmp_path: Path, producer: str
) -> None:
    png = make_png(tmp_path / "a.png")
    out = tmp_path / "out"
    env = {"BEIAN_PRODUCER_CODE": producer}
    res = beian("label", "add", str(png), "--out", str(out), "--explicit", "--implicit", env=env)
    assert res.returncode == 0, res.stderr
    assert "labelled" in res.stdout
    res = beian("label", "verify", str(out / "a.png"))
    assert res.returncode == 0 and "detected" in res.stdout


def test_user_errors_exit_2(beian: Beian, tmp_path: Path) -> None:
    png = make_png(tmp_path / "a.png")
    res = beian("label", "add", str(png), "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and "--producer" in res.stderr
    res = beian(
        "label", "add", str(png), "--out", str(tmp_path / "o"), "--producer", "00119144030070"
    )
    assert res.returncode == 2 and "TC260-PG-20252A" in res.stderr
    res = beian("label", "verify", str(tmp_path / "missing.png"))
    assert res.returncode == 2 and "no such file" in res.stderr
    # W6: a provider name is accepted (Labeling Measures Art 5), with a warning
    res = beian("label", "add", str(png), "--out", str(tmp_path / "o"), "--producer", "doubao")
    assert res.returncode == 0 and "Art 5" in res.stderr, res.stderr


def test_unreadable_file_is_reported(beian: Beian, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "dangling.png").symlink_to(tmp_path / "gone.png")
    res = beian("label", "verify", str(folder), "--json")
    assert res.returncode == 1
    (status,) = json.loads(res.stdout)
    assert status["problems"][0]["code"] == "unreadable"


def test_failed_file_does_not_stop_the_batch(beian: Beian, tmp_path: Path, producer: str) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    make_png(folder / "good.png")
    (folder / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    res = beian("label", "add", str(folder), "--out", str(tmp_path / "o"), "--producer", producer)
    assert res.returncode == 1
    assert (tmp_path / "o" / "good.png").exists() and not (tmp_path / "o" / "bad.png").exists()
    assert "bad.png" in res.stderr


def test_code_command_installed_entry_point() -> None:
    """One real subprocess: the group is wired into the ``beian`` command."""
    res = subprocess.run(
        [sys.executable, "-m", "beian", "label", "code", "91440300708461136", "--service", "1XGW3"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert res.returncode == 0 and res.stdout.strip() == "001191440300708461136T1XGW3"
