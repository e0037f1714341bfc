from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pydantic import BaseModel, ConfigDict

from beian.errors import ConfigError, PluginNotFoundError
from beian.registry import KINDS, Kind, Registry, registry


class _Opts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = 0.5


def _fresh() -> Registry:
    reg = Registry(builtin_modules={})
    reg._loaded = True  # no built-ins or entry points: a clean registry for unit tests

    @reg.register("detector", "echo", version="2", options=_Opts, risks=("A.1.f",))
    def _echo(opts: _Opts) -> dict[str, float]:
        """Echoes its options."""
        return {"threshold": opts.threshold}

    return reg


def test_create_returns_component_and_spec() -> None:
    reg = _fresh()
    comp, spec = reg.create("detector", "echo", threshold=0.7)
    assert comp == {"threshold": 0.7}
    assert spec.label() == "detector:echo@2"
    assert spec.options == {"threshold": 0.7}
    info = reg.get("detector", "echo")
    assert info.description == "Echoes its options."
    assert info.risks == ("A.1.f",)


def test_unknown_plugin_names_known_ones() -> None:
    reg = _fresh()
    with pytest.raises(PluginNotFoundError, match="known: echo"):
        reg.get("detector", "nope")


def test_option_typos_fail_loudly() -> None:
    reg = _fresh()
    with pytest.raises(ConfigError, match="thresold"):
        reg.create("detector", "echo", thresold=0.1)
    with pytest.raises(ConfigError, match="threshold"):
        reg.create("detector", "echo", threshold="high")


def test_unknown_kind_rejected() -> None:
    reg = _fresh()
    with pytest.raises(ValueError, match="unknown plugin kind"):
        reg.register("widget", "x", version="1")  # type: ignore[arg-type]


def test_builtin_registry_has_report_sections() -> None:
    assert "attestations" in registry.names("report_section")


def _names_in_fresh_interpreter(kind: str, load_all: bool) -> list[str]:
    # Built-ins register into the global registry on first import, so only a new interpreter
    # shows what loading one kind alone reaches.
    code = (
        "import json; from beian.registry import registry; "
        f"registry.ensure_loaded({'None' if load_all else repr(kind)}); "
        f"print(json.dumps(registry.names({kind!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_complete_from_its_own_modules(kind: Kind) -> None:
    """Loading one kind lazily finds every built-in of that kind that a full load finds."""
    lazy = _names_in_fresh_interpreter(kind, load_all=False)
    assert lazy, f"no built-in {kind}"
    assert lazy == _names_in_fresh_interpreter(kind, load_all=True)


def _fresh_interpreter(code: str) -> object:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_get_by_name_imports_only_that_builtin() -> None:
    # ``beian detect`` builds keyword, solicit and harm: the PII, guard and LLM-judge code
    # stays unimported, and the built-in found is the one a full load finds.
    code = (
        "import json, sys; from beian.registry import registry\n"
        "names = [registry.get('detector', n).name for n in ('keyword', 'solicit', 'harm')]\n"
        "print(json.dumps([names, sorted(m for m in sys.modules if m.startswith("
        "('beian.detect.pii', 'beian.detect.guard', 'beian.detect.llm_judge')))]))"
    )
    assert _fresh_interpreter(code) == [["keyword", "solicit", "harm"], []]


def test_each_listed_builtin_registers_its_name() -> None:
    from beian.registry import BUILTIN_PLUGINS

    code = (
        "import importlib, json; from beian.registry import registry, BUILTIN_PLUGINS\n"
        "for m in BUILTIN_PLUGINS.values(): importlib.import_module(m)\n"
        "print(json.dumps(sorted(f'{k}:{n}:{i.factory.__module__}' "
        "for (k, n), i in registry._plugins.items())))"
    )
    found = _fresh_interpreter(code)
    assert isinstance(found, list)
    for (kind, name), module in BUILTIN_PLUGINS.items():
        assert any(row.startswith(f"{kind}:{name}:") for row in found), (kind, name, module)


def test_a_third_party_plugin_keeps_a_builtin_name_imported_later() -> None:
    # Entry points load after the first built-in looked up by name; a built-in module imported
    # afterwards (a listing, another name) must not replace a third-party plugin of its name.
    code = (
        "import json; from beian.registry import registry\n"
        "registry.get('detector', 'keyword')\n"
        "registry._loading_source = 'acme-pii'\n"
        "@registry.register('detector', 'pii', version='9')\n"
        "def acme(options): return None\n"
        "registry._loading_source = 'builtin'\n"
        "registry.ensure_loaded('detector')\n"
        "info = registry.get('detector', 'pii')\n"
        "print(json.dumps([info.source, info.version]))"
    )
    assert _fresh_interpreter(code) == ["acme-pii", "9"]
