"""OpenAI response shapes the gateway writes itself: refusals, chunks, errors."""

from __future__ import annotations

import json
import time
from typing import Any

Body = dict[str, Any]


def completion(request_id: str, model: str, text: str, finish_reason: str) -> Body:
    """A ``chat.completion`` the gateway answers on its own (a refusal, a replaced answer)."""
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def chunk(
    chunk_id: str, model: str, delta: Body, finish_reason: str | None = None, created: int = 0
) -> Body:
    """One ``chat.completion.chunk`` with a single choice."""
    return {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": created or int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
    }


def sse(payload: Body) -> bytes:
    """One server-sent event carrying ``payload`` as JSON."""
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n\n"


SSE_DONE = b"data: [DONE]\n\n"


def error(message: str, kind: str, code: str | None = None) -> Body:
    """The OpenAI error body ``{"error": {...}}`` the official client turns into an exception."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
