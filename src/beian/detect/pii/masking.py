"""Masking for evidence: a finding names what was found without repeating the identifier."""

from __future__ import annotations

_STAR = "*"


def mask_middle(value: str, head: int, tail: int) -> str:
    """Keep ``head`` and ``tail`` characters and star the rest (at least 4 and a third hidden).

    >>> mask_middle("110105199003071234", head=6, tail=4)
    '110105********1234'
    """
    n = len(value)
    # Short values would otherwise show almost everything: shrink the visible ends.
    hidden = min(n, max(4, n // 3))
    while n - head - tail < hidden:
        if tail >= head:
            tail -= 1
        else:
            head -= 1
    return value[:head] + _STAR * (n - head - tail) + value[n - tail :]


def mask_email(value: str) -> str:
    """Hide the local part except its first character; the domain is not an identifier."""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_ip(value: str) -> str:
    """Keep the network half of an address (first two IPv4 octets or IPv6 groups)."""
    sep = "." if "." in value else ":"
    parts = value.split(sep)
    return sep.join(parts[:2] + [_STAR] * (len(parts) - 2))
