"""End to end against the real vLLM server: record through the proxy with the real SDK, replay, check the run."""

from __future__ import annotations

import json

import openai

from migrate.parity.replay import run_replay
from migrate.parity.runfile import read_run
from migrate.record.format import read_recordings
from migrate.record.proxy import RecordingProxy


def test_record_through_proxy_then_replay_against_vllm(tmp_path, vllm_server):
    recs, run = tmp_path / "recs.jsonl", tmp_path / "run.jsonl"
    proxy = RecordingProxy(vllm_server.base_url, recs, port=0, tags=["e2e"]).start_in_thread()
    try:  # vLLM plays the baseline ("OpenAI") behind the recording proxy
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="sk-e2e-canary-000000000000", max_retries=0, timeout=60)
        greedy = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hi"}],
                                                max_tokens=8, temperature=0)
        streamed = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Tell me a story about a cat"}],
                                                  max_tokens=8, temperature=0, stream=True, stream_options={"include_usage": True})
        streamed_text = "".join(c.choices[0].delta.content or "" for c in streamed if c.choices)
        assert streamed_text  # real text, so that time to first token means something
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Seeded"}],
                                                max_tokens=6, temperature=0.8, seed=123)
    finally:
        proxy.stop_thread()

    bad: list = []
    recordings = [r for _, r in read_recordings(recs, bad=bad)]
    assert bad == [] and len(recordings) == 3 and all(r.error is None and r.status == 200 for r in recordings)
    assert recordings[0].response["choices"][0]["message"]["content"] == greedy.choices[0].message.content
    assert recordings[1].stream and recordings[1].response["choices"][0]["message"]["content"] == streamed_text
    assert recordings[1].response["usage"]["completion_tokens"] <= 8 and recordings[1].ttft_ms > 0
    assert recordings[2].request["seed"] == 123
    assert "sk-e2e-canary" not in recs.read_text()

    summary = run_replay(recs, run, candidate_url=vllm_server.base_url, model_map={"gpt-4o-mini": "tiny-llama"}, samples=2, concurrency=4)
    assert (summary.total, summary.done, summary.errors, summary.bad_lines) == (6, 6, 0, [])
    header, results = read_run(run, bad=bad)
    results = {r.key: r for r in results}
    assert bad == [] and header.samples == 2 and sorted(results) == sorted(f"{r.id}#{s}" for r in recordings for s in (0, 1))
    for rec in recordings:
        for sample in (0, 1):
            result = results[f"{rec.id}#{sample}"]
            assert result.request["model"] == "tiny-llama" and result.candidate.ok and result.candidate.status == 200
            assert result.baseline.response == rec.response
            # Same weights, same pinned sampling (greedy, or the recorded seed): the same answer comes back.
            assert result.candidate.response["choices"][0]["message"]["content"] == rec.response["choices"][0]["message"]["content"]
    stream_result = results[f"{recordings[1].id}#0"]
    assert stream_result.candidate.response["object"] == "chat.completion"
    assert 0 < stream_result.candidate.ttft_ms <= stream_result.candidate.latency_ms
    assert stream_result.candidate.response["usage"]["completion_tokens"] == recordings[1].response["usage"]["completion_tokens"]
    assert json.loads(run.read_text().splitlines()[0])["type"] == "header"
