"""Gateway configuration: one pydantic model loaded from YAML (typos fail loudly).

Every figure the gateway acts on lives here as a default, so a deployment can see and change
it in one file. Figures tagged *draft* come from texts whose confidence in REGULATION.md is U
(e.g. the 2023 draft's "3 in a row / 5 a day" suspension rule, §1.6 g) note, S-14).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from beian.errors import ConfigError
from beian.gateway.limits import LimitsConfig

SET_ASIDE_CHARS = 160
"""Characters of refusal sentences an answer may have set aside (``output_set_aside_chars``)."""
Action = Literal["block", "flag", "allow"]
"""What happens to a text carrying a risk: refuse it, pass it and audit it, or pass it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UpstreamConfig(_Strict):
    """The OpenAI-compatible model the gateway protects."""

    base_url: str = ""
    """e.g. ``http://127.0.0.1:8000/v1``; ``--upstream`` on the command line overrides it."""
    api_key_env: str | None = None
    """Environment variable with the upstream key; else the client's Authorization is passed on."""
    timeout: float = Field(default=60.0, gt=0)
    """Seconds for a whole non-streaming call, and between two streamed chunks."""
    connect_timeout: float = Field(default=5.0, gt=0)
    max_connections: int = Field(default=100, ge=1)
    """Open connections to the upstream at most; more concurrent calls wait for one. Not
    much higher: httpx checks every pooled connection on each call (a poll() per idle one)."""
    keepalive_connections: int = Field(default=100, ge=0)
    """Idle connections kept open for reuse. Fewer than the concurrent calls means a new
    TCP connection (opened and closed) for most calls under load: httpx keeps 20 by default."""
    keepalive_seconds: float = Field(default=4.0, ge=0)
    """An idle connection is closed after this; below the 5 s idle timeout common servers
    (uvicorn, many proxies) apply, so the gateway rarely reuses a connection they closed."""


class PolicyConfig(_Strict):
    """Action per risk for one direction (input or output)."""

    default: Action = "block"
    risks: dict[str, Action] = {}
    """Per-risk overrides; keys are risk ids or names the profile resolves (e.g. ``A.4.f``)."""
    block_min_score: float = Field(default=0.0, ge=0, le=1)
    """A risk scoring below this is flagged instead of blocked: refuse only clear cases (7 g)."""
    short_text_chars: int = Field(default=8, ge=0)
    """On texts shorter than this, a risk found only by document-level detectors (the
    classifier) is flagged, not blocked: n-gram scores of a few characters are noise
    (the shipped classifier scores "你好" 0.94 for A.1.f)."""

    def action(
        self, risk: str, score: float, *, document_only: bool = False, chars: int = 0
    ) -> Action:
        """The action for ``risk`` found with combined ``score`` in a text of ``chars``."""
        act = self.risks.get(risk, self.default)
        if act == "block" and score < self.block_min_score:
            return "flag"
        if act == "block" and document_only and chars < self.short_text_chars:
            return "flag"
        return act


class StreamConfig(_Strict):
    """How streamed answers are held back and checked (see docs/gateway.md)."""

    lookahead_chars: int | None = Field(default=None, ge=1)
    """Characters always held back behind the released text. Default: the largest context
    the output detectors use to flag a span (gateway/reach.py: 184 with the default detectors),
    so a span that starts in released text was seen with all its context. Smaller values
    answer sooner and may release the start of a flagged span."""
    release_chars: int = Field(default=48, ge=1)
    """Text is released once this many characters wait before the look-ahead (each release
    re-checks the text so far, so fewer, larger releases cost less CPU) ..."""
    sentence_ends: str = "。！？!?.；;\n"
    """... up to the last sentence end among them, if any."""
    context_chars: int = Field(default=2000, ge=0)
    """Already-released characters checked again with each release (the whole answer up to
    this size, so document-level detectors see the text so far, not one window)."""


class LabelConfig(_Strict):
    """Explicit AI label on answers (GB 45438 L-01 wording, position L-02)."""

    enabled: bool = True
    position: Literal["prefix", "suffix"] = "prefix"
    text: str = "（本回答由人工智能生成）"
    """Must hold an AI element and a generation element (checked at load time)."""


