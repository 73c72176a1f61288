"""Shadow traffic: every recorded request is mirrored to a candidate off the app's path, both answers land in a
run file that `parity compare` / `report` read unchanged, and a down or slow candidate changes nothing for the app.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.parity.runfile import read_run
from migrate.record import instrument, uninstrument
from migrate.record.format import Recording
from migrate.record.proxy import RecordingProxy
from migrate.shadow import Breaker, Shadow, default_run_path
from tests.parity.faults.server import FaultServer

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-shadow-canary-0000000000000000"


@pytest.fixture
def primary():
    with FaultServer() as server:
        yield server


@pytest.fixture
def candidate():
    with FaultServer() as server:
        yield server


def recordings(path: Path) -> list[Recording]:
    return [Recording.from_dict(json.loads(line)) for line in path.read_text().splitlines()]


def results(path: Path):
    bad: list = []
    header, rows = read_run(path, bad=bad)
    rows = list(rows)
    assert bad == []
    return header, rows


def ask(client, text, **extra):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}], **extra)


def test_proxy_shadows_every_request_into_a_run_file(tmp_path, primary, candidate):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    shadow = Shadow(candidate.base_url, run, model_map={"gpt-4o": "served-llama"}, recordings=recs, primary_url=primary.base_url)
    proxy = RecordingProxy(primary.base_url, recs, port=0, tags=["prod"], shadow=shadow).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key=KEY, max_retries=0)
        plain = ask(client, f"plain question, my key is {KEY}")
        text = "".join(c.choices[0].delta.content or "" for c in ask(client, "streamed question", stream=True) if c.choices)
        client.models.list()  # forwarded, neither recorded nor shadowed
    finally:
        proxy.stop_thread()  # drains the shadow too
    assert plain.choices[0].message.content.startswith("echo: plain question") and text == "echo: streamed question"
    header, rows = results(run)
    assert header.candidate == {"base_url": candidate.base_url, "model_map": {"gpt-4o": "served-llama"}}
    assert header.extra["source"] == "shadow" and header.recordings == str(recs) and header.samples == 1
    by_id = {r.recording_id: r for r in rows}
    recorded = recordings(recs)
    assert sorted(by_id) == sorted(r.id for r in recorded) and len(rows) == 2
    for rec in recorded:
        row = by_id[rec.id]
        assert row.key == f"{rec.id}#0" and row.tags == ("prod",) and row.request["model"] == "served-llama"
        assert row.baseline.response == rec.response and row.baseline.status == 200
        assert row.candidate.ok and row.candidate.status == 200
        assert row.candidate.response["choices"][0]["message"]["content"] == rec.response["choices"][0]["message"]["content"]
    # The candidate got the mapped model, the app's text, and no credential of the app's.
    hits = candidate.hits()
    assert sorted(h.body["model"] for h in hits) == ["served-llama", "served-llama"]
    assert all(KEY not in h.headers.get("Authorization", "") for h in hits)
    assert KEY not in run.read_text() and KEY not in recs.read_text()
    assert by_id[recorded[1].id].candidate.ttft_ms is not None  # the streamed copy was streamed
    assert shadow.stats.sent == shadow.stats.ok == shadow.stats.written == 2


def test_a_down_candidate_changes_nothing_for_the_app(tmp_path, primary):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    shadow = Shadow("http://127.0.0.1:9/v1", run, timeout=5)
    proxy = RecordingProxy(primary.base_url, recs, port=0, shadow=shadow).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
        answers = [ask(client, f"q{i}").choices[0].message.content for i in range(5)]
    finally:
        proxy.stop_thread()
    assert answers == [f"echo: q{i}" for i in range(5)]
    assert all(r.error is None and r.status == 200 for r in recordings(recs))
    _, rows = results(run)
    assert len(rows) == shadow.stats.sent >= 3 and all(r.candidate.error["type"] == "connection" and r.baseline.status == 200 for r in rows)
    assert shadow.stats.errors == shadow.stats.sent and proxy.stats.upstream_errors == 0
    assert shadow.stats.sent + shadow.stats.paused_unreachable == 5


def test_a_slow_candidate_is_capped_dropped_not_queued_and_never_delays_the_app(tmp_path, primary):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    with FaultServer(script="slow") as slow:  # the candidate takes 30 s; the primary answers at once
        shadow = Shadow(slow.base_url, run, max_in_flight=2, timeout=1.0)
        proxy = RecordingProxy(primary.base_url, recs, port=0, shadow=shadow).start_in_thread()
        try:
            client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
            timings = []
            for i in range(6):
                began = time.monotonic()
                assert ask(client, f"q{i}").choices[0].message.content == f"echo: q{i}"
                timings.append(time.monotonic() - began)
        finally:
            began = time.monotonic()
            proxy.stop_thread()
            stop_took = time.monotonic() - began
    assert max(timings) < 1.0  # below the shadow timeout: no call waited for the candidate (30 s away)
    assert (shadow.stats.sent, shadow.stats.dropped_busy) == (2, 4)  # at most 2 in flight: the rest dropped, not queued
    assert stop_took < 1.0 + 5  # the shadow's own timeout bounds the drain
    _, rows = results(run)
    assert len(rows) == 2 and all(r.candidate.error["type"] == "timeout" for r in rows)
    assert len(recordings(recs)) == 6


def test_shadow_rate_samples_a_fraction(tmp_path, primary, candidate):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    shadow = Shadow(candidate.base_url, run, rate=0.25, seed=7)
    proxy = RecordingProxy(primary.base_url, recs, port=0, shadow=shadow).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
        for i in range(40):
            ask(client, f"q{i}")
    finally:
        proxy.stop_thread()
    stats = shadow.stats
    assert stats.seen == 40 and stats.sent + stats.skipped_by_rate == 40 and 3 <= stats.sent <= 20
    _, rows = results(run)
    assert len(rows) == stats.sent == len(candidate.hits())


def test_sdk_hook_shadow(tmp_path, primary, candidate):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    shadow = Shadow(candidate.base_url, run, model_map={"*": "served"})
    client = instrument(openai.OpenAI(base_url=primary.base_url, api_key=KEY, max_retries=0), recs, shadow=shadow)
    answer = ask(client, "from the hook")
    text = "".join(c.choices[0].delta.content or "" for c in ask(client, "hook stream", stream=True) if c.choices)
    uninstrument(client)  # waits for the shadow and closes its file
    assert (answer.choices[0].message.content, text) == ("echo: from the hook", "echo: hook stream")
    _, rows = results(run)
    recorded = {r.id: r for r in recordings(recs)}
    assert sorted(r.recording_id for r in rows) == sorted(recorded) and len(rows) == 2
    assert all(r.candidate.ok and r.request["model"] == "served" and r.baseline.response == recorded[r.recording_id].response for r in rows)


def test_compare_and_report_read_a_shadow_run_unchanged(tmp_path, primary, candidate):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    proxy = RecordingProxy(primary.base_url, recs, port=0, shadow=Shadow(candidate.base_url, run)).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
        for i in range(4):
            ask(client, f"The capital of country {i} is its largest city.")
    finally:
        proxy.stop_thread()
    compared = CliRunner().invoke(main, ["parity", "compare", str(run), "--disable", "semantic"], catch_exceptions=False)
    assert compared.exit_code == 0, compared.output
    assert "Compared 4 request(s)" in compared.output
    report = CliRunner().invoke(main, ["parity", "report", str(run.with_name("shadow.verdicts.jsonl"))], catch_exceptions=False)
    assert report.exit_code == 0, report.output
    assert json.loads(run.with_name("shadow.report.json").read_text())["verdict"] == "go"


def test_shadow_options_are_checked():
    for kwargs, word in (({"rate": 1.5}, "rate"), ({"max_in_flight": 0}, "max-in-flight"), ({"timeout": 0}, "timeout")):
        with pytest.raises(ValueError, match=word):
            Shadow("http://127.0.0.1:1/v1", "x.jsonl", **kwargs)
    with pytest.raises(ValueError, match="http"):
        Shadow("localhost:8000", "x.jsonl")
    assert default_run_path("data/recs.jsonl") == Path("data/recs.shadow.jsonl")


def test_cli_proxy_with_shadow_drains_both_on_sigterm(tmp_path, primary, candidate):
    out = tmp_path / "recs.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "migrate", "record", "proxy", "--upstream", primary.base_url, "--out", str(out),
                             "--port", "0", "--shadow", candidate.base_url, "--shadow-model-map", "*=served"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            cwd=tmp_path)
    assert proc.stdout is not None
    try:
        base = next(line.split("OPENAI_BASE_URL=", 1)[1].strip() for line in proc.stdout if "OPENAI_BASE_URL=" in line)
        started = [threading.Event() for _ in range(3)]

        def stream(i: int) -> str:
            client = openai.OpenAI(base_url=base, api_key="k", max_retries=0)
            pieces = []
            for chunk in ask(client, f"cli {i} fault:trickle", stream=True):
                started[i].set()
                pieces.append(chunk.choices[0].delta.content or "" if chunk.choices else "")
            return "".join(pieces)

        with ThreadPoolExecutor(3) as pool:
            futures = [pool.submit(stream, i) for i in range(3)]
            for event in started:
                assert event.wait(20)
            proc.send_signal(signal.SIGTERM)
            texts = [f.result(timeout=30) for f in futures]
        output = proc.stdout.read()
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert texts == [f"echo: cli {i} fault:trickle" for i in range(3)]
    run = default_run_path(out)
    assert "Shadow: 3 sent to the candidate, 3 answered, 0 failed, 3 written" in output
    _, rows = results(run)
    assert len(rows) == 3 and all(r.candidate.ok and r.request["model"] == "served" for r in rows)


def test_breaker_pauses_copies_to_an_unreachable_candidate_and_probes_again():
    now = [0.0]
    breaker = Breaker(threshold=3, pause_s=1.0, max_pause_s=4.0, clock=lambda: now[0])
    assert [breaker.record(True) for _ in range(3)] == [False, False, True]  # the third failure in a row pauses
    assert not breaker.allow()
    now[0] = 1.01
    assert breaker.allow() and not breaker.allow()  # one probe, not two
    assert breaker.record(True) and breaker.pause == 2.0  # the probe failed: a longer pause
    now[0] = 3.1
    assert breaker.allow() and breaker.record(True) and breaker.pause == 4.0
    now[0] = 7.2
    assert breaker.allow() and breaker.record(True) and breaker.pause == 4.0  # capped
    now[0] = 11.3
    assert breaker.allow() and not breaker.record(False)  # the candidate is back
    assert breaker.allow() and breaker.allow() and breaker.pause == 1.0


def test_a_down_candidate_is_paused_not_hammered(tmp_path, primary):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    shadow = Shadow("http://127.0.0.1:9/v1", run, timeout=5)
    proxy = RecordingProxy(primary.base_url, recs, port=0, shadow=shadow).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
        for i in range(20):
            assert ask(client, f"q{i}").choices[0].message.content == f"echo: q{i}"
    finally:
        proxy.stop_thread()
    stats = shadow.stats
    assert stats.sent + stats.paused_unreachable + stats.dropped_busy == 20 and stats.paused_unreachable >= 10
    assert stats.errors == stats.sent == stats.written and len(recordings(recs)) == 20
