"""Fixtures for the benchmark scripts' tests: the scripts loaded as modules, and the comparison tools."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"


def _load(name: str):
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))  # scan_speed.py imports _common as a sibling script does
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def common():
    return _load("_common")


@pytest.fixture(scope="session")
def scan_speed():
    return _load("scan_speed")


@pytest.fixture(scope="session")
def js_scan_compare():
    return _load("js_scan_compare")


@pytest.fixture(scope="session")
def bench_tools() -> dict[str, str]:
    """semgrep and ast-grep (from .venv-bench) and ripgrep, installed by scripts/bench-tools-env when one is missing
    (semgrep and ast-grep from PyPI, ripgrep from Debian: about 20 s, once per machine)."""
    semgrep = REPO / ".venv-bench" / "bin" / "semgrep"
    ast_grep = REPO / ".venv-bench" / "bin" / "ast-grep"
    if not semgrep.exists() or not ast_grep.exists() or shutil.which("rg") is None:
        proc = subprocess.run(["bash", str(REPO / "scripts" / "bench-tools-env")], cwd=REPO, capture_output=True,
                              text=True, timeout=900)
        if proc.returncode != 0:
            pytest.fail(f"scripts/bench-tools-env could not install the comparison tools:\n"
                        f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    probe = subprocess.run([str(semgrep), "--version"], capture_output=True, text=True, env=env, timeout=120)
    if probe.returncode != 0:
        pytest.fail(f"{semgrep} does not run: {probe.stderr[-2000:]}")
    probe = subprocess.run([str(ast_grep), "--version"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.fail(f"{ast_grep} does not run: {probe.stderr[-2000:]}")
    rg = shutil.which("rg")
    if rg is None:
        pytest.fail("ripgrep is still missing after scripts/bench-tools-env")
    return {"semgrep": str(semgrep), "ast-grep": str(ast_grep), "rg": rg}
