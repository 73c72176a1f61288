"""Replay under injected faults (scripted aiohttp server): errors are recorded per request, never lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrate.parity.replay import run_replay
from tests.parity.faults.fixtures import chat_recording, fault_server, read_results, write_recordings  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

# script, stream, expected candidate status, attempts, error type (None = answered)
CASES = [
    ("ok", False, 200, 1, None),
    ("ok", True, 200, 1, None),
    ("500_once", False, 200, 2, None),
    ("500", False, 500, 3, "http"),
    ("400", False, 400, 1, "http"),
    ("429_once", False, 200, 2, None),
    ("429_ms_once", False, 200, 2, None),
    ("slow", False, None, 3, "timeout"),
    ("slow_once", False, 200, 2, None),
    ("reset", False, None, 3, "connection"),
    ("reset_once", False, 200, 2, None),
    ("malformed", False, 200, 1, "malformed"),
    ("stream_cut", True, 200, 3, "stream_cut"),
    ("stream_cut_once", True, 200, 2, None),
]


@pytest.mark.parametrize("script,stream,status,attempts,error", CASES, ids=[f"{c[0]}{'-stream' if c[1] else ''}" for c in CASES])
def test_fault_is_retried_or_recorded(tmp_path, fault_server, script, stream, status, attempts, error):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("r1", f"case fault:{script}", stream=stream)])
    summary = run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, timeout=0.5, max_retries=2)
    [result] = read_results(tmp_path / "run.jsonl")
    cand = result["candidate"]
    assert (cand["status"], cand["attempts"]) == (status, attempts)
    assert (cand["error"] or {}).get("type") == error
    assert summary.done == 1 and summary.errors == (error is not None)
    assert len(fault_server.hits()) == attempts  # every attempt reached the server: none hidden, none extra
    if error is None:
        assert cand["response"]["choices"][0]["message"]["content"] == f"echo: case fault:{script}"
    else:
        assert cand["error"]["message"]
    if error == "timeout":  # the per-attempt deadline held: the last attempt gave up after about 0.5 s
        assert 450 <= cand["latency_ms"] < 1500


def test_stream_cut_keeps_partial_answer_and_ttft(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("r1", "cut fault:stream_cut", stream=True)])
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, max_retries=0)
    [result] = read_results(tmp_path / "run.jsonl")
    cand = result["candidate"]
    assert cand["error"]["type"] == "stream_cut"
    assert cand["response"]["choices"][0]["message"]["content"] == "echo:"  # the two chunks that arrived
    assert cand["ttft_ms"] is not None and cand["ttft_ms"] <= cand["latency_ms"]


@pytest.mark.parametrize("script,min_wait", [("429_once", 1.0), ("429_ms_once", 0.3)], ids=["retry-after-seconds", "retry-after-ms"])
def test_retry_after_is_honoured(tmp_path, fault_server, script, min_wait):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("r1", f"wait fault:{script}")])
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, max_retries=3)
    first, second = fault_server.hits()
    waited = second.at - first.at
    assert min_wait <= waited < min_wait + 1.0, f"the retry came {waited:.3f} s after the 429"


def test_one_bad_request_does_not_stop_the_others(tmp_path, fault_server):
    scripts = ["ok", "500", "malformed", "ok", "reset", "400", "ok"]
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording(f"r{i}", f"r{i} fault:{s}") for i, s in enumerate(scripts)])
    summary = run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, max_retries=1, timeout=2)
    results = {r["recording_id"]: r for r in read_results(tmp_path / "run.jsonl")}
    assert sorted(results) == sorted(f"r{i}" for i in range(len(scripts)))
    assert summary.errors == 4
    assert [results[f"r{i}"]["candidate"]["error"] is None for i in range(len(scripts))] == [s == "ok" for s in scripts]


KILLED_RUN = """
import sys
from migrate.parity.replay import run_replay
run_replay(sys.argv[1], sys.argv[2], candidate_url=sys.argv[3], concurrency=4, resume=True)
"""


@pytest.mark.slow
def test_killed_run_resumes_with_every_request_exactly_once(tmp_path, fault_server):
    n = 60
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording(f"r{i:03}", f"r{i} fault:delay") for i in range(n)])
    out = tmp_path / "run.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(recs), str(out), fault_server.base_url], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count('"type":"result"') < 8):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = len(read_results(out))
    assert 8 <= before < n, "the run must be killed mid-way for this test to mean anything"
    with open(out, "ab") as fh:  # a torn last line, as a kill during a write leaves it
        fh.write(b'{"type":"result","key":"r999#0","recording_id":"r9')

    summary = run_replay(recs, out, candidate_url=fault_server.base_url, concurrency=4, resume=True)

    keys = [r["key"] for r in read_results(out)]
    assert sorted(keys) == sorted(f"r{i:03}#0" for i in range(n))  # zero lost, zero duplicated
    assert summary.skipped_existing == before and summary.done == n - before and summary.complete
    lines = out.read_text().splitlines()
    assert all(json.loads(line) for line in lines), "the torn fragment was cut, not kept"
    assert sum(1 for line in lines if '"type":"header"' in line) == 1
