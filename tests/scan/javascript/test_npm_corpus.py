"""The JS/TS scan on real npm code: the node_modules of openai, ai, @ai-sdk/openai and @langchain/openai with
their dependencies (pinned in scripts/fetch-npm-corpus, which scripts/setup-test-env runs).

No crash on any file, every syntax error counted and located, nothing reported as an internal error, and the
OpenAI uses these libraries really make found (LangChain.js builds `new OpenAI(params)` and calls
`this.client.chat.completions.create(...)` through it). The tests never reach the network, and fail, never
skip, when the corpus is missing.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from migrate.scan import scan

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def corpus():
    folder = subprocess.run(["bash", str(REPO / "scripts" / "fetch-npm-corpus"), "path"], capture_output=True, text=True,
                            check=True, cwd=REPO).stdout.strip()
    tree = REPO / folder / "node_modules"
    if not (tree / "openai" / "package.json").is_file():
        pytest.fail(f"{tree} is missing: run scripts/fetch-npm-corpus (scripts/setup-test-env does)")
    started = time.perf_counter()
    result = scan([tree], include_vendored=True, respect_gitignore=False)
    return tree, result, time.perf_counter() - started


def test_no_file_breaks_the_scan(corpus):
    tree, result, seconds = corpus
    assert result.files_scanned > 3000  # the whole tree was walked, not a corner of it
    internal = [s for s in result.skipped if s.reason == "internal error"]
    assert internal == [], internal[:5]
    for s in result.skipped:
        assert s.reason in ("syntax error", "minified", "too large"), s
        if s.reason == "syntax error":
            assert s.line is not None and s.line >= 1
    syntax_errors = sum(1 for s in result.skipped if s.reason == "syntax error")
    assert syntax_errors <= result.files_parsed * 0.02, f"{syntax_errors} of {result.files_parsed} files did not parse"
    print(f"\n{result.files_scanned} files, {result.files_parsed} parsed, {syntax_errors} syntax errors, "
          f"{len(result.findings)} findings in {seconds:.1f} s")


def test_langchain_clients_and_calls_are_found(corpus):
    _, result, _ = corpus
    langchain = [f for f in result.findings if f.path.startswith("@langchain/openai/")]
    clients = {f.client for f in langchain if f.kind.value == "client"}
    assert {"OpenAI", "AzureOpenAI"} <= clients
    endpoints = {f.endpoint for f in langchain if f.kind.value == "call"}
    # the chat models call through a `this.client` their base class (chat_models/base.js) sets
    assert {"chat.completions.create", "chat.completions.parse", "embeddings.create", "completions.create"} <= endpoints


def test_every_finding_points_at_its_bytes(corpus):
    tree, result, _ = corpus
    for f in result.findings:
        if f.start_byte is None:
            assert f.kind.value == "requirement"
            continue
        data = (tree / f.path).read_bytes()
        text = data[f.start_byte:f.end_byte].decode("utf-8", "replace")
        first_line = text.splitlines()[0].strip() if text.strip() else ""
        assert first_line and first_line[:20] in f.code or f.code.endswith("…"), (f.location, text[:80], f.code)
