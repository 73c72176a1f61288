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
from typing import Any, Callable

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
    name: str | None = None  # the file's name, where the language's rewrite needs one (JS/TS: its grammar)


def case(rules: str, before: str, after: str | None = None, *, id: str, review=(), options=None, name=None,
         lstrip: bool = False):
    """A pytest.param holding a Case; `rules` is "OAI001" or "OAI002,OAI001" (the rules that run). `lstrip`:
    the texts lose their leading newline (for cases written as a string that starts on the next line)."""
    def text(t: str) -> str:
        t = textwrap.dedent(t)
        return t.lstrip("\n") if lstrip else t

    c = Case(id, tuple(rules.split(",")), text(before), None if after is None else text(after), tuple(review),
             options, name)
    return pytest.param(c, id=id)


# A language's rewrite of one text under a case's rules, options and file name: a result with `failure`,
# `after`, `rules` (the rules that changed it) and `review` ((rule, line, message) items).
Rewrite = Callable[[str, Case], Any]


def check_case(c: Case, rewrite: Rewrite | None = None, *, parses: Callable[[str, Case], bool] | None = None):
    """Run a case through `rewrite` (default: the Python rules): the expected text, a rule reported for every
    change and none otherwise, exactly the expected review items, output that `parses` (when given), and a
    second run that changes nothing."""
    rewrite = rewrite or (lambda source, c: run_rules(source, c.rules, options=c.options))
    result = rewrite(c.before, c)
    assert result.failure is None, result.failure
    assert getattr(result, "parse_error", None) is None, result.parse_error
    expected = c.before if c.after is None else c.after
    assert result.after == expected
    if c.after is not None and c.after != c.before:
        assert result.rules, "no rule reported a change although the code changed"
        assert parses is None or parses(result.after, c), "the rewritten code does not parse"
    else:
        assert not result.rules, f"rules {result.rules} reported a change although the code is unchanged"
    got = sorted((rule, line) for rule, line, _ in result.review)
    want = sorted((rule, line) for rule, line, _ in c.review)
    assert got == want, f"review items {result.review} != expected {list(c.review)}"
    for rule, line, part in c.review:
        messages = [msg for r, ln, msg in result.review if (r, ln) == (rule, line)]
        assert any(part in msg for msg in messages), f"no {rule} review item at line {line} says {part!r}: {messages}"
    again = rewrite(result.after, c)
    assert again.failure is None, again.failure
    assert again.after == result.after, "a second run changed the code again"
    return result
