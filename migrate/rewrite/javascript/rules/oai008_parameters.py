"""OAI008 for JS/TS: request fields vLLM ignores or rejects are dropped, kept or commented; see
migrate/rewrite/javascript/upgrade/parameters.py."""

from migrate.rewrite.javascript.upgrade.parameters import run

__all__ = ["run"]
