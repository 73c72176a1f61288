"""Before/after cases for the openai-node upgrade rules (OAI004, OAI005, OAI007, OAI008), run through the JS
rewrite engine on a file written to a temporary directory (imports resolve against it).

Each case states the review items it must leave as (rule, line in the rewritten text, a part of the message);
an item no case expects fails it. Each case runs twice: the second run must change nothing, and the result
must re-parse with the same grammar (the engine refuses a file that does not).
"""

from __future__ import annotations

from migrate.config import Config
from migrate.rewrite.javascript import JsContext, rewrite_js
from tests.rewrite import cases
from tests.rewrite.cases import Case

UPGRADE = ("OAI004", "OAI005", "OAI007", "OAI008")


def case(rules: str, before: str, after: str | None = None, *, id: str, review=(), name="example.ts", options=None):
    return cases.case(rules, before, after, id=id, review=review, name=name, options=options)


def run_js(source: str, rules, directory, name: str = "example.ts", options: dict | None = None):
    path = directory / name
    path.write_text(source)
    active = frozenset(rules)
    context = JsContext(config=Config(), options={"parameters": {}, **(options or {})}, active=active)
    return rewrite_js(source.encode(), name, str(path), context, active)


def check_case(c: Case, directory):
    return cases.check_case(c, lambda source, c: run_js(source, c.rules, directory, c.name, c.options))
