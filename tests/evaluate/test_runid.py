"""Readable, unique eval run ids; runs stored under UUIDs by earlier versions still load."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from beian.evaluate.run import start_eval_run
from beian.evaluate.runid import RUN_ID_MAX, run_id_candidates, target_slug
from beian.evaluate.selection import choose_eval_run
from beian.evaluate.storage import EVAL_KIND, load_run
from beian.store import open_store
from beian.workspace import init_workspace


@pytest.mark.parametrize(
    ("spec", "slug"),
    [
        ("openai:xinghe-7b", "xinghe-7b"),
        ("openai:Qwen/Qwen2.5-7B-Instruct", "qwen-qwen2.5-7b-instruct"),
        ("replay:banks/answers.jsonl", "answers"),
        ("python:tests.evaluate.models:polite", "polite"),
        ("openai:星河", "openai"),
    ],
)
def test_the_slug_names_the_model(spec: str, slug: str) -> None:
    assert target_slug(spec) == slug


def test_ids_are_dated_and_fit_the_store() -> None:
    when = datetime(2026, 12, 3, 13, 12, 55, tzinfo=UTC)
    first, second, *_ = run_id_candidates("openai:" + "m" * 80, when)
    assert first.startswith("20261203-131255-mmm") and len(first) == RUN_ID_MAX
    assert second.endswith("-2") and len(second) <= RUN_ID_MAX and second != first


def test_runs_started_in_the_same_second_get_distinct_ids(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    ids = {start_eval_run(store, "openai:m", profile="p", profile_version="1") for _ in range(3)}
    assert len(ids) == 3 and all(len(i) <= RUN_ID_MAX for i in ids)


def test_an_old_uuid_run_still_loads_and_can_be_chosen(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    store = open_store(ws.store_url())
    old = store.start_run(EVAL_KIND, profile="p", profile_version="1", workspace=str(ws.root))
    store.finish_run(old, {"counts": {}})
    assert len(old) == 36 and old.count("-") == 4  # a UUID, as before readable ids
    assert load_run(store, old).status == "done"
    assert choose_eval_run(store, ws, old).run is not None
    newest = choose_eval_run(store, ws).run
    assert newest is not None and newest.id == old


def test_beian_toml_names_the_model_version_and_failure_share(tmp_path: Path) -> None:
    from beian.evaluate.workspace_eval import workspace_config
    from beian.workspace import TargetConfig, WorkspaceConfig

    target = TargetConfig(
        spec="openai:m", base_url="http://127.0.0.1:9/v1", model_version="2026-11-30",
        temperature=0.2, max_failed=0.1,
    )  # fmt: skip
    ws = init_workspace(tmp_path / "ws", config=WorkspaceConfig(target=target))
    config = workspace_config(ws)
    assert config.model_version == "2026-11-30" and config.max_failed == 0.1
    assert config.target_options["temperature"] == 0.2
    assert "model_version" not in config.target_options  # a run setting, not sent to the model
    assert workspace_config(ws, model_version="v3").model_version == "v3"  # --model-version wins
