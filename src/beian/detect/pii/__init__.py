"""Built-in ``pii`` detector: personal identifiers used in mainland China.

Entities (see :mod:`beian.detect.pii.recognizers`): ``resident_id`` (18-digit GB 11643 with
check digit, birth date and province prefix; legacy 15-digit with a valid date), ``mobile``,
``landline``, ``bank_card`` (Luhn + issuer prefix), ``uscc`` (GB 32100 check character),
``passport``, ``hk_macao_permit``, ``taiwan_permit``, ``email``, ``ipv4``, ``ipv6`` (validated
with :mod:`ipaddress`) and ``plate``.

Scores. A pattern that matches and validates earns its table score; context words near it
(身份证, 手机, 银行卡, 护照, 邮箱 …) add the recognizer's boost. Entities with a checksum score
high on their own (resident ID 0.9); entities without one score low until context confirms them
(a bare 8-digit number is a Taiwan permit only next to 台胞证; 15-digit IDs, passports, permits
and unseparated landlines need context to pass the default ``min_score`` of 0.5). Overlapping
candidates keep the best-scoring one.

Risks. Every entity maps to A.4.f (侵害他人个人信息权益) in one table,
:data:`beian.detect.pii.risks.ENTITY_RISK`; its ids are checked against the profile when the
detector is created. A.4.e (侵害他人隐私权) is *not* used by default: an identifier by itself
is personal information, while privacy concerns private facts and activities, which a pattern
matcher cannot see. ``sensitive_as_privacy=True`` moves the entities GB/T 35273 lists as
*sensitive* personal information (identity documents and bank cards) to A.4.e, for deployments
that want those routed separately.

Unified Social Credit Codes mostly name organisations, which are not personal information: a
valid organisation code scores 0.35 (below the default threshold), while codes of individual
businesses (registration type ``92``, which identify a natural person) score 0.85.

Evidence is ``entity:masked-value`` (``resident_id:110105********1234``); the full identifier
is never echoed. Full-width digits are detected with offsets into the original text.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from beian.detect.pii.detector import PiiDetector
from beian.detect.pii.recognizers import ENTITIES, RECOGNIZERS
from beian.detect.pii.risks import ENTITY_RISK, PRIVACY, risk_for
from beian.errors import ConfigError
from beian.registry import registry
from beian.standard.index import DEFAULT_PROFILE, risk_names

__all__ = ["ENTITIES", "PiiDetector", "PiiOptions", "create_pii_detector"]


class PiiOptions(BaseModel):
    """Options of the ``pii`` detector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entities: list[str] | None = None
    """Entity names to look for; ``None`` means all of :data:`ENTITIES`."""
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    """Findings scoring below this are dropped."""
    sensitive_as_privacy: bool = False
    """Report sensitive entities (identity documents, bank cards) as A.4.e instead of A.4.f."""
    profile: str = DEFAULT_PROFILE
    """Standard profile whose risk ids the findings use."""

    @field_validator("entities")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        unknown = sorted(set(value) - set(ENTITIES))
        if unknown:
            raise ValueError(f"unknown entities {unknown}; known: {', '.join(ENTITIES)}")
        return value


@registry.register(
    "detector",
    "pii",
    version="1",
    options=PiiOptions,
    risks=(*sorted(set(ENTITY_RISK.values())), PRIVACY),
)
def create_pii_detector(options: PiiOptions) -> PiiDetector:
    """Regex + checksum + context detector for mainland-China personal identifiers."""
    wanted = set(ENTITIES if options.entities is None else options.entities)
    recognizers = [r for r in RECOGNIZERS if r.entity in wanted]
    risks = {
        r.entity: risk_for(r.entity, sensitive_as_privacy=options.sensitive_as_privacy)
        for r in recognizers
    }
    missing = sorted(set(risks.values()) - set(risk_names(options.profile)))
    if missing:
        from beian.standard import load_profile

        profile = load_profile(options.profile).profile
        raise ConfigError(f"detector 'pii': profile {profile!r} has no risk {missing}")
    return PiiDetector(recognizers, risks, options.min_score)
