"""Replay recordings against a candidate (and optionally a live baseline) into an append-only run file.

The recordings file is streamed: a producer reads one line at a time into a small queue and `concurrency`
workers take requests from it, so memory stays flat for any file size. Each finished request is written
as one complete line (serialised once) and flushed, so a run killed at any moment leaves complete lines
and at most one torn last line; `resume=True` removes a torn fragment, skips every key already written,
and replays the rest: every request ends up in the file exactly once.

Secrets never pass through (migrate/record/scrub.py): each request is scrubbed before it is sent to the
candidate (or a live baseline), and each line before it is written, so a hand-made or imported recordings
file cannot leak a key. A request whose prompt carries redactions the recorded baseline did not see (made at
record time, or by this scrubbing) is marked `"redacted": [kinds]` in the run file: compare sets its scores
apart, since the two sides answered different text.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

from migrate.jsonl import BadLine, JsonlAppender, dumps_line, iter_jsonl
from migrate.parity.runfile import Outcome, RunHeader, record_key
from migrate.record.format import Recording, read_recordings, utc_now
from migrate.record.scrub import Scrubber, redaction_kinds

Progress = Callable[[int, "int | None"], None]
MAX_BAD_LINES_KEPT = 200  # skipped recordings lines listed in the run file (all are counted)


@dataclass(frozen=True)
class ReplaySummary:
    total: int  # requests the recordings ask for: valid recordings x samples
    done: int  # requests replayed by this call
    skipped_existing: int  # requests found already in the run file (resume)
    errors: int  # results written with an error on the candidate (or live baseline) side
    bad_lines: list[BadLine] = field(default_factory=list)
    duration_s: float = 0.0
    out: str = ""
    error_causes: dict[str, Any] = field(default_factory=dict)  # the candidate's errors by cause (ErrorCauses.to_dict)
    preflight: Any = None  # the PreflightResult when run_replay(preflight=True) checked the candidate first

    @property
    def complete(self) -> bool:
        return self.done + self.skipped_existing == self.total


@dataclass
class RunTally:
    """What every replay engine counts while it writes a run file, and the ReplaySummary made of it."""

    counts: dict[str, int] = field(default_factory=lambda: {"total": 0, "done": 0, "skipped": 0, "errors": 0})
    bad: list[BadLine] = field(default_factory=list)  # recordings lines skipped, with the reason
    causes: Any = field(default_factory=lambda: _error_causes())  # the candidate's errors by cause

    def summary(self, out: Path, began: float) -> ReplaySummary:
        c = self.counts
        return ReplaySummary(total=c["total"], done=c["done"], skipped_existing=c["skipped"], errors=c["errors"],
                             bad_lines=self.bad, duration_s=round(time.perf_counter() - began, 3), out=str(out),
                             error_causes=self.causes.to_dict())


def _error_causes() -> Any:
    from migrate.parity.causes import ErrorCauses

    return ErrorCauses()


def map_model(model: Any, model_map: dict[str, str] | None) -> Any:
    """The served model name for a recorded one: an exact entry, else the `"*"` entry, else unchanged."""
    if not model_map or not isinstance(model, str):
        return model
    return model_map.get(model) or model_map.get("*") or model


def repair_tail(path: Path) -> None:
    """Make a run file end on a line boundary: a complete last line gets its newline, a torn one is cut."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":
            return
        size = fh.seek(0, os.SEEK_END)
        block = min(size, 1 << 20)
        while True:  # find the start of the last line, reading backwards
            fh.seek(size - block)
            chunk = fh.read(block)
            cut = chunk.rfind(b"\n")
            if cut >= 0 or block == size:
                start = size - block + cut + 1 if cut >= 0 else 0
                break
            block = min(size, block * 2)
        fh.seek(start)
        tail = fh.read()
        try:
            complete = isinstance(json.loads(tail), dict)
        except ValueError:
            complete = False
        if complete:
            fh.write(b"\n")
        else:
            fh.truncate(start)


def existing_keys(path: Path) -> tuple[set[str], bool]:
    """Keys already in a run file, and whether it has a header."""
    keys: set[str] = set()
    has_header = False
    ignored: list[BadLine] = []
    for _, obj in iter_jsonl(path, bad=ignored):
        if obj.get("type") == "header":
            has_header = True
        elif isinstance(obj.get("key"), str):
            keys.add(obj["key"])
    return keys, has_header


class ExistingRun(NamedTuple):
    keys: set[str]  # the keys already written (skipped on resume)
    has_header: bool  # False: the writer still owes the file its header line


