"""Shadow traffic: send a copy of each recorded exchange to a candidate, off the app's path, and write both
answers side by side in the run format, so `migrate parity compare` / `report` / `watch` read it unchanged.

    shadow = Shadow("http://vllm:8000/v1", "shadow-run.jsonl", model_map={"gpt-4o-mini": "llama"}, rate=0.1)
    RecordingProxy("https://api.openai.com/v1", "recs.jsonl", shadow=shadow)        # the proxy
    migrate.record.instrument(client, "recs.jsonl", shadow=shadow)                   # or the SDK hook

The primary (the app's own call) is never held up: `submit()` is called after the primary's answer has gone
back to the app and is written, and only starts a task: on the recording proxy's own event loop
(`astart()`), or on a private thread with its own loop for the SDK hook (`start()`). There the candidate is called (model map applied, its own timeout, no retries, a bare aiohttp session
so that a copy costs the proxy's process little CPU) and one run line is written with the recorded answer
as the baseline. A sampling `rate` keeps a fraction of the traffic, and at
most `max_in_flight` shadow requests run at once: beyond that an exchange is not shadowed (counted as
dropped) rather than queued, so a slow or dead candidate can never build up memory or delay anything.

The candidate gets the request body as the app sent it (so both sides see the same text), with the model
mapped and its own API key; what is written is scrubbed like the recording (secrets, opt-in redaction).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from migrate.record.format import Recording, utc_now
from migrate.record.scrub import Scrubber
from migrate.record.sse import StreamAssembler

log = logging.getLogger(__name__)


@dataclass
class ShadowStats:
    seen: int = 0  # recorded exchanges offered to the shadow
    skipped_by_rate: int = 0  # left out by sampling
    dropped_busy: int = 0  # left out because max_in_flight shadow requests were already running
    paused_unreachable: int = 0  # left out while the candidate could not be reached (see Breaker)
    sent: int = 0  # sent to the candidate
    ok: int = 0  # the candidate answered (2xx/3xx with a body)
    errors: int = 0  # the candidate failed (connection, timeout, HTTP error, malformed)
    written: int = 0  # run lines written


class Breaker:
    """Stop sending copies to a candidate that cannot be reached, then probe it again with growing pauses.

    After `threshold` connection failures in a row (refused, unreachable: not slow answers, which the in-flight
    cap already bounds) copies pause for `pause_s`, doubling up to `max_pause_s` while probes keep failing; the
    first copy that gets through resets it. A dead candidate then costs the proxy nothing at all.
    """

    def __init__(self, threshold: int = 3, pause_s: float = 1.0, max_pause_s: float = 30.0, clock=None):
        import time as _time

        self.threshold, self.first_pause, self.max_pause = threshold, pause_s, max_pause_s
        self.clock = clock or _time.monotonic
        self.failures = 0
        self.pause = pause_s
        self.until = 0.0  # copies wait until this time
        self.probing = False

    def allow(self) -> bool:
        if self.failures < self.threshold:
            return True
        if self.probing or self.clock() < self.until:
            return False
        self.probing = True  # one copy goes through to see whether the candidate is back
        return True

    def record(self, unreachable: bool) -> bool:
        """Count one answer; True when this opened (or re-opened) the pause."""
        self.probing = False
        if not unreachable:
            self.failures, self.pause = 0, self.first_pause
            return False
        self.failures += 1
        if self.failures < self.threshold:
            return False
        if self.failures > self.threshold:
            self.pause = min(self.pause * 2, self.max_pause)
        self.until = self.clock() + self.pause
        return True


class Shadow:
    """Mirror recorded exchanges to a candidate and write a run file (see the module docstring)."""

    def __init__(
        self,
        candidate_url: str,
        run_path: str | Path,
        *,
        model_map: Mapping[str, str] | None = None,
        rate: float = 1.0,
        max_in_flight: int = 16,
        timeout: float = 30.0,
        api_key: str | None = None,
        recordings: str | Path | None = None,
        primary_url: str | None = None,
        seed: int | None = None,
    ):
        if urlsplit(candidate_url).scheme not in ("http", "https"):
            raise ValueError(f"--shadow must be an http(s) URL such as http://localhost:8000/v1, got {candidate_url!r}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"--shadow-rate must be between 0 and 1 (a fraction of requests), got {rate}")
        if max_in_flight < 1:
            raise ValueError(f"--shadow-max-in-flight must be at least 1, got {max_in_flight}")
        if timeout <= 0:
            raise ValueError(f"--shadow-timeout must be a positive number of seconds, got {timeout}")
        self.candidate_url = candidate_url
        self.run_path = Path(run_path)
        self.model_map = dict(model_map or {})
        self.rate = rate
        self.max_in_flight = max_in_flight
        self.timeout = timeout
        self.api_key = api_key
        self.recordings = str(recordings) if recordings is not None else ""
        self.primary_url = primary_url
        self.stats = ShadowStats()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._session: Any = None
        self._tasks: set[asyncio.Future] = set()
        self.breaker = Breaker()
        self._urls: dict[str, str] = {}
        self._appender: Any = None
        self._closed = False

    @property
    def in_flight(self) -> int:
        return self._in_flight

    # -- life cycle -----------------------------------------------------------------------------------------
    def _open_file(self) -> None:
        from migrate.jsonl import JsonlAppender
        from migrate.parity.replay.engine import open_run_file

        has_header = open_run_file(self.run_path, resume=True).has_header  # a shadow always appends
        self._appender = JsonlAppender(self.run_path)
        if not has_header:
            self._appender.write(self._header())

    def start(self) -> "Shadow":
        """Open the run file (writing its header when new) and start a shadow thread with its own event loop
        (for apps without one: the SDK hook). Idempotent."""
        if self._loop is not None:
            return self
        self._open_file()
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._open_session())  # everything imported and built before traffic comes
            ready.set()
            loop.run_forever()
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="migrate-shadow", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    async def astart(self) -> "Shadow":
        """Open the run file and run on the current event loop (the recording proxy's). Idempotent.

        On the proxy's own loop a copy's work runs between the proxy's steps, never holding the primary up for
        longer than one of them; a thread would compete for the GIL and could hold it while descheduled.
        """
        if self._loop is not None:
            return self
        self._open_file()
        await self._open_session()
        self._loop = asyncio.get_running_loop()
        return self

    async def _open_session(self) -> None:
        from aiohttp import ClientSession, ClientTimeout, TCPConnector

        # A bare aiohttp session, not the SDK: a shadow copy costs the proxy's process as little CPU as possible.
        self._session = ClientSession(
            connector=TCPConnector(limit=self.max_in_flight, keepalive_timeout=4.0),
            timeout=ClientTimeout(total=None, sock_connect=self.timeout),
        )

    def _header(self) -> dict[str, Any]:
        from migrate._version import __version__
        from migrate.parity.runfile import RunHeader

        return RunHeader(
            recordings=self.recordings,
            candidate={"base_url": self.candidate_url, "model_map": self.model_map},
            baseline=None,  # the recorded answers are the baseline, as in a replay
            samples=1,
            started_at=utc_now(),
            tool_version=__version__,
            extra={"source": "shadow", "primary": self.primary_url, "rate": self.rate,
                   "max_in_flight": self.max_in_flight, "timeout_s": self.timeout},
        ).to_dict()

    def _refuse_more(self) -> bool:
        """Stop taking copies; False when already closed (or never started)."""
        with self._lock:
            if self._loop is None or self._closed:
                return False
            self._closed = True
            return True

    def _abandoned(self) -> None:
        if self._in_flight:
            log.warning("shadow: %d request(s) to the candidate still running at close were abandoned", self._in_flight)

    def close(self, timeout: float | None = None) -> None:
        """Wait for the shadow requests in flight (up to `timeout`, default the shadow timeout plus 5 s), then
        stop the thread and close the run file. For a shadow started with `astart()`, use `aclose()`."""
        if self._loop is None:
            return  # never started
        if self._thread is None:
            raise RuntimeError("this shadow runs on an event loop of yours (astart): close it with `await shadow.aclose()`")
        if not self._refuse_more():
            return
        with self._lock:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=self.timeout + 5 if timeout is None else timeout)
        self._abandoned()
        loop = self._loop
        assert loop is not None
        asyncio.run_coroutine_threadsafe(self._session.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout=10)
        self._appender.close()

    async def aclose(self, timeout: float | None = None) -> None:
        """`close()` for a shadow started with `astart()`: drain the copies in flight, close the run file."""
        if self._thread is not None:
            await asyncio.to_thread(self.close, timeout)
            return
        if not self._refuse_more():
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout + 5 if timeout is None else timeout)
        while self._in_flight and loop.time() < deadline:
            await asyncio.sleep(0.02)
        for task in list(self._tasks):
            task.cancel()
        self._abandoned()
        await self._session.close()
        self._appender.close()

    # -- the app's side: cheap and never blocking ---------------------------------------------------------
    def submit(self, recording: Recording, written: dict[str, Any], scrubber: Scrubber) -> bool:
        """Offer one recorded exchange (the Recording as seen, the line written for it, the scrubber used).

        Returns whether a shadow request was started. Safe from any thread; never waits for the candidate.
        """
        with self._lock:
            if self._closed or self._loop is None:
                return False
            self.stats.seen += 1
            if self.rate < 1.0 and self._random.random() >= self.rate:
                self.stats.skipped_by_rate += 1
                return False
            if self._in_flight >= self.max_in_flight:
                self.stats.dropped_busy += 1
                return False
            if not self.breaker.allow():
                self.stats.paused_unreachable += 1
                return False
            self._in_flight += 1
            self.stats.sent += 1
        try:
            if self._thread is None:  # on the proxy's own loop: called from it
                self._spawn(recording, written, scrubber)
            else:
                self._loop.call_soon_threadsafe(self._spawn, recording, written, scrubber)
        except RuntimeError:  # the loop is gone (closing under us)
            self._done()
            return False
        return True

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._idle.notify_all()

    # -- the shadow thread ------------------------------------------------------------------------------------
    def _spawn(self, recording: Recording, written: dict[str, Any], scrubber: Scrubber) -> None:
        task = asyncio.ensure_future(self._one(recording, written, scrubber))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _one(self, recording: Recording, written: dict[str, Any], scrubber: Scrubber) -> None:
        try:
            line = await self._call(recording, written, scrubber)
            self._appender.write(line)
            self.stats.written += 1
        except Exception:  # the shadow must never disturb the proxy or the app
            log.exception("shadow: could not write a run line")
        finally:
            self._done()

    async def _call(self, recording: Recording, written: dict[str, Any], scrubber: Scrubber) -> dict[str, Any]:
        from migrate.parity.replay.engine import baseline_from_recording, map_model

        request = recording.request
        mapped = map_model(request.get("model"), self.model_map)
        sent = {**request, "model": mapped} if mapped != request.get("model") else request
        candidate = await self._post(recording.endpoint, sent)
        unreachable = (candidate["error"] or {}).get("type") == "connection"
        with self._lock:
            if candidate["error"] is None and (candidate["status"] or 200) < 400:
                self.stats.ok += 1
            else:
                self.stats.errors += 1
            if self.breaker.record(unreachable):
                log.warning("shadow: %s unreachable %d time(s) in a row; copies paused for %g s",
                            self.candidate_url, self.breaker.failures, self.breaker.pause)
        candidate["response"] = scrubber.scrub(candidate["response"])
        candidate["error"] = scrubber.scrub(candidate["error"])
        scrubbed_request = written["request"]  # the recording as written: scrubbed
        baseline = baseline_from_recording(Recording.from_dict(written))  # as `parity run` takes recorded answers
        return {
            "type": "result",
            "key": f"{recording.id}#0",
            "recording_id": recording.id,
            "sample": 0,
            "endpoint": recording.endpoint,
            "request": {**scrubbed_request, "model": mapped} if mapped != request.get("model") else scrubbed_request,
            "baseline": baseline,
            "candidate": candidate,
            "tags": list(recording.tags),
            "finished_at": utc_now(),
        }

    async def _post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """One attempt at the candidate, as a run file's outcome; error types as `parity run` writes them."""
        import aiohttp

        from migrate.record.proxy import upstream_url

        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {})}
        url = self._urls.get(endpoint)
        if url is None:
            url = self._urls[endpoint] = upstream_url(self.candidate_url, endpoint)
        started = time.perf_counter()
        status: int | None = None
        assembler: StreamAssembler | None = None
        ttft: float | None = None
        response: dict[str, Any] | None = None
        error: dict[str, str] | None = None
        try:
            async with asyncio.timeout(self.timeout):
                async with self._session.post(url, data=json.dumps(body), headers=headers) as raw:
                    status = raw.status
                    if "text/event-stream" in raw.headers.get("content-type", "") and status < 400:
                        assembler = StreamAssembler()
                        async for chunk in raw.content.iter_any():
                            if assembler.feed(chunk) and ttft is None:
                                ttft = (time.perf_counter() - started) * 1000
                        assembler.close()
                        response = assembler.result()
                        if assembler.error is not None:
                            error = {"type": "stream_error", "message": str(assembler.error.get("message") or assembler.error)}
                        elif not assembler.complete:
                            error = {"type": "stream_cut", "message": f"stream ended after {assembler.events} events without finishing"}
                    else:
                        content = await raw.read()
                        try:
                            parsed = json.loads(content)
                        except ValueError:
                            parsed = None
                        if status >= 400:
                            detail = parsed.get("error", parsed) if isinstance(parsed, dict) else None
                            message = detail.get("message") if isinstance(detail, dict) else None
                            text = message or content[:200].decode("utf-8", "replace")
                            error = {"type": "http", "message": f"HTTP {status}: {text}"}
                        elif isinstance(parsed, dict):
                            response = parsed
                        else:
                            error = {"type": "malformed", "message": f"response body is not a JSON object: {content[:200].decode('utf-8', 'replace')!r}"}
        except TimeoutError:
            error = {"type": "timeout", "message": f"no complete answer within {self.timeout:g} s"}
            response = assembler.result() if assembler is not None else None
        except (aiohttp.ClientError, OSError) as e:
            kind = "stream_cut" if assembler is not None else "connection"
            error = {"type": kind, "message": f"connection failed: {type(e).__name__}: {e}"}
            response = assembler.result() if assembler is not None else None
        latency = (time.perf_counter() - started) * 1000
        return {"response": response, "status": status, "latency_ms": round(latency, 3),
                "ttft_ms": round(ttft, 3) if ttft is not None else None, "error": error, "attempts": 1}


def default_run_path(recordings: str | Path) -> Path:
    """Where the shadow run goes by default: beside the recordings, `recs.jsonl` -> `recs.shadow.jsonl`."""
    path = Path(recordings)
    stem = path.name[: -len(".jsonl")] if path.name.endswith(".jsonl") else path.name
    return path.with_name(stem + ".shadow.jsonl")
