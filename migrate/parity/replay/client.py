"""Send one recorded request to an OpenAI-compatible endpoint and describe what came back as an Outcome.

Requests go through the OpenAI SDK (`AsyncOpenAI` on its aiohttp backend), posted to the recorded endpoint
as raw HTTP so that any endpoint replays (chat, completions, embeddings, responses) and no time is spent
building pydantic objects that would be dumped straight back to JSON.

Retries are our own loop (the SDK's are off) so that every attempt is counted and the wait honours the
server: `retry-after-ms`, then `Retry-After` in seconds or as an HTTP date, else exponential backoff with
jitter. Retried: timeouts, connection errors, streams cut before their end, 408, 409, 429 and 5xx.
Not retried: other 4xx and bodies that are not JSON (a retry would only repeat them), and a refused connection
to an endpoint that has not answered once since the caller was made: nothing listens there, and retrying every
request of a run against a closed port only delays the report that says so.

A failure is recorded as {"type", "message"} plus what `migrate.parity.causes` needs to name its cause:
"reason" (refused / reset / dns) for a connection, "content_type" and a "body" snippet for an answer that
is not the API's JSON, "server_type" (the error body's own type) for an HTTP error.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from migrate.doctor.causes import connection_reason
from migrate.parity.runfile import Outcome
from migrate.record.sse import StreamAssembler

RETRYABLE_STATUS = frozenset({408, 409, 429}) | frozenset(range(500, 600))
MAX_RETRY_AFTER_S = 120.0  # a longer server-directed wait is not worth holding a replay for: the attempt fails
BODY_SNIPPET = 300  # characters of a body that is not the API's JSON, kept in the run file
MESSAGE_CHARS = 1000
# The key a 2xx answer must carry, by endpoint suffix: anything else is not this endpoint's answer.
ANSWER_SHAPES = (("/chat/completions", "choices"), ("/completions", "choices"), ("/embeddings", "data"),
                 ("/responses", "output"))


@dataclass(frozen=True)
class Backoff:
    initial_s: float = 0.5
    max_s: float = 8.0

    def delay(self, attempt: int) -> float:
        """Wait before attempt `attempt + 1` (attempt counts from 1): exponential, 0-25 % jitter off."""
        return min(self.initial_s * 2 ** (attempt - 1), self.max_s) * (1 - 0.25 * random.random())


def retry_after_seconds(headers: Any) -> float | None:
    """The server-directed wait in seconds from `retry-after-ms` / `Retry-After`, or None."""
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return max(float(value) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(parsed.timestamp() - time.time(), 0.0)


class _Attempt(Exception):
    """One failed attempt: what to record, and whether to try again."""

    def __init__(self, kind: str, message: str, *, status: int | None = None, retry: bool, wait: float | None = None,
                 response: dict[str, Any] | None = None, ttft_ms: float | None = None, **facts: str | None):
        super().__init__(message)
        self.kind, self.message, self.status, self.retry, self.wait = kind, message, status, retry, wait
        self.response, self.ttft_ms = response, ttft_ms
        self.facts = {k: v for k, v in facts.items() if v}  # reason, content_type, body, server_type

    def error(self) -> dict[str, str]:
        return {"type": self.kind, "message": self.message[:MESSAGE_CHARS], **self.facts}


def relative_path(base_url: str, endpoint: str) -> str:
    """The endpoint as a path under base_url: `/v1/chat/completions` under `.../v1` is `/chat/completions`."""
    base = urlsplit(base_url).path.rstrip("/")
    if base.endswith("/v1") and (endpoint.startswith("/v1/") or endpoint == "/v1"):
        return endpoint[3:] or "/"
    return endpoint


def _root_cause(e: BaseException) -> BaseException:
    seen = {id(e)}
    while e.__cause__ is not None and id(e.__cause__) not in seen:
        e = e.__cause__
        seen.add(id(e))
    return e


def _is_timeout(e: BaseException) -> bool:
    return isinstance(e, TimeoutError) or "timeout" in type(e).__name__.lower()


def answer_shape_problem(path: str, data: dict[str, Any]) -> str | None:
    """Why a 2xx JSON object is not the endpoint's answer, or None when it has the endpoint's key."""
    for suffix, key in ANSWER_SHAPES:
        if path.rstrip("/").endswith(suffix):
            if isinstance(data.get(key), list) or (key == "output" and data.get("object") == "response"):
                return None
            keys = ", ".join(sorted(map(str, data))[:8]) or "none"
            return f"a 2xx answer without {key!r}, so not a {suffix.lstrip('/')} answer (keys: {keys})"
    return None


def _snippet(content: bytes) -> str:
    return content[:BODY_SNIPPET].decode("utf-8", "replace")


class Caller:
    """Posts requests to one endpoint with a timeout per attempt and counted, Retry-After-aware retries."""

    def __init__(self, base_url: str, api_key: str | None, *, timeout: float = 60.0, max_retries: int = 4,
                 backoff: Backoff = Backoff(), connections: int = 1000, aiohttp: bool = True):
        import httpx2
        import openai

        self.base_url = base_url
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        limits = httpx2.Limits(max_connections=connections, max_keepalive_connections=connections)
        http_client = openai.DefaultAioHttpClient(limits=limits) if aiohttp else openai.DefaultAsyncHttpxClient(limits=limits)
        self.client = openai.AsyncOpenAI(
            base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout, http_client=http_client
        )
        self._httpx2 = httpx2
        self._openai = openai
        self.answered = False  # the endpoint has answered (any HTTP status) at least once

    async def close(self) -> None:
        await self.client.close()

    async def call(self, endpoint: str, body: dict[str, Any]) -> Outcome:
        """Send `body` to `endpoint` (streamed when the body says so) until it succeeds or retries run out."""
        path = relative_path(self.base_url, endpoint)
        stream = bool(body.get("stream"))
        attempts = 0
        while True:
            attempts += 1
            started = time.perf_counter()
            try:
                async with asyncio.timeout(self.timeout):
                    if stream:
                        response, status, ttft = await self._stream(path, body, started)
                    else:
                        response, status, ttft = await self._plain(path, body)
                latency = (time.perf_counter() - started) * 1000
                self.answered = True
                return Outcome(response=response, status=status, latency_ms=round(latency, 3),
                               ttft_ms=round(ttft, 3) if ttft is not None else None, attempts=attempts)
            except _Attempt as failure:
                outcome = failure
            except Exception as e:  # noqa: BLE001 - everything that can go wrong becomes a recorded error
                outcome = self._classify(e)
            if outcome.status is not None:
                self.answered = True
            elif outcome.facts.get("reason") == "refused" and not self.answered:
                outcome.retry = False  # a closed port stays closed: record it once, do not back off on it
            if outcome.retry and attempts <= self.max_retries:
                wait = outcome.wait if outcome.wait is not None else self.backoff.delay(attempts)
                if wait <= MAX_RETRY_AFTER_S:
                    await asyncio.sleep(wait)
                    continue
            latency = (time.perf_counter() - started) * 1000
            return Outcome(
                response=outcome.response,
                status=outcome.status,
                latency_ms=round(latency, 3),
                ttft_ms=round(outcome.ttft_ms, 3) if outcome.ttft_ms is not None else None,
                error=outcome.error(),
                attempts=attempts,
            )

    def _json_answer(self, path: str, raw: Any, content: bytes) -> dict[str, Any]:
        """The body as the endpoint's JSON answer, or a not-retried `malformed` failure saying what it is."""
        content_type = raw.headers.get("content-type")
        try:
            data = json.loads(content)
        except ValueError:
            raise _Attempt("malformed", f"response body is not JSON: {_snippet(content)!r}", status=raw.status_code,
                           retry=False, content_type=content_type, body=_snippet(content)) from None
        if not isinstance(data, dict):
            raise _Attempt("malformed", f"response body is JSON {type(data).__name__}, not an object", status=raw.status_code,
                           retry=False, content_type=content_type, body=_snippet(content))
        problem = answer_shape_problem(path, data) if 200 <= raw.status_code < 300 else None
        if problem is not None:
            error = data.get("error")
            if isinstance(error, dict) and error.get("message"):  # a gateway that wraps an error in a 200
                problem += f"; its error: {error['message']}"
            raise _Attempt("malformed", problem, status=raw.status_code, retry=False, content_type=content_type,
                           body=_snippet(content))
        return data

    async def _plain(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], int, None]:
        raw = await self.client.post(path, cast_to=self._httpx2.Response, body=body)
        return self._json_answer(path, raw, raw.content), raw.status_code, None

    async def _stream(self, path: str, body: dict[str, Any], started: float) -> tuple[dict[str, Any], int, float | None]:
        raw = await self.client.post(path, cast_to=self._httpx2.Response, body=body, stream=True)
        content_type = (raw.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type and content_type != "text/event-stream":
            # Not a stream: a server that ignored `stream` (JSON), or a page that is not the API at all.
            try:
                content = await raw.aread()
            finally:
                await raw.aclose()
            return self._json_answer(path, raw, content), raw.status_code, None
        assembler = StreamAssembler()
        ttft: float | None = None
        try:
            async for chunk in raw.aiter_bytes():
                if assembler.feed(chunk) and ttft is None:
                    ttft = (time.perf_counter() - started) * 1000
        except Exception as e:
            assembler.close()
            raise _Attempt("stream_cut", f"stream broke after {assembler.events} events: {type(e).__name__}: {e}",
                           status=raw.status_code, retry=True, response=assembler.result(), ttft_ms=ttft,
                           reason=connection_reason(e)) from None
        finally:
            await raw.aclose()
        assembler.close()
        result = assembler.result()
        if assembler.error is not None:
            error = assembler.error
            raise _Attempt("stream_error", str(error.get("message") or error), status=raw.status_code, retry=False,
                           response=result, ttft_ms=ttft, server_type=str(error.get("type") or "") or None)
        if not assembler.complete:
            raise _Attempt("stream_cut", f"stream ended after {assembler.events} events without finishing",
                           status=raw.status_code, retry=True, response=result, ttft_ms=ttft)
        if result is None:
            raise _Attempt("malformed", "stream carried no events", status=raw.status_code, retry=False,
                           content_type=content_type or None)
        return result, raw.status_code, ttft

    def _classify(self, e: Exception) -> _Attempt:
        openai = self._openai
        if isinstance(e, openai.APIStatusError):
            status = e.status_code
            body = e.body.get("error", e.body) if isinstance(e.body, dict) else e.body
            message = str(body.get("message") or body) if isinstance(body, dict) else str(body or e.message)
            server_type = body.get("type") if isinstance(body, dict) else None
            content_type = e.response.headers.get("content-type")
            snippet = None if isinstance(e.body, dict) else _snippet(e.response.content)
            return _Attempt("http", f"HTTP {status}: {message}", status=status, retry=status in RETRYABLE_STATUS,
                            wait=retry_after_seconds(e.response.headers), content_type=content_type, body=snippet,
                            server_type=str(server_type) if server_type else None)
        if isinstance(e, TimeoutError):  # our own per-attempt deadline
            return _Attempt("timeout", f"no complete answer within {self.timeout:g} s", retry=True)
        if isinstance(e, openai.APIConnectionError):
            # The SDK's aiohttp backend reports a dropped connection as a connect *timeout*: look at the root.
            root = _root_cause(e)
            reason = connection_reason(e)
            if isinstance(e, openai.APITimeoutError) and reason != "refused" and (root is e.__cause__ or _is_timeout(root)):
                return _Attempt("timeout", f"timed out: {type(root).__name__}: {root}".rstrip(": "), retry=True)
            detail = f"{type(root).__name__}: {root}" if root is not e else e.message
            return _Attempt("connection", f"connection failed: {detail}", retry=True, reason=reason)
        return _Attempt("internal", f"{type(e).__name__}: {e}", retry=False)
