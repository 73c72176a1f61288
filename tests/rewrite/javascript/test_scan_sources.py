"""Every JS/TS source the scan's tests use (tests/scan/javascript: all the import styles, cross-module shapes,
SDKs and HTTP clients the detector knows) goes through every rewrite rule without a failure; what changes
re-parses and a second run leaves it alone."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from migrate.rewrite.javascript.engine import parse_js, syntax_error
from migrate.rewrite.registry import BY_ID
from tests.rewrite.javascript.cases import run_js

SCAN_TESTS = Path(__file__).resolve().parents[2] / "scan" / "javascript"


def _sources():
    for path in sorted(SCAN_TESTS.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value \
                    and "openai" in node.value.lower() and "(" in node.value:
                source = textwrap.dedent(node.value).lstrip("\n")
                name = next((n for n in ("app.ts", "app.js") if syntax_error(parse_js(n, source.encode())[0]) is None),
                            None)
                if name is not None:
                    yield path.name, name, source


def test_scan_test_sources_rewrite_cleanly():
    seen = changed = 0
    for test, name, source in _sources():
        seen += 1
        result = run_js(source, tuple(BY_ID), name=name)
        assert result.failure is None, (test, result.failure, source)
        if result.after == source:
            continue
        changed += 1
        assert syntax_error(parse_js(name, result.after.encode())[0]) is None, (test, result.after)
        again = run_js(result.after, tuple(BY_ID), name=name)
        assert again.failure is None and again.after == result.after, (test, source, result.after, again.after)
    assert seen >= 50 and changed >= 30, (seen, changed)
