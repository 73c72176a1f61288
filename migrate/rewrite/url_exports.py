"""Phase one for OAI009: OpenAI URL constants that another module of the tree sends requests to.

    # app/config.py                         # app/client.py
    API_BASE = "https://api.openai.com/v1"  from app.config import API_BASE
                                            requests.post(API_BASE + "/chat/completions", ...)

OAI009 sees one module at a time: in config.py nothing sends a request to API_BASE, so on its own it could only
leave a note. This phase, with `ast` over the tree, finds the module-level names holding an api.openai.com
URL, then the modules that import them (`from m import X`, `import m as c` ... `c.X`, relative imports) and
use them in a request: an argument of an HTTP call (requests / httpx / aiohttp / urllib, `session.post(...)`)
or a base-URL keyword, directly, in a concatenation or f-string, or through a name assigned from one in the
same function. Those constants are rewritten in their own module like a URL used there.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

HOST = "api.openai.com"
_CLIENT_CLASSES = frozenset({"OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI"})  # OAI001 decides those


def _url_constants(tree: ast.Module) -> set[str]:
    out = set()
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if (
            isinstance(stmt, ast.AnnAssign) and stmt.value is not None) else []
        value = getattr(stmt, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and HOST in value.value:
            out.update(t.id for t in targets if isinstance(t, ast.Name))
    return out


def _sink_args(call: ast.Call) -> list[ast.AST]:
    """The arguments of `call` that a URL flows into a request through (OAI009's sinks, in `ast`)."""
    from migrate.rewrite.rules._sinks import (
        HTTP_RECEIVER_WORDS,
        AMBIGUOUS_METHODS,
        BASE_KEYWORDS,
        HTTP_LIBRARIES,
        HTTP_METHODS,
    )

    func = call.func
    method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if method in _CLIENT_CLASSES:
        return []
    out: list[ast.AST] = [k.value for k in call.keywords if k.arg in BASE_KEYWORDS]
    http = method in HTTP_METHODS
    if not http and method in AMBIGUOUS_METHODS and isinstance(func, ast.Attribute):
        receiver = func.value  # requests.get(...), session.get(...), self.http.get(...), httpx.Client().get(...)
        while isinstance(receiver, ast.Call):
            receiver = receiver.func
        root = receiver
        while isinstance(root, ast.Attribute):
            root = root.value
        name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
        http = (isinstance(root, ast.Name) and root.id.split(".")[0] in HTTP_LIBRARIES
                or any(word in name.lower() for word in HTTP_RECEIVER_WORDS))
    if http:
        out.extend(call.args[:2])
    return out


def _references(expr: ast.AST) -> list[tuple[str, ...]]:
    """The names and attribute chains an expression reads (`cfg.API_BASE` -> ("cfg", "API_BASE"))."""
    out = []
    for node in ast.walk(expr):
        if isinstance(node, ast.Name):
            out.append((node.id,))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            out.append((node.value.id, node.attr))
    return out


def _sent_names(tree: ast.Module) -> set[tuple[str, ...]]:
    """Every name or `alias.attr` chain that reaches a request in this module (one assignment followed)."""
    assigned: dict[str, list[ast.AST]] = {}
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    assigned.setdefault(t.id, []).append(node.value)
        elif isinstance(node, ast.Call):
            calls.append(node)
    out: set[tuple[str, ...]] = set()
    for call in calls:
        for arg in _sink_args(call):
            for ref in _references(arg):
                out.add(ref)
                for value in assigned.get(ref[0], ()) if len(ref) == 1 else ():
                    out.update(_references(value))
    return out


def build(sources: Iterable[tuple[str, bytes]], others: Iterable[tuple[str, Callable[[], bytes | None]]] = (),
          ) -> dict[str, frozenset[str]]:
    """rel path of a module -> its URL constants that another module of the tree sends requests to.

    sources: (rel, bytes) of the files the plan read; others: (rel, loader) of the other Python files, read only
    when their bytes name one of the constants.
    """
    from migrate.rewrite.flow import ModuleFlow
    from migrate.scan.detect.crossmodule import ModuleIndex

    sources = list(sources)
    others = list(others)
    constants: dict[str, set[str]] = {}
    for rel, data in sources:
        if HOST.encode() in data and rel.endswith(".py"):
            try:
                found = _url_constants(ast.parse(data))
            except (SyntaxError, ValueError, RecursionError):
                continue
            if found:
                constants[rel] = found
    if not constants:
        return {}
    names = {n.encode() for found in constants.values() for n in found}
    index = ModuleIndex([(rel, rel) for rel, _ in (*sources, *others)])
    out: dict[str, set[str]] = {}
    loaded = [(rel, lambda data=data: data) for rel, data in sources] + others
    for rel, load in loaded:
        if not rel.endswith(".py"):
            continue
        try:
            data = load()
        except OSError:
            continue
        if data is None or not any(n in data for n in names):
            continue
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError):
            continue
        imports = ModuleFlow(ast.Module(body=[s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))],
                                        type_ignores=[]), rel).imports
        for ref in _sent_names(tree):
            target = imports.get(ref[0])
            if target is None:
                continue
            dotted = ".".join([target, *ref[1:]])
            module, _, name = dotted.rpartition(".")
            hit = index.find(module, rel) if module else None
            if hit is not None and hit[1] != rel and name in constants.get(hit[1], ()):
                out.setdefault(hit[1], set()).add(name)
    return {rel: frozenset(found) for rel, found in out.items()}
