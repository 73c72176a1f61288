"""Helpers for the rewrite tests: run rules on dedented source, like LibCST's assertCodemod."""

from __future__ import annotations

import textwrap

import pytest

from migrate.config import Config
from migrate.rewrite.python import rewrite_source
from migrate.rewrite.registry import BY_ID

MODELS = {"gpt-4o": "meta-llama/Llama-3.1-8B-Instruct", "gpt-3.5-turbo": "tiny-llama", "prod-gpt4": "tiny-llama"}


def run_rules(source: str, rules=None, *, config: Config | None = None, options: dict | None = None):
    """Rewrite `source` (dedented) with `rules` (default: all Python rules); returns the SourceResult."""
    config = config or Config(models=dict(MODELS))
    active = frozenset(rules) if rules else frozenset(BY_ID)
    return rewrite_source(textwrap.dedent(source), "example.py", config=config, options=options or {}, active=active)


def assert_codemod(before: str, after: str, rules=None, **kwargs):
    """`before` becomes exactly `after`, the result parses, and a second run changes nothing."""
    result = run_rules(before, rules, **kwargs)
    assert result.failure is None, result.failure
    assert result.after == textwrap.dedent(after)
    again = run_rules(result.after, rules, **kwargs)
    assert again.failure is None, again.failure
    assert again.after == result.after, "a second run changed the code again"
    return result


@pytest.fixture
def codemod():
    return assert_codemod
