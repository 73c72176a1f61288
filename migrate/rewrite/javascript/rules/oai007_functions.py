"""OAI007 for JS/TS: `functions` / `function_call` become `tools` / `tool_choice`; see
migrate/rewrite/javascript/upgrade/functions.py."""

from migrate.rewrite.javascript.upgrade.functions import run

__all__ = ["run"]
