"""OAI004 for JS/TS: openai-node v3 (Configuration / OpenAIApi) becomes the current SDK; see
migrate/rewrite/javascript/upgrade/v3.py."""

from __future__ import annotations

from migrate.rewrite.javascript.upgrade import as_rule_output
from migrate.rewrite.javascript.module import JsModule
from migrate.rewrite.javascript.edits import RuleOutput


def run(module: JsModule, context) -> RuleOutput:
    from migrate.rewrite.javascript.upgrade.v3 import CALLS, V3Upgrade

    return as_rule_output(V3Upgrade(module.root, module.source, module.findings, module.grammar,
                                    frozenset({CALLS})).run())
