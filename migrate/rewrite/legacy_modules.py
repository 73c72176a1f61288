"""Modules that run only on openai<1: imported only from the 0.x side of a version guard in another module.

guardrails-ai 0.4.5 keeps its 0.x code in a module of its own and picks a module by the SDK's version:

    if OPENAI_VERSION.startswith("0"):
        from .v0 import OpenAIClientV0 as OpenAIClient
    else:
        from .v1 import OpenAIClientV1 as OpenAIClient

On openai>=1 that module never loads: upgrading it would only add a second copy of the live one, as for the 0.x
side of a guard inside one file (rules/_legacy_only.py). A module counts as 0.x-only when its name says so (`v0`,
`legacy`, `openai_0`, ...; rules/_legacy_text.py) and the tree's modules that name openai import it, at least
once, and only on the 0.x side of a guard whose test reads the version: `<version>.startswith("0")` (or "1"),
`<version> < "1"` / `>= "1.0.0"` (through `version.parse(...)` too), and `not` of those. Reads `ast` only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from migrate.rewrite.flow import absolute_import, package_of
from migrate.rewrite.rules._legacy_text import LEGACY_NAME

_TEXT = re.compile(rb"\bif\b[^\n]*(?i:version)")  # a file with no `if ... version` line guards nothing
_VERSION = re.compile(r"version", re.IGNORECASE)


def legacy_modules(sources: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """rel -> why, for the modules among `sources` ((rel, bytes) of the Python files that name openai) that run
    only on openai<1. Parses only the files with a version test, then those that spell a guarded module's name."""
    from migrate.scan.detect.crossmodule import ModuleIndex

    sources = list(sources)
    if not any(LEGACY_NAME.search(_stem(rel)) for rel, _ in sources):
        return {}
    index = ModuleIndex([(rel, rel) for rel, _ in sources])
    guarded: dict[str, str] = {}  # target rel -> the guard that imports it
    live: set[str] = set()
    read: set[str] = set()
    for rel, data in sources:
        if not _TEXT.search(data):
            continue
        read.add(rel)
        tree = _parse(data, rel)
        if tree is None:
            continue
        package = package_of(rel)
        legacy_nodes: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If):
                for stmt in _legacy_side(node) or ():
                    for inner in ast.walk(stmt):
                        if isinstance(inner, (ast.Import, ast.ImportFrom)):
                            legacy_nodes.add(id(inner))
                            for target in _targets(inner, package, index, rel):
                                guarded.setdefault(target, f"{rel}:{node.lineno} imports it under "
                                                           f"`if {_short(ast.unparse(node.test))}`")
        live.update(_imported(tree, package, index, rel, legacy_nodes))
    guarded = {rel: why for rel, why in guarded.items() if LEGACY_NAME.search(_stem(rel))}
    if not guarded:
        return {}
    # any other import of those modules makes them live: only a file that spells one's name can hold one
    names = re.compile(rb"\b(?:%s)\b" % b"|".join(re.escape(_stem(rel).encode()) for rel in guarded))
    for rel, data in sources:
        if rel not in read and names.search(data) and (tree := _parse(data, rel)) is not None:
            live.update(_imported(tree, package_of(rel), index, rel, set()))
    return {rel: why for rel, why in guarded.items() if rel not in live}


def _parse(data: bytes, rel: str) -> ast.Module | None:
    try:
        return ast.parse(data, filename=rel)
    except (SyntaxError, ValueError, RecursionError):
        return None


def _imported(tree: ast.Module, package: str, index, rel: str, skip: set[int]) -> set[str]:
    """The files of the tree that the import statements of `tree` load, less the statements in `skip`."""
    return {target for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in skip
            for target in _targets(node, package, index, rel)}


def _stem(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _legacy_side(node: ast.If) -> list[ast.stmt] | None:
    """The statements of the `if` that run only on openai<1, when its test says which side that is."""
    polarity = _polarity(node.test)
    if polarity is None:
        return None
    return node.body if polarity else node.orelse


def _polarity(test: ast.expr) -> bool | None:
    """True when the test holds on openai<1 only, False when on openai>=1 only, None when it says nothing."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _polarity(test.operand)
        return None if inner is None else not inner
    if (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith"
            and len(test.args) == 1 and isinstance(test.args[0], ast.Constant) and isinstance(test.args[0].value, str)
            and test.args[0].value[:1].isdigit() and _VERSION.search(ast.unparse(test.func.value))):
        return test.args[0].value[0] == "0"
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right, op = test.left, test.comparators[0], test.ops[0]
        if _VERSION.search(ast.unparse(right)) and not _VERSION.search(ast.unparse(left)):
            left, right = right, left
            op = {ast.Gt: ast.Lt(), ast.LtE: ast.GtE()}.get(type(op), op)
        if not _VERSION.search(ast.unparse(left)) or _first_constant(right) not in ("1", "1.0", "1.0.0"):
            return None
        if isinstance(op, ast.Lt):
            return True
        if isinstance(op, ast.GtE):
            return False
    return None


def _first_constant(node: ast.expr) -> str | None:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, (str, int, float)):
            return str(inner.value)
    return None


def _targets(node: ast.Import | ast.ImportFrom, package: str, index, rel: str) -> set[str]:
    """The files of the tree an import statement loads (`from .v0 import X`: the module v0, or X where it is one)."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = absolute_import(package, node.module, node.level)
        if base:
            names.append(base)
        names += [f"{base}.{alias.name}" if base else alias.name for alias in node.names if alias.name != "*"]
    found = set()
    for name in names:
        hit = index.find(name, rel) if name else None
        if hit is not None and hit[1] != rel:
            found.add(hit[1])
    return found


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
