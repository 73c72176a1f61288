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
from typing import Iterable
from urllib.parse import urlsplit

from migrate.record.exchange import Exchange, RecordingWriter
from migrate.record.scrub import Scrubber

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


@dataclass
class ProxyStats:
    forwarded: int = 0
    recorded: int = 0
    upstream_errors: int = 0


class RecordingProxy:
    """An aiohttp server that forwards to `upstream` and records model calls to `out`."""

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
    ):
        if urlsplit(upstream).scheme not in ("http", "https"):
            raise ValueError(f"--upstream must be an http(s) URL such as https://api.openai.com/v1, got {upstream!r}")
        self.upstream = upstream
        self.host, self.port = host, port
        self.tags = tuple(tags)
        self.timeout = timeout
        self.writer = RecordingWriter(out, scrubber=Scrubber(redact=tuple(redact), patterns=tuple(redact_regex)))
        self.stats = ProxyStats()
        self._runner = None
        self._session = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

        self._session = ClientSession(
            connector=TCPConnector(limit=0),
            timeout=ClientTimeout(total=None, sock_connect=30, sock_read=self.timeout),
            auto_decompress=False,
        )
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an ephemeral port: read back the one the OS chose
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()
        self.writer.close()

    async def _handle(self, request):
        import aiohttp
        from aiohttp import web

        body = await request.read()
        exchange = Exchange(request.method, request.path, body, content_type=request.headers.get("content-type"), tags=self.tags)
        probe = Scrubber()
        probe.add_secrets_from_headers(request.headers.items())
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED_UP]
        url = upstream_url(self.upstream, request.path_qs)
        self.stats.forwarded += 1
        response: web.StreamResponse | None = None
        error: str | None = None
        try:
            async with self._session.request(
                request.method, url, headers=headers, data=body or None, allow_redirects=False
            ) as upstream:
                exchange.response_started(upstream.status, upstream.headers.items())
                response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
                for name, value in upstream.headers.items():
                    if name.lower() not in _NOT_FORWARDED_DOWN:
                        response.headers.add(name, value)
                if upstream.headers.get("content-length") is not None and "text/event-stream" not in upstream.headers.get("content-type", ""):
                    response.content_length = int(upstream.headers["content-length"])
                await response.prepare(request)
                async for chunk in upstream.content.iter_any():
                    exchange.feed(chunk)
                    await response.write(chunk)
                await response.write_eof()
        except (ConnectionResetError, aiohttp.ClientConnectionResetError) as e:
            error = f"connection reset while streaming: {e}"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
            self.stats.upstream_errors += 1
            error = f"upstream {url}: {type(e).__name__}: {e}"
            if response is None:  # nothing sent yet: answer like an API error so the SDK can retry
                response = web.json_response(
                    {"error": {"message": f"migrate record proxy could not reach upstream: {type(e).__name__}: {e}", "type": "proxy_error"}},
                    status=502,
                )
        finally:
            recording = exchange.finish(error)
            if recording is not None:
                try:
                    self.writer.write(recording, secrets=sorted(probe.secrets))
                    self.stats.recorded += 1
                except Exception:  # recording must never break the app's traffic
                    log.exception("could not write a recording")
        return response

    def start_in_thread(self) -> "RecordingProxy":
        """Run on a background event loop (tests, notebooks); `stop_thread()` ends it."""
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
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="migrate-record-proxy", daemon=True)
        self._loop = loop
        self._thread.start()
        started.wait()
        if failure:
            raise failure[0]
        return self

    def stop_thread(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


async def serve_forever(proxy: RecordingProxy) -> None:
    await proxy.start()
    try:
        await asyncio.Event().wait()
    finally:
        await proxy.stop()