def check_replay_arguments(recordings: str | Path, out: str | Path, *, samples: int, concurrency: int | None = None,
                           rate: float | None = None) -> tuple[Path, Path]:
    """The checks every replay engine makes before it sends or writes anything; the two paths as Paths.

    Raises ValueError for a bad number (`concurrency` None: the engine has none) and FileNotFoundError for
    missing recordings."""
    if concurrency is not None and concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    if rate is not None and rate <= 0:
        raise ValueError(f"rate must be a positive number of requests per second, got {rate}")
    recordings, out = Path(recordings), Path(out)
    if not recordings.is_file():
        raise FileNotFoundError(f"{recordings}: recordings file not found")
    return recordings, out


def open_run_file(out: Path, resume: bool) -> ExistingRun:
    """Get a run file ready for appending: what it holds already, its torn last line (if any) removed.

    A missing or empty file is a new run. A non-empty one is an error unless `resume` (FileExistsError
    naming the file and what to do)."""
    if not out.exists() or out.stat().st_size == 0:
        return ExistingRun(set(), False)
    if not resume:
        raise FileExistsError(f"{out}: run file already exists; resume it (--resume) or choose another --out")
    repair_tail(out)
    return ExistingRun(*existing_keys(out))


def preflight_candidates(recordings: Path, urls: list[str], *, api_key: str | None,
                         model_map: dict[str, str] | None, timeout: float) -> Any:
    """`migrate doctor`'s probes against every candidate URL (one that cannot answer spoils its share of the
    replay): the last PreflightResult, None when the recordings hold no request (nothing to check against).
    Raises PreflightError at the first candidate that cannot answer what the recordings use."""
    from migrate.parity.preflight import PreflightError
    from migrate.parity.preflight import preflight as check

    if not _has_a_request(recordings):
        return None
    checked = None
    for url in urls:
        checked = check(recordings, url, api_key=api_key, model_map=model_map, timeout_s=timeout)
        if not checked.ok:
            raise PreflightError(checked)
    return checked


def estimate_lines(path: str | Path) -> int:
    """Non-blank lines, counted in large binary blocks (about 1 s per GB): the progress total."""
    count = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            count += block.count(b"\n") - block.count(b"\n\n")
            last = block[-1:]
    return count + (last != b"\n")


def baseline_from_recording(recording: Recording) -> dict[str, Any] | None:
    if recording.response is None and recording.status is None and recording.error is None:
        return None
    return {
        "response": recording.response,
        "status": recording.status,
        "latency_ms": recording.latency_ms,
        "ttft_ms": recording.ttft_ms,
        "error": {"type": "recorded", "message": recording.error} if recording.error else None,
        "attempts": 1,
    }


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    # Built by hand: dataclasses.asdict would deep-copy every response body.
    return {
        "response": outcome.response,
        "status": outcome.status,
        "latency_ms": outcome.latency_ms,
        "ttft_ms": outcome.ttft_ms,
        "error": outcome.error,
        "attempts": outcome.attempts,
    }


class Pacer:
    """Start at most `rate` requests per second, evenly spaced."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate
        self.next = time.monotonic()

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(now, self.next)
        self.next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


def run_header(recordings: Path, candidate_url: str, model_map: dict[str, str] | None, baseline_url: str | None,
               samples: int, scrub: Scrubber, *, candidate: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The run file's header line (unscrubbed); `extra` are the replay's settings (concurrency, rate, ...)."""
    from migrate._version import __version__

    return RunHeader(
        recordings=str(recordings),
        candidate={"base_url": candidate_url, "model_map": dict(model_map or {}), **(candidate or {})},
        baseline={"base_url": baseline_url} if baseline_url else None,
        samples=samples,
        started_at=utc_now(),
        tool_version=__version__,
        extra={**extra, "scrubbing": scrub.settings()},
    ).to_dict()


def replay_line(recordings: Path, counts: dict[str, int], samples: int, bad: list[BadLine]) -> dict[str, Any]:
    """What a replay read and skipped (the run file's `replay` line), for the decision: compare carries it into
    the verdicts summary. `counts`: total requests asked for, done by this call, skipped as already there."""
    return {
        "type": "replay", "recordings": str(recordings), "recordings_read": counts["total"] // samples,
        "requests": counts["total"], "done": counts["done"] + counts["skipped"], "bad_line_count": len(bad),
        "bad_lines": [{"path": b.path, "line": b.line, "error": b.error} for b in bad[:MAX_BAD_LINES_KEPT]],
        "finished_at": utc_now(),
    }


