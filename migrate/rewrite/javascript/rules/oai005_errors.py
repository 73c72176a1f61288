"""OAI005 for JS/TS: the axios-style error reads of openai-node v3 (`error.response.status`) become the current
SDK's APIError fields, in the catch clauses around the calls OAI004 upgrades; see
migrate/rewrite/javascript/upgrade/v3.py. Runs only with OAI004 (on its own, the v3 code and its errors stay)."""

from __future__ import annotations

from migrate.rewrite.javascript.upgrade import as_rule_output
from migrate.rewrite.javascript.module import JsModule
from migrate.rewrite.javascript.edits import RuleOutput


def run(module: JsModule, context) -> RuleOutput:
    from migrate.rewrite.javascript.upgrade.v3 import CALLS, ERRORS, V3Upgrade

    if CALLS not in (context.active or frozenset({CALLS})):
        return RuleOutput()
    return as_rule_output(V3Upgrade(module.root, module.source, module.findings, module.grammar,
                                    frozenset({ERRORS})).run())
