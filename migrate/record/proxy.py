"""The recording proxy: point an app's `OPENAI_BASE_URL` at it and every model call is recorded.

    migrate record proxy --upstream https://api.openai.com/v1 --out recs.jsonl --port 8089
    OPENAI_BASE_URL=http://127.0.0.1:8089/v1 python app.py

Every method and path is forwarded (models, files, ...); POST requests with a JSON body are recorded.
Responses go back to the app unchanged and unbuffered: status, headers and the exact bytes, chunk by chunk
as they arrive from upstream (server-sent events included), while a copy is assembled on the side. The
app's credentials are forwarded upstream and never written (see scrub.py).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit

from migrate.record.exchange import Exchange, RecordingWriter
from migrate.record.scrub import Scrubber

if TYPE_CHECKING:
    from migrate.shadow import Shadow

log = logging.getLogger(__name__)

# Hop-by-hop headers (RFC 9110 section 7.6.1) and those the server side recomputes.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"}
)
_NOT_FORWARDED_UP = _HOP_BY_HOP | {"host", "content-length"}
_NOT_FORWARDED_DOWN = _HOP_BY_HOP | {"content-length", "date", "server"}


def upstream_url(upstream: str, path_qs: str) -> str:
    """Join the upstream base URL and a request path without doubling the part they share.

    The app's base URL usually ends like the upstream's (`.../v1`), so `/v1/chat/completions` on the proxy
    goes to `https://api.openai.com/v1/chat/completions`, and to `https://gw.example/openai/v1/...` behind
    a gateway prefix; an app configured without `/v1` works too.
    """
    parts = urlsplit(upstream)
    path, _, query = (path_qs if path_qs.startswith("/") else "/" + path_qs).partition("?")
    base_segments = [s for s in parts.path.split("/") if s]
    path_segments = [s for s in path.split("/") if s]
    for k in range(min(len(base_segments), len(path_segments)), 0, -1):
        if base_segments[-k:] == path_segments[:k]:
            path_segments = path_segments[k:]
            break
    joined = "/" + "/".join(base_segments + path_segments)
    if path.endswith("/") and not joined.endswith("/"):
        joined += "/"
    return f"{parts.scheme}://{parts.netloc}{joined}" + (f"?{query}" if query else "")


# Upstream servers close idle keep-alive connections after a few seconds (uvicorn, and so vLLM: 5 s). A pooled
# connection kept longer than that can be closed under a request just sent on it; keep ours for less.
UPSTREAM_KEEPALIVE_S = 4.0
STOPPED_MESSAGE = "the proxy stopped before the response ended (drain timeout)"
APP_CLOSED_MESSAGE = "the app closed the connection before the response ended"


class _AppGone(Exception):
    """Writing to the app failed: it closed its connection (or reset it)."""


@dataclass
class ProxyStats:
    forwarded: int = 0
    recorded: int = 0
    upstream_errors: int = 0
    app_disconnects: int = 0  # the app closed its connection before the response ended
    stale_retries: int = 0  # requests re-sent once because a pooled upstream connection had been closed
    cut_at_stop: int = 0  # exchanges still running when the drain timeout ran out (recorded with an error)


class RecordingProxy:
    """An aiohttp server that forwards to `upstream` and records model calls to `out`.

    `stop()` (and `stop_thread()`) closes the listening socket, lets every exchange in flight finish (streams
    included) for up to `drain_timeout` seconds, writes every recording, then closes the file. With `shadow`
    (a `migrate.shadow.Shadow`) each recorded exchange is also sent to a candidate, off the app's path.
    """

    def __init__(
        self,
        upstream: str,
        out: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8089,
        tags: Iterable[str] = (),
        redact: Iterable[str] = (),
        redact_regex: Iterable[str] = (),
        timeout: float = 600.0,
        drain_timeout: float = 60.0,
        shadow: "Shadow | None" = None,
    ):
        if urlsplit(upstream).scheme not in ("http", "https"):
            raise ValueError(f"--upstream must be an http(s) URL such as https://api.openai.com/v1, got {upstream!r}")
        self.upstream = upstream
        self.host, self.port = host, port
        self.tags = tuple(tags)
        self.timeout = timeout
        self.drain_timeout = drain_timeout
        self.writer = RecordingWriter(out, scrubber=Scrubber(redact=tuple(redact), patterns=tuple(redact_regex)))
        self.shadow = shadow
        self.stats = ProxyStats()
        self._runner = None
        self._site = None
        self._session = None
        self._inflight: set[asyncio.Task] = set()
        self._stopping = False
        self._stopped = False
        self._hurry: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def in_flight(self) -> int:
        """Exchanges being forwarded right now."""
        return len(self._inflight)

    async def start(self) -> None:
        from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

        self._hurry = asyncio.Event()
        self._session = ClientSession(
            connector=TCPConnector(limit=0, keepalive_timeout=UPSTREAM_KEEPALIVE_S),
            timeout=ClientTimeout(total=None, sock_connect=30, sock_read=self.timeout),
            auto_decompress=False,
        )
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await self._site.start()
        except BaseException:
            await self._runner.cleanup()
            await self._session.close()
            raise
        if self.port == 0:  # an ephemeral port: read back the one the OS chose
            self.port = self._site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if self.shadow is not None:
            await self.shadow.astart()

    def hurry(self) -> None:
        """Cut the drain short (a second Ctrl-C): exchanges still running are recorded as cut."""
        if self._hurry is not None:
            self._hurry.set()

    async def stop(self, drain_timeout: float | None = None) -> None:
        """Stop accepting connections, drain the exchanges in flight, write every recording, close.

        Exchanges still running after `drain_timeout` seconds (default: the one given to the constructor), or
        after `hurry()`, are cancelled and recorded with an error saying so; none is lost.
        """
        if self._stopped:
            return
        self._stopped = self._stopping = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.drain_timeout if drain_timeout is None else drain_timeout)
        if self._site is not None:
            await self._site.stop()  # no new connections; those open may still finish their request
        hurry = asyncio.ensure_future(self._hurry.wait()) if self._hurry is not None else None
        try:
            while self._inflight and (remaining := deadline - loop.time()) > 0 and not (hurry and hurry.done()):
                waiting = set(self._inflight) | ({hurry} if hurry else set())
                await asyncio.wait(waiting, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if hurry is not None:
                hurry.cancel()
        cut = list(self._inflight)
        for task in cut:
            task.cancel()
        if cut:
            await asyncio.wait(cut, timeout=5)
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()
        if self.shadow is not None:
            await self.shadow.aclose()
        self.writer.close()

    async def _handle(self, request):
        from aiohttp import web

        task = asyncio.current_task()
        self._inflight.add(task)
        try:
            return await self._forward(request, web)
        finally:
            self._inflight.discard(task)

    async def _forward(self, request, web):
        import aiohttp

        body = await request.read()
        exchange = Exchange(request.method, request.path, body, content_type=request.headers.get("content-type"), tags=self.tags)
        probe = Scrubber()
        probe.add_secrets_from_headers(request.headers.items())
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED_UP]
        url = upstream_url(self.upstream, request.path_qs)
        self.stats.forwarded += 1
        response: web.StreamResponse | None = None
        error: str | None = None

        async def send(data: bytes | None) -> None:
            try:
                await (response.write(data) if data is not None else response.write_eof())
            except ConnectionError as e:  # aiohttp's ClientConnectionResetError: "Cannot write to closing transport"
                raise _AppGone(str(e)) from None

        try:
            upstream = await self._open_upstream(request.method, url, headers, body)
            try:
                exchange.response_started(upstream.status, upstream.headers.items())
                response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
                for name, value in upstream.headers.items():
                    if name.lower() not in _NOT_FORWARDED_DOWN:
                        response.headers.add(name, value)
                if upstream.headers.get("content-length") is not None and "text/event-stream" not in upstream.headers.get("content-type", ""):
                    response.content_length = int(upstream.headers["content-length"])
                if self._stopping:
                    response.force_close()  # the app should open its next connection elsewhere
                try:
                    await response.prepare(request)
                except ConnectionError as e:
                    raise _AppGone(str(e)) from None
                async for chunk in upstream.content.iter_any():
                    exchange.feed(chunk)
                    await send(chunk)
                await send(None)
            finally:
                upstream.release()  # back to the pool when read to the end, else closed
        except _AppGone:
            # The OpenAI SDK stops reading at `data: [DONE]` and closes the connection, often before the
            # chunked body's last bytes are written: a complete answer, not an error.
            if not exchange.looks_complete():
                self.stats.app_disconnects += 1
                error = APP_CLOSED_MESSAGE
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
            self.stats.upstream_errors += 1
            error = f"upstream {url}: {type(e).__name__}: {e}"
            if response is None:  # nothing sent yet: answer like an API error so the SDK can retry
                response = web.json_response(
                    {"error": {"message": f"migrate record proxy could not reach upstream: {type(e).__name__}: {e}", "type": "proxy_error"}},
                    status=502,
                )
        except asyncio.CancelledError:
            self.stats.cut_at_stop += self._stopping
            error = STOPPED_MESSAGE if self._stopping else APP_CLOSED_MESSAGE
            raise
        finally:
            self._record(exchange, error, sorted(probe.secrets))
        return response

    async def _open_upstream(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes):
        import aiohttp

        try:
            return await self._session.request(method, url, headers=headers, data=body or None, allow_redirects=False)
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
            # Nothing came back: most likely a pooled connection the upstream had just closed. Sent once more on a
            # fresh connection; a second failure is the upstream's answer.
            self.stats.stale_retries += 1
            return await self._session.request(method, url, headers=headers, data=body or None, allow_redirects=False)

    def _record(self, exchange: Exchange, error: str | None, secrets: list[str]) -> None:
        recording = exchange.finish(error)
        if recording is None:
            return
        try:
            scrubbed = self.writer.write(recording, secrets=secrets)
            self.stats.recorded += 1
        except Exception:  # recording must never break the app's traffic
            log.exception("could not write a recording")
            return
        if self.shadow is not None:
            self.shadow.submit(recording, scrubbed, self.writer.scrubber_for(secrets))

    def start_in_thread(self) -> "RecordingProxy":
        """Run on a background event loop (tests, notebooks); `stop_thread()` drains and ends it."""
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as e:  # surfaced to the caller below
                failure.append(e)
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="migrate-record-proxy", daemon=True)
        self._loop = loop
        self._thread.start()
        started.wait()
        if failure:
            raise failure[0]
        return self

    def stop_thread(self, drain_timeout: float | None = None) -> None:
        """Drain and stop a proxy started with `start_in_thread()`; returns once every recording is written."""
        assert self._loop is not None and self._thread is not None, "start_in_thread() first"
        try:
            asyncio.run_coroutine_threadsafe(self.stop(drain_timeout), self._loop).result()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()


async def serve(proxy: RecordingProxy, *, on_started=None, on_stopping=None) -> None:
    """Run until SIGINT or SIGTERM, then drain (a second signal cuts the drain short) and stop.

    `on_started()` runs once listening; `on_stopping(in_flight, hurried)` on each signal.
    """
    import signal

    await proxy.start()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal() -> None:
        hurried = stop.is_set()
        if hurried:
            proxy.hurry()
        stop.set()
        if on_stopping is not None:
            on_stopping(proxy.in_flight, hurried)

    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, on_signal)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
            pass
    try:
        if on_started is not None:
            on_started()
        await stop.wait()
    finally:
        try:
            await proxy.stop()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)