class Replayer:
    """One request of a replay, from recording to the run file's line: scrubbed, model-mapped, sent to the
    candidate (and a live baseline) with retries, and serialised. Shared by the single-process engine and the
    Ray engine's workers (migrate/parity/cluster), so both write the same lines."""

    def __init__(self, candidate: Any, baseline: Any, scrub: Scrubber, model_map: dict[str, str] | None,
                 pacer: "Pacer | None" = None, causes: Any = None):
        self.candidate, self.baseline, self.scrub, self.model_map = candidate, baseline, scrub, model_map
        self.pacer, self.causes = pacer, causes

    async def line(self, recording: Recording, sample: int, key: str, *, replica: str | None = None) -> tuple[str, bool]:
        """The run file's line for one request (JSON text, no newline), and whether it records a failure.
        `replica` names the candidate URL that answered, written as the line's "replica" (a list of replicas)."""
        try:
            result, failed = await self._result(recording, sample, key)
        except Exception as e:  # noqa: BLE001 - a request is never lost, even to a bug of ours
            failed = True
            failure = Outcome(error={"type": "internal", "message": f"{type(e).__name__}: {e}"})
            self._note(key, recording.endpoint, recording.request, failure)
            result = {
                "type": "result", "key": key, "recording_id": recording.id, "sample": sample,
                "endpoint": recording.endpoint, "request": recording.request, "baseline": baseline_from_recording(recording),
                "candidate": outcome_dict(failure),
                "tags": list(recording.tags), "finished_at": utc_now(),
            }
        if replica is not None:
            result["replica"] = replica
        result = self.scrub.scrub(result)  # the whole line: answers, errors, tags (the request again: cheap, unchanged)
        try:
            return dumps_line(result), failed
        except (TypeError, ValueError) as e:  # a body json cannot encode: record the failure instead
            result["candidate"] = outcome_dict(Outcome(error={"type": "internal", "message": f"could not serialise the result: {e}"}))
            result["baseline"] = result["candidate"]["response"] = None
            return dumps_line(result), True

    def _note(self, key: str, endpoint: str, sent: dict[str, Any], cand: Outcome, base: Outcome | None = None) -> None:
        if self.causes is not None:
            self.causes.add_outcome(key, endpoint, sent, cand, base)

    async def _result(self, recording: Recording, sample: int, key: str) -> tuple[dict[str, Any], bool]:
        request = self.scrub.scrub(recording.request)
        mapped = map_model(request.get("model"), self.model_map)
        sent = {**request, "model": mapped} if mapped != request.get("model") else request
        if self.pacer is not None:
            await self.pacer.wait()
        if self.baseline is not None:
            cand, base = await asyncio.gather(self.candidate.call(recording.endpoint, sent),
                                              self.baseline.call(recording.endpoint, request))
            base_dict: dict[str, Any] | None = outcome_dict(base)
            failed = cand.error is not None or base.error is not None
        else:
            cand = await self.candidate.call(recording.endpoint, sent)
            base_dict = baseline_from_recording(recording)
            failed = cand.error is not None
        self._note(key, recording.endpoint, sent, cand, Outcome.from_dict(base_dict))
        # Both sides saw the same text when the baseline is live; a recorded baseline saw the original.
        redacted = sorted(redaction_kinds(request)) if self.baseline is None else []
        return {
            **({"redacted": redacted} if redacted else {}),
            "type": "result",
            "key": key,
            "recording_id": recording.id,
            "sample": sample,
            "endpoint": recording.endpoint,
            "request": sent,
            "baseline": base_dict,
            "candidate": outcome_dict(cand),
            "tags": list(recording.tags),
            "finished_at": utc_now(),
        }, failed


