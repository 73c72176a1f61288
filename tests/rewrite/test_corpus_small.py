"""The corpus benchmark in small mode: real files from the stdlib and site-packages, planned, never written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_rewrite_corpus_small_is_safe():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "rewrite_corpus.py"), "--small", "--json"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["python_files"] >= 100 and result["files_parsed"] >= 5
    assert result["python_files_changed"] >= 2, "the corpus must include code that really needs the rewrite"
    assert result["not_parsing"] == [] and result["not_idempotent"] == [] and result["changed_without_openai"] == []
    assert result["rule_failures"] == []