class AuditConfig(_Strict):
    """What the audit log keeps, and for how long (network logs: ≥ 6 months, CSL Art 21(3))."""

    store_text: bool = False
    """Keep input and output text; off keeps only SHA-256 digests (Interim Measures Art 11)."""
    retention_days: int | None = Field(default=183, ge=183)
    """Rows older than this are pruned at start; ``null`` keeps them forever."""
    progress_seconds: float = Field(default=1.0, ge=0)
    """A streamed answer adds a chain link with the digest of the text released so far at
    most this often (0: after every released piece); a crash loses at most this much."""


class AuthConfig(_Strict):
    """Who may call the gateway: holders of a gateway API key (``beian gateway keys``)."""

    mode: Literal["keys", "open"] = "keys"
    """``keys``: every /v1 call needs ``Authorization: Bearer <gateway key>`` (else 401).
    ``open``: no keys, the end-user header is trusted as is (local use only; warned at start)."""
    requests_per_minute: int = Field(default=120, ge=1)
    """Per key (a key may override it); over the limit answers 429 with Retry-After."""
    cache_seconds: float = Field(default=10.0, ge=0)
    """How long a checked key is trusted without asking the store (a revocation takes
    effect within this time)."""


class SanctionsConfig(_Strict):
    """Per-user measures after blocked inputs (Interim Measures Art 14, S-13/S-14).

    The figures are the 2023 draft's (U, draft only): defaults, not rules.
    """

    mode: Literal["off", "warn", "enforce"] = "warn"
    """``warn`` only warns; ``enforce`` also suspends (HTTP 403) when a limit is reached."""
    consecutive: int = Field(default=3, ge=1)
    """Draft figure: blocked inputs in a row that reach the limit."""
    daily: int = Field(default=5, ge=1)
    """Draft figure: blocked inputs in one calendar day that reach the limit."""
    key_consecutive: int | None = Field(default=None, ge=1)
    """Limit for a key's user counted over all end users under it; default: ``consecutive``.
    Raise it for a key serving many end users (each end user still has their own count)."""
    key_daily: int | None = Field(default=None, ge=1)
    """Same for the daily limit; default: ``daily``."""
    suspend_seconds: int = Field(default=86_400, ge=1)
    utc_offset_hours: int = Field(default=8, ge=-12, le=14)
    """Which calendar day counts (China Standard Time by default)."""


class ComplaintsConfig(_Strict):
    """The complaint/report intake (7 f, Interim Measures Art 15)."""

    handling_days: int = Field(default=15, ge=1)
    """Published time limit for handling a complaint (set your own; the figure is not a rule)."""
    channels: dict[str, str] = {}
    """Other published channels, e.g. ``{"email": "report@example.com", "phone": "..."}``."""
    per_minute: int = Field(default=10, ge=1)
    """Complaints accepted per minute from one key (or one client address without a key)."""


class RefusalConfig(_Strict):
    """Messages shown instead of refused content (Chinese first, English after)."""

    input: str = (
        "抱歉，您的问题涉及违法或不良信息，我无法回答。"
        "Sorry, your request involves illegal or harmful content and cannot be answered."
    )
    output: str = (
        "抱歉，该回答包含不适宜的内容，已被拦截。"
        "Sorry, the answer contained inappropriate content and was withheld."
    )
    stream_cut: str = (
        "\n\n[回答已中止：后续内容未通过安全检查。The rest of the answer was withheld.]"
    )
    warning: str = (
        "请注意：多次输入违法或不良信息将导致暂停服务。"
        "Warning: repeated harmful requests will suspend your access."
    )
    suspended: str = (
        "您的账号因多次输入违法或不良信息已被暂停服务。"
        "Your access is suspended after repeated harmful requests."
    )
    minor_hours: str = (
        "未成年人模式：当前不在允许使用的时段内。"
        "Minors mode: the service is not available at this time."
    )
    minor_daily: str = (
        "未成年人模式：今日使用次数已达上限。"
        "Minors mode: today's limit of requests has been reached."
    )
    minor_content: str = (
        "未成年人模式：该内容不适宜未成年人。Minors mode: this content is not suitable for minors."
    )


