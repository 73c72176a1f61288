"""Size the server for the host it will run on: memory for the weights, the KV cache, the context length, and
(on GPUs) the memory share and tensor-parallel size. Pure functions over injected facts; `read_host()` and
`model_footprint()` read the facts from this machine and the model's directory.

What vLLM 0.32 does with these settings (read in its source, the paths are under site-packages/vllm/):

- CPU build: `VLLM_CPU_KVCACHE_SPACE` (GiB) becomes the KV cache size (platforms/cpu.py); when it is set the
  CPU worker skips its "Available memory ... is less than desired CPU memory utilization" check
  (v1/worker/cpu_worker.py), so `--gpu-memory-utilization` (on a CPU the share of *total* memory reserved) no
  longer matters. Without it the worker reserves 0.92 of the node's total memory and dies when less is free.
- GPU build: `--gpu-memory-utilization` is the share of each GPU's total memory this server may use; start-up
  fails when less than that is free. The KV cache gets what is left after the weights and activations.
- Both: start-up fails when the KV cache cannot hold one sequence of `max_model_len` tokens, so a long native
  context on a small cache needs `--max-model-len` lowered to what fits.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

GIB = 2**30
DTYPE_BYTES = {"float32": 4, "float": 4, "bfloat16": 2, "float16": 2, "half": 2, "fp8": 1, "float8": 1}
KV_CACHE_SHARE = 0.25  # of the memory available now, for a CPU's KV cache when no size is given
MIN_KV_CACHE_GIB = 1  # vLLM-CPU takes whole GiB; enough for short contexts on small models
CPU_RUNTIME_GIB = 1.0  # torch, the tokenizer, the API server and activations, beside the weights
GPU_RUNTIME_GIB = 1.5  # CUDA context, activations and CUDA graphs per GPU (vLLM's profiling usually finds less)
GPU_DEFAULT_UTILIZATION = 0.9  # vLLM's own default for --gpu-memory-utilization
GPU_MIN_KV_GIB = 0.5  # below this per GPU, the server starts but holds almost no context
CONTEXT_STEP = 256  # a fitted --max-model-len is rounded down to a multiple of this
KV_SAFETY = 0.9  # vLLM's block granularity and allocator keep some of the cache unusable


class FitError(ValueError):
    """The host cannot hold the model as planned: one line with the reason and the fix."""


@dataclass(frozen=True)
class Gpu:
    index: int
    name: str
    total_gib: float
    free_gib: float


@dataclass(frozen=True)
class Host:
    """What the machine offers now. Any field may be unknown (None / empty) when it could not be read."""

    available_gib: float | None = None  # MemAvailable
    total_gib: float | None = None  # MemTotal
    cpus: int | None = None  # CPUs this process may run on (its affinity: a container's cpuset, taskset)
    cpu_flags: frozenset[str] = frozenset()
    gpus: tuple[Gpu, ...] = ()

    @property
    def native_bf16(self) -> bool:
        """The CPU computes in bfloat16 natively (AVX512-BF16 or AMX); otherwise bf16 math is emulated."""
        return bool({"avx512_bf16", "amx_bf16"} & self.cpu_flags)


@dataclass(frozen=True)
class Footprint:
    """What the model needs, read from its directory without loading it."""

    weights_gib: float | None = None  # on disk (safetensors / .bin), at `dtype`
    dtype: str | None = None  # config.json torch_dtype / dtype
    quantized: bool = False  # config.json quantization_config: weights stay their size whatever --dtype says
    layers: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    attention_heads: int | None = None
    max_position_embeddings: int | None = None
    source: str = ""  # where weights_gib came from

    def weights_at(self, dtype: str | None) -> float | None:
        """The weights' size in memory when served at `dtype` (None: as on disk)."""
        if self.weights_gib is None or self.quantized or not dtype or not self.dtype:
            return self.weights_gib
        have, want = DTYPE_BYTES.get(self.dtype), DTYPE_BYTES.get(dtype)
        return self.weights_gib * want / have if have and want else self.weights_gib

    def kv_bytes_per_token(self, dtype: str | None) -> int | None:
        """Key and value for every layer, at the served dtype (the KV cache's dtype by default)."""
        size = DTYPE_BYTES.get(dtype or self.dtype or "", None)
        if not (self.layers and self.kv_heads and self.head_dim and size):
            return None
        return 2 * self.layers * self.kv_heads * self.head_dim * size