async def areplay(
    recordings: str | Path,
    out: str | Path,
    *,
    candidate_url: str,
    api_key: str | None = None,
    baseline_url: str | None = None,
    baseline_api_key: str | None = None,
    model_map: dict[str, str] | None = None,
    concurrency: int = 16,
    rate: float | None = None,
    samples: int = 1,
    timeout: float = 60.0,
    max_retries: int = 4,
    resume: bool = False,
    progress: Progress | None = None,
    aiohttp: bool = True,
    scrubber: Scrubber | None = None,
) -> ReplaySummary:
    """The async form of `run_replay`, for callers already inside an event loop."""
    from migrate.parity.replay.client import Caller

    recordings, out = check_replay_arguments(recordings, out, samples=samples, concurrency=concurrency, rate=rate)
    began = time.perf_counter()
    # The keys in use are secrets too: an error body or a hand-made prompt may echo them.
    scrub = (scrubber or Scrubber()).with_secrets([api_key, baseline_api_key])
    done_keys, has_header = open_run_file(out, resume)

    total_estimate = estimate_lines(recordings) * samples if progress else None
    candidate = Caller(candidate_url, api_key or "EMPTY", timeout=timeout, max_retries=max_retries,
                       connections=concurrency, aiohttp=aiohttp)
    baseline = (
        Caller(baseline_url, baseline_api_key, timeout=timeout, max_retries=max_retries, connections=concurrency, aiohttp=aiohttp)
        if baseline_url
        else None
    )
    tally = RunTally()
    bad, counts, causes = tally.bad, tally.counts, tally.causes
    appender = JsonlAppender(out)
    try:
        if not has_header:
            appender.write(scrub.scrub(run_header(recordings, candidate_url, model_map, baseline_url, samples, scrub,
                                                  concurrency=concurrency, rate=rate, timeout_s=timeout,
                                                  max_retries=max_retries)))

        queue: asyncio.Queue[tuple[Recording, int, str] | None] = asyncio.Queue(maxsize=concurrency * 4)
        pacer = Pacer(rate) if rate else None

        def jobs() -> Iterator[tuple[Recording, int, str]]:
            seen: dict[str, int] = {}
            for number, recording in read_recordings(recordings, bad=bad):
                first = seen.setdefault(recording.id, number)
                if first != number:
                    bad.append(BadLine(str(recordings), number, f"duplicate recording id {recording.id!r} (first on line {first}); skipped"))
                    continue
                for sample in range(samples):
                    counts["total"] += 1
                    key = record_key(recording.id, sample)
                    if key in done_keys:
                        counts["skipped"] += 1
                        continue
                    yield recording, sample, key

        async def produce() -> None:
            for job in jobs():
                await queue.put(job)
            for _ in range(concurrency):
                await queue.put(None)

        replayer = Replayer(candidate, baseline, scrub, model_map, pacer, causes)

        async def work() -> None:
            while (job := await queue.get()) is not None:
                recording, sample, key = job
                line, failed = await replayer.line(recording, sample, key)
                counts["errors"] += failed
                appender.write_text(line)
                counts["done"] += 1
                if progress is not None:
                    progress(counts["done"] + counts["skipped"], total_estimate)

        producer = asyncio.create_task(produce())
        workers = [asyncio.create_task(work()) for _ in range(concurrency)]
        try:
            await asyncio.gather(producer, *workers)
        finally:
            for task in (producer, *workers):
                task.cancel()
        # What this replay read and skipped, for the decision (compare carries it into the verdicts summary).
        appender.write(replay_line(recordings, counts, samples, bad))
    finally:
        appender.close()
        await candidate.close()
        if baseline is not None:
            await baseline.close()
    return tally.summary(out, began)


def _has_a_request(recordings: str | Path) -> bool:
    """Whether any line of the recordings file is a JSON object (read up to the first one)."""
    with open(recordings, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                try:
                    if isinstance(json.loads(line), dict):
                        return True
                except ValueError:
                    continue
    return False


def run_replay(
    recordings: str | Path,
    out: str | Path,
    *,
    candidate_url: str,
    api_key: str | None = None,
    baseline_url: str | None = None,
    baseline_api_key: str | None = None,
    model_map: dict[str, str] | None = None,
    concurrency: int = 16,
    rate: float | None = None,
    samples: int = 1,
    timeout: float = 60.0,
    max_retries: int = 4,
    resume: bool = False,
    progress: Progress | None = None,
    preflight: bool = False,
    scrubber: Scrubber | None = None,
) -> ReplaySummary:
    """Replay every recording (`samples` times each) against `candidate_url`; results go to the run file `out`.

    With `baseline_url` the baseline answers are produced live as well (the recorded ones are used
    otherwise). Model names go through `model_map` (`"*"` maps every other name). Sampling parameters are
    sent as recorded. `resume=True` continues an interrupted run; without it an existing non-empty `out`
    is an error. `progress(done, total_estimate)` is called after each request. `preflight=True` first checks
    the candidate with `migrate doctor`'s probes (migrate.parity.preflight) and raises PreflightError, having
    replayed nothing, when it cannot answer what the recordings use. `scrubber` adds opt-in
    redactions (`scrubber_for(config)`); secrets are scrubbed from what is sent and written either way.
    """
    recordings, out = check_replay_arguments(recordings, out, samples=samples, concurrency=concurrency, rate=rate)
    # No request to send: the report says so, the candidate is not needed.
    checked = preflight_candidates(recordings, [candidate_url], api_key=api_key, model_map=model_map,
                                   timeout=timeout) if preflight else None
    summary = asyncio.run(
        areplay(
            recordings, out, candidate_url=candidate_url, api_key=api_key, baseline_url=baseline_url,
            baseline_api_key=baseline_api_key, model_map=model_map, concurrency=concurrency, rate=rate,
            samples=samples, timeout=timeout, max_retries=max_retries, resume=resume, progress=progress,
            scrubber=scrubber,
        )
    )
    return dataclasses.replace(summary, preflight=checked) if checked is not None else summary
