"""Recordings from files you already have.

- `import_batch`: an OpenAI Batch API job: its input file (`custom_id`, `method`, `url`, `body`) joined by
  `custom_id` with its output file (and error file) into one recording per request. The output is indexed
  by byte offset, not loaded, so both files may be far larger than memory.
- `import_prompts`: plain JSONL of requests without answers (chat bodies, `{"prompt": "..."}` lines, or
  Batch-style lines). With `baseline_url` the answers are produced live by that endpoint (OpenAI, or any
  OpenAI-compatible server) through the same engine as replay; without it, the recordings have no answer
  and `migrate parity run --baseline-url` can produce one later.

Bad lines are reported with their line number and skipped; the rest is imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from migrate.jsonl import BadLine, iter_jsonl
from migrate.record.exchange import RecordingWriter, endpoint_of
from migrate.record.format import Recording, utc_now
from migrate.record.scrub import Scrubber


@dataclass(frozen=True)
class ImportSummary:
    out: str
    imported: int
    with_response: int
    without_response: int
    bad_lines: list[BadLine] = field(default_factory=list)


def _writer(out: str | Path, redact: Iterable[str], redact_regex: Iterable[str], api_key: str | None = None) -> RecordingWriter:
    scrubber = Scrubber(redact=tuple(redact), patterns=tuple(redact_regex))
    scrubber.add_secret(api_key)
    return RecordingWriter(out, scrubber=scrubber)


def index_by_custom_id(path: str | Path, bad: list[BadLine]) -> dict[str, int]:
    """custom_id -> byte offset of its line; a cheap pass that keeps only ids and offsets in memory."""
    index: dict[str, int] = {}
    with open(path, "rb") as fh:
        offset = 0
        for number, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
                custom_id = obj["custom_id"]
            except (ValueError, KeyError, TypeError) as e:
                bad.append(BadLine(str(path), number, f"not a Batch API result line ({type(e).__name__}: {e})"))
                continue
            if custom_id in index:
                bad.append(BadLine(str(path), number, f"custom_id {custom_id!r} appears twice; the first line is used"))
                continue
            index[str(custom_id)] = start
    return index


def read_line_at(fh: Any, offset: int) -> dict[str, Any]:
    fh.seek(offset)
    return json.loads(fh.readline())


def _timestamp(created: Any) -> str:
    if isinstance(created, (int, float)) and created > 0:
        return datetime.fromtimestamp(created, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return utc_now()


def batch_result_outcome(result: dict[str, Any] | None) -> tuple[dict[str, Any] | None, int | None, str | None]:
    """(response body, status, error text) from one Batch API output / error line."""
    if result is None:
        return None, None, "no line for this custom_id in the batch output or error file"
    response = result.get("response") or {}
    status = response.get("status_code")
    body = response.get("body")
    error = result.get("error")
    error_text = None
    if error:
        error_text = f"{error.get('code', 'error')}: {error.get('message', '')}" if isinstance(error, dict) else str(error)
    elif isinstance(body, dict) and isinstance(body.get("error"), dict):
        error_text = str(body["error"].get("message") or body["error"])
    return (body if isinstance(body, dict) else None), status, error_text


def import_batch(
    input: str | Path,
    output: str | Path | None,
    out: str | Path,
    *,
    errors: str | Path | None = None,
    tags: Iterable[str] = (),
    redact: Iterable[str] = (),
    redact_regex: Iterable[str] = (),
) -> ImportSummary:
    """Join a Batch API input file with its output (and error) file into recordings; custom_id = recording id."""
    bad: list[BadLine] = []
    sources: list[tuple[Path, dict[str, int]]] = []
    for path in (output, errors):
        if path is not None:
            sources.append((Path(path), index_by_custom_id(path, bad)))
    handles = [open(path, "rb") for path, _ in sources]
    tags = tuple(tags)
    counts = {"imported": 0, "with": 0}
    try:
        with _writer(out, redact, redact_regex) as writer:
            for number, line in iter_jsonl(input, bad=bad):
                body, custom_id = line.get("body"), line.get("custom_id")
                if not isinstance(body, dict) or not custom_id or not line.get("url"):
                    bad.append(BadLine(str(input), number, "a Batch API input line needs custom_id, url and a JSON object body"))
                    continue
                result = None
                for (_, index), fh in zip(sources, handles):
                    if str(custom_id) in index:
                        result = read_line_at(fh, index[str(custom_id)])
                        break
                # Without an output file the requests are imported unanswered, which is no error.
                response, status, error = batch_result_outcome(result) if sources else (None, None, None)
                writer.write(
                    Recording(
                        endpoint=endpoint_of(line["url"]),
                        request=body,
                        response=response,
                        status=status,
                        stream=False,
                        timestamp=_timestamp((response or {}).get("created") or (response or {}).get("created_at")),
                        tags=tags,
                        error=error,
                        id=str(custom_id),
                    )
                )
                counts["imported"] += 1
                counts["with"] += response is not None
    finally:
        for fh in handles:
            fh.close()
    return ImportSummary(str(out), counts["imported"], counts["with"], counts["imported"] - counts["with"], bad)


_PROMPT_META = frozenset({"custom_id", "id", "tags", "url", "endpoint", "method"})


def prompt_requests(path: str | Path, *, model: str | None, bad: list[BadLine]) -> Iterator[tuple[int, str | None, str, dict[str, Any], tuple[str, ...]]]:
    """(line, id, endpoint, request, tags) for each usable line of a prompts file.

    A line is a chat request body (`{"model": ..., "messages": [...]}`), a bare prompt (`{"prompt": "..."}`
    becomes one user message), a legacy completions body (`{"prompt": ..., "endpoint": "/v1/completions"}`),
    or a Batch-style line (`{"custom_id": ..., "url": ..., "body": {...}}`). `id` / `custom_id` and `tags`
    next to the body are kept. `model` fills in requests that name none.
    """
    for number, line in iter_jsonl(path, bad=bad):
        body = line.get("body")
        if isinstance(body, dict):
            request = dict(body)
        else:
            request = {k: v for k, v in line.items() if k not in _PROMPT_META}
        rid = line.get("custom_id") or line.get("id")
        tags = line.get("tags") or ()
        endpoint = line.get("url") or line.get("endpoint")
        if endpoint is None:
            if "messages" in request:
                endpoint = "/v1/chat/completions"
            elif isinstance(request.get("prompt"), str):
                endpoint = "/v1/chat/completions"
                request["messages"] = [{"role": "user", "content": request.pop("prompt")}]
            elif "input" in request:
                endpoint = "/v1/responses"
            else:
                bad.append(BadLine(str(path), number, "no 'messages', 'prompt' or 'input' field: not a request"))
                continue
        if not request.get("model"):
            if model is None:
                bad.append(BadLine(str(path), number, "request names no model; pass --model to fill it in"))
                continue
            request["model"] = model
        if not isinstance(tags, (list, tuple)):
            tags = (str(tags),)
        yield number, (str(rid) if rid else None), endpoint_of(endpoint), request, tuple(str(t) for t in tags)


def import_prompts(
    prompts: str | Path,
    out: str | Path,
    *,
    model: str | None = None,
    baseline_url: str | None = None,
    api_key: str | None = None,
    concurrency: int = 8,
    timeout: float = 120.0,
    max_retries: int = 4,
    tags: Iterable[str] = (),
    redact: Iterable[str] = (),
    redact_regex: Iterable[str] = (),
    progress: Any = None,
) -> ImportSummary:
    """Turn a prompts file into recordings; with `baseline_url`, fetch each answer live first."""
    bad: list[BadLine] = []
    extra_tags = tuple(tags)
    recordings = (
        Recording(endpoint=endpoint, request=request, stream=bool(request.get("stream")), tags=(*extra_tags, *line_tags),
                  **({"id": rid} if rid else {}))
        for _, rid, endpoint, request, line_tags in prompt_requests(prompts, model=model, bad=bad)
    )
    counts = {"imported": 0, "with": 0}
    with _writer(out, redact, redact_regex, api_key) as writer:
        if baseline_url is None:
            for recording in recordings:
                writer.write(recording)
                counts["imported"] += 1
        else:
            from migrate.live import record_live

            for recording in record_live(
                recordings,
                base_url=baseline_url,
                api_key=api_key,
                concurrency=concurrency,
                timeout=timeout,
                max_retries=max_retries,
                progress=progress,
            ):
                writer.write(recording)
                counts["imported"] += 1
                counts["with"] += recording.response is not None
    return ImportSummary(str(out), counts["imported"], counts["with"], counts["imported"] - counts["with"], bad)
