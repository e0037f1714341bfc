"""The gateway's parts, built once from the config: screener, upstream, audit, sanctions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TypeVar, TypeVarTuple

import anyio
import anyio.to_thread
from starlette.responses import Response

import beian.detect._builtins  # noqa: F401  (registers the built-in detectors)
from beian.detect.detector_set import DetectorSet
from beian.detect.setup import DetectionSetup, resolve_setup
from beian.errors import ConfigError
from beian.gateway.audit import AuditLog, Trace
from beian.gateway.config import GatewayConfig
from beian.gateway.keys import KeyStore
from beian.gateway.reach import stream_lookahead
from beian.gateway.sanctions import Sanctions
from beian.gateway.screen import AnswerScreen, Screener, resolve_policy
from beian.gateway.upstream import Upstream
from beian.gateway.userprefs import UserPrefs
from beian.standard import DEFAULT_PROFILE, Profile, load_profile
from beian.store import Store, open_store

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


def gateway_detectors(config: GatewayConfig, setup: DetectionSetup | None) -> DetectorSet:
    """The config's own detectors when it names them, else the workspace's detection setup
    (beian's defaults without a workspace) plus ``pii``: personal data in a prompt or an answer
    is screened at the gateway even where a corpus scan does not count it as illegal."""
    if config.detectors is not None:
        return _detector_set(config, setup, config.detectors)
    setup = setup or resolve_setup(None)
    names = [*setup.detectors, *(["pii"] if "pii" not in setup.detectors else [])]
    return _detector_set(config, setup, names)


def gateway_input_detectors(
    config: GatewayConfig, setup: DetectionSetup | None
) -> DetectorSet | None:
    """The set for request input when ``input_detectors`` names one (same options and scoring
    as :func:`gateway_detectors`), else ``None``: input is screened like answers."""
    if config.input_detectors is None:
        return None
    return _detector_set(config, setup, config.input_detectors)


def gateway_answer_screen(config: GatewayConfig, detectors: DetectorSet) -> AnswerScreen | None:
    """How answers are screened: as answers (``output_harm: answer``), with the fused answer
    harm model when ``detectors`` hold the shipped harm model; ``None`` (as plain text) with
    ``output_harm: shared`` or a workspace's own harm model (it judges answers alone)."""
    from beian.detect.harm.detector import HarmDetector

    if config.output_harm == "shared":
        return None
    harm = next((d for d in detectors.detectors if isinstance(d, HarmDetector)), None)
    limit = config.output_set_aside_chars
    if harm is None:
        return AnswerScreen.build(detectors, max_set_aside=limit)
    if harm.options.model is not None:
        return None
    from beian.detect.answer_check import ANSWER_MODEL_THRESHOLD
    from beian.detect.harm.answer import load_answer_harm

    answer = load_answer_harm(config.output_harm_threshold or ANSWER_MODEL_THRESHOLD)
    return AnswerScreen.build(detectors, answer, limit)


def _detector_set(
    config: GatewayConfig, setup: DetectionSetup | None, names: list[str]
) -> DetectorSet:
    """``names`` with the config's options and scoring, over the workspace's when the config
    does not name its own detectors."""
    options, scoring = dict(config.detector_options), dict(config.scoring)
    if config.detectors is None:
        setup = setup or resolve_setup(None)
        options = {**setup.detector_options(), **options}
        scoring = {**setup.scoring, **scoring}
    return DetectorSet.from_names(names, options=options, scoring=scoring or None)


class Gateway:
    """Everything a request handler needs; one instance per app."""

    def __init__(
        self,
        config: GatewayConfig,
        *,
        store: Store,
        profile: Profile,
        detectors: DetectorSet | None = None,
        setup: DetectionSetup | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if not config.upstream.base_url:
            raise ConfigError("no upstream: pass --upstream URL or set upstream.base_url")
        self.config = config
        self.profile = profile
        detectors = detectors or gateway_detectors(config, setup)
        self.screener = Screener(
            detectors,
            resolve_policy(config.input_policy, profile, "input_policy"),
            resolve_policy(config.output_policy, profile, "output_policy"),
            input_detectors=gateway_input_detectors(config, setup),
            answers=gateway_answer_screen(config, detectors),
        )
        self.upstream = Upstream(config.upstream, _api_key(config, env))
        self.audit = AuditLog(store, config.audit)
        self.keys = KeyStore(store)
        self.sanctions = Sanctions(config.sanctions)
        self.prefs = UserPrefs(store, config.auth.cache_seconds)
        self.adopted = self.audit.adopt_unchained()
        self.pruned = self.audit.prune()
        self.lookahead = stream_lookahead(detectors.detectors, config.stream.lookahead_chars)
        self._limiter: anyio.CapacityLimiter | None = None

    async def run(self, fn: Callable[[*Ts], T], *args: *Ts) -> T:
        """``fn(*args)`` in the screening thread pool: detectors are CPU work and must not
        stall the event loop, or one large request delays every client (reliability G-g2)."""
        if self._limiter is None:  # created here: a limiter belongs to the running event loop
            self._limiter = anyio.CapacityLimiter(self.config.limits.screen_threads)
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)

    def label(self, text: str) -> str:
        """``text`` with the explicit AI label at the configured position (L-01/L-02)."""
        label = self.config.label
        if not label.enabled:
            return text
        return label.text + text if label.position == "prefix" else text + label.text

    async def begin(self, trace: Trace) -> None:
        """Put the request on the audit chain before the upstream is called (G-e1)."""
        await anyio.to_thread.run_sync(self.audit.begin, trace)

    @asynccontextmanager
    async def beginning(self, trace: Trace) -> AsyncIterator[None]:
        """Write the request's ``started`` row while the block (the upstream call) runs, and
        leave the block only once it is written: the write no longer adds its time to every
        request, and still no answer text leaves (and no ``finish`` is chained) before it."""
        task = asyncio.ensure_future(self.begin(trace))
        try:
            yield
        finally:
            await task  # a failed write raises here: the request fails closed (500, audited)

    async def progress(self, trace: Trace, released: str) -> None:
        """Record the digest of the streamed text released so far (throttled by the config)."""
        if self.audit.progress_due(trace, len(released)):  # else no thread hop per chunk
            await anyio.to_thread.run_sync(self.audit.progress, trace, released)

    async def write(self, trace: Trace, t0: float) -> None:
        """Stamp the latency and finish the audit row (in a worker thread: SQLite blocks)."""
        trace.latency_ms = (time.perf_counter() - t0) * 1000
        await anyio.to_thread.run_sync(self.audit.finish, trace)

    async def finish(self, trace: Trace, t0: float, response: Response) -> Response:
        """Audit the request, then hand back ``response`` tagged with the request id."""
        if trace.upstream_status is None and response.status_code >= 400:
            trace.decision = trace.decision if trace.decision != "allowed" else "rejected"
        await self.write(trace, t0)
        response.headers["x-request-id"] = trace.id
        response.headers["x-beian-decision"] = trace.decision
        return response


def _api_key(config: GatewayConfig, env: Mapping[str, str] | None) -> str | None:
    name = config.upstream.api_key_env
    if not name:
        return None
    value = (env or {}).get(name)
    if not value:
        raise ConfigError(f"upstream.api_key_env: environment variable {name} is not set")
    return value


def build_gateway(
    config: GatewayConfig,
    *,
    store_url: str | None = None,
    profile: str | None = None,
    setup: DetectionSetup | None = None,
    env: Mapping[str, str] | None = None,
) -> Gateway:
    """Open the store and the profile named by the config (or the given defaults).

    ``env`` holds the upstream key variable (the CLI passes ``os.environ``).
    """
    if not config.upstream.base_url:  # before the store is created on disk
        raise ConfigError("no upstream: pass --upstream URL or set upstream.base_url")
    url = config.store or store_url or "sqlite:///beian-gateway.db"
    return Gateway(
        config,
        store=open_store(url),
        profile=load_profile(config.profile or profile or DEFAULT_PROFILE),
        setup=setup,
        env=env,
    )
