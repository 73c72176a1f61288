"""JS/TS rule cases as data, like tests/rewrite/cases.py: before, after (None: nothing changes) and the review
items each must leave, as (rule, line in the rewritten text, a part of the message). Each case also checks
that the output re-parses in the same grammar and that a second run changes nothing.
docs/rules/<id>.md shows cases from here by id (tests/rewrite/javascript/test_docs.py checks they match).
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass

import pytest

from migrate.config import Config
from migrate.rewrite.javascript import JsContext, rewrite_js
from migrate.rewrite.javascript.engine import parse_js, syntax_error

MODELS = {"gpt-4o": "meta-llama/Llama-3.1-8B-Instruct", "gpt-4o-mini": "tiny-llama", "gpt-3.5-turbo": "tiny-llama"}
BASE = 'process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1"'
KEY = 'process.env.OPENAI_API_KEY ?? "EMPTY"'


@dataclass(frozen=True)
class Case:
    id: str
    rules: tuple[str, ...]
    before: str
    after: str | None
    review: tuple[tuple[str, int, str], ...]
    name: str = "app.ts"


def case(rules: str, before: str, after: str | None = None, *, id: str, review=(), name: str = "app.ts"):
    c = Case(id, tuple(rules.split(",")), textwrap.dedent(before).lstrip("\n"),
             None if after is None else textwrap.dedent(after).lstrip("\n"), tuple(review), name)
    return pytest.param(c, id=id)


def run_js(source: str, rules, *, name: str = "app.ts", config: Config | None = None, model_exports=(),
           path: str | None = None):
    config = config or Config(models=dict(MODELS))
    context = JsContext(config=config, options={}, active=frozenset(rules), model_exports=frozenset(model_exports))
    path = path or os.path.join(os.sep, "nowhere", name)
    return rewrite_js(source.encode("utf-8"), name, path, context, frozenset(rules))


def check_case(c: Case):
    result = run_js(c.before, c.rules, name=c.name)
    assert result.failure is None and result.parse_error is None, (result.failure, result.parse_error)
    expected = c.before if c.after is None else c.after
    assert result.after == expected
    if c.after is not None and c.after != c.before:
        assert result.rules, "no rule reported a change although the code changed"
        tree, _, _ = parse_js(c.name, result.after.encode())
        assert syntax_error(tree) is None, "the rewritten code does not parse"
    else:
        assert result.rules == []
    got = sorted((rule, line) for rule, line, _ in result.review)
    want = sorted((rule, line) for rule, line, _ in c.review)
    assert got == want, f"review items {result.review} != expected {list(c.review)}"
    for rule, line, part in c.review:
        messages = [m for r, ln, m in result.review if (r, ln) == (rule, line)]
        assert any(part in m for m in messages), f"no {rule} review item at line {line} says {part!r}: {messages}"
    again = run_js(result.after, c.rules, name=c.name)
    assert again.failure is None, again.failure
    assert again.after == result.after, "a second run changed the code again"
    return result
