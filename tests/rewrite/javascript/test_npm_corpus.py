"""Corpus safety of the JS/TS rewrite on real npm code: every JS/TS file of the node_modules tree of openai, ai,
@ai-sdk/openai and @langchain/openai with their dependencies (scripts/fetch-npm-corpus, run by
scripts/setup-test-env). Every file goes through every rule (no byte pre-filter): each file it changes must
re-parse and be left alone by a second run, no file without an OpenAI use (no scan finding) may change, and no
rule may fail. Fails, never skips, when the corpus is missing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.rewrite.javascript.corpus_check import check_tree

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def report():
    folder = subprocess.run(["bash", str(REPO / "scripts" / "fetch-npm-corpus"), "path"], capture_output=True,
                            text=True, check=True, cwd=REPO).stdout.strip()
    tree = REPO / folder / "node_modules" if not Path(folder).is_absolute() else Path(folder) / "node_modules"
    if not (tree / "openai" / "package.json").is_file():
        pytest.fail(f"{tree} is missing: run scripts/fetch-npm-corpus (scripts/setup-test-env does)")
    return check_tree(tree)


def test_the_whole_tree_was_rewritten(report):
    assert report.files > 3000 and report.parsed >= report.files * 0.98, (report.files, report.parsed)


def test_every_changed_file_reparses_and_a_second_run_changes_nothing(report):
    assert report.not_reparsed == []
    assert report.not_idempotent == []
    assert report.failures == []


def test_no_file_without_openai_use_changes(report):
    assert report.changed_without_openai == []


def test_library_clients_built_from_parameters_are_left_for_review(report):
    # LangChain.js builds `new OpenAI(params)` from its own options: never rewritten, always reported (a review
    # item and, never silent, a `// migrate:` comment above it: the code itself is unchanged)
    assert report.review >= 3
    assert not any(rel.startswith("@langchain/openai/") for rel in report.code_changed)
    assert any(rel.startswith("@langchain/openai/") for rel in report.changed)
