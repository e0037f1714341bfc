"""Targets and judges are registry plugins: each builds from its documented example."""

from __future__ import annotations

import pytest

import beian.evaluate  # noqa: F401  (registers the built-in targets and judges)
from beian.evaluate import Judge, Target, create_target
from beian.evaluate.target import Request, cache_key, target_identity
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


def _identity(**options: object) -> dict[str, object]:
    target, spec = create_target("openai:m", {"base_url": "http://127.0.0.1:9/v1", **options})
    return target_identity(target, spec)


def test_cache_key_depends_on_what_changes_the_answer() -> None:
    a = _identity(timeout=5)
    r = Request(id="1", messages=(("user", "你好"),))
    assert cache_key(a, r) == cache_key(_identity(timeout=50), r)  # a timeout changes no answer
    for changed in ({"temperature": 0.7}, {"top_p": 0.9}, {"seed": 7}, {"max_tokens": 16},
                    {"system_prompt": "你是助手"}):  # fmt: skip
        assert cache_key(a, r) != cache_key(_identity(**changed), r), changed
    _t, spec = create_target("openai:m", {"base_url": "http://127.0.0.1:8/v1"})
    assert cache_key(a, r) != cache_key(target_identity(_t, spec), r)  # another endpoint
    assert cache_key(a, r) != cache_key(a, r, "m-2")  # the server reports another model
    assert cache_key(a, r) != cache_key({**a, "model_version": "v2"}, r)  # another build
    other = Request(id="1", messages=(("user", "再见"),))
    assert cache_key(a, r) != cache_key(a, other)
