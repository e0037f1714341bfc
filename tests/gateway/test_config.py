"""Gateway configuration: defaults, validation, YAML loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from beian.errors import ConfigError
from beian.gateway.config import GatewayConfig, PolicyConfig, load_config
from beian.gateway.screen import resolve_policy
from beian.standard import load_profile


def test_defaults_are_the_documented_ones() -> None:
    cfg = GatewayConfig()
    assert cfg.detectors is None  # the workspace's detection setup + pii (see runtime)
    assert cfg.sanctions.mode == "warn"
    assert (cfg.sanctions.consecutive, cfg.sanctions.daily) == (3, 5)  # draft figures (S-14)
    assert cfg.audit.store_text is False and cfg.audit.retention_days == 183
    assert cfg.label.enabled and cfg.label.position == "prefix"


def test_label_must_hold_both_elements() -> None:
    with pytest.raises(ValidationError, match="L-01"):
        GatewayConfig.model_validate({"label": {"text": "（仅供参考）"}})
    GatewayConfig.model_validate({"label": {"enabled": False, "text": "x"}})


def test_retention_below_six_months_is_refused() -> None:
    with pytest.raises(ValidationError):
        GatewayConfig.model_validate({"audit": {"retention_days": 30}})


def test_policy_action() -> None:
    policy = PolicyConfig(risks={"A.4.f": "flag"}, block_min_score=0.8)
    assert policy.action("A.4.f", 1.0) == "flag"
    assert policy.action("A.1.a", 0.9) == "block"
    assert policy.action("A.1.a", 0.7) == "flag"
    assert policy.action("A.1.a", 0.9, document_only=True, chars=2) == "flag"


def test_policy_risk_names_resolve_via_profile() -> None:
    profile = load_profile()
    name = profile.risk("A.4.f").name_zh
    assert resolve_policy(PolicyConfig(risks={name: "flag"}), profile, "p").risks == {
        "A.4.f": "flag"
    }
    with pytest.raises(ConfigError, match="no risk"):
        resolve_policy(PolicyConfig(risks={"A.9.z": "flag"}), profile, "p")


def test_load_yaml_with_overrides(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("upstream:\n  timeout: 5\nsanctions:\n  mode: enforce\n", encoding="utf-8")
    cfg = load_config(path, upstream_url="http://127.0.0.1:1/v1", store=None)
    assert cfg.upstream.base_url == "http://127.0.0.1:1/v1" and cfg.upstream.timeout == 5
    assert cfg.sanctions.mode == "enforce" and cfg.store is None
    path.write_text("sanctions: {mode: always}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="sanctions.mode"):
        load_config(path)


def test_upstream_key_from_named_variable(tmp_path: Path) -> None:
    from beian.gateway import build_gateway

    cfg = GatewayConfig.model_validate(
        {
            "upstream": {"base_url": "http://127.0.0.1:1/v1", "api_key_env": "UP_KEY"},
            "store": f"sqlite:///{tmp_path}/k.db",
            "detectors": ["pii"],
        }  # fmt: skip
    )
    gw = build_gateway(cfg, env={"UP_KEY": "sk-up"})
    assert gw.upstream.headers({"authorization": "Bearer client"}) == {
        "Authorization": "Bearer sk-up"
    }
    with pytest.raises(ConfigError, match="UP_KEY"):
        build_gateway(cfg, env={})
