"""``beian._dists`` answers what ``importlib.metadata`` answers (versions, whether a group has
entry points), and a plugin declared by an installed distribution is still found."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from beian._dists import _listing, installed_version, may_declare_entry_points


def _names() -> list[str]:
    return sorted({d.metadata["Name"] for d in metadata.distributions() if d.metadata["Name"]})


def test_every_installed_distribution_has_the_version_importlib_metadata_gives() -> None:
    names = _names()
    assert len(names) > 20
    for name in names:
        assert installed_version(name) == metadata.version(name), name
        # the same distribution under other spellings of its name
        assert installed_version(name.upper().replace("-", "_")) == metadata.version(name)
    assert installed_version("no-such-distribution-here") is None


def test_entry_point_groups_are_seen_as_importlib_metadata_sees_them() -> None:
    groups = {ep.group for d in metadata.distributions() for ep in d.entry_points}
    assert "console_scripts" in groups
    for group in sorted(groups | {"beian", "no-such-group", "beian.plugins"}):
        found = bool(metadata.entry_points(group=group))
        # never "no" when there is one; "yes" only where importlib.metadata finds one here
        assert may_declare_entry_points(group) == found, group


def _run(code: str, path: list[Path]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, path), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_plugin_declared_by_a_distribution_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "fake_beian_plugin.py").write_text(
        textwrap.dedent("""
            from beian.detect.base import BaseDetector
            from beian.registry import registry

            class Nothing(BaseDetector):
                name = "nothing"

                def detect(self, text):
                    return []

            @registry.register("detector", "nothing", version="1")
            def make(options):
                return Nothing()
        """),
        "utf-8",
    )
    info = tmp_path / "fake_beian_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-beian-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[beian]\nnothing = fake_beian_plugin\n")
    done = _run(
        """
        from beian._dists import installed_version, may_declare_entry_points
        from beian.registry import registry
        info = registry.get("detector", "nothing")
        print(info.source, installed_version("fake-beian-plugin"), may_declare_entry_points("beian"))
        """,
        [tmp_path],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["fake-beian-plugin", "0.1", "True"]


def test_a_zip_on_the_path_is_left_to_importlib_metadata(tmp_path: Path) -> None:
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipped_dist-2.0.dist-info/METADATA", "Name: zipped-dist\nVersion: 2.0\n")
        z.writestr("zipped_dist-2.0.dist-info/entry_points.txt", "[beian]\nx = nowhere\n")
    done = _run(
        """
        import sys
        from beian._dists import installed_version, may_declare_entry_points
        print(installed_version("zipped-dist"), may_declare_entry_points("beian"))
        """,
        [archive],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2.0", "True"]


@pytest.mark.parametrize("name", ["", "no/such/folder"])
def test_listing_of_the_current_and_a_missing_folder(name: str) -> None:
    listed = _listing(name)
    assert listed == (tuple(os.listdir(".")) if name == "" else ())


@pytest.mark.parametrize(
    "text",
    [
        "[beian]\nx = y\n",
        "  [beian]  \r\nx = y",
        "[[beian]]\nx = y",
        "[console_scripts]\nb = c:d\n[beian]\nx = y\n",
    ],
)
def test_every_way_importlib_metadata_reads_a_section_header_is_seen(
    text: str, tmp_path: Path
) -> None:
    info = tmp_path / "odd_dist-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: odd-dist\nVersion: 1.0\n")
    (info / "entry_points.txt").write_bytes(text.encode())
    done = _run(
        """
        from importlib import metadata
        from beian._dists import may_declare_entry_points
        print(bool(metadata.entry_points(group="beian")), may_declare_entry_points("beian"))
        """,
        [tmp_path],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
