"""One HTTP exchange on its way to a recording, shared by the SDK hook and the recording proxy.

The hook and the proxy see the same things (a request body, a status, response headers, response bytes
as they arrive); `Exchange` turns them into a `Recording`, and `RecordingWriter` scrubs it and appends it
to the recordings file. Response bytes are decoded (gzip / deflate / br) before parsing, since both
callers see the bytes as they travel on the wire.
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from migrate.catalog.endpoints import rest_resources
from migrate.jsonl import JsonlAppender
from migrate.record.format import Recording, utc_now
from migrate.record.scrub import Scrubber, allowed_headers
from migrate.record.sse import StreamAssembler


def endpoint_of(url: str) -> str:
    """The endpoint recorded for a request URL or path: `/v1/chat/completions`; the query is dropped."""
    path = urlsplit(url).path or "/"
    segments = [s for s in path.split("/") if s]
    # First path segments of OpenAI's REST resources (derived from the SDK: migrate/catalog/endpoints.py): a URL
    # is recorded from there on, whatever the base URL in front (an Azure deployment path, a gateway prefix).
    resources = rest_resources()
    for i, segment in enumerate(segments):
        if segment in resources:
            return "/v1/" + "/".join(segments[i:])
    return "/" + "/".join(segments)


def is_recordable(method: str, content_type: str | None) -> bool:
    """Model calls only: POST with a JSON body (chat, completions, embeddings, responses, ...)."""
    return method.upper() == "POST" and (content_type or "application/json").split(";")[0].strip().endswith("json")


class _Decoder:
    """Incremental Content-Encoding decoder; unknown encodings pass bytes through and are flagged."""

    def __init__(self, encoding: str | None):
        self.encoding = (encoding or "identity").strip().lower()
        self.problem: str | None = None
        self._z = None
        self._br = None
        if self.encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        elif self.encoding == "deflate":
            self._z = zlib.decompressobj()
        elif self.encoding == "br":
            try:
                import brotli  # type: ignore[import-not-found]

                self._br = brotli.Decompressor()
            except ImportError:
                self.problem = "response is brotli-encoded and the brotli package is not installed"
        elif self.encoding not in ("identity", ""):
            self.problem = f"response Content-Encoding {self.encoding!r} is not supported"

    def __call__(self, chunk: bytes) -> bytes:
        try:
            if self._z is not None:
                return self._z.decompress(chunk)
            if self._br is not None:
                return self._br.process(chunk)
        except Exception as e:  # a corrupt body must not break the app's traffic
            self.problem = f"could not decode {self.encoding} body: {e}"
            self._z = self._br = None
            return b""
        return chunk if self.problem is None else b""


class Exchange:
    """Collects one request/response pair; `finish()` returns the Recording (or None if not recordable)."""

    def __init__(self, method: str, url: str, body: bytes, *, content_type: str | None = None, tags: Iterable[str] = ()):
        self.started = time.perf_counter()
        self.timestamp = utc_now()
        self.endpoint = endpoint_of(url)
        self.tags = tuple(tags)
        self.request: dict[str, Any] | None = None
        if is_recordable(method, content_type):
            try:
                parsed = json.loads(body) if body else None
                self.request = parsed if isinstance(parsed, dict) else None
            except ValueError:
                self.request = None
        self.stream = bool(self.request and self.request.get("stream"))
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._decode: _Decoder | None = None
        self._sse: StreamAssembler | None = None
        self.ttft_ms: float | None = None

    @property
    def recordable(self) -> bool:
        return self.request is not None

    def response_started(self, status: int, headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> None:
        items = list(headers.items() if isinstance(headers, Mapping) else headers)
        self.status = status
        self.headers = allowed_headers(items)
        encoding = next((v for k, v in items if k.lower() == "content-encoding"), None)
        content_type = self.headers.get("content-type", "")
        self._decode = _Decoder(encoding)
        if "text/event-stream" in content_type:
            self.stream = True
            self._sse = StreamAssembler()

    def feed(self, chunk: bytes) -> None:
        if not chunk or self.request is None:
            return
        data = self._decode(chunk) if self._decode else chunk
        if self._sse is not None:
            if self._sse.feed(data) and self.ttft_ms is None:
                self.ttft_ms = (time.perf_counter() - self.started) * 1000
        else:
            self._body.append(data)

    def looks_complete(self) -> bool:
        """Whether the response received so far is whole (a client may stop reading after `[DONE]`)."""
        if self._sse is not None:
            return self._sse.complete
        try:
            json.loads(b"".join(self._body))
            return True
        except ValueError:
            return False

    def finish(self, error: str | None = None) -> Recording | None:
        if self.request is None:
            return None
        latency_ms = (time.perf_counter() - self.started) * 1000
        response: dict[str, Any] | None = None
        problems = [error] if error else []
        if self._decode and self._decode.problem:
            problems.append(self._decode.problem)
        if self._sse is not None:
            self._sse.close()
            response = self._sse.result()
            if not self._sse.complete and not problems:
                problems.append("stream ended before it was complete")
            if self._sse.error and not problems:
                problems.append(f"error in stream: {self._sse.error.get('message', self._sse.error)}")
        elif self._body:
            raw = b"".join(self._body)
            try:
                parsed = json.loads(raw)
                response = parsed if isinstance(parsed, dict) else {"value": parsed}
            except ValueError:
                problems.append(f"response body is not JSON: {raw[:200].decode('utf-8', 'replace')!r}")
        return Recording(
            endpoint=self.endpoint,
            request=self.request,
            response=response,
            status=self.status,
            stream=self.stream,
            latency_ms=round(latency_ms, 3),
            ttft_ms=round(self.ttft_ms, 3) if self.ttft_ms is not None else None,
            timestamp=self.timestamp,
            tags=self.tags,
            error="; ".join(problems) or None,
            headers=self.headers,
        )


_SCRUBBED_FIELDS = ("endpoint", "request", "response", "error", "tags", "headers")


class RecordingWriter:
    """Scrub recordings and append them to a JSONL file; safe to share between threads and tasks."""

    def __init__(self, path: str | Path, *, scrubber: Scrubber | None = None, fsync: bool = False):
        self.path = Path(path)
        self.scrubber = scrubber or Scrubber()
        self._appender = JsonlAppender(self.path, fsync=fsync)
        self._lock = threading.Lock()
        self.count = 0

    def scrubber_for(self, secrets: Iterable[str] = ()) -> Scrubber:
        """The scrubber for one exchange: the file's rules plus that exchange's credentials."""
        if not secrets:
            return self.scrubber
        base = self.scrubber
        scrubber = Scrubber(redact=base.redact, patterns=base.patterns, secrets=set(base.secrets))
        for secret in secrets:  # per-exchange credentials (a proxy sees many clients' keys)
            scrubber.add_secret(secret)
        return scrubber

    def write(self, recording: Recording, *, secrets: Iterable[str] = ()) -> dict[str, Any]:
        """Scrub `recording`, append it, and return the line written (as a dict)."""
        scrubber = self.scrubber_for(secrets)
        data = recording.to_dict()
        for name in _SCRUBBED_FIELDS:  # ids, timestamps and numbers are ours, never personal data
            data[name] = scrubber.scrub(data[name])
        with self._lock:
            self._appender.write(data)
            self.count += 1
        return data

    def close(self) -> None:
        with self._lock:
            self._appender.close()

    def __enter__(self) -> "RecordingWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
