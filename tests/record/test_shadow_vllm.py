"""Shadow traffic with real vLLM servers on both sides: one plays the primary ("OpenAI") behind the recording
proxy, the other the candidate; `parity watch` and `compare` read the shadow run as it is."""

from __future__ import annotations

import json

import openai
from click.testing import CliRunner

from migrate.cli import main
from migrate.parity.runfile import read_run
from migrate.record.format import read_recordings
from migrate.record.proxy import RecordingProxy
from migrate.shadow import Shadow

PROMPTS = ["Say hi", "Name a colour", "Count to three"]


def test_shadow_to_vllm_answers_like_the_primary(tmp_path, vllm_server, vllm_bare_server):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    shadow = Shadow(vllm_bare_server.base_url, run, model_map={"gpt-4o-mini": "tiny-llama"}, timeout=120)
    proxy = RecordingProxy(vllm_server.base_url, recs, port=0, shadow=shadow).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="sk-shadow-vllm-000000000000", max_retries=0, timeout=120)
        answers = [client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": p}],
                                                  max_tokens=8, temperature=0).choices[0].message.content for p in PROMPTS]
        streamed = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Tell me a story"}], max_tokens=8, temperature=0,
            stream=True) if c.choices)
    finally:
        proxy.stop_thread()
    assert all(answers) and streamed
    bad: list = []
    recorded = {r.id: r for _, r in read_recordings(recs, bad=bad)}
    header, rows = read_run(run, bad=bad)
    rows = list(rows)
    assert bad == [] and len(rows) == 4 and sorted(r.recording_id for r in rows) == sorted(recorded)
    assert header.candidate["base_url"] == vllm_bare_server.base_url and header.extra["source"] == "shadow"
    for row in rows:
        rec = recorded[row.recording_id]
        assert row.request["model"] == "tiny-llama" and row.candidate.ok and row.baseline.status == 200
        # Same weights, greedy decoding: the candidate's copy says what the primary said.
        assert row.candidate.response["choices"][0]["message"]["content"] == rec.response["choices"][0]["message"]["content"]
        assert rec.request["model"] == "gpt-4o-mini"  # the primary got the app's own name
    stream_row = next(r for r in rows if recorded[r.recording_id].stream)
    assert stream_row.candidate.ttft_ms is not None and 0 < stream_row.candidate.ttft_ms <= stream_row.candidate.latency_ms

    watched = CliRunner().invoke(main, ["parity", "watch", str(run), "--once", "--json"], catch_exceptions=False)
    snap = json.loads(watched.output)
    assert (snap["results"], snap["compared"], snap["passed"], snap["candidate_errors"]) == (4, 4, 4, 0)
    assert snap["comparators"]["exact"] == {"scored": 4, "passed": 4, "pass_rate": 1.0, "threshold": None}
    compared = CliRunner().invoke(main, ["parity", "compare", str(run), "--disable", "semantic"], catch_exceptions=False)
    assert compared.exit_code == 0 and "Compared 4 request(s)" in compared.output


def test_unmapped_model_on_the_vllm_candidate_is_recorded_and_the_primary_untouched(tmp_path, vllm_server, vllm_bare_server):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "shadow.jsonl"
    shadow = Shadow(vllm_bare_server.base_url, run, timeout=60)  # no model map: "gpt-4o-mini" is not served there
    proxy = RecordingProxy(vllm_server.base_url, recs, port=0, shadow=shadow).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0, timeout=120)
        answer = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hi"}],
                                                max_tokens=4, temperature=0)
    finally:
        proxy.stop_thread()
    assert answer.choices[0].message.content
    bad: list = []
    [rec] = [r for _, r in read_recordings(recs, bad=bad)]
    assert rec.status == 200 and rec.error is None
    _, rows = read_run(run, bad=bad)
    [row] = list(rows)
    assert row.candidate.status == 404 and row.candidate.error["type"] == "http" and "gpt-4o-mini" in row.candidate.error["message"]
    watched = CliRunner().invoke(main, ["parity", "watch", str(run), "--once", "--json"], catch_exceptions=False)
    assert json.loads(watched.output)["error_types"] == {"http": 1}
