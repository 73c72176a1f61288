"""Offline generation through ray.data.llm's real vLLM engine, on this CPU-only machine (vLLM's CPU build).

One engine start (a few minutes on two shared cores), a few requests: the answers generated inside Ray equal, with
greedy decoding, the ones the 'bare' vLLM server gives for the same requests (same tiny model, same dtype and
context length: tests/rig/server.py), and every key is written exactly once.
"""

from __future__ import annotations

import json

import pytest

from click.testing import CliRunner

from migrate.cli import main
from migrate.parity.replay import run_replay
from tests.parity.cluster.test_ray_vllm import _results

PROMPTS = ["Name a colour, then a number: 0", "Say hello to the moon", "Count to three"]


def _recordings(path):
    requests = [{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": PROMPTS[0]}], "max_tokens": 8,
                 "temperature": 0},
                {"model": "gpt-4o-mini", "messages": [{"role": "system", "content": "Be brief."},
                                                      {"role": "user", "content": PROMPTS[1]}],
                 "max_completion_tokens": 6, "temperature": 0, "seed": 7},
                {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": PROMPTS[2]}], "max_tokens": 12,
                 "temperature": 0, "stop": "\n\n"}]
    lines = [{"id": f"r{i}", "endpoint": "/v1/chat/completions", "request": r} for i, r in enumerate(requests)]
    lines.append({"id": "emb", "endpoint": "/v1/embeddings", "request": {"model": "m", "input": "x"}})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_the_real_engine_on_cpu_gives_the_servers_answers(tmp_path, tiny_model_dir, vllm_bare_server, local_ray):
    """Through the CLI (`migrate parity generate --device cpu`), on the session's Ray."""
    recs = _recordings(tmp_path / "recs.jsonl")
    result = CliRunner().invoke(main, ["parity", "generate", str(recs), "--out", str(tmp_path / "offline.jsonl"),
                                       "--model", str(tiny_model_dir), "--served-name", "tiny-llama", "--device", "cpu",
                                       "--engine-arg", "dtype=float32", "--engine-arg", "max_model_len=512",
                                       "--batch-size", "4", "--model-map", "*=tiny-llama"])
    assert result.exit_code == 0, result.output
    assert "Generated 3 answer(s)" in result.output and "with engine errors" not in result.output
    assert f"{recs}:4: skipped: /v1/embeddings is not generated offline (chat completions only)" in result.output

    run_replay(recs, tmp_path / "live.jsonl", candidate_url=vllm_bare_server.base_url, model_map={"*": "tiny-llama"})
    offline, live = _results(tmp_path / "offline.jsonl"), _results(tmp_path / "live.jsonl")
    assert sorted(offline) == ["r0#0", "r1#0", "r2#0"] == sorted(k for k in live if not k.startswith("emb"))
    for key, record in offline.items():
        engine, server = record.candidate.response, live[key].candidate.response
        assert record.candidate.ok, record.candidate.error
        assert engine["choices"][0]["message"]["content"] == server["choices"][0]["message"]["content"], key
        assert engine["choices"][0]["finish_reason"] == server["choices"][0]["finish_reason"], key
        for field in ("prompt_tokens", "completion_tokens"):
            assert engine["usage"][field] == server["usage"][field], (key, field)
        assert engine["model"] == "tiny-llama"
    header = json.loads((tmp_path / "offline.jsonl").read_text().splitlines()[0])
    assert header["candidate"]["device"] == "cpu" and header["candidate"]["mode"] == "offline"


@pytest.mark.vllm
def test_rows_with_different_sampling_fields_give_the_requests_sampling_params(local_ray):
    """Ray Data keeps the rows' sampling_params as one Arrow struct column: a key one row lacks would come back
    as None (SamplingParams refuses temperature=None), and a whole number that some rows lack as a float (which
    vLLM's engine core cannot decode): every row carries the same keys, numbers of one type, and no seed."""
    import ray
    from vllm import SamplingParams

    from migrate.parity.cluster.offline import (UNLIMITED_TOKENS, engine_request, sampling_defaults, sampling_fields,
                                                to_engine_row)

    fields = sampling_fields()
    defaults = sampling_defaults(fields)
    requests = [{"temperature": 0, "max_tokens": 8}, {"seed": 7, "max_completion_tokens": 5, "stop": "x"},
                {"top_p": 0.5, "presence_penalty": 1}]
    rows = [{"line": i + 1, "id": str(i), "key": f"{i}#0", "record": "{}", "messages": json.dumps([{"role": "user", "content": "hi"}]),
             "sampling_params": json.dumps(engine_request(r, fields, defaults))} for i, r in enumerate(requests)]
    dataset = ray.data.from_items(rows, override_num_blocks=1).map(to_engine_row)
    # read as ray.data.llm's stages read a batch (numpy, then tolist): where {"seed": 7} beside a row without one
    # came back as {"seed": 7.0}, and {"temperature": 0} beside one without as {"temperature": None}
    back = [row for batch in dataset.iter_batches(batch_format="numpy", batch_size=None)
            for row in [{"sampling_params": p} for p in batch["sampling_params"].tolist()]]
    # and as the engine stage builds SamplingParams (ray.data.llm's own conversion of arrays to lists)
    from ray.llm._internal.batch.stages.common import maybe_convert_ndarray_to_list

    params = [SamplingParams(**maybe_convert_ndarray_to_list(row["sampling_params"])) for row in back]
    assert params == [SamplingParams(temperature=0.0, max_tokens=8),
                      SamplingParams(max_tokens=5, stop=["x"]),
                      SamplingParams(top_p=0.5, presence_penalty=1.0, max_tokens=UNLIMITED_TOKENS)]
    for row in back:  # what vLLM's engine core decodes: whole numbers stay ints
        assert all(not isinstance(v, float) or k in defaults for k, v in row["sampling_params"].items())
        assert isinstance(row["sampling_params"]["max_tokens"], int)
