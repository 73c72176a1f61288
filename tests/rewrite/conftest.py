"""Helpers for the rewrite tests: run rules on dedented source, like LibCST's assertCodemod."""

from __future__ import annotations

import textwrap
from pathlib import Path

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


LEGACY = textwrap.dedent("""\
    import openai

    openai.api_key = "sk-test"

    def ask(q):
        r = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": q}])
        return r["choices"][0]["message"]["content"]
    """)
CONFIG = Config(models={"gpt-3.5-turbo": "tiny-llama"})


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
