"""Fill in answers live: send unanswered recordings to a baseline endpoint (used by `import-prompts --baseline`).

A module of its own because it joins the two halves: it reads and writes `migrate.record`'s recordings and
sends them with `migrate.parity`'s HTTP caller, so neither of those packages has to import the other.
"""

from __future__ import annotations

import asyncio
import dataclasses
import queue
import threading
from typing import Any, Callable, Iterable, Iterator

from migrate.record.format import Recording


def record_live(
    recordings: Iterable[Recording],
    *,
    base_url: str,
    api_key: str | None,
    concurrency: int = 8,
    timeout: float = 120.0,
    max_retries: int = 4,
    progress: Callable[[int, int | None], None] | None = None,
) -> Iterator[Recording]:
    """Yield each recording with the baseline's answer (response, status, latencies, error) filled in.

    Runs the async engine on a private thread so that callers stay plain iterators; results come back in
    completion order, at most `concurrency` requests in flight.
    """
    from migrate.parity.replay.client import Caller

    results: queue.Queue[Any] = queue.Queue(maxsize=concurrency * 4)
    done = object()

    async def main() -> None:
        caller = Caller(base_url, api_key, timeout=timeout, max_retries=max_retries, connections=concurrency)
        jobs: asyncio.Queue[Recording | None] = asyncio.Queue(maxsize=concurrency * 2)
        loop = asyncio.get_running_loop()

        async def produce() -> None:
            for recording in recordings:
                await jobs.put(recording)
            for _ in range(concurrency):
                await jobs.put(None)

        async def work() -> None:
            while (recording := await jobs.get()) is not None:
                outcome = await caller.call(recording.endpoint, recording.request)
                error = outcome.error and f"{outcome.error['type']}: {outcome.error['message']}"
                answered = dataclasses.replace(
                    recording, response=outcome.response, status=outcome.status, latency_ms=outcome.latency_ms,
                    ttft_ms=outcome.ttft_ms, error=error,
                )
                await loop.run_in_executor(None, results.put, answered)

        try:
            await asyncio.gather(produce(), *(work() for _ in range(concurrency)))
        finally:
            await caller.close()

    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as e:  # handed to the consuming thread below
            failure.append(e)
        finally:
            results.put(done)

    thread = threading.Thread(target=run, name="migrate-record-live", daemon=True)
    thread.start()
    count = 0
    while (item := results.get()) is not done:
        count += 1
        if progress is not None:
            progress(count, None)
        yield item
    thread.join()
    if failure:
        raise failure[0]
