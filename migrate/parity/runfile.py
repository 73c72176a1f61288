"""The run file: what a replay produced, one JSON object per line, append-only.

The first line is a header; every other line is one finished request (a recording replayed once, for one
sample index). `compare` reads only this file, so scorers can change without calling a model again.

    {"type": "header", "format": "migrate.run", "version": 1, "recordings": "recs.jsonl",
     "candidate": {"base_url": "http://localhost:8000/v1", "model_map": {...}}, "baseline": null | {...},
     "samples": 1, "started_at": "...", "tool_version": "0.1.0"}
    {"type": "result", "key": "<recording id>#<sample>", "recording_id": "...", "sample": 0,
     "endpoint": "/v1/chat/completions", "tags": [...], "request": {... as sent to the candidate ...},
     "baseline": {"response": {...}, "status": 200, "latency_ms": 812.5, "ttft_ms": null, "error": null},
     "candidate": {"response": {...}, "status": 200, "latency_ms": 95.1, "ttft_ms": 12.0,
                   "error": null | {"type": "timeout", "message": "..."}, "attempts": 1},
     "finished_at": "...", "redacted": ["email"]}
    {"type": "replay", "recordings": "recs.jsonl", "recordings_read": 120, "requests": 120, "done": 120,
     "bad_line_count": 2, "bad_lines": [{"path": "recs.jsonl", "line": 7, "error": "..."}], "finished_at": "..."}

The `replay` line is appended when a replay call finishes (again by each `--resume`; the last one counts):
without it a run is unfinished, and `compare` cannot say which recordings lines were skipped.

`redacted` (absent when empty) names the kinds of redaction in the request sent that the recorded baseline
did not see: its answers come from different text, so compare sets its scores apart.

`key` is unique in a complete run: `--resume` skips keys already present, so an interrupted run ends with
every request done exactly once. Documented in docs/formats/run.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from migrate.jsonl import BadLine, iter_jsonl

FORMAT = "migrate.run"
VERSION = 1


@dataclass(frozen=True)
class Outcome:
    """One side's answer to one request."""

    response: dict[str, Any] | None = None
    status: int | None = None
    latency_ms: float | None = None
    ttft_ms: float | None = None
    error: dict[str, str] | None = None  # {"type": "timeout" | "http" | "connection" | "malformed" | ..., "message": "..."}
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error is None and self.response is not None and (self.status or 200) < 400

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Outcome | None":
        if data is None:
            return None
        return cls(**{k: data.get(k) for k in ("response", "status", "latency_ms", "ttft_ms", "error")}, attempts=data.get("attempts", 1))


@dataclass(frozen=True)
class RunHeader:
    recordings: str
    candidate: dict[str, Any]
    baseline: dict[str, Any] | None = None
    samples: int = 1
    started_at: str = ""
    tool_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "header", "format": FORMAT, "version": VERSION, **asdict(self)}


@dataclass(frozen=True)
class RunRecord:
    key: str
    recording_id: str
    sample: int
    endpoint: str
    request: dict[str, Any]
    baseline: Outcome | None
    candidate: Outcome
    tags: tuple[str, ...] = ()
    finished_at: str = ""
    redacted: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        if self.redacted:
            data["redacted"] = list(self.redacted)
        else:
            del data["redacted"]
        return {"type": "result", **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunRecord":
        return cls(
            key=data["key"],
            recording_id=data["recording_id"],
            sample=int(data.get("sample", 0)),
            endpoint=data["endpoint"],
            request=data.get("request") or {},
            baseline=Outcome.from_dict(data.get("baseline")),
            candidate=Outcome.from_dict(data["candidate"]),
            tags=tuple(data.get("tags") or ()),
            finished_at=data.get("finished_at", ""),
            redacted=tuple(str(k) for k in data.get("redacted") or ()),
        )


def record_key(recording_id: str, sample: int) -> str:
    return f"{recording_id}#{sample}"


def read_run(path: str | Path, *, bad: list[BadLine],
             replay: list[dict[str, Any]] | None = None) -> tuple[RunHeader | None, Iterator[RunRecord]]:
    """The header (None if absent) and a stream of results. Bad lines go to `bad` with their number; the
    `replay` lines a finished replay appends (what it read, skipped lines) go to `replay` when given."""
    header: RunHeader | None = None
    with open(path, "rb") as fh:
        first = fh.readline()
    import json

    try:
        obj = json.loads(first) if first.strip() else None
        if isinstance(obj, dict) and obj.get("type") == "header":
            fields = {k: obj.get(k) for k in ("recordings", "candidate", "baseline", "samples", "started_at", "tool_version")}
            fields["extra"] = obj.get("extra") or {}
            header = RunHeader(**{k: v for k, v in fields.items() if v is not None})
    except ValueError:
        pass

    def results() -> Iterator[RunRecord]:
        for number, obj in iter_jsonl(path, bad=bad):
            if obj.get("type") == "header":
                continue
            if obj.get("type") == "replay":
                if replay is not None:
                    replay.append(obj)
                continue
            try:
                yield RunRecord.from_dict(obj)
            except (KeyError, TypeError, ValueError) as e:
                bad.append(BadLine(str(path), number, f"not a run result ({e!r})"))

    return header, results()
