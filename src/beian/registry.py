"""One plugin registry for every extension point.

A plugin is a factory registered under a *kind* and a *name*. It takes one pydantic ``Options``
object (``extra="forbid"``, so typos in YAML fail loudly) and returns the component.
``registry.create`` returns the component together with a frozen :class:`ComponentSpec`, which
callers write next to every result so each number can be traced to the exact component.

Built-ins register when their module is imported; the modules are listed per kind in
``BUILTIN_MODULES`` and imported lazily on the first lookup of that kind (``beian detect`` never
imports the evaluation and store code that registers targets). Third-party packages declare an entry point in the group
``beian`` whose value is a module (imported for its registrations) or a callable taking the
registry.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from beian.errors import ConfigError, PluginNotFoundError
from beian.records import ComponentSpec

Kind = Literal["detector", "reader", "target", "judge", "label_writer", "report_section"]
KINDS: tuple[Kind, ...] = get_args(Kind)
ENTRY_POINT_GROUP = "beian"

# Modules whose import registers the built-in plugins of each kind. Kept as strings so that
# importing the registry stays cheap and heavy dependencies load only when a kind is used.
# tests/test_registry.py checks that every built-in of a kind is reached from its own modules.
BUILTIN_MODULES: Mapping[Kind, tuple[str, ...]] = {
    "detector": ("beian.detect._builtins",),
    "judge": ("beian.detect._builtins", "beian.evaluate._builtins"),
    "target": ("beian.evaluate._builtins",),
    "reader": ("beian.scan._builtins",),
    "label_writer": ("beian.label._builtins",),
    "report_section": ("beian.assess._builtins",),
}

# The module of each built-in that commands build by name, so that ``get`` imports that module
# alone (``beian detect`` builds keyword, solicit and harm and never imports the PII, guard or
# LLM-judge code). Listing, or any name not here, still imports every module of the kind.
# tests/test_registry.py checks that each module registers the name it is listed for.
BUILTIN_PLUGINS: Mapping[tuple[Kind, str], str] = {
    ("detector", "keyword"): "beian.detect.keyword",
    ("detector", "solicit"): "beian.detect.solicit",
    ("detector", "harm"): "beian.detect.harm.detector",
    ("detector", "e5"): "beian.detect.e5",
    ("detector", "pii"): "beian.detect.pii",
    ("detector", "classifier"): "beian.detect.classifier.detector",
    ("detector", "refusal"): "beian.detect.refusal",
}


class NoOptions(BaseModel):
    """Options model for plugins that take none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """What the registry knows about one plugin."""

    kind: Kind
    name: str
    version: str
    factory: Callable[[Any], Any]
    options: type[BaseModel]
    description: str = ""
    risks: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("zh", "en")
    requires: tuple[str, ...] = ()
    source: str = "builtin"
    extra: dict[str, Any] = field(default_factory=dict)


