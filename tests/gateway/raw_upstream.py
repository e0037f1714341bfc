"""A scripted upstream that sends exactly the bytes a test asks for (reliability.md Appendix A).

``StreamingOpenAIServer`` speaks well-formed OpenAI; the findings need an upstream that puts the
answer in ``reasoning_content``, tool-call arguments, ``refusal``, ``output_text`` parts, the legacy
``text`` shape or ``logprobs``, sends broken events mid-stream, or drops a pooled connection.
Each request is answered by ``server.answer(body)``: a JSON body, a list of SSE events, or a raw
``(status, content_type, bytes)``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Body = dict[str, Any]
Raw = tuple[int, str, bytes]
Answer = Body | list[Body | bytes] | Raw


def completion(message: Body | str | None = None, **choice: Any) -> Body:
    """A ``chat.completion`` with one choice holding ``message`` and the ``choice`` extras."""
    first: Body = {"index": 0, "finish_reason": "stop", **choice}
    if message is not None:
        first["message"] = message
    return {"id": "chatcmpl-up", "object": "chat.completion", "created": 1, "model": "m",
            "choices": [first]}  # fmt: skip


def event(delta: Body, finish: str | None = None) -> Body:
    """One ``chat.completion.chunk``."""
    return {"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip


def stream_of(text: str, key: str = "content", size: int = 3) -> list[Body | bytes]:
    """``text`` streamed in ``size``-character deltas of field ``key``, finished and [DONE]."""
    events: list[Body | bytes] = [event({"role": "assistant", "content": ""})]
    events += [event({key: text[i : i + size]}) for i in range(0, len(text), size)]
    return [*events, event({}, "stop"), b"[DONE]"]


@dataclass
class RawUpstream:
    """Threaded HTTP server on 127.0.0.1; ``answer`` decides every chat reply."""

    answer: Callable[[Body], Answer] = lambda body: completion({"content": "好的。"})
    one_request_per_connection: bool = False
    """Answer one request per keep-alive connection, then drop the next one unanswered: what a
    pooled connection the upstream closed while idle looks like to the gateway."""
    chunk_delay: float = 0.0
    """Seconds between two streamed events (a model generating at a given speed)."""
    requests: list[Body] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> RawUpstream:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


def _handler(server: RawUpstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        served = 0

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if server.one_request_per_connection and self.served:
                self.close_connection = True  # hang up without an answer
                return
            self.served += 1
            body = json.loads(raw or b"{}")
            server.requests.append(body)
            answer = server.answer(body)
            if isinstance(answer, tuple):
                self._send(*answer)
            elif isinstance(answer, dict):
                self._send(200, "application/json", json.dumps(answer).encode())
            else:
                self._stream(answer)

        def _send(self, status: int, ctype: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, events: list[Body | bytes]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for item in events:
                    data = item if isinstance(item, bytes) else json.dumps(item).encode()
                    self.wfile.write(b"data: " + data + b"\n\n")
                    self.wfile.flush()
                    time.sleep(server.chunk_delay)
            except OSError:  # the gateway cut the stream and hung up: expected
                pass

    return Handler
