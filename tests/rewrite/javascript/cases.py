"""JS/TS rule cases as data, run by tests/rewrite/cases.py's runner with the JS/TS rewrite: before, after (None: nothing changes) and the review
items each must leave, as (rule, line in the rewritten text, a part of the message). Each case also checks
that the output re-parses in the same grammar and that a second run changes nothing.
docs/rules/<id>.md shows cases from here by id (tests/rewrite/javascript/test_docs.py checks they match).
"""

from __future__ import annotations

import os

from migrate.config import Config
from migrate.rewrite.javascript import JsContext, rewrite_js
from migrate.rewrite.javascript.engine import parse_js, syntax_error
from tests.rewrite import cases
from tests.rewrite.cases import Case

MODELS = {"gpt-4o": "meta-llama/Llama-3.1-8B-Instruct", "gpt-4o-mini": "tiny-llama", "gpt-3.5-turbo": "tiny-llama"}
BASE = 'process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1"'
KEY = 'process.env.OPENAI_API_KEY ?? "EMPTY"'


def case(rules: str, before: str, after: str | None = None, *, id: str, review=(), name: str = "app.ts"):
    return cases.case(rules, before, after, id=id, review=review, name=name, lstrip=True)


def run_js(source: str, rules, *, name: str = "app.ts", config: Config | None = None, model_exports=(),
           path: str | None = None):
    config = config or Config(models=dict(MODELS))
    context = JsContext(config=config, options={}, active=frozenset(rules), model_exports=frozenset(model_exports))
    path = path or os.path.join(os.sep, "nowhere", name)
    return rewrite_js(source.encode("utf-8"), name, path, context, frozenset(rules))


def _parses(text: str, c: Case) -> bool:
    tree, _, _ = parse_js(c.name, text.encode())
    return syntax_error(tree) is None


def check_case(c: Case):
    return cases.check_case(c, lambda source, c: run_js(source, c.rules, name=c.name), parses=_parses)
