"""SDK knowledge lives in migrate/catalog and is imported, not copied: a table moved there must not grow back
elsewhere under its old name or as a literal copy of its contents (docs/catalog.md, "One source for scan and
rewrite")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from migrate.catalog import endpoints, facts, legacy, load_catalog

PACKAGE = Path(__file__).resolve().parents[2] / "migrate"
OUTSIDE = sorted(p for p in PACKAGE.rglob("*.py") if "catalog" not in p.relative_to(PACKAGE).parts)

# Names the tables had before they moved to the catalog: outside it they may only be bound to what the catalog
# exports (a name, an attribute, a call of a catalog function), never to a literal.
MOVED_NAMES = frozenset({"RESOURCES", "_RESOURCES", "HISTORICAL_ENDPOINTS", "GENERIC_RESOURCES", "ENDPOINT_TAILS",
                         "HTTP_LIBRARIES", "ENV_NAME_RE", "_ENV_NAME_RE", "MODEL_KEYWORDS", "LEGACY_MODEL_KEYWORDS",
                         "ATTRIBUTES", "CLIENT_CLASSES", "AZURE_CLASSES", "LEGACY_CLASSES", "LEGACY_MODERN",
                         "LEGACY_SETTINGS", "LEGACY_EXCEPTIONS"})


def _tables() -> dict[str, tuple[frozenset[str], int]]:
    """Catalog tables, and how many of their strings one literal outside the catalog may hold (a rule's own choice of
    two or three names is not a copy; the whole table, or most of it, is)."""
    catalog = load_catalog(target=False)
    return {
        "HTTP libraries (facts.HTTP_LIBRARIES)": (frozenset(facts.HTTP_LIBRARIES), 3),
        "SDK environment variables (snapshot sdk_env)": (frozenset(catalog.sdk_env), 2),
        "historical endpoints (endpoints.HISTORICAL_ENDPOINTS)": (frozenset(endpoints.HISTORICAL_ENDPOINTS), 2),
        "0.x call names (legacy.LEGACY_CALLS)": (frozenset(legacy.LEGACY_CALLS), 6),
        "0.x settings (legacy.SETTINGS)": (frozenset(legacy.SETTINGS), 2),
        "0.x exceptions (facts.LEGACY_EXCEPTION_CLASSES)": (frozenset(facts.LEGACY_EXCEPTION_CLASSES) - {"APIError",
                                                             "OpenAIError", "APIConnectionError", "RateLimitError",
                                                             "AuthenticationError"}, 2),
        "generic resources (endpoints.GENERIC_RESOURCES)": (endpoints.GENERIC_RESOURCES, 5),
    }


def _literal(node: ast.AST) -> bool:
    """A collection or pattern written out in place (its strings are constants)."""
    if isinstance(node, (ast.Set, ast.Tuple, ast.List, ast.Dict, ast.Constant, ast.JoinedStr)):
        return True
    if isinstance(node, ast.Call) and node.args and isinstance(node.func, (ast.Name, ast.Attribute)):
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        return name in ("frozenset", "set", "tuple", "dict", "compile") and _literal(node.args[0])
    return False


def _assignments():
    for path in OUTSIDE:
        for stmt in ast.parse(path.read_text(), str(path)).body:
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            else:
                continue
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            yield f"{path.relative_to(PACKAGE.parent)}:{stmt.lineno}", names, value


def _strings(node: ast.AST) -> set[str]:
    out = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            out.update(sub.value.split() if re.fullmatch(r"[\w. ]+", sub.value) else [sub.value])
    return out


def test_moved_tables_are_not_bound_to_literals_outside_the_catalog():
    copies = [f"{where} {name}" for where, names, value in _assignments() for name in names
              if name in MOVED_NAMES and _literal(value) and _strings(value)]
    assert not copies, f"import these from migrate/catalog instead of writing them out: {copies}"


@pytest.mark.parametrize("table", sorted(_tables()))
def test_no_literal_outside_the_catalog_copies_a_catalog_table(table):
    names, allowed = _tables()[table]
    copies = {where: sorted(hits) for where, _, value in _assignments()
              if len(hits := _strings(value) & names) > allowed}
    assert not copies, f"{table} copied outside migrate/catalog: {copies}"


def test_no_openai_environment_pattern_outside_the_catalog():
    pattern = re.compile(r"OPENAI_\[A-Z")
    copies = [str(p.relative_to(PACKAGE.parent)) for p in OUTSIDE if pattern.search(p.read_text())]
    assert not copies, f"use migrate.catalog.facts.ENV_NAME_RE / ENV_NAME_IN_TEXT_RE: {copies}"
