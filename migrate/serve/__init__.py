"""`migrate serve`: start vLLM's OpenAI-compatible server with the flags a codebase needs.

    from migrate.serve import plan_server, render_deploy
    plan = plan_server(scan_result, model="meta-llama/Llama-3.1-8B-Instruct")
    print(plan.command_line())
    for r in plan.reasons:
        print(r.flag, r.values, r.reason, r.locations)
    compose = render_deploy(plan, "docker-compose")
"""

from __future__ import annotations

from migrate.serve.needs import FEATURES, CodeNeeds, needs_from_findings
from migrate.serve.plan import FlagReason, PlanError, ServePlan, plan_server

__all__ = [
    "plan_server", "ServePlan", "FlagReason", "PlanError", "CodeNeeds", "needs_from_findings", "FEATURES",
    "render_deploy", "validate_deploy", "TARGETS", "exec_server", "run_foreground",
]


def __getattr__(name: str):
    if name in ("render_deploy", "validate_deploy", "TARGETS"):
        from migrate.serve import deploy

        return getattr(deploy, name)
    if name in ("exec_server", "run_foreground"):
        from migrate.serve import run

        return getattr(run, name)
    raise AttributeError(f"module 'migrate.serve' has no attribute {name!r}")
