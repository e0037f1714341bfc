"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests (stdlib only).

It speaks enough of the OpenAI REST API for the official ``openai`` client:
``POST /v1/chat/completions`` (non-streaming), ``POST /v1/completions`` and ``GET /v1/models``.
Replies are scripted:

- **rules**, tried in order: a rule matches the request (a regex on the last user message, or a
  predicate on the whole JSON body) and replies with text, a function of the body, an HTTP error
  status, and/or a delay; a rule may be limited to ``times`` uses;
- **recorded answers** from a JSONL file (``{"prompt": ..., "response": ...}`` per line, or
  ``{"match": <regex>, "response": ...}``), useful for model-evaluation tests;
- **faults** queued for the next requests whatever they say: ``fail_next(500)``,
  ``fail_next(429, count=2)``, ``delay_next(2.0)``.

Every request is recorded (``server.requests``) so a test can assert what was sent, e.g. that
an API key arrived or how many retries happened. Use it as a context manager::

    with OpenAIServer() as server:
        server.add_rule(reply="VERDICT: qualified")
        client = openai.OpenAI(base_url=server.base_url, api_key="test")
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

Body = dict[str, Any]
Reply = str | Callable[[Body], str]


@dataclass
class Rule:
    """One scripted behaviour. ``match`` is a regex on the last user message or a predicate."""

    match: str | Callable[[Body], bool] | None = None
    reply: Reply = ""
    status: int = 200
    delay: float = 0.0
    times: int | None = None
    used: int = 0

    def matches(self, body: Body) -> bool:
        """Whether this rule applies to ``body`` (and still has uses left)."""
        if self.times is not None and self.used >= self.times:
            return False
        if self.match is None:
            return True
        if callable(self.match):
            return bool(self.match(body))
        return re.search(self.match, last_user_message(body), re.DOTALL) is not None


@dataclass
class RecordedRequest:
    """What the server received."""

    path: str
    headers: dict[str, str]
    body: Body
    status: int = 0
    at: float = field(default_factory=time.monotonic)


def last_user_message(body: Body) -> str:
    """Text of the last user message (or the ``prompt`` of a completions request)."""
    if "prompt" in body:
        return str(body["prompt"])
    for message in reversed(body.get("messages", [])):
        if message.get("role") == "user":
            content = message.get("content", "")
            if isinstance(content, list):  # content parts
                return "".join(p.get("text", "") for p in content if isinstance(p, dict))
            return str(content)
    return ""


def all_messages_text(body: Body) -> str:
    """All message contents joined, for rules that look at the system prompt too."""
    parts = [str(m.get("content", "")) for m in body.get("messages", [])]
    return "\n".join(parts) or str(body.get("prompt", ""))


class OpenAIServer:
    """Threaded OpenAI-compatible server; start/stop it with ``with`` or ``start()``/``stop()``."""

    def __init__(self, *, model: str = "stub-model", default_reply: Reply | None = None) -> None:
        self.model = model
        self.reported_model: str | None = None
        """When set, every reply claims this model whatever was asked (a swapped deployment)."""
        self.default_reply = default_reply
        self.rules: list[Rule] = []
        self.recorded: dict[str, str] = {}
        self.recorded_patterns: list[tuple[re.Pattern[str], str]] = []
        self.requests: list[RecordedRequest] = []
        self._faults: list[tuple[int, float]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ---------------------------------------------------------------------------
    def add_rule(
        self,
        match: str | Callable[[Body], bool] | None = None,
        *,
        reply: Reply = "",
        status: int = 200,
        delay: float = 0.0,
        times: int | None = None,
    ) -> Rule:
        """Append a rule (rules are tried in the order added)."""
        rule = Rule(match=match, reply=reply, status=status, delay=delay, times=times)
        with self._lock:
            self.rules.append(rule)
        return rule

    def load_jsonl(self, path: Path) -> int:
        """Load recorded answers; returns how many were read."""
        n = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if "prompt" in item:
                self.recorded[str(item["prompt"])] = str(item["response"])
            else:
                self.recorded_patterns.append((re.compile(item["match"]), str(item["response"])))
            n += 1
        return n

    def fail_next(self, status: int = 500, count: int = 1) -> None:
        """The next ``count`` requests get HTTP ``status`` (429, 500, 503 …) whatever they ask."""
        with self._lock:
            self._faults.extend([(status, 0.0)] * count)

    def delay_next(self, seconds: float, count: int = 1) -> None:
        """The next ``count`` requests are answered only after ``seconds``."""
        with self._lock:
            self._faults.extend([(0, seconds)] * count)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``, what the ``openai`` client takes as ``base_url``."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> OpenAIServer:
        """Bind a free port and serve in a daemon thread."""
        handler = _make_handler(self)
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; pending delays are cut short."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling --------------------------------------------------------------------
    def _plan(self, body: Body) -> tuple[int, float, str]:
        """(status, delay, reply text) for one request."""
        with self._lock:
            if self._faults:
                status, delay = self._faults.pop(0)
                if status:
                    return status, delay, ""
                return 200, delay, self._reply_text(body)
            for rule in self.rules:
                if rule.matches(body):
                    rule.used += 1
                    text = rule.reply(body) if callable(rule.reply) else rule.reply
                    return rule.status, rule.delay, text
        return 200, 0.0, self._reply_text(body)

    def _reply_text(self, body: Body) -> str:
        prompt = last_user_message(body)
        if prompt in self.recorded:
            return self.recorded[prompt]
        for pattern, response in self.recorded_patterns:
            if pattern.search(prompt):
                return response
        if self.default_reply is not None:
            return self.default_reply(body) if callable(self.default_reply) else self.default_reply
        return ""

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out closes its socket; writing the late reply then fails. That is
        # the scenario under test, not a server bug, so stay silent.
        pass


def _completion(server: OpenAIServer, body: Body, text: str, chat: bool) -> Body:
    created = int(time.time())
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    if chat:
        return {
            "id": f"chatcmpl-{len(server.requests)}",
            "object": "chat.completion",
            "created": created,
            "model": server.reported_model or body.get("model", server.model),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": usage,
        }
    return {
        "id": f"cmpl-{len(server.requests)}",
        "object": "text_completion",
        "created": created,
        "model": body.get("model", server.model),
        "choices": [{"index": 0, "text": text, "finish_reason": "stop", "logprobs": None}],
        "usage": usage,
    }


def _make_handler(server: OpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: Body, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                model = {"id": server.model, "object": "model", "created": 0, "owned_by": "test"}
                self._send(200, {"object": "list", "data": [model]})
            else:
                self._send(
                    404, {"error": {"message": "not found", "type": "invalid_request_error"}}
                )

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._send(
                    400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}}
                )
                return
            record = RecordedRequest(
                self.path, {k.lower(): v for k, v in self.headers.items()}, body
            )
            with server._lock:
                server.requests.append(record)
            chat = self.path.rstrip("/").endswith("/chat/completions")
            if not chat and not self.path.rstrip("/").endswith("/completions"):
                record.status = 404
                self._send(
                    404, {"error": {"message": "not found", "type": "invalid_request_error"}}
                )
                return
            status, delay, text = server._plan(body)
            if delay:
                server._wait(delay)
            record.status = status
            if status != 200:
                # retry-after-ms keeps the openai client's backoff short in tests.
                headers = {"retry-after-ms": "10"} if status == 429 else {}
                kind = "rate_limit_error" if status == 429 else "server_error"
                self._send(
                    status, {"error": {"message": f"scripted {status}", "type": kind}}, headers
                )
                return
            self._send(200, _completion(server, body, text, chat))

    return Handler
