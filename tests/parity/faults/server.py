"""A scripted OpenAI-compatible HTTP server for fault injection (and nothing else: vLLM behaviour is tested
against the real vLLM server).

Each request picks its script from the text of its last message: `fault:<name>` anywhere in it. Attempts
are counted per distinct text, so `fault:500_once` fails the first attempt of a request and answers the
retry. Every request is logged (`server.log`) with its arrival time and attempt number, and for streams
the exact bytes sent, so tests can assert waits, counts and byte-for-byte pass-through.

Scripts:
    ok (default)       a chat completion (or an SSE stream when the request asks for one)
    500 / 500_once     HTTP 500 always / on the first attempt only
    429_once           HTTP 429 with `Retry-After: 1` on the first attempt
    429_ms_once        HTTP 429 with `retry-after-ms: 300` on the first attempt
    400                HTTP 400 (not retried)
    slow               answers after 30 s (for timeouts)
    slow_once          the first attempt answers after 30 s, the retry at once
    reset / reset_once the connection is dropped without an answer
    malformed          HTTP 200 with a body that is not JSON
    html               HTTP 200 with an HTML page (a proxy's or login page), also for a streamed request
    shape              HTTP 200 with a JSON object that is not a chat completion
    nostream           a plain JSON chat completion even when the request asks for a stream
    stream_cut / stream_cut_once   an SSE stream that stops after two chunks (connection dropped)
    drip               an SSE stream of 5 chunks, 0.2 s apart (pass-through timing)
    linger             an SSE stream whose end (after `[DONE]`) comes 0.3 s late, as from a loaded server
    trickle            3 s long: an SSE stream spread over 3 s, or a plain answer after 3 s (long-lived exchanges)
    delay              answers after 0.3 s (runs long enough to be killed mid-way)
    canary             answers with an error that echoes the request's Authorization header
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_SCRIPT = re.compile(r"fault:([a-z0-9_]+)")


@dataclass
class Hit:
    path: str
    text: str
    script: str
    attempt: int
    at: float
    headers: dict[str, str]
    body: dict[str, Any] | None
    sent: bytes = b""  # the exact bytes of a streamed answer


@dataclass
class FaultServer:
    host: str = "127.0.0.1"
    port: int = 0
    log: list[Hit] = field(default_factory=list)
    script: str | None = None  # when set, every request follows this script whatever its text (a slow candidate)

    def __post_init__(self) -> None:
        self._attempts: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle --------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def __enter__(self) -> "FaultServer":
        started = threading.Event()
        self._loop = asyncio.new_event_loop()

        async def start() -> None:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handle)
            # handler_cancellation: a client that gives up (timeouts) ends its sleeping handler at once.
            self._runner = web.AppRunner(app, access_log=None, handle_signals=False, handler_cancellation=True, shutdown_timeout=0.5)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, self.port)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(start())
            started.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fault-server", daemon=True)
        self._thread.start()
        started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def hits(self, script: str | None = None) -> list[Hit]:
        return [h for h in self.log if script is None or h.script == script]

    # -- behaviour --------------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if request.method == "GET" and request.path.endswith("/models"):
            return web.json_response({"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        text = _last_text(body)
        match = _SCRIPT.search(text)
        script = self.script or (match.group(1) if match else "ok")
        attempt = self._attempts[text] = self._attempts.get(text, 0) + 1
        hit = Hit(request.path, text, script, attempt, time.monotonic(), dict(request.headers), body)
        self.log.append(hit)
        first = attempt == 1
        stream = bool(body and body.get("stream"))

        if script == "500" or (script == "500_once" and first):
            return web.json_response({"error": {"message": "scripted server error", "type": "server_error"}}, status=500)
        if script == "400":
            return web.json_response({"error": {"message": "scripted bad request", "type": "invalid_request_error"}}, status=400)
        if script == "429_once" and first:
            return web.json_response({"error": {"message": "slow down", "type": "rate_limit"}}, status=429, headers={"Retry-After": "1"})
        if script == "429_ms_once" and first:
            return web.json_response({"error": {"message": "slow down", "type": "rate_limit"}}, status=429, headers={"retry-after-ms": "300"})
        if script == "slow" or (script == "slow_once" and first):
            await asyncio.sleep(30)
        if script == "reset" or (script == "reset_once" and first):
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)  # never reaches the client
        if script == "malformed":
            return web.Response(status=200, body=b'{"id": "x", "choices": [ this is not json', content_type="application/json")
        if script == "html":
            page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1></body></html>"
            return web.Response(status=200, body=page, content_type="text/html")
        if script == "shape":
            return web.json_response({"status": "ok", "service": "gateway"})
        if script == "delay":
            await asyncio.sleep(0.3)
        if script == "trickle" and not stream:
            await asyncio.sleep(3.0)
        if script == "canary":
            key = request.headers.get("Authorization", "")
            return web.json_response({"error": {"message": f"Incorrect API key provided: {key}"}}, status=401)
        answer = f"echo: {text}"
        if not stream or script == "nostream":
            return web.json_response(_completion(body, answer), headers={"x-request-id": f"req-{len(self.log)}", "openai-processing-ms": "3"})
        response = web.StreamResponse(status=200, headers={"Content-Type": "text/event-stream", "x-request-id": f"req-{len(self.log)}"})
        await response.prepare(request)
        chunks = _chunks(body, answer)
        if script in ("stream_cut",) or (script == "stream_cut_once" and first):
            for chunk in chunks[:2]:
                await response.write(chunk)
                hit.sent += chunk
            await asyncio.sleep(0.05)
            assert request.transport is not None
            request.transport.abort()
            return response
        for chunk in chunks:
            await response.write(chunk)
            hit.sent += chunk
            if script == "drip":
                await asyncio.sleep(0.2)
            elif script == "trickle":
                await asyncio.sleep(3.0 / len(chunks))
        if script == "linger":
            await asyncio.sleep(0.3)
        await response.write_eof()
        return response


def _last_text(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    messages = body.get("messages")
    if isinstance(messages, list) and messages:
        content = messages[-1].get("content") if isinstance(messages[-1], dict) else None
        if isinstance(content, list):
            return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
        return str(content or "")
    return str(body.get("prompt") or body.get("input") or "")


def _completion(body: Any, answer: str) -> dict[str, Any]:
    model = body.get("model") if isinstance(body, dict) else None
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1767225600,
        "model": model or "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": 5, "completion_tokens": len(answer.split()), "total_tokens": 5 + len(answer.split())},
    }


def _chunks(body: Any, answer: str) -> list[bytes]:
    model = body.get("model") if isinstance(body, dict) else None
    words = answer.split(" ")
    pieces = [{"role": "assistant", "content": ""}] + [{"content": (" " if i else "") + w} for i, w in enumerate(words)]
    out = []
    for i, delta in enumerate(pieces):
        chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1767225600, "model": model or "fake-model",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": None, "logprobs": None}]}
        out.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    final = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1767225600, "model": model or "fake-model",
             "choices": [{"index": 0, "delta": {}, "finish_reason": "stop", "logprobs": None}]}
    out.append(b"data: " + json.dumps(final).encode() + b"\n\n")
    out.append(b"data: [DONE]\n\n")
    return out
