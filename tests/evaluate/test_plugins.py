"""Targets and judges are registry plugins: each builds from its documented example."""

from __future__ import annotations

import pytest

import beian.evaluate  # noqa: F401  (registers the built-in targets and judges)
from beian.evaluate import Judge, Target, create_target
from beian.evaluate.target import Request, cache_key
from beian.registry import registry


@pytest.mark.parametrize("name", ["openai", "replay", "python"])
def test_targets_build_from_their_example(name: str) -> None:
    info = registry.get("target", name)
    target, spec = registry.create("target", name, **info.extra.get("example", {}))
    assert isinstance(target, Target) and target.name == name
    assert spec.label() == f"target:{name}@1"
    assert info.extra["spec_option"] in info.options.model_fields


@pytest.mark.parametrize("name", ["keyword", "classifier", "refusal", "llm"])
def test_judges_build_from_their_example(name: str) -> None:
    info = registry.get("judge", name)
    judge, _spec = registry.create("judge", name, **info.extra.get("example", {}))
    assert isinstance(judge, Judge) and judge.method == name


def test_python_echo_target() -> None:
    target, _ = create_target("python:beian.evaluate.targets:echo")
    out = target.generate(
        Request(id="1", messages=(("user", "一"), ("assistant", "二"), ("user", "三")))
    )
    assert out.text == "三"


def test_cache_key_depends_on_what_changes_the_answer() -> None:
    _t, a = create_target("openai:m", {"base_url": "http://127.0.0.1:9/v1", "timeout": 5})
    _t, b = create_target("openai:m", {"base_url": "http://127.0.0.1:9/v1", "timeout": 50})
    _t, c = create_target("openai:m", {"base_url": "http://127.0.0.1:9/v1", "temperature": 0.7})
    r = Request(id="1", messages=(("user", "你好"),))
    assert cache_key(a, r) == cache_key(b, r)  # a timeout does not change the answer
    assert cache_key(a, r) != cache_key(c, r)  # a temperature does
    other = Request(id="1", messages=(("user", "再见"),))
    assert cache_key(a, r) != cache_key(a, other)
