"""One call to a guard model: prompt it its own way, parse its own format, map to risks.

Calls go through the official ``openai`` client (its retry loop backs off on 429, 5xx,
timeouts and connection errors). A call that cannot be scored — network or HTTP error after
the retries, empty reply, unparseable reply — gives a result with ``safety=None`` and the
error, never an exception: one bad item must not stop a batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from beian.detect.guard.mapping import load_mapping
from beian.detect.guard.parse import Family, GuardReply, Safety, parse_reply
from beian.detect.guard.prompts import DEFAULT_MAX_TOKENS, Lang, Mode, build_messages
from beian.errors import ConfigError
from beian.openai_key import DEFAULT_KEY_ENV, api_key
from beian.standard import DEFAULT_PROFILE, load_profile

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)

TEMPERATURE = 0.0
"""Guards are classifiers: greedy decoding, as every model card runs them."""


class GuardOptions(BaseModel):
    """Options shared by the ``guard`` detector and the ``guard`` judge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    family: Family
    """Reply format and prompting: qwen3guard, llamaguard, shieldlm or json."""
    base_url: str | None = None
    """OpenAI-compatible endpoint, e.g. ``http://127.0.0.1:8000/v1`` (vLLM, SGLang, Ollama …)."""
    model: str = ""
    """Model name as the endpoint knows it (required)."""
    api_key_env: str | None = DEFAULT_KEY_ENV
    """Environment variable holding the key; ``None`` sends no real key."""
    timeout: float = Field(default=60.0, gt=0)
    """Seconds per attempt."""
    max_retries: int = Field(default=2, ge=0, le=10)
    max_tokens: int | None = Field(default=None, gt=0)
    """``None``: the family's default (enough for its verdict format)."""
    controversial: Literal["unsafe", "safe"] = "unsafe"
    """How a *controversial* verdict counts; the category is recorded either way."""
    lang: Lang = "zh"
    """Prompt language of ShieldLM and json (Qwen3Guard and Llama Guard need none)."""
    profile: str = DEFAULT_PROFILE
    """Profile whose risk ids the categories map to."""


@dataclass(frozen=True, slots=True)
class GuardResult:
    """A guard's decision in beian's terms (``safety=None`` = unscored, see ``error``)."""

    family: Family
    safety: Safety | None
    categories: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    """Profile risk ids of the named categories (empty unless the text was flagged)."""
    unknown_categories: tuple[str, ...] = ()
    unspecified: bool = False
    """``risks`` are the family's stand-ins: no named category mapped to a risk."""
    refusal: bool | None = None
    analysis: str = ""
    raw: str = ""
    error: str | None = None

    def flagged(self, controversial: Literal["unsafe", "safe"]) -> bool:
        """Whether this counts as unsafe under the controversial policy."""
        return self.safety == "unsafe" or (
            self.safety == "controversial" and controversial == "unsafe"
        )


class GuardClient:
    """Moderates texts with one guard model behind an OpenAI-compatible endpoint."""

    def __init__(self, options: GuardOptions) -> None:
        if not options.model:
            raise ConfigError("guard needs a model name (option 'model')")
        import openai  # deferred: the client is only needed when a guard is configured

        self.options = options
        self.profile = load_profile(options.profile)
        self.mapping = load_mapping()
        self._known = set(self.profile.risk_ids())
        self._client: openai.OpenAI = openai.OpenAI(
            base_url=options.base_url,
            api_key=api_key(options.api_key_env, "guard"),
            timeout=options.timeout,
            max_retries=options.max_retries,
        )
        self._errors: tuple[type[BaseException], ...] = (openai.OpenAIError,)
        self.max_tokens = options.max_tokens or DEFAULT_MAX_TOKENS[options.family]
        self.unscored = 0
        """How many calls of this client ended unscored."""

    def moderate(
        self, text: str, question: str | None = None, mode: Mode = "prompt"
    ) -> GuardResult:
        """The guard's decision on ``text`` (an answer to ``question`` in response mode)."""
        family = self.options.family
        messages = build_messages(
            family, mode, text, question, profile=self.profile, lang=self.options.lang
        )
        try:
            response = self._client.chat.completions.create(
                model=self.options.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=TEMPERATURE,
                max_tokens=self.max_tokens,
            )
        except self._errors as exc:
            return self._unscored(f"{type(exc).__name__}: {exc}")
        choices = response.choices or []
        raw = (choices[0].message.content or "") if choices else ""
        if not raw.strip():
            return self._unscored("empty reply from the guard")
        reply = parse_reply(family, raw)
        if reply.safety is None:
            return self._unscored(reply.error or "unparseable guard reply", raw)
        return self._result(reply)

    def _result(self, reply: GuardReply) -> GuardResult:
        base = GuardResult(
            family=self.options.family,
            safety=reply.safety,
            categories=reply.categories,
            refusal=reply.refusal,
            analysis=reply.analysis,
            raw=reply.raw,
        )
        if reply.safety == "safe":
            return base
        mapped = self.mapping.map(self.options.family, reply.categories, self._known)
        return replace(
            base,
            risks=mapped.risks,
            unknown_categories=mapped.unknown,
            unspecified=mapped.unspecified,
        )

    def _unscored(self, error: str, raw: str = "") -> GuardResult:
        self.unscored += 1
        log.warning("guard (%s): unscored: %s", self.options.family, error)
        return GuardResult(family=self.options.family, safety=None, raw=raw, error=error)
