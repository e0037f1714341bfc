"""Whole-command cost of ``beian corpus``: nothing runs that the user cannot see or use."""

from __future__ import annotations

import threading

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
