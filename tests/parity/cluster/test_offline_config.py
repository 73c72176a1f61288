"""The ray.data.llm configuration offline generation builds (no engine started, no Ray needed): the real
`vLLMEngineProcessorConfig` class validates it, and a CPU device never asks Ray for a GPU."""

from __future__ import annotations

import json

import pytest

from migrate.parity.cluster.offline import processor_config, to_engine_row
from migrate.serve.device import KV_CACHE_ENV


def _config(**kw):
    return processor_config("/models/tiny", **{"engine_kwargs": {"dtype": "float32"}, "replicas": 2, "batch_size": 8,
                                               "accelerator_type": None, **kw})


def test_a_cpu_engine_gets_a_bundle_of_cpus_and_a_kv_cache():
    config = _config(device="cpu", cpus_per_replica=4, kv_cache_gib=3)
    # Ray's default bundle for a vLLM engine is {"GPU": 1, "CPU": 1}: the CPU device replaces it with CPUs only
    assert config.placement_group_config["bundle_per_worker"]["CPU"] == 4
    assert config.placement_group_config["bundle_per_worker"]["GPU"] == 0
    assert config.runtime_env == {"env_vars": {KV_CACHE_ENV: "3"}}
    assert config.engine_kwargs["dtype"] == "float32" and config.concurrency == 2 and config.batch_size == 8


def test_the_smallest_kv_cache_by_default():
    assert _config(device="cpu").runtime_env["env_vars"][KV_CACHE_ENV] == "1"


def test_a_gpu_engine_is_scheduled_the_way_ray_does_by_default():
    config = _config(accelerator_type="H100")
    assert config.placement_group_config is None and config.runtime_env is None
    assert config.accelerator_type == "H100"


@pytest.mark.parametrize("device", ["gpu", "cpu"])
def test_the_engine_tokenizes_and_no_metrics_need_ray_serve(device):
    config = _config(device=device)
    assert config.log_engine_metrics is False  # vLLM exports them through Ray Serve, not in migrate-kit[ray]
    assert config.should_continue_on_error is True  # a failed row is a candidate error, not a failed run
    assert config.tokenize_stage is False and config.detokenize_stage is False
    assert config.chat_template_stage["num_cpus"] < 1


def test_bad_settings_are_refused_before_anything_starts():
    with pytest.raises(ValueError, match="device must be one of gpu, cpu"):
        _config(device="tpu")
    with pytest.raises(ValueError, match="names a GPU"):
        _config(device="cpu", accelerator_type="H100")
    with pytest.raises(ValueError, match="cpus_per_replica must be positive"):
        _config(device="cpu", cpus_per_replica=0)


def test_the_templated_prompt_is_not_given_special_tokens_twice():
    row = {"line": 3, "id": "a", "key": "a#0", "record": "{}",
           "messages": json.dumps([{"role": "user", "content": "hi"}]), "sampling_params": json.dumps({"max_tokens": 4})}
    engine_row = to_engine_row(row)
    assert engine_row["tokenization_kwargs"] == {"add_special_tokens": False}
    assert engine_row["messages"] == [{"role": "user", "content": "hi"}] and engine_row["sampling_params"] == {"max_tokens": 4}


def test_every_engine_row_has_the_same_sampling_keys_and_types():
    from migrate.parity.cluster.offline import UNLIMITED_TOKENS, engine_request

    fields = frozenset({"temperature", "top_p", "max_tokens", "stop", "seed", "ignore_eos"})
    defaults = {"temperature": 1.0, "top_p": 1.0, "ignore_eos": False}
    a = engine_request({"temperature": 0, "max_tokens": 8, "user": "u"}, fields, defaults)
    b = engine_request({"seed": 7, "stop": "\n", "max_completion_tokens": 5, "ignore_eos": True}, fields, defaults)
    c = engine_request({"top_p": 1}, fields, defaults)
    assert a == {"temperature": 0.0, "top_p": 1.0, "ignore_eos": False, "max_tokens": 8}
    assert isinstance(a["temperature"], float) and isinstance(c["top_p"], float)
    assert b == {"temperature": 1.0, "top_p": 1.0, "ignore_eos": True, "seed": 7, "stop": ["\n"], "max_tokens": 5}
    assert c["max_tokens"] == UNLIMITED_TOKENS  # not vLLM's 16: the server's default, up to the context length
