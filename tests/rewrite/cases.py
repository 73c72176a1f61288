"""Rule cases as data: before, after (None: the rule must change nothing) and the review items each must leave.

Like LibCST's assertCodemod and pyupgrade's parametrised cases, with one addition: every case states the
review items it produces, as (rule, line in the rewritten text, a part of the message). A rule that leaves a
known run-time failure without a review item fails its case, and so does one that leaves an item no case
expects. Each case runs twice: the second run must change nothing. docs/rules/<id>.md shows cases from here
by id, and tests/rewrite/rules/test_docs.py checks they match.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from tests.rewrite.conftest import run_rules

ENV_BASE = 'os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")'
ENV_KEY = 'os.environ.get("OPENAI_API_KEY", "EMPTY")'


@dataclass(frozen=True)
class Case:
    id: str
    rules: tuple[str, ...]
    before: str
    after: str | None  # None: nothing changes
    review: tuple[tuple[str, int, str], ...]
    options: dict | None = None


def case(rules: str, before: str, after: str | None = None, *, id: str, review=(), options=None):
    """A pytest.param holding a Case; `rules` is "OAI001" or "OAI002,OAI001" (the rules that run)."""
    c = Case(id, tuple(rules.split(",")), textwrap.dedent(before), None if after is None else textwrap.dedent(after),
             tuple(review), options)
    return pytest.param(c, id=id)


def check_case(c: Case):
    result = run_rules(c.before, c.rules, options=c.options)
    assert result.failure is None, result.failure
    expected = c.before if c.after is None else c.after
    assert result.after == expected
    if c.after is not None and c.after != c.before:
        assert result.rules, "the rule reported no change although the code changed"
    else:
        assert result.rules == ()
    got = sorted((rule, line) for rule, line, _ in result.review)
    want = sorted((rule, line) for rule, line, _ in c.review)
    assert got == want, f"review items {result.review} != expected {list(c.review)}"
    for rule, line, part in c.review:
        messages = [msg for r, ln, msg in result.review if (r, ln) == (rule, line)]
        assert any(part in msg for msg in messages), f"no {rule} review item at line {line} says {part!r}: {messages}"
    again = run_rules(result.after, c.rules, options=c.options)
    assert again.failure is None, again.failure
    assert again.after == result.after, "a second run changed the code again"
    return result
