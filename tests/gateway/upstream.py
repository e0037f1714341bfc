"""The test OpenAI server (tests/support/openai_server.py) plus SSE streaming.

The shared server answers ``stream: true`` requests with one JSON body; the gateway needs a
real event stream from its upstream, so this subclass sends the scripted reply as SSE chunks of
``chunk_chars`` characters each (role chunk first, finish chunk and ``[DONE]`` last).
"""

from __future__ import annotations

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.openai_server import OpenAIServer, RecordedRequest, _make_handler, _QuietServer


class StreamingOpenAIServer(OpenAIServer):
    """``OpenAIServer`` whose chat endpoint also streams."""

    chunk_chars = 6
    chunk_delay = 0.0
    """Seconds between streamed chunks (a slow model, for crash tests)."""

    def start(self) -> StreamingOpenAIServer:
        """Bind a free port and serve in a daemon thread."""
        self._httpd = _QuietServer(("127.0.0.1", 0), _streaming_handler(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def chat_requests(self) -> list[RecordedRequest]:
        """The chat-completion requests received so far."""
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]


def _chunk(body: dict[str, Any], delta: dict[str, Any], finish: str | None) -> bytes:
    payload = {
        "id": "chatcmpl-up",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "stub-model"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


def _streaming_handler(server: StreamingOpenAIServer) -> type[BaseHTTPRequestHandler]:
    base: Any = _make_handler(server)

    class Handler(base):  # type: ignore[misc]
        rfile: Any
        # Headers and body go out in separate writes: without this, Nagle's algorithm and
        # delayed ACKs add ~40 ms to every keep-alive reply, which would swamp the benchmark.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.loads(raw or b"{}")
            if not (isinstance(body, dict) and body.get("stream")):
                # Hand the body to the shared handler, then give back the socket's reader
                # (the next keep-alive request is read from it).
                sock_reader, self.rfile = self.rfile, io.BytesIO(raw)
                try:
                    super().do_POST()
                finally:
                    self.rfile = sock_reader
                return
            record = RecordedRequest(
                self.path, {k.lower(): v for k, v in self.headers.items()}, body
            )
            with server._lock:
                server.requests.append(record)
            status, _delay, text = server._plan(body)
            record.status = status
            if status != 200:
                self._send(
                    status, {"error": {"message": f"scripted {status}", "type": "server_error"}}
                )
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            size = server.chunk_chars
            events = [_chunk(body, {"role": "assistant", "content": ""}, None)]
            events += [
                _chunk(body, {"content": text[i : i + size]}, None)
                for i in range(0, len(text), size)
            ]
            events += [_chunk(body, {}, "stop"), b"data: [DONE]\n\n"]
            try:
                for event in events:
                    self.wfile.write(event)
                    self.wfile.flush()
                    if server.chunk_delay:
                        time.sleep(server.chunk_delay)
            except OSError:  # the gateway cut the stream and hung up: expected
                pass

    return Handler
