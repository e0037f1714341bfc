"""Every command's ``--help`` ends with examples, and names the workspace the same way."""

from __future__ import annotations

from typing import Any

import click
import typer.main
from typer.testing import CliRunner

from beian.cli._common import WORKSPACE_HELP
from beian.cli.main import app

# Groups whose help other modules own (they carry their own examples).
OWN_EPILOGS = ("eval", "classifier", "judge", "detect")


def _leaves(cmd: Any, ctx: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    # Typer vendors its own Click: its classes are not click's, so go by behaviour.
    if hasattr(cmd, "list_commands"):
        out = []
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                out += _leaves(sub, ctx, (*path, name))
        return out
    return [(path, cmd)]


def _tree() -> list[tuple[tuple[str, ...], Any]]:
    root = typer.main.get_command(app)
    ctx: Any = click.Context(root)  # type: ignore[arg-type]  # typer vendors its own Click
    return [(p, c) for p, c in _leaves(root, ctx) if p and p[0] not in OWN_EPILOGS]


def test_every_command_help_has_examples_that_name_the_command() -> None:
    runner = CliRunner()
    leaves = _tree()
    assert len(leaves) >= 25
    for path, _cmd in leaves:
        out = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "120", "NO_COLOR": "1"})
        assert out.exit_code == 0, (path, out.output)
        assert "Examples:" in out.output, path
        tail = out.output.split("Examples:", 1)[1]
        assert f"beian {' '.join(path)}" in tail, path


def test_workspace_option_is_spelled_one_way() -> None:
    for path, cmd in _tree():
        for param in cmd.params:
            if param.param_type_name == "option" and "--workspace" in param.opts:
                assert param.opts == ["--workspace", "-w"] or set(param.opts) == {
                    "--workspace", "-w"
                }, path  # fmt: skip
                assert (getattr(param, "help", "") or "").startswith(WORKSPACE_HELP), path
            if param.param_type_name == "argument" and param.name in {"workspace", "legacy"}:
                assert getattr(param, "hidden", False), path


def test_legacy_positional_workspace_still_works(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    runner = CliRunner()
    made = runner.invoke(app, ["init", str(root / "ws")])
    assert made.exit_code == 0, made.output
    new = runner.invoke(app, ["init", "-w", str(root / "ws2"), "--provider", "某公司"])
    assert new.exit_code == 0, new.output
    assert 'provider = "某公司"' in (root / "ws2" / "beian.toml").read_text(encoding="utf-8")
    old = runner.invoke(app, ["report", "questionnaire", "export", str(root / "ws")])
    assert old.exit_code == 0, old.output
    new_form = runner.invoke(app, ["report", "questionnaire", "export", "-w", str(root / "ws2")])
    assert new_form.exit_code == 0, new_form.output
    assert (root / "ws2" / "attestations" / "questionnaire.xlsx").is_file()


def test_library_check_reads_the_workspace_and_its_profile(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from beian.library.starter import starter_dir

    root = Path(str(tmp_path))
    runner = CliRunner()
    made = runner.invoke(app, ["init", "-w", str(root / "ws"), "--profile", "gb-t-45654-2025"])
    assert made.exit_code == 0, made.output
    for f in starter_dir("keywords").glob("*.jsonl"):
        (root / "ws" / "keywords" / f.name).write_bytes(f.read_bytes())
    out = runner.invoke(app, ["library", "check", "-w", str(root / "ws"), "--json"])
    data = json.loads(out.stdout)
    assert data["profile"] == "gb-t-45654-2025" and data["total"] > 1000
