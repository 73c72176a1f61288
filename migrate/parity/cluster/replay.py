"""Replay on Ray: workers send the requests, the driver writes the run file.

Each replay worker is a Ray actor with its own event loop and one `Caller` per candidate replica; every request
goes to the replica with the fewest requests in flight from that worker (round robin among equals), through
the same `Replayer` as the single-process engine, so a line is the same line either way (plus `"replica"`
when there are several). The driver receives the lines in the order of the recordings, checks duplicate
recording ids (the first line wins, as in a single-process replay), and appends each line to the run file,
flushed: killed at any moment, it leaves complete lines, and `resume` sends only the keys not written yet.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from pathlib import Path
from typing import Any

from migrate.jsonl import BadLine, JsonlAppender, parse_line
from migrate.parity.runfile import RunRecord, record_key
from migrate.record.format import recording_from


class ReplayWorker:
    """A Ray Data callable class: a batch of recordings lines in, one row per request (or bad line) out."""

    def __init__(self, *, path: str, urls: list[str], api_key: str | None, baseline_url: str | None,
                 baseline_api_key: str | None, model_map: dict[str, str] | None, concurrency: int, rate: float | None,
                 samples: int, timeout: float, max_retries: int, scrub: Any, done_keys: list[Any]):
        import ray

        self.path, self.urls, self.samples, self.concurrency = path, urls, samples, concurrency
        self.done_keys: set[str] = ray.get(done_keys[0]) if done_keys else set()
        self.loop = asyncio.new_event_loop()
        self.inflight = [0] * len(urls)
        self.turn = 0
        self.replayers = self.loop.run_until_complete(self._build(
            api_key, baseline_url, baseline_api_key, model_map, rate, timeout, max_retries, scrub))

    async def _build(self, api_key, baseline_url, baseline_api_key, model_map, rate, timeout, max_retries, scrub):
        from migrate.parity.replay.client import Caller
        from migrate.parity.replay.engine import Pacer, Replayer

        pacer = Pacer(rate) if rate else None
        baseline = (Caller(baseline_url, baseline_api_key, timeout=timeout, max_retries=max_retries,
                           connections=self.concurrency) if baseline_url else None)
        return [Replayer(Caller(url, api_key or "EMPTY", timeout=timeout, max_retries=max_retries,
                                connections=self.concurrency), baseline, scrub, model_map, pacer)
                for url in self.urls]

    def _pick(self) -> int:
        """The replica with the fewest requests in flight from this worker; round robin among equals."""
        n = len(self.urls)
        best = min(range(n), key=lambda i: (self.inflight[i], (i - self.turn) % n))
        self.turn = (best + 1) % n
        return best

    async def _send(self, gate: asyncio.Semaphore, recording: Any, sample: int, key: str) -> tuple[str, bool]:
        async with gate:
            index = self._pick()
            self.inflight[index] += 1
            try:
                return await self.replayers[index].line(recording, sample, key,
                                                        replica=self.urls[index] if len(self.urls) > 1 else None)
            finally:
                self.inflight[index] -= 1

    async def _batch(self, numbers: list[int], raws: list[bytes]) -> dict[str, list[Any]]:
        rows: list[dict[str, Any]] = []
        sends: list[Any] = []
        gate = asyncio.Semaphore(self.concurrency)
        for number, raw in zip(numbers, raws):
            obj = parse_line(self.path, number, raw)
            recording = recording_from(self.path, number, obj) if not isinstance(obj, BadLine) else obj
            if isinstance(recording, BadLine):
                rows.append({"line": number, "kind": "bad", "id": "", "key": "", "text": recording.error, "failed": False})
                continue
            for sample in range(self.samples):
                key = record_key(recording.id, sample)
                row = {"line": number, "kind": "skip", "id": recording.id, "key": key, "text": "", "failed": False}
                if key not in self.done_keys:
                    row["kind"] = "result"
                    sends.append((row, asyncio.ensure_future(self._send(gate, recording, sample, key))))
                rows.append(row)
        for row, task in sends:
            row["text"], row["failed"] = await task
        return {name: [row[name] for row in rows] for name in ("line", "kind", "id", "key", "text", "failed")}

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        return self.loop.run_until_complete(self._batch([int(n) for n in batch["line"]], list(batch["raw"])))


def replay_on_ray(ray: Any, recordings: Path, out: Path, *, candidate_urls: list[str], api_key: str | None,
                  baseline_url: str | None, baseline_api_key: str | None, model_map: dict[str, str] | None,
                  concurrency: int, rate: float | None, samples: int, timeout: float, max_retries: int, existing: Any,
                  progress: Any, scrub: Any, workers: int, shard_bytes: int | None, address: str | None) -> Any:
    from migrate.parity.cluster.lines import lines_dataset
    """The replay into `out`, already opened by `open_run_file` (`existing`: what it holds)."""
    from migrate.parity.replay.engine import RunTally, estimate_lines, replay_line, run_header

    began = time.perf_counter()
    done_keys, has_header = existing
    total_estimate = estimate_lines(recordings) * samples if progress else None
    per_worker = max(1, math.ceil(concurrency / workers))
    tally = RunTally()
    bad, counts, causes = tally.bad, tally.counts, tally.causes
    appender = JsonlAppender(out)
    try:
        if not has_header:
            appender.write(scrub.scrub(run_header(
                recordings, candidate_urls[0], model_map, baseline_url, samples, scrub,
                candidate={"replicas": list(candidate_urls)} if len(candidate_urls) > 1 else None,
                concurrency=concurrency, rate=rate, timeout_s=timeout, max_retries=max_retries,
                engine={"name": "ray", "address": address, "workers": workers})))
        dataset = lines_dataset(recordings, shard_bytes=shard_bytes, parts=32 * workers).map_batches(
            ReplayWorker, batch_size=2 * per_worker, num_cpus=0.5,
            compute=ray.data.ActorPoolStrategy(min_size=1, max_size=workers),
            fn_constructor_kwargs={
                "path": str(recordings), "urls": list(candidate_urls), "api_key": api_key, "baseline_url": baseline_url,
                "baseline_api_key": baseline_api_key, "model_map": model_map, "concurrency": per_worker,
                "rate": rate / workers if rate else None, "samples": samples, "timeout": timeout,
                "max_retries": max_retries, "scrub": scrub,
                "done_keys": [ray.put(done_keys)] if done_keys else [],
            })
        seen: dict[str, int] = {}
        duplicates: set[int] = set()
        for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
            for row in batch.to_pylist():
                number, kind = row["line"], row["kind"]
                if kind == "bad":
                    bad.append(BadLine(str(recordings), number, row["text"]))
                    continue
                first = seen.setdefault(row["id"], number)
                if first != number:
                    if number not in duplicates:
                        duplicates.add(number)
                        bad.append(BadLine(str(recordings), number,
                                           f"duplicate recording id {row['id']!r} (first on line {first}); skipped"))
                    continue
                counts["total"] += 1
                if kind == "skip":
                    counts["skipped"] += 1
                    continue
                appender.write_text(row["text"])
                counts["done"] += 1
                if row["failed"]:
                    counts["errors"] += 1
                    causes.add(RunRecord.from_dict(json.loads(row["text"])))
                if progress is not None:
                    progress(counts["done"] + counts["skipped"], total_estimate)
        appender.write(replay_line(recordings, counts, samples, bad))
    finally:
        appender.close()
    return tally.summary(out, began)
