"""Record from inside a Python app: wrap the OpenAI SDK's HTTP transport.

    from openai import OpenAI
    import migrate.record

    client = migrate.record.instrument(OpenAI(), "recs.jsonl", tags=["checkout"])
    # or, when you build the client yourself:
    client = OpenAI(http_client=migrate.record.recording_http_client("recs.jsonl"))
    aclient = AsyncOpenAI(http_client=migrate.record.recording_http_client("recs.jsonl", asynchronous=True))

The wrapper sits below the SDK, so the app sees exactly what it saw before: the same status, headers and
bytes, streams included (chunks are handed on as they arrive and copied on the side). Retries made by the
SDK are recorded as the separate exchanges they are. Works with the SDK's httpx2 clients (openai >= 3) and
with legacy httpx clients alike: the transport classes are taken from the module the client comes from.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable

from migrate.record.exchange import Exchange, RecordingWriter
from migrate.record.scrub import Scrubber
from migrate.shadow import Shadow

_ATTR = "_migrate_recording"  # set on instrumented httpx clients: (sink, original transports)


class _Sink:
    """Where a finished exchange goes: the recordings file, then (optionally) the shadow."""

    def __init__(self, writer: RecordingWriter, shadow: Shadow | None = None):
        self.writer, self.shadow = writer, shadow

    def record(self, exchange: Exchange, error: str | None, secrets: list[str]) -> None:
        recording = exchange.finish(error)
        if recording is None:
            return
        written = self.writer.write(recording, secrets=secrets)
        if self.shadow is not None:
            self.shadow.submit(recording, written, self.writer.scrubber_for(secrets))

    def close(self) -> None:
        try:
            if self.shadow is not None:
                self.shadow.close()
        finally:
            self.writer.close()


def _httpx_module(http_client: Any) -> ModuleType:
    for cls in type(http_client).__mro__:
        root = cls.__module__.split(".")[0]
        if root in ("httpx", "httpx2"):
            return sys.modules[root]
    raise TypeError(f"{type(http_client).__name__} is not an httpx or httpx2 client")


def _exchange(request: Any, tags: tuple[str, ...]) -> tuple[Exchange, list[str]]:
    try:
        body = request.content
    except Exception:  # a streamed upload (files): not a JSON model call, nothing to record
        body = b""
    exchange = Exchange(request.method, str(request.url), body, content_type=request.headers.get("content-type"), tags=tags)
    probe = Scrubber()
    probe.add_secrets_from_headers(request.headers.multi_items())
    return exchange, sorted(probe.secrets)


@lru_cache(maxsize=None)
def _classes(module: ModuleType) -> tuple[type, type, type, type]:
    """Transport and stream wrappers built on `module`'s own base classes (httpx checks them)."""

    class _Tee:
        def __init__(self, inner: Any, exchange: Exchange, sink: _Sink, secrets: list[str]):
            self._inner, self._exchange, self._sink, self._secrets = inner, exchange, sink, secrets
            self._done = False

        def _finish(self, error: str | None = None) -> None:
            if not self._done:
                self._done = True
                self._sink.record(self._exchange, error, self._secrets)

        def _closed_early(self) -> None:
            if not self._done:
                complete = self._exchange.looks_complete()
                self._finish(None if complete else "the app closed the response before it ended")

    class TeeStream(_Tee, module.SyncByteStream):
        def __iter__(self):
            try:
                for chunk in self._inner:
                    self._exchange.feed(chunk)
                    yield chunk
            except GeneratorExit:
                self._closed_early()
                raise
            except BaseException as e:
                self._finish(f"{type(e).__name__}: {e}")
                raise
            self._finish()

        def close(self) -> None:
            try:
                self._inner.close()
            finally:
                self._closed_early()

    class AsyncTeeStream(_Tee, module.AsyncByteStream):
        async def __aiter__(self):
            try:
                async for chunk in self._inner:
                    self._exchange.feed(chunk)
                    yield chunk
            except GeneratorExit:
                self._closed_early()
                raise
            except BaseException as e:
                self._finish(f"{type(e).__name__}: {e}")
                raise
            self._finish()

        async def aclose(self) -> None:
            try:
                await self._inner.aclose()
            finally:
                self._closed_early()

    def wrap(response: Any, request: Any, stream: Any) -> Any:
        return module.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=stream,
            extensions=response.extensions,
            request=request,
        )

    class RecordingTransport(module.BaseTransport):
        def __init__(self, inner: Any, sink: _Sink, tags: tuple[str, ...]):
            self.inner, self.sink, self.tags = inner, sink, tags

        def handle_request(self, request):
            exchange, secrets = _exchange(request, self.tags)
            if not exchange.recordable:
                return self.inner.handle_request(request)
            try:
                response = self.inner.handle_request(request)
            except Exception as e:
                self.sink.record(exchange, f"{type(e).__name__}: {e}", secrets)
                raise
            exchange.response_started(response.status_code, response.headers.multi_items())
            return wrap(response, request, TeeStream(response.stream, exchange, self.sink, secrets))

        def close(self) -> None:
            self.inner.close()

    class AsyncRecordingTransport(module.AsyncBaseTransport):
        def __init__(self, inner: Any, sink: _Sink, tags: tuple[str, ...]):
            self.inner, self.sink, self.tags = inner, sink, tags

        async def handle_async_request(self, request):
            exchange, secrets = _exchange(request, self.tags)
            if not exchange.recordable:
                return await self.inner.handle_async_request(request)
            try:
                response = await self.inner.handle_async_request(request)
            except Exception as e:
                self.sink.record(exchange, f"{type(e).__name__}: {e}", secrets)
                raise
            exchange.response_started(response.status_code, response.headers.multi_items())
            return wrap(response, request, AsyncTeeStream(response.stream, exchange, self.sink, secrets))

        async def aclose(self) -> None:
            await self.inner.aclose()

    return RecordingTransport, AsyncRecordingTransport, TeeStream, AsyncTeeStream


