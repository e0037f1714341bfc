"""Fixtures: a real store (SQLite, or PostgreSQL with BEIAN_TEST_POSTGRES_URL), a stored
corpus sample, people with roles, and the workbench served by uvicorn on loopback."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from beian.scan.record import record_sample
from beian.standard import Profile, load_profile
from beian.store import Store, open_store
from beian.web.app import create_app
from beian.web.auth import add_user
from beian.web.queues import create_queue
from tests.conftest import sqlite_or_postgres_url
from tests.support.asgi_server import ThreadedServers

PASSWORD = "correct horse 1"
PEOPLE = {
    "root": ["admin"],
    "alice": ["reviewer"],
    "bob": ["reviewer"],
    "carol": ["reviewer", "adjudicator"],
    "dave": ["adjudicator"],
}
SAMPLE_TEXTS = [
    "今天天气很好，我们去公园散步。",
    "长城是中国古代的军事防御工程。",
    "这个产品的说明书写得很清楚。",
    "请把会议纪要发给全体成员。",
    "小明每天早上六点起床跑步。",
    "地铁二号线周末延长运营时间。",
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema on BEIAN_TEST_POSTGRES_URL."""
    yield from sqlite_or_postgres_url(request, tmp_path / "web.db")


@pytest.fixture
def profile() -> Profile:
    return load_profile()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    st = open_store(store_url)
    try:
        yield st
    finally:
        st.engine.dispose()


def sample_run(store: Store, profile: Profile, texts: list[str]) -> str:
    """A stored §9.2 a sample, recorded by the function ``beian corpus sample`` uses."""
    entries = [
        {"source": "web-demo", "id": f"d{i}", "file": "demo.jsonl", "position": i, "hash": i,
         "text": t}
        for i, t in enumerate(texts)
    ]  # fmt: skip
    summary = {"n": len(entries), "manifest_sha256": "0" * 64}
    run_id, _rows = record_sample(store, entries, profile, workspace="", config={}, summary=summary)
    return run_id


@pytest.fixture
def people(store: Store) -> dict[str, int]:
    return {name: add_user(store, name, roles, PASSWORD) for name, roles in PEOPLE.items()}


@dataclass
class Bench:
    """A served workbench with a two-reviewer queue over a six-item corpus sample."""

    url: str
    store: Store
    profile: Profile
    run_id: str
    queue_id: int
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self) -> httpx.Client:
        c = httpx.Client(base_url=self.url, follow_redirects=False, timeout=20)
        self.clients.append(c)
        return c

    def login(self, name: str, password: str = PASSWORD) -> Person:
        return sign_in(self.client(), name, password)


def sign_in(c: httpx.Client, name: str, password: str = PASSWORD) -> Person:
    """Sign in through the login form (with its CSRF cookie and field)."""
    page = c.get("/login")
    r = c.post("/login", data={"csrf": csrf_of(page.text), "name": name, "password": password})
    assert r.status_code == 303, r.text
    return Person(name, c)


@dataclass
class Person:
    """A signed-in browser session, speaking plain HTTP."""

    name: str
    http: httpx.Client

    def csrf(self, path: str = "/") -> str:
        return csrf_of(self.http.get(path).text)

    def post(self, path: str, **data: str) -> httpx.Response:
        return self.http.post(path, data={"csrf": self.csrf(), **data})

    def current_item(self, queue: int) -> int | None:
        m = re.search(r'name="item" value="(\d+)"', self.http.get(f"/q/{queue}").text)
        return int(m.group(1)) if m else None

    def review(self, queue: int, verdict: str, risk: str = "", note: str = "") -> int:
        item = self.current_item(queue)
        assert item is not None, f"{self.name} has nothing to review"
        r = self.post(f"/q/{queue}/verdict", item=str(item), verdict=verdict, risk=risk, note=note)
        assert r.status_code == 303, r.text
        return item


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


@pytest.fixture
def serve(store: Store, profile: Profile) -> Iterator[Callable[[], str]]:
    servers = ThreadedServers()

    def start() -> str:
        return servers.start(create_app(store, profile), what="workbench")

    yield start
    servers.stop()


@pytest.fixture
def bench(
    store: Store, profile: Profile, people: dict[str, int], serve: Callable[[], str]
) -> Iterator[Bench]:
    run_id = sample_run(store, profile, SAMPLE_TEXTS)
    queue_id = create_queue(store, run_id, 2, True, "root")
    b = Bench(serve(), store, profile, run_id, queue_id)
    try:
        yield b
    finally:
        for c in b.clients:
            c.close()
