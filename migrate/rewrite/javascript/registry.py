"""The JS/TS rules: which rule ids have a JS/TS implementation, where it lives, and the order they run in.

Rule ids are the Python rules' ids (migrate/rewrite/registry.py RULES) where the concept is the same, so
`--select`, `--ignore`, reports and docs/rules/<id>.md stay one vocabulary; a JS/TS-only rule adds its RuleInfo
there as well. Each entry names a module of migrate.rewrite.javascript.rules, imported only when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JsRuleInfo:
    id: str  # a RuleInfo id of migrate/rewrite/registry.py
    module: str  # relative to migrate.rewrite.javascript.rules: a module with `run(module, context) -> RuleOutput`
    summary: str  # what the rule does to JS/TS code (docs/rules/<id>.md has a JavaScript section)


JS_RULES: tuple[JsRuleInfo, ...] = (
    JsRuleInfo("OAI001", "oai001_endpoint", "new OpenAI(...), the AI SDK's openai provider and createOpenAI(...) "
               "read baseURL and apiKey from the configured environment variables"),
)

BY_ID = {r.id: r for r in JS_RULES}
# Rules run in this order, each on the previous one's output (re-parsed): model names before the client edits
# (the edits they make are disjoint anyway), Azure clients become OpenAI clients before OAI001 points them.
JS_ORDER = tuple(r.id for r in JS_RULES)


def js_rules(active) -> tuple[JsRuleInfo, ...]:
    """The JS/TS rules among the active rule ids, in run order."""
    return tuple(r for r in JS_RULES if r.id in active)
