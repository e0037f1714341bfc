"""Run the real ``beian`` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def beian(tmp_path: Path) -> Runner:
    """``beian(*args, cwd=None, env=None)`` → CompletedProcess with text stdout/stderr."""
    base_env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }

    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "beian", *args],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            env={**base_env, **(env or {})},
            timeout=600,
            check=False,
        )

    return run
