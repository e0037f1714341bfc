"""A fast fake OpenAI upstream for load tests: raw asyncio, HTTP/1.1 keep-alive, canned answers.

Usage: ``python bench/fast_upstream.py PORT [ANSWER_CHARS] [CHUNK_CHARS]``. Prints ``ready``
once listening. Every ``POST …/chat/completions`` gets the same benign answer of
ANSWER_CHARS (default 500) characters; with ``"stream": true`` it is sent as SSE events of
CHUNK_CHARS (default 10) characters in chunked transfer encoding. ``GET …/models`` lists one
model. Responses are built once, so a request costs a header parse and one socket write: the
load test must measure the gateway, not this server (``gateway_load.py`` reports its CPU per
request).
"""

from __future__ import annotations

import asyncio
import json
import sys

_BASE = (
    "长城是中国古代的军事防御工程，始建于春秋战国时期，秦朝统一后把各国城墙连接起来，"
    "明朝又大规模重修，留下了今天看到的砖石城墙、关隘和烽火台。它东起山海关，西到嘉峪关，"
    "沿途经过山地、草原和沙漠，是世界上最长的古代建筑之一。"
)


def answer_text(chars: int) -> str:
    """A benign Chinese answer of exactly ``chars`` characters."""
    return (_BASE * (chars // len(_BASE) + 1))[:chars]


def _completion(text: str) -> bytes:
    body = {
        "id": "chatcmpl-fast",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "fast-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": len(text), "total_tokens": 10},
    }
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(payload)).encode()
        + b"\r\n\r\n"
    )
    return head + payload


def _event(delta: dict[str, str], finish: str | None) -> bytes:
    chunk = {
        "id": "chatcmpl-fast",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "fast-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    data = b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _stream(text: str, size: int) -> bytes:
    events = [_event({"role": "assistant", "content": ""}, None)]
    events += [_event({"content": text[i : i + size]}, None) for i in range(0, len(text), size)]
    done = b"data: [DONE]\n\n"
    events += [_event({}, "stop"), f"{len(done):x}\r\n".encode() + done + b"\r\n", b"0\r\n\r\n"]
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    return head + b"".join(events)


_MODELS = json.dumps({"object": "list", "data": [{"id": "fast-model", "object": "model"}]})
_MODELS_REPLY = (
    f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(_MODELS)}\r\n\r\n"
).encode() + _MODELS.encode()
_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


class _Protocol(asyncio.Protocol):
    """One connection: parse requests off the buffer, answer each with prebuilt bytes."""

    def __init__(self, plain: bytes, streamed: bytes) -> None:
        self.plain = plain
        self.streamed = streamed
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self._one():
            pass

    def _one(self) -> bool:
        end = self.buf.find(b"\r\n\r\n")
        if end < 0 or self.transport is None:
            return False
        head = self.buf[:end].decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if len(self.buf) < end + 4 + length:
            return False
        body, self.buf = self.buf[end + 4 : end + 4 + length], self.buf[end + 4 + length :]
        method, path = head.split(" ", 2)[:2]
        if method == "POST" and path.rstrip("/").endswith("/chat/completions"):
            stream = json.loads(body or b"{}").get("stream") is True
            self.transport.write(self.streamed if stream else self.plain)
        elif method == "GET" and path.rstrip("/").endswith("/models"):
            self.transport.write(_MODELS_REPLY)
        else:
            self.transport.write(_NOT_FOUND)
        return True


async def _serve(port: int, chars: int, size: int) -> None:
    text = answer_text(chars)
    plain, streamed = _completion(text), _stream(text, size)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: _Protocol(plain, streamed), "127.0.0.1", port, backlog=2048
    )
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    """Serve until killed."""
    port = int(sys.argv[1])
    chars = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    asyncio.run(_serve(port, chars, size))


if __name__ == "__main__":
    main()
