"""Streamed answers: release text only once the text so far has been cleared, with a look-ahead.

Upstream deltas are appended to ``text``; the client has seen ``text[:sent]``. A release is due
when ``release_chars`` unsent characters lie at least ``lookahead`` characters before the end
of what has arrived. The guard then checks the text so far (the whole answer, or its last
``context_chars`` characters before the unsent part) and releases up to the last sentence end
before the look-ahead (or all of it when there is none), or blocks.

Why this never releases a character of a flagged span: a span the detectors find (a keyword, an
ID number) is at most ``lookahead`` characters long, so a span that starts in the released part
ends inside the text that was checked, and was seen. Trailing runs of digits and separators are
never released before they end (nor trailing ASCII tokens: e-mail addresses, URLs), so an ID,
phone or card number cannot be sent digit by digit while its last digits are still to come
(reliability G-b2).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from beian.gateway.config import StreamConfig
from beian.gateway.screen import ALLOW, Decision

_NUMBERISH = re.compile(r"[\d\uff10-\uff19xX*＊\s\-－—+＋()（）.．/]*\Z")
"""A trailing run that may still grow into an ID, phone or card number."""
_TOKEN_CHARS = r"[A-Za-z0-9_.@+\-%/:~]"
_TOKEN = re.compile(_TOKEN_CHARS + r"*\Z")
_TOKEN_CHAR = re.compile(_TOKEN_CHARS)
"""A trailing ASCII token that may still grow into an e-mail address or URL."""


def _inside_token(text: str, i: int) -> bool:
    """Whether the ASCII sentence end at ``i`` is part of a token (``example.com``, ``3.5``)."""
    return text[i].isascii() and i + 1 < len(text) and _TOKEN_CHAR.match(text[i + 1]) is not None


class StreamGuard:
    """Incremental screening of one streamed text (content, reasoning or refusal)."""

    def __init__(
        self, check: Callable[[str], Decision], config: StreamConfig, lookahead: int
    ) -> None:
        self._check = check
        self._config = config
        self._ends = frozenset(config.sentence_ends)
        self.lookahead = lookahead
        self.text = ""
        self.sent = 0
        self.checks = 0
        self.flagged: Decision = ALLOW
        """Strictest non-blocking decision seen (flagged risks pass but are audited)."""
        self.blocked: Decision | None = None

    @property
    def released(self) -> str:
        """What the client has been sent."""
        return self.text[: self.sent]

    @property
    def withheld(self) -> int:
        """Characters received from upstream that the client never got."""
        return len(self.text) - self.sent

    def add(self, delta: str) -> bool:
        """Append a delta; whether a release (and so a check) is due."""
        if self.blocked is None:
            self.text += delta
        return self.blocked is None and self._point() > self.sent

    def release(self) -> str:
        """Check the text so far and send what lies before the look-ahead ('' when blocked)."""
        return self._release_to(self._point())

    def finish(self) -> str:
        """The stream ended: check everything and release the rest."""
        if self.blocked is not None:
            return ""
        return self._release_to(len(self.text))

    def _point(self) -> int:
        """Where the next release would end (``sent`` when nothing is due).

        Due once ``release_chars`` characters wait before the look-ahead (each release costs a
        check of the text so far); it then ends at the last sentence end there, if any."""
        limit = len(self.text) - self.lookahead
        for pattern in (_NUMBERISH, _TOKEN):
            run = pattern.search(self.text, self.sent)
            if run is not None:
                limit = min(limit, run.start())
        if limit - self.sent < self._config.release_chars:
            return self.sent
        for i in range(limit - 1, self.sent - 1, -1):
            if self.text[i] in self._ends and not _inside_token(self.text, i):
                return i + 1
        return limit

    def _release_to(self, upto: int) -> str:
        if upto <= self.sent:  # nothing new since the last check covered the whole text
            return ""
        start = max(0, self.sent - self._config.context_chars)
        decision = self._check(self.text[start:])
        self.checks += 1
        if decision.is_block:
            self.blocked = decision
            return ""
        if decision.risks and not self.flagged.risks:
            self.flagged = decision
        out, self.sent = self.text[self.sent : upto], max(self.sent, upto)
        return out
