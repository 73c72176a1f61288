"""Before/after cases for the openai-node upgrade rules (OAI004, OAI005, OAI007, OAI008), run through the JS
rewrite engine on a file written to a temporary directory (imports resolve against it).

Each case states the review items it must leave as (rule, line in the rewritten text, a part of the message);
an item no case expects fails it. Each case runs twice: the second run must change nothing, and the result
must re-parse with the same grammar (the engine refuses a file that does not).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from migrate.config import Config
from migrate.rewrite.javascript import JsContext, rewrite_js

UPGRADE = ("OAI004", "OAI005", "OAI007", "OAI008")


@dataclass(frozen=True)
class Case:
    id: str
    rules: tuple[str, ...]
    before: str
    after: str | None  # None: nothing changes
    review: tuple[tuple[str, int, str], ...]
    name: str = "example.ts"
    options: dict | None = None


def case(rules: str, before: str, after: str | None = None, *, id: str, review=(), name="example.ts", options=None):
    c = Case(id, tuple(rules.split(",")), textwrap.dedent(before), None if after is None else textwrap.dedent(after),
             tuple(review), name, options)
    return pytest.param(c, id=id)


def run_js(source: str, rules, directory, name: str = "example.ts", options: dict | None = None):
    path = directory / name
    path.write_text(source)
    active = frozenset(rules)
    context = JsContext(config=Config(), options={"parameters": {}, **(options or {})}, active=active)
    return rewrite_js(source.encode(), name, str(path), context, active)


def check_case(c: Case, directory):
    result = run_js(c.before, c.rules, directory, c.name, c.options)
    assert result.failure is None, result.failure
    expected = c.before if c.after is None else c.after
    assert result.after == expected
    got = sorted((rule, line) for rule, line, _ in result.review)
    want = sorted((rule, line) for rule, line, _ in c.review)
    assert got == want, f"review items {result.review} != expected {list(c.review)}"
    for rule, line, part in c.review:
        messages = [m for r, ln, m in result.review if (r, ln) == (rule, line)]
        assert any(part in m for m in messages), f"no {rule} review item at line {line} says {part!r}: {messages}"
    again = run_js(result.after, c.rules, directory, c.name, c.options)
    assert again.failure is None, again.failure
    assert again.after == result.after, "a second run changed the code again"
    return result
