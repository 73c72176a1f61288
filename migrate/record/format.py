"""The recordings format: one JSON object per line, one line per exchange with OpenAI (or any baseline).

    {"format": "migrate.recording", "version": 1, "id": "...", "endpoint": "/v1/chat/completions",
     "request": {...}, "response": {...}, "status": 200, "stream": false,
     "latency_ms": 812.5, "ttft_ms": null, "timestamp": "2026-11-25T10:00:00Z", "tags": ["checkout"],
     "error": null, "headers": {"x-request-id": "req_..."}}

- `request` is the JSON body sent (secrets are never part of it: headers are not recorded).
- `response` is the JSON body received; for a stream, the chunks assembled into the equivalent
  non-streamed object (`stream: true` says it was streamed). None when there is no answer yet
  (imported prompts without answers: the baseline is produced live).
- `ttft_ms` is the time to the first content token of a stream.
- `headers` holds allow-listed response headers only; request headers are never recorded.
Documented in docs/formats/recordings.md. Readers accept any version 1 line and ignore unknown fields.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from migrate.jsonl import BadLine, iter_jsonl

FORMAT = "migrate.recording"
VERSION = 1


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Recording:
    endpoint: str  # the REST path: "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"
    request: dict[str, Any]
    response: dict[str, Any] | None = None
    status: int | None = None
    stream: bool = False
    latency_ms: float | None = None
    ttft_ms: float | None = None
    timestamp: str = field(default_factory=utc_now)
    tags: tuple[str, ...] = ()
    error: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Allow-listed response headers only (content-type, openai-processing-ms, x-request-id, ...): see scrub.py.
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def model(self) -> str | None:
        model = self.request.get("model")
        return model if isinstance(model, str) else None

    def to_dict(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: that deep-copies request and response, which cost the recording
        # proxy more CPU per request than forwarding it. The bodies are shared: serialise or copy before mutating.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["tags"] = list(self.tags)
        data["headers"] = dict(self.headers)
        return {"format": FORMAT, "version": VERSION, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "") -> "Recording":
        prefix = f"{where}: " if where else ""
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"{prefix}field 'format' is {data.get('format')!r}, expected {FORMAT!r}")
        if int(data.get("version", VERSION)) != VERSION:
            raise ValueError(f"{prefix}field 'version' is {data.get('version')!r}; this migrate-kit reads version {VERSION}")
        for name in ("endpoint", "request"):
            if name not in data:
                raise ValueError(f"{prefix}missing required field {name!r}")
        if not isinstance(data["request"], dict):
            raise ValueError(f"{prefix}field 'request' must be a JSON object")
        tags = data.get("tags") or ()
        if isinstance(tags, dict):  # tolerate {"k": "v"} tags from other tools
            tags = [f"{k}:{v}" for k, v in tags.items()]
        return cls(
            endpoint=str(data["endpoint"]),
            request=data["request"],
            response=data.get("response"),
            status=data.get("status"),
            stream=bool(data.get("stream", data["request"].get("stream", False))),
            latency_ms=data.get("latency_ms"),
            ttft_ms=data.get("ttft_ms"),
            timestamp=data.get("timestamp") or utc_now(),
            tags=tuple(str(t) for t in tags),
            error=data.get("error"),
            id=str(data.get("id") or uuid.uuid4().hex),
            headers=dict(data.get("headers") or {}),
        )


def read_recordings(path: str | Path, *, bad: list[BadLine]) -> Iterator[tuple[int, Recording]]:
    """Stream (line number, Recording) from a recordings file; bad lines go to `bad` with their number."""
    for number, obj in iter_jsonl(path, bad=bad):
        recording = recording_from(path, number, obj)
        if isinstance(recording, BadLine):
            bad.append(recording)
        else:
            yield number, recording


def recording_from(path: str | Path, number: int, obj: dict[str, Any]) -> "Recording | BadLine":
    """The Recording on line `number`, or the BadLine saying why it is not one (as `read_recordings` reports it)."""
    try:
        return Recording.from_dict(obj, where=f"{path}:{number}")
    except (ValueError, TypeError) as e:
        return BadLine(str(path), number, str(e).split(": ", 1)[-1] if str(e).startswith(str(path)) else str(e))
