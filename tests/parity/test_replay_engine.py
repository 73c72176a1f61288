"""The replay engine against the scripted server: keys, samples, model map, resume, bad input, pacing."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from migrate.jsonl import BadLine
from migrate.parity.replay import map_model, run_replay
from migrate.parity.replay.client import relative_path, retry_after_seconds
from migrate.parity.replay.engine import areplay, open_run_file, repair_tail
from migrate.parity.runfile import RunRecord, read_run
from tests.parity.faults.fixtures import chat_recording, fault_server, read_results, write_recordings  # noqa: F401


def test_results_have_the_run_file_shape(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "hello", tags=None), chat_recording("b", "streamed", stream=True)])
    summary = run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, model_map={"gpt-4o": "tiny"})
    assert (summary.total, summary.done, summary.errors, summary.bad_lines) == (2, 2, 0, [])
    bad: list[BadLine] = []
    header, results = read_run(tmp_path / "run.jsonl", bad=bad)
    records = {r.recording_id: r for r in results}
    assert bad == [] and header is not None
    assert header.candidate == {"base_url": fault_server.base_url, "model_map": {"gpt-4o": "tiny"}}
    a, b = records["a"], records["b"]
    assert a.key == "a#0" and a.request["model"] == "tiny"  # the request as sent to the candidate
    assert a.baseline.response["choices"][0]["message"]["content"] == "recorded"  # the recording is the baseline
    assert a.baseline.latency_ms == 100.0
    assert a.candidate.ok and a.candidate.ttft_ms is None and a.candidate.latency_ms > 0
    assert b.candidate.response["object"] == "chat.completion"  # the stream, assembled
    assert b.candidate.response["choices"][0]["message"]["content"] == "echo: streamed"
    assert b.candidate.response["choices"][0]["finish_reason"] == "stop"
    assert 0 < b.candidate.ttft_ms <= b.candidate.latency_ms
    assert fault_server.hits()[0].body["model"] == "tiny"


def test_written_lines_round_trip_through_runrecord(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x")])
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url)
    [line] = read_results(tmp_path / "run.jsonl")
    assert RunRecord.from_dict(line).to_dict() == line


def test_sampling_parameters_are_sent_as_recorded(tmp_path, fault_server):
    pinned = {"temperature": 0.7, "top_p": 0.9, "seed": 42, "max_tokens": 16, "stop": ["\n"]}
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x", **pinned)])
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, model_map={"*": "served"})
    sent = fault_server.hits()[0].body
    assert {k: sent[k] for k in pinned} == pinned and sent["model"] == "served"


@pytest.mark.parametrize(
    "model,mapping,expected",
    [("gpt-4o", {"gpt-4o": "llama"}, "llama"), ("gpt-4o", {"*": "llama"}, "llama"), ("gpt-4o", {"other": "x"}, "gpt-4o"),
     ("gpt-4o", {"gpt-4o": "a", "*": "b"}, "a"), ("gpt-4o", None, "gpt-4o"), (None, {"*": "llama"}, None)],
    ids=["exact", "wildcard", "unmapped", "exact-beats-wildcard", "no-map", "no-model"],
)
def test_map_model(model, mapping, expected):
    assert map_model(model, mapping) == expected


def test_samples_replay_each_prompt_n_times(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x"), chat_recording("b", "y")])
    summary = run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, samples=3)
    keys = sorted(r["key"] for r in read_results(tmp_path / "run.jsonl"))
    assert keys == ["a#0", "a#1", "a#2", "b#0", "b#1", "b#2"] and summary.total == 6


def test_malformed_recording_lines_are_reported_and_the_rest_replayed(tmp_path, fault_server):
    recs = write_recordings(
        tmp_path / "recs.jsonl",
        [chat_recording("a", "x"), "{not json", '{"format": "migrate.recording", "version": 1, "request": {}}',
         '{"format": "migrate.recording", "version": 7, "endpoint": "/v1/chat/completions", "request": {}}',
         chat_recording("b", "y"), chat_recording("a", "duplicate id")],
    )
    summary = run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url)
    assert sorted(r["recording_id"] for r in read_results(tmp_path / "run.jsonl")) == ["a", "b"]
    assert [b.line for b in summary.bad_lines] == [2, 3, 4, 6]
    assert "endpoint" in summary.bad_lines[1].error and "version" in summary.bad_lines[2].error
    assert "duplicate recording id 'a'" in summary.bad_lines[3].error
    assert all(str(recs) in str(b) for b in summary.bad_lines)


def test_existing_run_file_needs_resume(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x")])
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url)
    with pytest.raises(FileExistsError, match="--resume"):
        run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url)


def test_resume_skips_done_keys_and_adds_new_samples(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x"), chat_recording("b", "y")])
    out = tmp_path / "run.jsonl"
    run_replay(recs, out, candidate_url=fault_server.base_url)
    again = run_replay(recs, out, candidate_url=fault_server.base_url, resume=True)
    assert (again.done, again.skipped_existing) == (0, 2)
    more = run_replay(recs, out, candidate_url=fault_server.base_url, resume=True, samples=2)
    assert (more.done, more.skipped_existing) == (2, 2)
    assert sorted(r["key"] for r in read_results(out)) == ["a#0", "a#1", "b#0", "b#1"]
    assert out.read_text().count('"type":"header"') == 1


@pytest.mark.parametrize(
    "content,expected",
    [(b'{"a":1}\n{"b":2}\n', b'{"a":1}\n{"b":2}\n'), (b'{"a":1}\n{"b":2}', b'{"a":1}\n{"b":2}\n'),
     (b'{"a":1}\n{"b":', b'{"a":1}\n'), (b'{"b":', b""), (b"", b"")],
    ids=["clean", "complete-without-newline", "torn", "only-torn", "empty"],
)
def test_repair_tail(tmp_path, content, expected):
    path = tmp_path / "run.jsonl"
    path.write_bytes(content)
    repair_tail(path)
    assert path.read_bytes() == expected


def test_rate_limits_request_starts(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording(f"r{i}", f"r{i}") for i in range(6)])
    started = time.monotonic()
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, rate=10, concurrency=6)
    hits = sorted(h.at for h in fault_server.hits())
    assert hits[-1] - hits[0] >= 0.45  # 6 starts at 10/s span 0.5 s
    assert time.monotonic() - started >= 0.45


def test_progress_reports_every_request(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording(f"r{i}", f"r{i}") for i in range(5)])
    seen: list[tuple[int, int | None]] = []
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, progress=lambda d, t: seen.append((d, t)))
    assert [d for d, _ in seen] == [1, 2, 3, 4, 5] and {t for _, t in seen} == {5}


def test_live_baseline_is_called_with_the_original_model(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x")])
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, baseline_url=fault_server.base_url,
               baseline_api_key="sk-baseline-key-000000000000", model_map={"*": "served"})
    [result] = read_results(tmp_path / "run.jsonl")
    assert sorted(h.body["model"] for h in fault_server.hits()) == ["gpt-4o", "served"]
    assert result["baseline"]["response"]["choices"][0]["message"]["content"] == "echo: x"  # live, not recorded
    assert result["baseline"]["latency_ms"] != 100.0


def test_areplay_runs_inside_an_event_loop(tmp_path, fault_server):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x")])
    summary = asyncio.run(areplay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url))
    assert summary.done == 1


def test_bad_arguments_are_refused(tmp_path):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x")])
    with pytest.raises(FileNotFoundError, match="nope.jsonl"):
        run_replay(tmp_path / "nope.jsonl", tmp_path / "run.jsonl", candidate_url="http://127.0.0.1:9/v1")
    for bad in ({"concurrency": 0}, {"samples": 0}, {"rate": -1}):
        with pytest.raises(ValueError):
            run_replay(recs, tmp_path / "run.jsonl", candidate_url="http://127.0.0.1:9/v1", **bad)


@pytest.mark.parametrize(
    "headers,expected",
    [({"retry-after": "2"}, 2.0), ({"retry-after-ms": "250"}, 0.25), ({"retry-after": "1.5", "retry-after-ms": "100"}, 0.1),
     ({"retry-after": "soon"}, None), ({}, None), ({"retry-after": "-3"}, 0.0)],
    ids=["seconds", "ms", "ms-wins", "garbage", "none", "negative"],
)
def test_retry_after_parsing(headers, expected):
    assert retry_after_seconds(headers) == expected


def test_retry_after_http_date():
    from email.utils import formatdate

    wait = retry_after_seconds({"retry-after": formatdate(time.time() + 30, usegmt=True)})
    assert 28 <= wait <= 31


@pytest.mark.parametrize(
    "base,endpoint,expected",
    [("http://h/v1", "/v1/chat/completions", "/chat/completions"), ("http://h/v1/", "/v1/embeddings", "/embeddings"),
     ("http://h", "/v1/chat/completions", "/v1/chat/completions"), ("http://h/api", "/v1/responses", "/v1/responses")],
    ids=["v1-base", "v1-base-slash", "root-base", "other-prefix"],
)
def test_relative_path(base, endpoint, expected):
    assert relative_path(base, endpoint) == expected


def test_unreachable_candidate_is_recorded_per_request(tmp_path):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x"), chat_recording("b", "y")])
    summary = run_replay(recs, tmp_path / "run.jsonl", candidate_url="http://127.0.0.1:9/v1", max_retries=0)
    results = read_results(tmp_path / "run.jsonl")
    assert summary.errors == 2 and {r["candidate"]["error"]["type"] for r in results} == {"connection"}
    assert all("connection failed" in r["candidate"]["error"]["message"] for r in results)
    assert json.dumps(results).count("127.0.0.1") >= 2  # the message says where it tried


def test_open_run_file_reads_what_a_run_file_holds_and_cuts_a_torn_line(tmp_path):
    out = tmp_path / "run.jsonl"
    assert open_run_file(out, resume=False) == (set(), False)  # missing: a new run
    out.write_text("")
    assert open_run_file(out, resume=False) == (set(), False)  # empty: a new run too
    out.write_text('{"type":"header"}\n{"type":"result","key":"a#0"}\n{"type":"result","key":"b#0"}\n{"type":"res')
    with pytest.raises(FileExistsError, match="--resume"):
        open_run_file(out, resume=False)
    existing = open_run_file(out, resume=True)
    assert existing.keys == {"a#0", "b#0"} and existing.has_header
    assert out.read_text().endswith('"b#0"}\n')
    out.write_text('{"type":"result","key":"a#0"}\n')
    assert open_run_file(out, resume=True) == ({"a#0"}, False)  # no header yet: the writer owes one
