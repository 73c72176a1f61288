"""The test session's servers (vLLM's, and llama.cpp's for comparison): named specs, started lazily, booted concurrently, stopped at the end.

The pytest fixtures in tests/conftest.py are thin wrappers around `ServerPool`. When a test first asks for a
server, the pool launches that server *and* every other server the collected tests will need, so that the
~60 s boots overlap instead of adding up; then it waits only for the one asked for.

Setting MIGRATE_TEST_VLLM_<NAME>_URL (e.g. MIGRATE_TEST_VLLM_MAIN_URL=http://127.0.0.1:8000/v1), or
MIGRATE_TEST_LLAMACPP_URL for llama.cpp's, points a spec at a server you already run (`python -m tests.rig
serve`), which saves the boot on every test run.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from tests.rig.llamacpp import launch_llamacpp, missing_install
from tests.rig.server import DEFAULT_START_TIMEOUT_S, Server, ServerStartError, launch
from tests.rig.tiny_gguf import ensure_gguf

TOOL_ARGS = ("--enable-auto-tool-choice", "--tool-call-parser", "llama3_json")


@dataclass(frozen=True)
class ServerSpec:
    name: str
    served_names: tuple[str, ...]
    extra_args: tuple[str, ...] = ()
    description: str = ""
    env: tuple[tuple[str, str], ...] = ()  # environment variables the configuration needs
    kind: str = "vllm"  # "vllm" or "llamacpp"

    @property
    def env_var(self) -> str:
        """The variable that points this spec at a running server."""
        if self.kind == "llamacpp":
            return "MIGRATE_TEST_LLAMACPP_URL"
        return f"MIGRATE_TEST_VLLM_{self.name.upper()}_URL"


# "main": what rewritten code talks to (tool calling on, an OpenAI name mapped onto the tiny model).
# "bare": no tool parser, for the facts that show what a default `vllm serve` refuses.
# "llamacpp": llama.cpp's server (llama-cpp-python) on the same model as GGUF, with its defaults: another
# OpenAI-compatible server, whose differences from vLLM's the tests document (docs/targets.md).
SPECS = {
    "main": ServerSpec("main", ("tiny-llama", "gpt-4o-mini"), TOOL_ARGS, "tool parser llama3_json, two served names"),
    "bare": ServerSpec("bare", ("tiny-llama",), (), "no tool parser"),
    # Configurations the shipped target profile is probed on (scripts/generate-catalog --probe); no test boots them.
    "pooling": ServerSpec("pooling", ("tiny-embed",), ("--runner", "pooling", "--convert", "embed"),
                          "the tiny Llama as an embedding (pooling) model"),
    "store": ServerSpec("store", ("tiny-llama",), (), "VLLM_ENABLE_RESPONSES_API_STORE=1 (stored responses, background)",
                        (("VLLM_ENABLE_RESPONSES_API_STORE", "1"),)),
    "llamacpp": ServerSpec("llamacpp", ("tiny-llama",), (), "llama.cpp's server from llama-cpp-python, on the GGUF",
                           kind="llamacpp"),
}


@dataclass(frozen=True)
class ExternalServer:
    """A server somebody else runs, named by MIGRATE_TEST_VLLM_<NAME>_URL or MIGRATE_TEST_LLAMACPP_URL."""

    base_url: str
    served_names: tuple[str, ...]
    model_dir: Path | None = None
    log_path: Path | None = None
    process: None = None

    @property
    def model(self) -> str:
        return self.served_names[0]

    @property
    def root_url(self) -> str:
        return self.base_url.rstrip("/").removesuffix("/v1")


class ServerPool:
    def __init__(self, model_dir: Path, log_dir: Path, specs: dict[str, ServerSpec] = SPECS,
                 timeout_s: float = DEFAULT_START_TIMEOUT_S):
        self.model_dir = model_dir
        self.log_dir = log_dir
        self.specs = specs
        self.timeout_s = timeout_s
        self._servers: dict[str, Server] = {}
        self._ready: dict[str, Server | ExternalServer] = {}
        self._errors: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, name: str, also_start: Iterable[str] = ()) -> Server | ExternalServer:
        """The ready server `name`; launches it and `also_start` first if they are not running yet.

        Raises ServerStartError (the same message on every later call) when it cannot start.
        """
        with self._lock:
            if name in self._ready:
                return self._ready[name]
            if name in self._errors:
                raise ServerStartError(self._errors[name])
            for other in (name, *also_start):
                self._launch(other)
            if name in self._errors:  # could not even launch (llama-cpp-python missing, GGUF conversion failed)
                raise ServerStartError(self._errors[name])
            server = self._servers.get(name)
            if server is None:  # external
                return self._ready[name]
            try:
                self._ready[name] = server.wait_ready(self.timeout_s)
            except ServerStartError as e:
                self._errors[name] = str(e)
                server.stop()
                raise
            return self._ready[name]

    def _launch(self, name: str) -> None:
        if name in self._servers or name in self._ready or name in self._errors:
            return
        spec = self.specs[name]
        external = os.environ.get(spec.env_var)
        if external:
            self._ready[name] = ExternalServer(external.rstrip("/"), spec.served_names)
            return
        if spec.kind == "llamacpp":
            self._launch_llamacpp(spec)
            return
        self._servers[name] = launch(self.model_dir, served_names=spec.served_names, extra_args=spec.extra_args,
                                     log_path=self.log_dir / f"vllm-{name}.log", env=dict(spec.env))

    def _launch_llamacpp(self, spec: ServerSpec) -> None:
        reason = missing_install()
        if reason is None:
            try:
                gguf_file = ensure_gguf(self.model_dir)
            except Exception as e:  # noqa: BLE001 - any conversion failure is this server's start failure
                reason = f"could not convert {self.model_dir} to GGUF: {type(e).__name__}: {e}"
        if reason is not None:
            self._errors[spec.name] = reason
            return
        self._servers[spec.name] = launch_llamacpp(gguf_file, served_names=spec.served_names,
                                                   extra_args=spec.extra_args,
                                                   log_path=self.log_dir / f"llamacpp-{spec.name}.log")

    def stop_all(self) -> None:
        for server in self._servers.values():
            server.stop()