class GatewayConfig(_Strict):
    """Everything ``beian gateway serve`` needs besides host and port."""

    upstream: UpstreamConfig = Field(default_factory=UpstreamConfig)
    auth: AuthConfig = Field(default_factory=AuthConfig)
    store: str | None = None
    """Audit store URL; default: the workspace's store, else ``sqlite:///beian-gateway.db``."""
    profile: str | None = None
    """Standard profile resolving risk names; default: the workspace's."""
    detectors: list[str] | None = None
    """Detector names; ``None`` = the workspace's detection setup (or beian's default) + pii."""
    input_detectors: list[str] | None = None
    """Detector names for request input only (answers and stream windows keep ``detectors``),
    e.g. ``[keyword, solicit, e5, pii]`` for the slower, more accurate e5 tier on prompts;
    ``None`` = the same set as answers. Options and scoring are shared."""
    detector_options: dict[str, dict[str, Any]] = {}
    output_harm: Literal["answer", "shared"] = "answer"
    """How answers (and stream windows) are judged. ``answer``: as the ``harm`` answer judge
    does: refusal-aware (decline and caution sentences set aside, the rest checked), harm from
    the answer model fused with the shared one, the last user message as the question.
    ``shared``: as plain text, shared harm model at its own operating point (before round 6).
    A workspace's own harm model (``detector_options.harm.model``) is always used as
    ``shared``: it judges answers alone."""
    output_harm_threshold: float | None = Field(default=None, gt=0.0, lt=1.0)
    """Operating point of the fused answer harm probability; ``None``: the answer judge's
    (``beian.detect.answer_check.ANSWER_MODEL_THRESHOLD``, 0.98)."""
    output_set_aside_chars: int | None = Field(default=SET_ASIDE_CHARS, ge=0)
    """With ``output_harm: answer``: an answer whose decline and caution sentences come to
    more characters than this is judged whole, so harm wrapped in refusal phrasing cannot be
    set aside with them (real refusals set aside a median 46 characters); ``null``: no limit
    (the answer judge's rule)."""
    scoring: dict[str, Any] = {}
    """``ScoringOptions`` of the DetectorSet (thresholds, allow-list)."""
    input_scope: Literal["latest", "all_user"] = "latest"
    """Kept so older configs load: every message of every role is screened either way."""
    input_policy: PolicyConfig = Field(default_factory=PolicyConfig)
    output_policy: PolicyConfig = Field(default_factory=PolicyConfig)
    stream: StreamConfig = Field(default_factory=StreamConfig)
    label: LabelConfig = Field(default_factory=LabelConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    sanctions: SanctionsConfig = Field(default_factory=SanctionsConfig)
    complaints: ComplaintsConfig = Field(default_factory=ComplaintsConfig)
    refusal: RefusalConfig = Field(default_factory=RefusalConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    user_header: str = "X-Beian-User"
    """Header naming the end user (else the request's OpenAI ``user`` field). With keys it
    names an end user *under* the key's user, never replacing it."""

    @model_validator(mode="after")
    def _label_wording(self) -> GatewayConfig:
        from beian.label.rules import has_both_elements

        if self.label.enabled and not has_both_elements(self.label.text):
            raise ValueError(
                f"label.text {self.label.text!r} needs an AI element (人工智能/AI) and a "
                "generation element (生成/合成) (GB 45438, L-01)"
            )
        return self

    @model_validator(mode="after")
    def _no_open_relay(self) -> GatewayConfig:
        # The provider key is lent only to authenticated callers (G-d2).
        if self.auth.mode == "open" and self.upstream.api_key_env:
            raise ValueError(
                "auth.mode open cannot use upstream.api_key_env: anyone reaching the gateway "
                "would call the upstream with your provider key; issue gateway keys instead"
            )
        return self


def load_config(path: Path | None, **overrides: Any) -> GatewayConfig:
    """Read ``path`` (YAML) if given, apply non-None top-level ``overrides``, validate."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read gateway config ({exc})") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path}: gateway config must be a mapping")
        data = dict(loaded or {})
    upstream = overrides.pop("upstream_url", None)
    if upstream:
        data["upstream"] = {**dict(data.get("upstream") or {}), "base_url": upstream}
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return GatewayConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "config"
        raise ConfigError(f"{path or 'gateway config'}: {where}: {first['msg']}") from None
