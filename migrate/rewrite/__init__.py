"""`migrate rewrite`: a LibCST codemod that points Python code at a vLLM server.

    from migrate.rewrite import plan_rewrite, apply_plan
    plan = plan_rewrite(["./repo"])          # reads, parses, transforms in memory; writes nothing
    print(plan.diff())                       # a unified diff of every change
    for item in plan.review: ...             # what a human must finish ("left for review")
    apply_plan(plan)                         # writes; refuses any file changed on disk since the plan

Rules have stable ids (OAI001...), listed in RULES with a docs page each (docs/rules/<id>.md). Importing this
package is cheap: LibCST is imported only when a file that uses OpenAI is actually parsed.
"""

from __future__ import annotations

from migrate.rewrite.model import ApplyResult, FileChange, Plan, ReviewItem, RuleFailure
from migrate.rewrite.plan import apply_plan, load_options, plan_rewrite
from migrate.rewrite.registry import (
    RULES,
    RuleInfo,
    UnknownRuleError,
    active_rules,
    parse_rule_ids,
)

__all__ = [
    "RULES",
    "ApplyResult",
    "FileChange",
    "Plan",
    "ReviewItem",
    "RuleFailure",
    "RuleInfo",
    "UnknownRuleError",
    "active_rules",
    "apply_plan",
    "load_options",
    "parse_rule_ids",
    "plan_rewrite",
]
