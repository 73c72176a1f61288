"""Bulk mode: replay through OpenAI Batch API files instead of live requests.

    export_batch("recs.jsonl", "batch_in.jsonl", model_map={"gpt-4o": "llama"}, samples=1)
    #  python -m vllm.entrypoints.openai.run_batch -i batch_in.jsonl -o batch_out.jsonl --model ...
    import_batch_output("recs.jsonl", "batch_out.jsonl", "run.jsonl")

Each batch line's `custom_id` is the run key, `<recording id>#<sample>`, so the output maps back to its
recording whatever order the batch runner writes it in. Batch files carry no streams: `stream` and
`stream_options` are dropped from the exported bodies (the answer is the same completion). The import
indexes the output by byte offset, so neither file is loaded whole. Latency is not known in bulk mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.jsonl import BadLine, JsonlAppender
from migrate.parity.replay.engine import baseline_from_recording, map_model
from migrate.parity.runfile import RunHeader, record_key
from migrate.record.format import read_recordings, utc_now
from migrate.record.importers import index_by_custom_id, read_line_at, batch_result_outcome
from migrate.record.scrub import Scrubber, redaction_kinds

_DROPPED_IN_BATCH = ("stream", "stream_options")


@dataclass(frozen=True)
class BatchSummary:
    out: str
    written: int
    missing: int = 0  # requests without an output line (recorded as errors in the run file)
    bad_lines: list[BadLine] = field(default_factory=list)


def export_batch(
    recordings: str | Path,
    out: str | Path,
    *,
    model_map: dict[str, str] | None = None,
    samples: int = 1,
    scrubber: Scrubber | None = None,
) -> BatchSummary:
    """Write a Batch API input file (one line per recording and sample) for `vllm ... run_batch`.

    The file goes to the candidate: every request is scrubbed of secrets first, as in a live replay.
    """
    scrub = scrubber or Scrubber()
    bad: list[BadLine] = []
    written = 0
    seen: set[str] = set()
    with JsonlAppender(out) as appender:
        for number, recording in read_recordings(recordings, bad=bad):
            if recording.id in seen:
                bad.append(BadLine(str(recordings), number, f"duplicate recording id {recording.id!r}; skipped"))
                continue
            seen.add(recording.id)
            body = {k: v for k, v in scrub.scrub(recording.request).items() if k not in _DROPPED_IN_BATCH}
            body["model"] = map_model(body.get("model"), model_map)
            for sample in range(samples):
                appender.write({"custom_id": record_key(recording.id, sample), "method": "POST", "url": recording.endpoint, "body": body})
                written += 1
    return BatchSummary(str(out), written, 0, bad)


def import_batch_output(
    recordings: str | Path,
    batch_output: str | Path,
    out: str | Path,
    *,
    errors: str | Path | None = None,
    model_map: dict[str, str] | None = None,
    samples: int = 1,
    candidate: dict[str, Any] | None = None,
    scrubber: Scrubber | None = None,
) -> BatchSummary:
    """Turn a batch runner's output (and error) file into a run file, recorded answers as the baseline.

    Lines are scrubbed of secrets and redacted prompts flagged, as in a live replay (replay/engine.py).
    """
    from migrate._version import __version__

    scrub = scrubber or Scrubber()
    bad: list[BadLine] = []
    sources = [(Path(p), index_by_custom_id(p, bad)) for p in (batch_output, errors) if p is not None]
    handles = [open(p, "rb") for p, _ in sources]
    written = missing = 0
    try:
        with JsonlAppender(out) as appender:
            appender.write(
                RunHeader(
                    recordings=str(recordings),
                    candidate={"base_url": None, "mode": "batch", "batch_output": str(batch_output), "model_map": dict(model_map or {}), **(candidate or {})},
                    samples=samples,
                    started_at=utc_now(),
                    tool_version=__version__,
                    extra={"scrubbing": scrub.settings()},
                ).to_dict()
            )
            for _, recording in read_recordings(recordings, bad=bad):
                body = {k: v for k, v in scrub.scrub(recording.request).items() if k not in _DROPPED_IN_BATCH}
                redacted = sorted(redaction_kinds(body))
                body["model"] = map_model(body.get("model"), model_map)
                for sample in range(samples):
                    key = record_key(recording.id, sample)
                    line = next((read_line_at(fh, index[key]) for (_, index), fh in zip(sources, handles) if key in index), None)
                    response, status, error_text = batch_result_outcome(line)
                    missing += line is None
                    error = None
                    if error_text is not None or response is None:
                        error = {"type": "missing" if line is None else "http", "message": error_text or "no response body"}
                    appender.write(scrub.scrub(
                        {
                            **({"redacted": redacted} if redacted else {}),
                            "type": "result", "key": key, "recording_id": recording.id, "sample": sample,
                            "endpoint": recording.endpoint, "request": body,
                            "baseline": baseline_from_recording(recording),
                            "candidate": {"response": response, "status": status, "latency_ms": None, "ttft_ms": None, "error": error, "attempts": 1},
                            "tags": list(recording.tags), "finished_at": utc_now(),
                        }
                    ))
                    written += 1
    finally:
        for fh in handles:
            fh.close()
    return BatchSummary(str(out), written, missing, bad)
