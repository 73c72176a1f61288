"""A second real OpenAI-compatible server: llama.cpp's, as `llama-cpp-python[server]` ships it, on the tiny Llama.

    from tests.rig.llamacpp import launch_llamacpp
    server = launch_llamacpp(ensure_gguf(ensure_model())).wait_ready()

It runs `python -m llama_cpp.server --model FILE.gguf --model_alias tiny-llama --n_ctx 512` in its own process
group, logging to a file, and is stopped like the vLLM servers (`Server.stop()`, the atexit hook). It has no
`/health` route, so readiness is `/v1/models` listing the alias. It is started with llama-cpp-python's
defaults otherwise (no `--embedding`, the chat template from the GGUF file), because those defaults are what
the tests document against vLLM's. scripts/setup-test-env installs the pinned CPU build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from tests.rig.server import _LIVE, Server, free_port

LLAMACPP_MODULE = "llama_cpp.server"
LLAMACPP_VERSION = "0.3.36"  # scripts/setup-test-env installs this version
N_CTX = 512  # as the vLLM servers' --max-model-len
THREADS = 2  # the tiny model needs no more; CI machines are small and shared


def llamacpp_argv(gguf_file: Path | str, *, port: int, served_name: str = "tiny-llama", host: str = "127.0.0.1",
                  extra_args: Sequence[str] = (), python: str | None = None) -> list[str]:
    return [python or sys.executable, "-m", LLAMACPP_MODULE, "--model", str(gguf_file), "--model_alias", served_name,
            "--host", host, "--port", str(port), "--n_ctx", str(N_CTX), "--n_threads", str(THREADS),
            "--n_threads_batch", str(THREADS), *extra_args]


def launch_llamacpp(gguf_file: Path | str, *, served_names: Sequence[str] = ("tiny-llama",),
                    extra_args: Sequence[str] = (), port: int | None = None, log_path: Path | str | None = None,
                    host: str = "127.0.0.1") -> Server:
    """Start llama.cpp's server in the background and return at once; call `wait_ready()` on the result."""
    if len(served_names) != 1:
        raise ValueError(f"llama-cpp-python serves one alias per model file from the command line, not {served_names}")
    port = port or free_port(host)
    argv = llamacpp_argv(gguf_file, port=port, served_name=served_names[0], host=host, extra_args=extra_args)
    if log_path is None:
        log_path = Path(tempfile.mkstemp(prefix=f"llamacpp-{port}-", suffix=".log")[1])
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1"}
    with open(log_path, "wb") as log:
        log.write(("$ " + " ".join(argv) + "\n").encode())
        log.flush()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    _LIVE.add(process)
    return Server(argv=argv, port=port, model_dir=Path(gguf_file), served_names=tuple(served_names), log_path=log_path,
                  process=process, host=host, kind="llama.cpp (llama-cpp-python)", health_path=None)


def missing_install() -> str | None:
    """Why llama.cpp's server cannot start from this interpreter (not installed), or None."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        version("llama_cpp_python")
    except PackageNotFoundError:
        return (f"llama-cpp-python is not installed in {sys.prefix}: run scripts/setup-test-env (it builds "
                f"llama-cpp-python[server]=={LLAMACPP_VERSION} for the CPU, a few minutes the first time)")
    return None
