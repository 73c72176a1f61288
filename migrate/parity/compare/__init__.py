"""Compare: score a saved run (baseline vs candidate answers) without calling any model.

    from migrate.parity.compare import compare_run, registry
    result = compare_run("run.jsonl")            # writes run.verdicts.jsonl
    result.summary["scopes"]["all"]["comparators"]["semantic"]["pass_rate"]

Comparators live in a registry (`@comparator`), chosen per request kind (chat, json, tools, completions,
embeddings) and configured under `[tool.migrate.parity.comparators]`. See docs/comparators.md.
"""

from __future__ import annotations

from migrate.parity.compare.engine import (
    FORMAT,
    CompareResult,
    compare_run,
    default_verdicts_path,
    file_format,
    read_summary,
)
from migrate.parity.compare.pair import Answer, Pair, ToolCall, request_kind
from migrate.parity.compare.registry import (
    KINDS,
    Comparator,
    Context,
    Score,
    comparator,
    get,
    registry,
)
from migrate.parity.compare.settings import CompareSettings

# The built-in comparators: importing a module registers its comparators (the registry imports none of them).
from migrate.parity.compare import (  # noqa: E402, F401, I001 - after the registry, for their side effect
    embeddings,
    facts,
    judge,
    layered,
    response,
    semantic,
    structured,
    text,
)

__all__ = [
    "FORMAT",
    "KINDS",
    "Answer",
    "Comparator",
    "CompareResult",
    "CompareSettings",
    "Context",
    "Pair",
    "Score",
    "ToolCall",
    "comparator",
    "compare_run",
    "default_verdicts_path",
    "file_format",
    "get",
    "read_summary",
    "registry",
    "request_kind",
]
