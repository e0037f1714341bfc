"""Whole-command cost of ``beian corpus``: nothing runs that the user cannot see or use."""

from __future__ import annotations

import threading
from pathlib import Path

from beian.cli import corpus
from beian.cli._common import err_console


def test_no_progress_thread_when_stderr_is_not_a_terminal() -> None:
    # under pytest stderr is captured: no terminal, so the bar must not start a refresh thread
    assert not err_console.is_terminal
    bar = corpus._Bar("assess")
    before = threading.active_count()
    with bar.progress:
        bar.start(3)
        bar.advance(10, 1000)
        assert threading.active_count() == before
    assert bar.progress.disable


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """Top-level modules imported by ``code`` in a fresh interpreter."""
    import json
    import os
    import subprocess
    import sys

    run = (
        code
        + "\nimport sys, json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    r = subprocess.run(
        [sys.executable, "-c", run],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert r.returncode == 0, r.stderr
    return set(json.loads(r.stdout.strip().splitlines()[-1]))


def test_the_scan_path_does_not_import_the_encoding_guesser() -> None:
    # charset_normalizer is only needed for files that are neither UTF-8 nor GB
    assert "charset_normalizer" not in _modules_after("import beian.scan.jobs, beian.scan.engine")


def test_a_cached_keyword_library_needs_no_pypinyin(tmp_path: Path) -> None:
    build = "from beian.registry import registry\nregistry.create('detector', 'keyword')"
    env = {"BEIAN_CACHE_DIR": str(tmp_path)}
    assert "pypinyin" in _modules_after(build, env)  # the first build compiles the evasions
    assert "pypinyin" not in _modules_after(build, env)  # the next ones load them
