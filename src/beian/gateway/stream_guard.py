"""Streamed answers: hold text back, check it window by window, release it or cut the stream.

Upstream deltas go into a *pending* buffer that the client has not seen. When the buffer
holds a sentence end, or reaches ``release_chars`` characters, the guard checks the pending text
up to its last sentence end (or all of it)
together with the last ``context_chars`` characters already released (so a risk split across
two windows is still seen) and then either releases the pending text or stops. Nothing that
failed a check is ever sent; what can leak is text that was harmless on its own when released
and only turns harmful together with what follows (at most one window; design/gateway.md).
"""

from __future__ import annotations

from collections.abc import Callable

from beian.gateway.config import StreamConfig
from beian.gateway.screen import ALLOW, Decision


class StreamGuard:
    """Incremental output screening for one streamed answer."""

    def __init__(self, check: Callable[[str], Decision], config: StreamConfig) -> None:
        self._check = check
        self._config = config
        self._ends = frozenset(config.sentence_ends)
        self.released = ""
        self.pending = ""
        self.checks = 0
        self.flagged: Decision = ALLOW
        """Strictest non-blocking decision seen (flagged risks pass but are audited)."""
        self.blocked: Decision | None = None

    def feed(self, delta: str) -> str:
        """Add a delta; the text that may be sent now ('' when held back or when cut)."""
        if self.blocked is not None or not delta:
            return ""
        self.pending += delta
        cut = self._sentence_end()
        if cut:
            return self._release(cut)
        if len(self.pending) >= self._config.release_chars:
            return self._release(len(self.pending))
        return ""

    def finish(self) -> str:
        """The stream ended: check and release what is still pending."""
        if self.blocked is not None or not self.pending:
            return ""
        return self._release(len(self.pending))

    @property
    def withheld(self) -> int:
        """Characters received from upstream that the client never got."""
        return len(self.pending)

    def _sentence_end(self) -> int:
        """Length of the pending prefix that ends with the last sentence end (0: none)."""
        for i in range(len(self.pending) - 1, -1, -1):
            if self.pending[i] in self._ends:
                return i + 1
        return 0

    def _release(self, upto: int) -> str:
        """Check ``pending[:upto]`` (with context); release it, or block the stream."""
        context = self.released[-self._config.context_chars :] if self._config.context_chars else ""
        decision = self._check(context + self.pending[:upto])
        self.checks += 1
        if decision.is_block:
            self.blocked = decision
            return ""
        if decision.risks and not self.flagged.risks:
            self.flagged = decision
        out, self.pending = self.pending[:upto], self.pending[upto:]
        self.released += out
        return out
