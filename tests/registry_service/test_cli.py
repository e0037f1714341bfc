"""``beian registry`` user errors: one readable line, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.registry_service.conftest import beian


def _one_line_error(args: list[str | Path], needle: str, env: dict[str, str] | None = None) -> None:
    done = beian(*args, check=False, env=env)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert needle in done.stderr


def test_user_errors(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/registry.db"
    env = {"PW": "long enough 1"}
    _one_line_error(["registry", "users", "add", "--store", store, "--name", "a", "-r", "admin",
                     "--password-env", "PW"], "use one of registry_admin", env)  # fmt: skip
    _one_line_error(["registry", "users", "add", "--name", "a", "-r", "provider",
                     "--password-env", "PW"], "-w DIR or --store URL", env)  # fmt: skip
    run = tmp_path / "run"
    run.mkdir()
    (run / "report.json").write_text("{}", "utf-8")
    _one_line_error(["registry", "submit", "--url", "http://127.0.0.1:9", "--user", "x",
                     "--password-env", "PW", run], "not reachable", env)  # fmt: skip