def _instrument_http_client(http_client: Any, sink: _Sink, tags: tuple[str, ...]) -> None:
    if getattr(http_client, _ATTR, None) is not None:
        raise ValueError("this client is already recording; call migrate.record.uninstrument(client) first")
    module = _httpx_module(http_client)
    sync_cls, async_cls, _, _ = _classes(module)
    cls = async_cls if isinstance(http_client, module.AsyncClient) else sync_cls
    original = (http_client._transport, dict(http_client._mounts))
    if sink.shadow is not None:
        sink.shadow.start()
    http_client._transport = cls(http_client._transport, sink, tags)
    http_client._mounts = {pattern: (cls(t, sink, tags) if t is not None else None) for pattern, t in http_client._mounts.items()}
    setattr(http_client, _ATTR, (sink, original))


def _make_sink(path: str | Path, redact: Iterable[str], redact_regex: Iterable[str], shadow: Shadow | None) -> _Sink:
    return _Sink(RecordingWriter(path, scrubber=Scrubber(redact=tuple(redact), patterns=tuple(redact_regex))), shadow)


def instrument(
    client: Any,
    path: str | Path,
    *,
    tags: Iterable[str] = (),
    redact: Iterable[str] = (),
    redact_regex: Iterable[str] = (),
    shadow: Shadow | None = None,
) -> Any:
    """Record every JSON model call `client` makes to `path` (appending); returns the same client.

    `client` is an `OpenAI` / `AsyncOpenAI` (or Azure) client, or an httpx / httpx2 client. `redact` takes
    "email" and "phone"; `redact_regex` takes your own patterns. Secrets are always scrubbed. With `shadow`
    (a `migrate.record.Shadow`), each recorded call is also sent to a candidate, off the app's path, and both
    answers are written to the shadow's run file; `uninstrument` waits for the shadow and closes it.
    """
    http_client = getattr(client, "_client", client)
    _instrument_http_client(http_client, _make_sink(path, redact, redact_regex, shadow), tuple(tags))
    return client


def uninstrument(client: Any) -> None:
    """Stop recording: restore the original transports and close the recordings file."""
    http_client = getattr(client, "_client", client)
    state = getattr(http_client, _ATTR, None)
    if state is None:
        return
    sink, (transport, mounts) = state
    http_client._transport, http_client._mounts = transport, mounts
    setattr(http_client, _ATTR, None)
    sink.close()


def recording_http_client(
    path: str | Path,
    *,
    asynchronous: bool = False,
    aiohttp: bool = False,
    tags: Iterable[str] = (),
    redact: Iterable[str] = (),
    redact_regex: Iterable[str] = (),
    shadow: Shadow | None = None,
    **client_kwargs: Any,
) -> Any:
    """An HTTP client for `OpenAI(http_client=...)` (or `AsyncOpenAI` with `asynchronous=True`) that records.

    It is the SDK's own default client (same timeouts and connection limits), its transport wrapped.
    `aiohttp=True` (async only) uses the SDK's aiohttp backend underneath.
    """
    import openai

    if aiohttp and not asynchronous:
        raise ValueError("aiohttp=True needs asynchronous=True (the aiohttp backend is async only)")
    if aiohttp:
        http_client = openai.DefaultAioHttpClient(**client_kwargs)
    elif asynchronous:
        http_client = openai.DefaultAsyncHttpxClient(**client_kwargs)
    else:
        http_client = openai.DefaultHttpxClient(**client_kwargs)
    _instrument_http_client(http_client, _make_sink(path, redact, redact_regex, shadow), tuple(tags))
    return http_client
