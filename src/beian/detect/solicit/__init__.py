"""Built-in ``solicit`` detector: spam, ads and solicitation with (disguised) contact details.

Finds task scams (刷单, 日结), gambling and lottery tips, porn and escort solicitation, illegal
and ordinary loan ads, fake invoices and certificates, drugs and guns, stock tips and ordinary
commercial ads, when the text also gives a way to get in touch — even disguised: 微，信 / 威信
/ 薇❤ / vx / ➕V, 扣扣 / 企鹅 / 🐧, 纸飞机 / tg, 小红薯, phone numbers with emoji, spaces or
Chinese numerals between the digits, URLs and ``点com`` domains, 私聊 / 看我头像 pointers.

The term lists, contact cues, context cues and scores are data (``data/*.yaml``, written by
beian developers); the rules are in :mod:`beian.detect.solicit.rules` and ``docs/solicit.md``.
:func:`find_contacts` is public: it returns every contact handle with its span in the
original text.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from beian.detect.solicit.contacts import Contact, find_contacts
from beian.detect.solicit.detector import SolicitDetector
from beian.detect.solicit.lexicon import families
from beian.errors import ConfigError
from beian.registry import registry
from beian.standard.index import DEFAULT_PROFILE, risk_names

__all__ = ["Contact", "SolicitDetector", "SolicitOptions", "create_solicit", "find_contacts"]

_RISKS = tuple(sorted({r for f in families().families.values() for r in f.risks}))


class SolicitOptions(BaseModel):
    """Options of the ``solicit`` detector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    families: list[str] | None = None
    """Families to report (task_scam, gambling, porn, …); ``None`` means all."""
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    """Findings scoring below this are dropped."""
    report_contacts: bool = False
    """Also emit one finding per contact handle behind a finding (span of the handle)."""
    profile: str = DEFAULT_PROFILE
    """Standard profile whose risk ids the findings use."""

    @field_validator("families")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        known = families().families
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown families {unknown}; known: {', '.join(known)}")
        if not value:
            raise ValueError("families must not be empty; leave it out to use all")
        return value


# The notice cues were written after reading false alarms on spam-sms-10k's normal messages, so
# the accuracy benchmark must count that set as seen (tuned on) for this detector.
@registry.register(
    "detector",
    "solicit",
    version="1",
    options=SolicitOptions,
    risks=_RISKS,
    train_sources=("spam-sms-10k",),
)
def create_solicit(options: SolicitOptions) -> SolicitDetector:
    """Spam, ads and solicitation (刷单, 博彩, 招嫖, 网贷, 代开发票 …) with disguised contacts."""
    lexicon = families()
    names = list(lexicon.families) if options.families is None else options.families
    known = risk_names(options.profile)
    missing = sorted({r for n in names for r in lexicon.families[n].risks} - set(known))
    if missing:
        from beian.standard import load_profile

        profile = load_profile(options.profile).profile
        raise ConfigError(f"detector 'solicit': profile {profile!r} has no risk {missing}")
    return SolicitDetector(lexicon, names, options.min_score, options.report_contacts)