@dataclass(frozen=True)
class Choice:
    """One sizing decision: a flag or an environment variable, its value, and why."""

    flag: str | None
    value: str
    reason: str
    env: str | None = None


@dataclass(frozen=True)
class Sizing:
    choices: tuple[Choice, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    facts: Mapping[str, object] = field(default_factory=dict)  # the numbers behind the choices, for --format json


# -- reading the facts -------------------------------------------------------------------------------------------

def read_host(meminfo: Path = Path("/proc/meminfo"), cpuinfo: Path = Path("/proc/cpuinfo"),
              environ: Mapping[str, str] | None = None) -> Host:
    memory = _meminfo(meminfo)
    try:
        cpus: int | None = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count()
    return Host(available_gib=memory.get("MemAvailable"), total_gib=memory.get("MemTotal"), cpus=cpus,
                cpu_flags=_cpu_flags(cpuinfo), gpus=visible_gpus(environ=environ))


def _meminfo(path: Path) -> dict[str, float]:
    found = {}
    try:
        for line in path.read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("MemAvailable", "MemTotal"):
                found[key] = int(rest.split()[0]) / 2**20  # kB -> GiB
    except (OSError, ValueError, IndexError):
        pass
    return found


def _cpu_flags(path: Path) -> frozenset[str]:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(("flags", "Features")):  # x86, aarch64
                return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def parse_nvidia_smi(text: str) -> tuple[Gpu, ...]:
    """`nvidia-smi --query-gpu=index,name,memory.total,memory.free --format=csv,noheader,nounits` (MiB)."""
    gpus = []
    for line in text.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 4:
            continue
        try:
            gpus.append(Gpu(int(parts[0]), parts[1], int(parts[2]) / 1024, int(parts[3]) / 1024))
        except ValueError:
            continue
    return tuple(gpus)


def visible_gpus(smi_output: str | None = None, environ: Mapping[str, str] | None = None) -> tuple[Gpu, ...]:
    """The NVIDIA GPUs this process may use: nvidia-smi's list, narrowed by CUDA_VISIBLE_DEVICES (indices)."""
    environ = os.environ if environ is None else environ
    if smi_output is None:
        smi = shutil.which("nvidia-smi")
        if not smi:
            return ()
        try:
            done = subprocess.run([smi, "--query-gpu=index,name,memory.total,memory.free",
                                   "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return ()
        smi_output = done.stdout if done.returncode == 0 else ""
    gpus = parse_nvidia_smi(smi_output)
    visible = environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return gpus
    wanted = [v.strip() for v in visible.split(",") if v.strip()]
    if not all(v.isdigit() for v in wanted):  # UUIDs or MIG names: cannot map them to rows here, keep all
        return gpus
    by_index = {g.index: g for g in gpus}
    return tuple(by_index[int(v)] for v in wanted if int(v) in by_index)


def model_footprint(local_dir: Path | None) -> Footprint:
    """Weights size and attention shape from a model directory (config.json, *.safetensors, index files)."""
    if local_dir is None:
        return Footprint()
    config = _read_json(local_dir / "config.json")
    text = config.get("text_config") if isinstance(config.get("text_config"), dict) else config  # multimodal
    weights, source = _weights_gib(local_dir)
    heads = _int(text.get("num_attention_heads"))
    hidden = _int(text.get("hidden_size"))
    head_dim = _int(text.get("head_dim")) or (hidden // heads if hidden and heads else None)
    dtype = next((d for d in (config.get("torch_dtype"), config.get("dtype"), text.get("torch_dtype"))
                  if isinstance(d, str)), None)
    return Footprint(weights_gib=weights, dtype=dtype, quantized=bool(config.get("quantization_config")),
                     layers=_int(text.get("num_hidden_layers")),
                     kv_heads=_int(text.get("num_key_value_heads")) or heads, head_dim=head_dim,
                     attention_heads=heads, max_position_embeddings=_int(text.get("max_position_embeddings")),
                     source=source)


def _weights_gib(local_dir: Path) -> tuple[float | None, str]:
    for index in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        total = (_read_json(local_dir / index).get("metadata") or {}).get("total_size")
        if isinstance(total, int) and total > 0:
            return total / GIB, f"{index} total_size"
    for pattern in ("*.safetensors", "*.bin", "*.pt"):
        files = [p for p in local_dir.glob(pattern) if p.is_file() and "training_args" not in p.name]
        if files:
            return sum(p.stat().st_size for p in files) / GIB, f"{len(files)} {pattern} file(s)"
    return None, ""


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


# -- deciding ----------------------------------------------------------------------------------------------------

def size_cpu(host: Host, model: Footprint, *, serve_dtype: str | None, kv_cache_gib: int | None = None,
             max_model_len: int | None = None) -> Sizing:
    """The KV cache (VLLM_CPU_KVCACHE_SPACE) and context length for vLLM's CPU build on `host`.

    Raises FitError when the weights do not fit in the memory available now.
    """
    weights = model.weights_at(serve_dtype)
    available = host.available_gib
    headroom = available - weights - CPU_RUNTIME_GIB if (available is not None and weights is not None) else None
    at = f" at {serve_dtype}" if serve_dtype else ""
    if headroom is not None and headroom < MIN_KV_CACHE_GIB:
        raise FitError(
            f"this host cannot hold the model: its weights need {weights:.1f} GiB{at}, plus {CPU_RUNTIME_GIB:.0f} GiB "
            f"for the runtime and {MIN_KV_CACHE_GIB} GiB of KV cache, but only {available:.1f} GiB of memory is "
            f"available now. Fix: free memory, serve a smaller or quantised model, or run on a bigger host "
            "(--emit writes deployment files without this check)")
    notes, warnings = [], []
    if kv_cache_gib:
        gib, why = kv_cache_gib, f"{kv_cache_gib} GiB of KV cache (given)"
        if headroom is not None and kv_cache_gib > headroom:
            raise FitError(
                f"--cpu-kv-cache {kv_cache_gib} does not fit: {available:.1f} GiB is available now and the weights "
                f"take {weights:.1f} GiB{at} plus {CPU_RUNTIME_GIB:.0f} GiB for the runtime, leaving "
                f"{headroom:.1f} GiB. Fix: --cpu-kv-cache {max(MIN_KV_CACHE_GIB, math.floor(headroom))} or less")
    elif available is None:
        gib, why = MIN_KV_CACHE_GIB, f"{MIN_KV_CACHE_GIB} GiB of KV cache: the memory available here could not be read"
    else:
        share = math.floor(available * KV_CACHE_SHARE)
        gib = max(MIN_KV_CACHE_GIB, min(share, math.floor(headroom)) if headroom is not None else share)
        why = f"{gib} GiB of KV cache: {KV_CACHE_SHARE:.0%} of the {available:.1f} GiB of memory available now"
        if headroom is not None:
            why += (f", the weights taking {gib_text(weights)}{at}" if gib == max(MIN_KV_CACHE_GIB, share) else
                    f", capped by what the {weights:.1f} GiB of weights{at} and the runtime leave "
                    f"({headroom:.1f} GiB)")
    choices = [Choice(None, str(gib), why + ". Without it vLLM-CPU reserves 92% of the node's memory for the KV "
                      "cache and dies at start-up when less is free; with it vLLM skips that check, so "
                      "--gpu-memory-utilization (on a CPU, the share of total memory) does not apply. More cache "
                      "serves longer contexts and more concurrent requests: --cpu-kv-cache GiB",
                      env="VLLM_CPU_KVCACHE_SPACE")]
    if weights is None:
        notes.append("could not read the model's weight files here: the memory check before start-up was skipped")
    context = _fit_context(model, gib * GIB, serve_dtype, max_model_len, f"--cpu-kv-cache {gib}", "--cpu-kv-cache")
    if context:
        choices.append(context)
    if host.cpus:
        notes.append(f"threads: VLLM_CPU_OMP_THREADS_BIND=auto binds one OpenMP thread per physical core among the "
                     f"{host.cpus} CPUs this process may use (its affinity: vllm/utils/ompmultiprocessing.py); to "
                     "leave cores to other work, start it under `taskset -c LIST` or set VLLM_CPU_OMP_THREADS_BIND=LIST")
    if serve_dtype in ("bfloat16", None) and model.dtype == "bfloat16" and host.cpu_flags and not host.native_bf16:
        notes.append("this CPU has neither AVX512-BF16 nor AMX: vLLM-CPU computes the bfloat16 weights through "
                     "emulation (slower); `-- --dtype float32` trades twice the weight memory for native float32 math")
    facts = {"available_gib": available, "weights_gib": weights, "kv_cache_gib": gib, "cpus": host.cpus,
             "native_bf16": host.native_bf16 if host.cpu_flags else None}
    return Sizing(tuple(choices), tuple(notes), tuple(warnings), facts)


def size_gpu(host: Host, model: Footprint, *, serve_dtype: str | None, max_model_len: int | None = None,
             utilization: float | None = None, tensor_parallel: int | None = None) -> Sizing:
    """--gpu-memory-utilization, --tensor-parallel-size and --max-model-len for the GPUs `host` shows.

    Raises FitError when the weights do not fit on all the visible GPUs together.
    """
    gpus = host.gpus
    if not gpus:
        return Sizing(notes=("no NVIDIA GPU is visible here (nvidia-smi): the plan is not sized for the GPUs it will "
                             "run on; vLLM uses 90% of each GPU's memory and the model's full context by default",))
    total = min(g.total_gib for g in gpus)
    free = min(g.free_gib for g in gpus)
    names = ", ".join(sorted({g.name for g in gpus}))
    choices: list[Choice] = []
    if utilization is None:
        # Leave 2% of the total free beside what others use now, never more than vLLM's default share.
        fits_now = math.floor((free / total - 0.02) * 100) / 100 if total else GPU_DEFAULT_UTILIZATION
        utilization = min(GPU_DEFAULT_UTILIZATION, fits_now)
        if utilization < GPU_DEFAULT_UTILIZATION:
            if utilization <= 0.1:
                raise FitError(f"the GPUs are nearly full ({free:.1f} of {total:.1f} GiB free on the fullest): "
                               "stop what runs on them (nvidia-smi lists it) or pick others with CUDA_VISIBLE_DEVICES")
            choices.append(Choice("--gpu-memory-utilization", f"{utilization:.2f}",
                                  f"only {free:.1f} of {total:.1f} GiB is free on the fullest visible GPU (other "
                                  f"processes use the rest); vLLM's default {GPU_DEFAULT_UTILIZATION} would ask for "
                                  f"{GPU_DEFAULT_UTILIZATION * total:.1f} GiB and fail at start-up"))
    budget = total * utilization - GPU_RUNTIME_GIB  # per GPU, for weights and KV cache
    weights = model.weights_at(serve_dtype)
    at = f" at {serve_dtype}" if serve_dtype else ""
    tp = tensor_parallel or 1
    if weights is not None and tensor_parallel is None:
        sizes = [n for n in (1, 2, 4, 8, 16) if n <= len(gpus)
                 and (not model.attention_heads or model.attention_heads % n == 0)]
        fitting = [n for n in sizes if weights / n <= budget - GPU_MIN_KV_GIB]
        if not fitting:
            most = sizes[-1] if sizes else 1
            raise FitError(
                f"the model does not fit: its weights need {weights:.1f} GiB{at}, and {most} visible GPU(s) "
                f"({names}, {total:.0f} GiB each, {utilization:.0%} usable) hold "
                f"{max(0.0, budget - GPU_MIN_KV_GIB) * most:.1f} GiB of weights beside a minimal KV cache. Fix: "
                "more GPUs (CUDA_VISIBLE_DEVICES), a quantised variant (AWQ/GPTQ/FP8), or a smaller model")
        per_token = model.kv_bytes_per_token(serve_dtype)
        wanted = max_model_len or model.max_position_embeddings

        def holds(n: int) -> int | None:  # tokens of context the KV cache holds on n GPUs
            return int((budget - weights / n) * n * GIB * KV_SAFETY // per_token) if per_token else None

        # The fewest GPUs that hold the weights and one full-length sequence; else the most context on offer.
        full = [n for n in fitting if not wanted or holds(n) is None or holds(n) >= wanted]
        tp = full[0] if full else fitting[-1]
        if tp > 1:
            why = (f"the {weights:.1f} GiB of weights{at} need {tp} of the {len(gpus)} visible GPUs ({total:.0f} GiB "
                   f"each, {utilization:.0%} usable, {GPU_RUNTIME_GIB} GiB of it for activations and CUDA graphs)")
            if tp != fitting[0]:
                why = (f"{fitting[0]} GPU(s) would hold the {weights:.1f} GiB of weights{at} but only "
                       f"{holds(fitting[0])} tokens of the model's {wanted}-token context; {tp} of the "
                       f"{len(gpus)} visible GPUs ({total:.0f} GiB each) hold " +
                       ("all of it" if full else f"{holds(tp)}"))
            choices.append(Choice("--tensor-parallel-size", str(tp), why))
    kv_gib = (budget - weights / tp) * tp if weights is not None else None
    if kv_gib is not None:
        context = _fit_context(model, kv_gib * GIB, serve_dtype, max_model_len,
                               f"{len(gpus)} GPU(s) at utilisation {utilization:.2f}", "--gpu-memory-utilization")
        if context:
            choices.append(context)
    notes = [f"sized for {len(gpus)} visible GPU(s): {names}, {total:.0f} GiB each, {free:.0f} GiB free on the "
             "fullest" + (f"; the weights take {weights:.1f} GiB{at}, leaving about {kv_gib:.1f} GiB for the KV cache"
                          if kv_gib is not None else "; the weights' size could not be read")]
    facts = {"gpus": len(gpus), "gpu_total_gib": total, "gpu_free_gib": free, "utilization": utilization,
             "tensor_parallel": tp, "weights_gib": weights, "kv_cache_gib": kv_gib}
    return Sizing(tuple(choices), tuple(notes), (), facts)


def gib_text(gib: float) -> str:
    """1.5 GiB, or 820 KiB / 12 MiB for what rounds to nothing in GiB."""
    if gib >= 0.1:
        return f"{gib:.1f} GiB"
    mib = gib * 1024
    return f"{mib:.0f} MiB" if mib >= 1 else f"{mib * 1024:.0f} KiB"


def _fit_context(model: Footprint, kv_bytes: float, dtype: str | None, given: int | None, cache: str,
                 knob: str) -> Choice | None:
    """A --max-model-len the KV cache can hold one sequence of, when the model's own context is longer."""
    per_token = model.kv_bytes_per_token(dtype)
    if not per_token:
        return None
    fits = int(kv_bytes * KV_SAFETY // per_token)
    wanted = given or model.max_position_embeddings
    if not wanted or wanted <= fits:
        return None
    if given:
        raise FitError(f"--max-model-len {given} needs {given * per_token / GIB / KV_SAFETY:.1f} GiB of KV cache, "
                       f"more than {cache} gives ({kv_bytes / GIB:.1f} GiB, {fits} tokens). Fix: --max-model-len "
                       f"{fits} or less, or a bigger cache ({knob})")
    step = CONTEXT_STEP if fits >= CONTEXT_STEP else 16
    length = fits // step * step
    if length < 16:
        raise FitError(f"the KV cache ({cache}, {kv_bytes / GIB:.2f} GiB) holds only {fits} tokens of this model: "
                       f"give it more memory ({knob})")
    return Choice("--max-model-len", str(length),
                  f"the model's own context ({wanted} tokens) needs {wanted * per_token / GIB:.1f} GiB of KV cache; "
                  f"{cache} holds about {fits} tokens ({per_token // 1024} KiB each), and vLLM refuses to start "
                  "when one full-length sequence does not fit")