class Registry:
    """Typed name → factory registry shared by all plugin kinds."""

    def __init__(
        self,
        builtin_modules: Mapping[Kind, tuple[str, ...]] = BUILTIN_MODULES,
        builtin_plugins: Mapping[tuple[Kind, str], str] | None = None,
    ) -> None:
        self._plugins: dict[tuple[Kind, str], PluginInfo] = {}
        self._builtin_modules = builtin_modules
        # A registry with its own module table has no per-name shortcut unless given one.
        if builtin_plugins is None:
            builtin_plugins = BUILTIN_PLUGINS if builtin_modules is BUILTIN_MODULES else {}
        self._builtin_plugins = builtin_plugins
        self._loaded = False
        self._loaded_kinds: set[Kind] = set()
        self._entry_points_loaded = False
        self._loading_source = "builtin"
        self.load_errors: list[str] = []

    def register(
        self,
        kind: Kind,
        name: str,
        *,
        version: str,
        options: type[BaseModel] = NoOptions,
        risks: tuple[str, ...] = (),
        languages: tuple[str, ...] = ("zh", "en"),
        requires: tuple[str, ...] = (),
        **extra: Any,
    ) -> Callable[[F], F]:
        """Decorator registering ``factory(options) -> component`` under ``kind``/``name``."""
        if kind not in KINDS:
            raise ValueError(f"unknown plugin kind {kind!r}")

        def deco(factory: F) -> F:
            known = self._plugins.get((kind, name))
            if (
                known is not None
                and known.source != "builtin"
                and self._loading_source == "builtin"
            ):
                # A built-in module imported after the entry points (see ``get``) must not
                # replace a third-party plugin of the same name: entry points win, as when
                # every built-in was imported first.
                return factory
            doc = (factory.__doc__ or "").strip().splitlines()
            self._plugins[(kind, name)] = PluginInfo(
                kind=kind,
                name=name,
                version=version,
                factory=factory,
                options=options,
                description=doc[0] if doc else "",
                risks=risks,
                languages=languages,
                requires=requires,
                source=self._loading_source,
                extra=dict(extra),
            )
            return factory

        return deco

    def ensure_loaded(self, kind: Kind | None = None) -> None:
        """Import the built-ins of ``kind`` (every kind when ``None``) and entry points, once."""
        if self._loaded or (kind is not None and kind in self._loaded_kinds):
            return
        kinds: tuple[Kind, ...] = KINDS if kind is None else (kind,)
        for k in kinds:
            for module in self._builtin_modules.get(k, ()):
                importlib.import_module(module)
            self._loaded_kinds.add(k)
        self._loaded = kind is None or self._loaded_kinds >= set(KINDS)
        if not self._entry_points_loaded:
            self._entry_points_loaded = True
            self._load_entry_points()

    def _load_entry_points(self) -> None:
        # BEIAN_PLUGINS pins which third-party plugins load ("" loads none), as llm's
        # LLM_LOAD_PLUGINS does: useful when a broken plugin must be kept out.
        pinned = os.environ.get("BEIAN_PLUGINS")
        allowed = None if pinned is None else {p.strip() for p in pinned.split(",") if p.strip()}
        if allowed == set():
            return
        from beian._dists import may_declare_entry_points

        if not may_declare_entry_points(ENTRY_POINT_GROUP):
            return  # what entry_points(group=...) finds then: nothing (see beian._dists)
        from importlib.metadata import entry_points  # ~0.015 CPU-s with its imports

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if allowed is not None and ep.name not in allowed:
                continue
            self._loading_source = ep.dist.name if ep.dist else ep.name
            try:
                loaded = ep.load()
                if callable(loaded):
                    loaded(self)
            except Exception as exc:  # a broken plugin must not break the CLI
                msg = f"plugin {ep.name!r} failed to load: {exc}"
                _warning(msg)
                self.load_errors.append(msg)
            finally:
                self._loading_source = "builtin"

    def get(self, kind: Kind, name: str) -> PluginInfo:
        """Return the plugin info or raise :class:`PluginNotFoundError`."""
        module = self._builtin_plugins.get((kind, name))
        if module is not None and kind not in self._loaded_kinds and not self._loaded:
            importlib.import_module(module)
            if not self._entry_points_loaded:
                self._entry_points_loaded = True
                self._load_entry_points()
        else:
            self.ensure_loaded(kind)
        info = self._plugins.get((kind, name))
        if info is None:
            self.ensure_loaded()  # a module listed under another kind may register this one
            info = self._plugins.get((kind, name))
        if info is None:
            raise PluginNotFoundError(kind, name, self.names(kind))
        return info

    def names(self, kind: Kind) -> list[str]:
        """Names registered for ``kind``, sorted."""
        self.ensure_loaded(kind)
        return sorted(n for k, n in self._plugins if k == kind)

    def plugins(self, kind: Kind | None = None) -> Iterator[PluginInfo]:
        """Every registered plugin, optionally of one kind, in (kind, name) order."""
        self.ensure_loaded(kind)
        for key in sorted(self._plugins):
            if kind is None or key[0] == kind:
                yield self._plugins[key]

    def options(self, kind: Kind, name: str, **options: Any) -> BaseModel:
        """Validate ``options`` against the plugin's Options model."""
        info = self.get(kind, name)
        try:
            return info.options(**options)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "options"
            raise ConfigError(f"{kind} {name!r}: {where}: {first['msg']}") from None

    def create(self, kind: Kind, name: str, **options: Any) -> tuple[Any, ComponentSpec]:
        """Build a component; return it with the spec that identifies it in results."""
        info = self.get(kind, name)
        opts = self.options(kind, name, **options)
        component = info.factory(opts)
        spec = ComponentSpec(
            kind=kind, name=name, version=info.version, options=opts.model_dump(mode="json")
        )
        return component, spec


registry = Registry()
"""The process-wide registry. Plugins register into it; tests may build their own."""


def _warning(msg: str, *args: object) -> None:
    import logging  # imported when there is something to log (~0.005 CPU-s of every start-up)

    logging.getLogger(__name__).warning(msg, *args)
