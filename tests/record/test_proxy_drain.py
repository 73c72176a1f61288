"""The recording proxy loses nothing at shutdown, and an SDK that hangs up after `[DONE]` is not an error.

Streams are started, the proxy is stopped while they are mid-way (library stop, SIGTERM to the CLI), and
every exchange must reach its app whole and be recorded whole.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import openai
import pytest

from migrate.record.format import Recording
from migrate.record.proxy import APP_CLOSED_MESSAGE, STOPPED_MESSAGE, RecordingProxy
from tests.parity.faults.fixtures import fault_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def recordings(path: Path) -> list[Recording]:
    return [Recording.from_dict(json.loads(line)) for line in path.read_text().splitlines()]


def stream_text(base_url: str, text: str, started: threading.Event | None = None, model: str = "gpt-4o", **extra) -> str:
    client = openai.OpenAI(base_url=base_url, api_key="sk-drain-test-0000000000000000", max_retries=0, timeout=60)
    pieces = []
    for chunk in client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}], stream=True, **extra):
        if started is not None:
            started.set()
        if chunk.choices:
            pieces.append(chunk.choices[0].delta.content or "")
    return "".join(pieces)


def wait_until(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def test_sdk_hanging_up_after_done_is_a_complete_recording(tmp_path, fault_server):
    """The flake behind test_record_through_proxy_then_replay_against_vllm, made deterministic.

    The SDK stops reading at `data: [DONE]` and closes the connection; when the upstream's end of body comes
    later (a loaded server), the proxy's last write fails. The answer was whole: no error may be recorded.
    """
    proxy = RecordingProxy(fault_server.base_url, tmp_path / "recs.jsonl", port=0).start_in_thread()
    try:
        texts = [stream_text(proxy.url + "/v1", f"late end {i} fault:linger") for i in range(3)]
    finally:
        proxy.stop_thread()
    assert texts == [f"echo: late end {i} fault:linger" for i in range(3)]
    recs = recordings(tmp_path / "recs.jsonl")
    assert [(r.status, r.error) for r in recs] == [(200, None)] * 3
    assert [r.response["choices"][0]["message"]["content"] for r in recs] == texts
    assert proxy.stats.app_disconnects == 0


def test_app_hanging_up_mid_stream_is_recorded_as_cut(tmp_path, fault_server):
    proxy = RecordingProxy(fault_server.base_url, tmp_path / "recs.jsonl", port=0).start_in_thread()

    async def read_one_chunk() -> None:
        body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "hang up fault:drip"}]}
        async with aiohttp.ClientSession() as session:
            async with session.post(proxy.url + "/v1/chat/completions", json=body) as response:
                await response.content.readany()
                response.close()

    try:
        asyncio.run(read_one_chunk())
        wait_until(lambda: proxy.stats.recorded == 1)
    finally:
        proxy.stop_thread()
    [rec] = recordings(tmp_path / "recs.jsonl")
    assert rec.error == APP_CLOSED_MESSAGE and rec.status == 200 and proxy.stats.app_disconnects == 1


def test_library_stop_drains_streams_and_requests_in_flight(tmp_path, fault_server):
    out = tmp_path / "recs.jsonl"
    proxy = RecordingProxy(fault_server.base_url, out, port=0).start_in_thread()
    base = proxy.url + "/v1"
    started = [threading.Event() for _ in range(4)]
    with ThreadPoolExecutor(6) as pool:
        streams = [pool.submit(stream_text, base, f"stream {i} fault:trickle", started[i]) for i in range(4)]
        plain = pool.submit(lambda: openai.OpenAI(base_url=base, api_key="k", max_retries=0).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "plain fault:trickle"}]))
        for event in started:
            assert event.wait(20)
        wait_until(lambda: proxy.in_flight == 5)
        began = time.monotonic()
        proxy.stop_thread()  # returns only once everything in flight has finished and been written
        stopped_after = time.monotonic() - began
        texts = [f.result(timeout=30) for f in streams]
        answer = plain.result(timeout=30)
    assert texts == [f"echo: stream {i} fault:trickle" for i in range(4)]
    assert answer.choices[0].message.content == "echo: plain fault:trickle"
    assert 0.2 < stopped_after < 15  # it waited for the exchanges (3 s each), then returned
    recs = recordings(out)
    assert len(recs) == 5 and all(r.error is None and r.status == 200 for r in recs)
    by_text = {r.request["messages"][0]["content"]: r for r in recs}
    for i in range(4):
        rec = by_text[f"stream {i} fault:trickle"]
        assert rec.stream and rec.response["choices"][0]["message"]["content"] == texts[i]
        assert rec.response["choices"][0]["finish_reason"] == "stop"
    with pytest.raises(openai.APIConnectionError):  # no longer listening
        openai.OpenAI(base_url=base, api_key="k", max_retries=0, timeout=5).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "too late"}])


def test_drain_timeout_cuts_what_is_left_and_records_it(tmp_path, fault_server):
    out = tmp_path / "recs.jsonl"
    proxy = RecordingProxy(fault_server.base_url, out, port=0).start_in_thread()
    with ThreadPoolExecutor(1) as pool:
        hung = pool.submit(lambda: openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0, timeout=60)
                           .chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x fault:slow"}]))
        wait_until(lambda: proxy.in_flight == 1)
        began = time.monotonic()
        proxy.stop_thread(drain_timeout=0.5)
        assert time.monotonic() - began < 10
        with pytest.raises(openai.APIError):
            hung.result(timeout=30)
    [rec] = recordings(out)
    assert rec.error == STOPPED_MESSAGE and rec.response is None and proxy.stats.cut_at_stop == 1


def test_upstream_dropping_a_connection_unanswered_is_retried_once(tmp_path, fault_server):
    proxy = RecordingProxy(fault_server.base_url, tmp_path / "recs.jsonl", port=0).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
        answer = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x fault:reset_once"}])
    finally:
        proxy.stop_thread()
    assert answer.choices[0].message.content == "echo: x fault:reset_once"
    [rec] = recordings(tmp_path / "recs.jsonl")
    assert rec.error is None and proxy.stats.stale_retries == 1 and len(fault_server.hits()) == 2


def start_cli_proxy(tmp_path: Path, upstream: str, *extra: str) -> tuple[subprocess.Popen, str, Path]:
    out = tmp_path / "recs.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "migrate", "record", "proxy", "--upstream", upstream, "--out", str(out),
                             "--port", "0", *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    for line in proc.stdout:
        if "OPENAI_BASE_URL=" in line:
            return proc, line.split("OPENAI_BASE_URL=", 1)[1].strip(), out
    proc.wait(5)
    raise AssertionError(f"the proxy did not start (exit {proc.returncode})")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_signal_to_the_cli_proxy_drains_streams_and_prints_the_summary(tmp_path, fault_server, sig):
    proc, base, out = start_cli_proxy(tmp_path, fault_server.base_url)
    try:
        started = [threading.Event() for _ in range(3)]
        with ThreadPoolExecutor(3) as pool:
            streams = [pool.submit(stream_text, base, f"cli {i} fault:trickle", started[i]) for i in range(3)]
            for event in started:
                assert event.wait(20)
            proc.send_signal(sig)
            texts = [f.result(timeout=30) for f in streams]
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert texts == [f"echo: cli {i} fault:trickle" for i in range(3)]
    assert "letting 3 request(s) in flight finish" in output
    assert "Stopped: 3 request(s) forwarded, 3 recorded, 0 upstream error(s)." in output
    recs = recordings(out)
    assert sorted(r.response["choices"][0]["message"]["content"] for r in recs) == sorted(texts)
    assert all(r.error is None and r.status == 200 for r in recs)


def test_stop_while_vllm_streams_are_in_flight(tmp_path, vllm_server):
    """Real streams from vLLM, the proxy stopped while they are generating: each is recorded whole."""
    out = tmp_path / "recs.jsonl"
    proxy = RecordingProxy(vllm_server.base_url, out, port=0).start_in_thread()
    started = [threading.Event() for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        streams = [pool.submit(stream_text, proxy.url + "/v1", f"Count slowly from {i} to one hundred", started[i],
                               model="gpt-4o-mini", max_tokens=48, temperature=0, stream_options={"include_usage": True}) for i in range(3)]
        for event in started:
            assert event.wait(120)
        proxy.stop_thread()
        texts = [f.result(timeout=120) for f in streams]
    recs = recordings(out)
    assert len(recs) == 3 and all(r.error is None and r.status == 200 for r in recs)
    by_prompt = {r.request["messages"][0]["content"]: r for r in recs}
    for i, text in enumerate(texts):
        rec = by_prompt[f"Count slowly from {i} to one hundred"]
        assert text and rec.response["choices"][0]["message"]["content"] == text
        assert rec.response["usage"]["completion_tokens"] <= 48 and rec.response["choices"][0]["finish_reason"]
