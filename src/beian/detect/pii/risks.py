"""Entity → risk table (data). The risk ids are checked against the profile at creation time."""

from __future__ import annotations

from types import MappingProxyType

PERSONAL_INFO = "A.4.f"
"""侵害他人个人信息权益: every identifier this detector finds is personal information."""

PRIVACY = "A.4.e"
"""侵害他人隐私权: used only for sensitive entities when ``sensitive_as_privacy`` is set."""

ENTITY_RISK = MappingProxyType(
    {
        "resident_id": PERSONAL_INFO,
        "mobile": PERSONAL_INFO,
        "landline": PERSONAL_INFO,
        "bank_card": PERSONAL_INFO,
        "uscc": PERSONAL_INFO,
        "passport": PERSONAL_INFO,
        "hk_macao_permit": PERSONAL_INFO,
        "taiwan_permit": PERSONAL_INFO,
        "email": PERSONAL_INFO,
        "ipv4": PERSONAL_INFO,
        "ipv6": PERSONAL_INFO,
        "plate": PERSONAL_INFO,
    }
)
"""The default risk of each entity."""

SENSITIVE = frozenset({"resident_id", "bank_card", "passport", "hk_macao_permit", "taiwan_permit"})
"""Entities GB/T 35273-2020 Annex B lists as sensitive personal information (identity
documents and financial accounts); they move to ``PRIVACY`` when the option asks for it."""


def risk_for(entity: str, *, sensitive_as_privacy: bool) -> str:
    """The risk id a finding of ``entity`` carries."""
    if sensitive_as_privacy and entity in SENSITIVE:
        return PRIVACY
    return ENTITY_RISK[entity]
