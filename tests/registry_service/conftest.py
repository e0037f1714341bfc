"""Fixtures: a real store, registry accounts, the registry served by uvicorn on loopback, and
a workspace made by ``beian init`` and assessed by ``beian assess`` (the real CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from beian.registry_service.app import create_app
from beian.registry_service.workflow import ROLES
from beian.standard import Profile
from beian.store import Store
from beian.web.auth import add_user
from tests.support.asgi_server import ThreadedServers
from tests.web.conftest import PASSWORD, profile, store, store_url

__all__ = ["profile", "store", "store_url"]

PEOPLE = {
    "guan": ["registry_admin"],
    "shen": ["registry_reviewer"],
    "xinghe": ["provider"],
    "other": ["provider"],
}
COMPANY = "星河智能科技有限公司"
MODEL = "星河对话"


def beian(*args: str | Path, check: bool = True, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """The ``beian`` command as a user runs it (this checkout's source first on the path)."""
    full = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src"), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "beian", *map(str, args)], capture_output=True,
                          text=True, env=full, timeout=300)  # fmt: skip
    if check:
        assert done.returncode == 0, done.stderr[-2000:]
    return done


def newest_run(ws: Path) -> Path:
    return sorted(p for p in (ws / "runs").iterdir() if p.name.endswith("-assess"))[-1]


def assessed(ws: Path) -> Path:
    """A fresh workspace (``beian init``) assessed once; its run folder (an unsigned draft
    report that names no service)."""
    beian("init", "-w", ws)
    beian("assess", "-w", ws)
    return newest_run(ws)


def fix_and_reassess(ws: Path) -> Path:
    """What the provider does after the return: name the service, sign, assess again."""
    toml = ws / "beian.toml"
    text = toml.read_text("utf-8")
    text = text.replace('provider = ""', f'provider = "{COMPANY}"')
    toml.write_text(text.replace('service = ""', f'service = "{MODEL}"'), "utf-8")
    path = ws / "attestations" / "attestations.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    for role, sig in data["signatories"].items():
        sig.update(name=f"签字人{role[:4]}", title="负责人", signed_on="2026-12-01")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    time.sleep(1.1)  # run folders are named by the second
    beian("assess", "-w", ws)
    return newest_run(ws)


@pytest.fixture
def people(store: Store) -> dict[str, int]:
    return {n: add_user(store, n, r, PASSWORD, allowed=ROLES) for n, r in PEOPLE.items()}


@dataclass
class Registry:
    url: str
    store: Store

    def token(self, name: str) -> str:
        r = httpx.post(f"{self.url}/api/session", json={"name": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])


@pytest.fixture
def serve(store: Store, profile: Profile) -> Iterator[Callable[[], str]]:
    servers = ThreadedServers()

    def start() -> str:
        return servers.start(create_app(store, profile), what="registry")

    yield start
    servers.stop()


@pytest.fixture
def registry(store: Store, people: dict[str, int], serve: Callable[[], str]) -> Registry:
    return Registry(serve(), store)


@pytest.fixture(scope="session")
def draft_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One assessed fresh workspace shared read-only by the check tests."""
    return assessed(tmp_path_factory.mktemp("draft") / "ws")
