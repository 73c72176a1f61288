"""Test doubles: files that stand in for OpenAI in a project's tests, reported by the rewrite, not rewritten.

A test's mocks, recorded cassettes and fixtures describe what OpenAI answered; rewriting their URLs to the
vLLM endpoint breaks the tests without testing anything new (a cassette no longer matches, a mock no longer
intercepts). `migrate rewrite --include-tests` rewrites them with the code when that is what the team wants.
"""

from __future__ import annotations

from pathlib import PurePosixPath

TEST_DIRS = frozenset({"tests", "test", "testing", "unit_tests", "integration_tests", "e2e"})
CASSETTE_DIRS = frozenset({"cassettes", "vcr_cassettes", "fixtures", "__snapshots__", "snapshots", "recordings"})
JS_TEST_DIRS = frozenset({"__tests__", "__mocks__", "__fixtures__", "cypress", "playwright"})
# foo.test.ts, foo.spec.jsx, foo.e2e.mjs (jest / vitest / mocha / playwright naming)
JS_TEST_MARKS = (".test.", ".spec.", ".e2e.", ".mock.")


def test_double(rel: str) -> str | None:
    """Why the file at `rel` (posix, relative to its root) is a test double, or None when it is not."""
    path = PurePosixPath(rel)
    folders = {part.lower() for part in path.parts[:-1]}
    name = path.name
    if folders & CASSETTE_DIRS:
        return "a recorded HTTP cassette or test fixture"
    if name == "conftest.py" or (name.startswith("test_") and name.endswith(".py")) or name.endswith("_test.py"):
        return "a test module"
    if any(mark in name for mark in JS_TEST_MARKS) or folders & JS_TEST_DIRS:
        return "a JavaScript / TypeScript test or mock"
    if folders & TEST_DIRS:
        return "a file under a tests folder"
    return None


def reported(rel: str, rules, why: str | None = None) -> str:
    """The review message for a test double the rules would have changed."""
    why = why or test_double(rel) or "a test file"
    return (f"{why}: not rewritten ({', '.join(rules)} would change it): its mocks, cassettes and fixtures keep "
            "describing OpenAI; run with --include-tests to rewrite it with the code")
