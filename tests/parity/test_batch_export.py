"""Bulk mode: recordings -> Batch API input -> (vLLM run_batch) -> run file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from migrate.parity.batch import export_batch, import_batch_output
from migrate.parity.runfile import read_run
from tests.parity.faults.fixtures import chat_recording, read_results, write_recordings


def test_export_maps_models_drops_streaming_and_keys_by_sample(tmp_path):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x", stream=True, seed=1, stream_options={"include_usage": True}),
                                                      "{bad", chat_recording("b", "y"), chat_recording("a", "dup")])
    summary = export_batch(recs, tmp_path / "in.jsonl", model_map={"gpt-4o": "tiny"}, samples=2)
    lines = [json.loads(line) for line in (tmp_path / "in.jsonl").read_text().splitlines()]
    assert [line["custom_id"] for line in lines] == ["a#0", "a#1", "b#0", "b#1"] and summary.written == 4
    assert [b.line for b in summary.bad_lines] == [2, 4]
    assert lines[0] == {"custom_id": "a#0", "method": "POST", "url": "/v1/chat/completions",
                        "body": {"model": "tiny", "messages": [{"role": "user", "content": "x"}], "seed": 1}}


def test_import_output_in_any_order_with_missing_and_failed_lines(tmp_path):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "x"), chat_recording("b", "y"), chat_recording("c", "z")])
    out_lines = [
        {"id": "1", "custom_id": "c#0", "response": {"status_code": 200, "body": {"choices": [{"message": {"content": "C"}}]}}, "error": None},
        {"id": "2", "custom_id": "a#0", "response": {"status_code": 400, "body": {"error": {"message": "bad"}}}, "error": None},
    ]
    (tmp_path / "out.jsonl").write_text("".join(json.dumps(line) + "\n" for line in out_lines))
    summary = import_batch_output(recs, tmp_path / "out.jsonl", tmp_path / "run.jsonl", model_map={"*": "tiny"})
    results = {r["recording_id"]: r for r in read_results(tmp_path / "run.jsonl")}
    assert (summary.written, summary.missing) == (3, 1)
    assert results["c"]["candidate"]["response"]["choices"][0]["message"]["content"] == "C" and results["c"]["candidate"]["error"] is None
    assert results["a"]["candidate"]["status"] == 400 and results["a"]["candidate"]["error"]["message"] == "bad"
    assert results["b"]["candidate"]["error"]["type"] == "missing"
    assert results["c"]["baseline"]["response"]["choices"][0]["message"]["content"] == "recorded"
    assert results["c"]["request"]["model"] == "tiny"
    header, _ = read_run(tmp_path / "run.jsonl", bad=[])
    assert header.candidate["mode"] == "batch"


@pytest.mark.slow
def test_vllm_run_batch_round_trip(tmp_path, tiny_model_dir):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording(f"r{i}", f"Question {i}", max_tokens=6, temperature=0) for i in range(3)])
    export_batch(recs, tmp_path / "in.jsonl", model_map={"gpt-4o": "tiny-llama"})
    cmd = [sys.executable, "-m", "vllm.entrypoints.openai.run_batch", "-i", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"),
           "--model", str(tiny_model_dir), "--served-model-name", "tiny-llama", "--dtype", "float32", "--max-model-len", "512"]
    env = {**__import__("os").environ, "VLLM_CPU_KVCACHE_SPACE": "1", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=400, env=env)
    assert done.returncode == 0, f"run_batch failed:\n{done.stderr[-3000:]}"
    summary = import_batch_output(recs, tmp_path / "out.jsonl", tmp_path / "run.jsonl", model_map={"gpt-4o": "tiny-llama"})
    assert (summary.written, summary.missing, summary.bad_lines) == (3, 0, [])
    results = read_results(tmp_path / "run.jsonl")
    assert sorted(r["key"] for r in results) == ["r0#0", "r1#0", "r2#0"]
    for result in results:
        assert result["candidate"]["status"] == 200 and result["candidate"]["error"] is None
        assert result["candidate"]["response"]["usage"]["completion_tokens"] <= 6
