"""A workspace: ``beian.toml`` plus the folders an assessment draws its evidence from.

Configuration is resolved once, at the edge: ``beian.toml`` → ``BEIAN_*`` environment → CLI
flags (the caller passes the environment mapping in, so library code never reads os.environ).
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import platformdirs
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from beian.detect.setup import DetectionConfig
from beian.errors import ConfigError
from beian.standard import DEFAULT_PROFILE, Profile, load_profile

CONFIG_NAME = "beian.toml"
Language = Literal["zh", "en"]


class Paths(BaseModel):
    """Where the workspace keeps each kind of evidence, relative to the workspace root."""

    model_config = ConfigDict(extra="forbid")

    corpus: str = "corpus/manifest.yaml"
    keywords: str = "keywords"
    banks: str = "banks"
    attestations: str = "attestations"
    labels: str = "labels"
    runs: str = "runs"
    measurements: str = "measurements"
    """Measured detection figures (``beian classifier eval --json`` output) for 8.4 / 9.2 c."""


class TargetConfig(BaseModel):
    """The model under assessment, e.g. ``replay:banks/answers.jsonl`` or ``openai:qwen-max``."""

    model_config = ConfigDict(extra="forbid")

    spec: str | None = None
    base_url: str | None = None
    api_key_env: str | None = None
    system_prompt: str | None = None
    model_version: str | None = None
    """Your name for this build of the model: part of its identity (answers of another version
    are never reused) and printed in the report."""
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None
    max_tokens: int | None = None
    max_failed: float | None = Field(default=None, ge=0.0, le=1.0)
    """Share of requests an eval run may lose before it is ``failed`` (default 0.02)."""


Medium = Literal["text", "image", "audio", "video"]


class ScopeConfig(BaseModel):
    """What the service does, as declared by the provider (``[scope]`` in ``beian.toml``).

    Clauses whose ``scope_if`` conditions the declared scope rules out are reported as not
    applicable, with the declaration as the reason. ``None`` = not declared: everything applies.
    """

    model_config = ConfigDict(extra="forbid")

    trains: bool | None = None
    """The provider trains or fine-tunes a model on its own corpus (§5, §9.2 apply)."""
    media: list[Medium] | None = None
    """The media the service generates; without image/audio/video, 7.d does not apply."""

    def holds(self, condition: str) -> bool:
        """Whether ``condition`` (a profile ``ScopeCondition``) holds, or may hold, here."""
        if condition == "trains":
            return self.trains is not False
        if condition == "non_text_media":
            return self.media is None or any(m != "text" for m in self.media)
        return True


class WorkspaceConfig(BaseModel):
    """The contents of ``beian.toml``."""

    model_config = ConfigDict(extra="forbid")

    provider: str = ""
    service: str = ""
    profile: str = DEFAULT_PROFILE
    store: str = "sqlite:///runs/beian.db"
    language: Language = "zh"
    target: TargetConfig = Field(default_factory=TargetConfig)
    paths: Paths = Field(default_factory=Paths)
    detection: DetectionConfig = Field(default_factory=DetectionConfig)
    """The workspace's one detection setup (see :mod:`beian.detect.setup`)."""
    scope: ScopeConfig = Field(default_factory=ScopeConfig)
    """What the service does, so that clauses it rules out are not applicable."""


_ENV_KEYS = {"BEIAN_PROFILE": "profile", "BEIAN_STORE": "store", "BEIAN_LANGUAGE": "language"}


@dataclass(frozen=True)
class Workspace:
    """A loaded workspace: its root folder and resolved configuration."""

    root: Path
    config: WorkspaceConfig

    def path(self, name: str) -> Path:
        """Absolute path of one of the workspace folders/files named in ``Paths``."""
        rel: str = getattr(self.config.paths, name)
        return self.root / rel

    def profile(self) -> Profile:
        """The standard profile this workspace is assessed against."""
        return load_profile(self.config.profile, base_dir=self.root)

    def store_url(self) -> str:
        """Store URL with a relative SQLite path made absolute against the workspace root."""
        url = self.config.store
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            return prefix + str((self.root / url[len(prefix) :]).resolve())
        return url


def load_workspace(
    root: Path, env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Workspace:
    """Read ``root/beian.toml``, then apply ``BEIAN_*`` variables from ``env`` and overrides."""
    cfg_path = root / CONFIG_NAME
    if not cfg_path.is_file():
        raise ConfigError(
            f"{root} is not a beian workspace (no {CONFIG_NAME}); run 'beian init {root}'"
        )
    try:
        data: dict[str, Any] = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{cfg_path}: not valid TOML ({exc})") from None
    for var, key in _ENV_KEYS.items():
        if env and env.get(var):
            data[key] = env[var]
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        config = WorkspaceConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{cfg_path}: {where}: {first['msg']}") from None
    ws = Workspace(root=root.resolve(), config=config)
    ws.profile()  # fail early, with the profile's own message, if it does not load
    return ws


def default_demo_dir() -> Path:
    """Where ``beian assess`` with no argument keeps its demo workspace."""
    return Path(platformdirs.user_data_dir("beian")) / "demo"


def _copy_demo(dest: Path) -> None:
    demo = resources.files("beian").joinpath("demo")
    with resources.as_file(demo) as src:
        for item in Path(src).iterdir():
            if item.name in {"__init__.py", "__pycache__", CONFIG_NAME}:
                continue
            target = dest / item.name
            if item.is_dir():
                shutil.copytree(item, target, dirs_exist_ok=True)
            else:
                shutil.copy2(item, target)


def demo_config() -> WorkspaceConfig:
    """Configuration of the bundled demo workspace."""
    ref = resources.files("beian").joinpath("demo", CONFIG_NAME)
    return WorkspaceConfig.model_validate(tomllib.loads(ref.read_text(encoding="utf-8")))


def init_workspace(
    root: Path, *, demo: bool = False, config: WorkspaceConfig | None = None, force: bool = False
) -> Workspace:
    """Create a workspace folder with ``beian.toml`` and the evidence folders.

    With ``demo`` the folders are filled from the data shipped in the package.
    """
    cfg_path = root / CONFIG_NAME
    if cfg_path.exists() and not force:
        raise ConfigError(f"{cfg_path} already exists (use --force to overwrite)")
    root.mkdir(parents=True, exist_ok=True)
    cfg = config or (demo_config() if demo else WorkspaceConfig())
    for name in ("keywords", "banks", "attestations", "labels", "runs"):
        (root / getattr(cfg.paths, name)).mkdir(parents=True, exist_ok=True)
    (root / cfg.paths.corpus).parent.mkdir(parents=True, exist_ok=True)
    if demo:
        _copy_demo(root)
    data = cfg.model_dump(mode="json", exclude_none=True)
    if cfg.detection == DetectionConfig():  # beian's defaults are followed, not frozen in
        data.pop("detection")
    if cfg.scope == ScopeConfig():  # undeclared: every clause applies
        data.pop("scope")
    cfg_path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return load_workspace(root)
