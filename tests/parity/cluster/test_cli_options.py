"""--engine's usage errors, said before anything starts (no Ray, no server needed)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from migrate.cli import main


def _recs(tmp_path):
    recs = tmp_path / "recs.jsonl"
    recs.write_text(json.dumps({"id": "a", "endpoint": "/v1/chat/completions", "request": {"model": "m", "messages": []}}) + "\n")
    return recs


def test_several_candidates_need_the_ray_engine(tmp_path):
    result = CliRunner().invoke(main, ["parity", "run", str(_recs(tmp_path)), "--out", str(tmp_path / "run.jsonl"),
                                       "--candidate", "http://a/v1", "--candidate", "http://b/v1"])
    assert result.exit_code == 2 and "spreading a replay over replicas needs --engine ray" in result.output
    assert not (tmp_path / "run.jsonl").exists()


def test_a_ray_address_needs_the_ray_engine(tmp_path):
    result = CliRunner().invoke(main, ["parity", "compare", str(_recs(tmp_path)), "--ray-address", "auto"])
    assert result.exit_code == 2 and "--ray-address needs --engine ray" in result.output


def test_replicas_are_for_kubernetes_files(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--for", str(tmp_path), "--model", "Qwen/Qwen2.5-7B-Instruct",
                                       "--replicas", "3", "--emit", "docker-compose"])
    assert result.exit_code == 2 and "--replicas is for --emit kubernetes" in result.output


def test_generate_refuses_a_gpu_type_on_cpu_nodes_and_bad_engine_args(tmp_path):
    base = ["parity", "generate", str(_recs(tmp_path)), "--out", str(tmp_path / "run.jsonl"), "--model", "/models/m"]
    result = CliRunner().invoke(main, [*base, "--device", "cpu", "--accelerator-type", "H100"])
    assert result.exit_code == 2 and "not with --device cpu" in result.output
    result = CliRunner().invoke(main, [*base, "--device", "cpu", "--engine-arg", "max_model_len"])
    assert result.exit_code == 2 and "expected KEY=VALUE" in result.output
    result = CliRunner().invoke(main, [*base, "--device", "tpu"])
    assert result.exit_code == 2 and "'tpu' is not one of 'gpu', 'cpu'" in result.output
    assert not (tmp_path / "run.jsonl").exists()


def test_engine_args_are_read_as_json_when_they_are():
    from migrate.cli.parity import _engine_args

    assert _engine_args(("max-model-len=512", "dtype=float32", "enforce_eager=true", "x={\"a\": 1}")) == {
        "max_model_len": 512, "dtype": "float32", "enforce_eager": True, "x": {"a": 1}}
