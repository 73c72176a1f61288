"""The call-site values of an SDK call's keyword arguments, as JSON, for value-aware verdicts.

`top_p=0`, `background=True`, `tool_choice="none"`, `messages=[{"role": "system", ...}]`: the catalog's value
classes (migrate/catalog/values.py) judge these literals. A part the scan cannot evaluate (a variable, a call,
an f-string, a `**spread`) becomes `{"$dynamic": "<source>"}`, so `[{"type": "image_url", "image_url":
{"url": url}}]` still shows an image part. Names the detector resolves to strings (module constants,
parameter defaults), and module constants bound once to a literal (`MAX_TOKENS = 4096`), count as literals.

Values are kept small: long strings are cut, long lists end with a dynamic marker, deep nesting turns dynamic.
"""

from __future__ import annotations

import ast
import json
from typing import Any, Callable

from migrate.catalog.values import dynamic

MAX_STRING = 200
MAX_ITEMS = 64
MAX_DEPTH = 6
MAX_JSON = 4000
SKIPPED = frozenset({"model", "extra_headers", "extra_query", "timeout"})  # the model is judged on its own

Resolve = Callable[[ast.AST], Any]  # a name's value (a string, a module constant's literal), None if unknown


def literal(node: ast.AST, resolve: Resolve | None = None, depth: int = 0) -> Any:
    """The JSON form of an expression, with dynamic markers where it cannot be evaluated statically."""
    if depth > MAX_DEPTH:
        return _dyn(node)
    t = type(node)
    if t is ast.Constant:
        value = node.value
        if isinstance(value, str):
            return value if len(value) <= MAX_STRING else value[:MAX_STRING] + "…"
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return _dyn(node)
    if t is ast.UnaryOp and isinstance(node.op, (ast.USub, ast.UAdd)) and type(node.operand) is ast.Constant \
            and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    if t in (ast.List, ast.Tuple, ast.Set):
        items = [literal(e, resolve, depth + 1) if type(e) is not ast.Starred else _dyn(e) for e in node.elts[:MAX_ITEMS]]
        if len(node.elts) > MAX_ITEMS:
            items.append(dynamic(f"{len(node.elts) - MAX_ITEMS} more items"))
        return items
    if t is ast.Dict:
        out: dict[str, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # {**other}
                out[f"$dynamic:**{_source(value)}"] = dynamic(_source(value))
                continue
            name = literal(key, resolve, depth + 1)
            if not isinstance(name, str):
                return _dyn(node)
            out[name] = literal(value, resolve, depth + 1)
        return out
    if t is ast.Call and type(node.func) is ast.Name and node.func.id == "dict" and not node.args:
        return {kw.arg: literal(kw.value, resolve, depth + 1) if kw.arg else dynamic(_source(kw.value))
                for kw in node.keywords if kw.arg is not None} | (
            {"$dynamic:**": dynamic("**")} if any(kw.arg is None for kw in node.keywords) else {})
    if resolve is not None and t in (ast.Name, ast.Attribute, ast.JoinedStr):
        resolved = resolve(node)
        if resolved is not None:
            return resolved
    return _dyn(node)


def call_values(node: ast.Call, resolve: Resolve | None = None) -> tuple[tuple[str, str], ...]:
    """(parameter, JSON) for each keyword argument of the call, sorted; values too large to keep are dynamic."""
    out: dict[str, str] = {}
    for kw in node.keywords:
        if kw.arg is None or kw.arg in SKIPPED:
            continue
        try:
            text = json.dumps(literal(kw.value, resolve), ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError, RecursionError):
            text = json.dumps(_dyn(kw.value))
        if len(text) > MAX_JSON:
            text = json.dumps(dynamic("too large to keep"))
        out[kw.arg] = text
    return tuple(sorted(out.items()))


def _dyn(node: ast.AST) -> dict:
    return dynamic(_source(node))


def _source(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - a marker only
        return type(node).__name__
    return text if len(text) <= 40 else text[:39] + "…"
