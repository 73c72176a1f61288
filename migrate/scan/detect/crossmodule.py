"""Settle calls that need another module of the scanned tree.

    # app/clients.py                       # app/chat.py
    client = OpenAI()                      from app.clients import client
    MODEL = "gpt-4o"                       from app.config import MODEL
                                           client.chat.completions.create(model=MODEL)

The first pass (per file, maybe in worker processes) cannot know what `client` and `MODEL` are; it
returns a `Deferred` naming them. Here, in the parent process, the modules they come from are found among
the scanned files (by dotted name, any suffix of the path: `src/app/clients.py` serves `app.clients`),
parsed once each (cached; they need not mention openai, e.g. a config module), and asked for the value.
A receiver that resolves to something else, or to a module outside the tree, yields no finding unless the
call has the SDK's exact shape in a module that imports openai (the same rule as within a module).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Iterable

from migrate.scan.detect import sdk
from migrate.scan.detect.source import code_lines
from migrate.scan.detect.python.values import Client, Env, Func, Inst, Klass, Q, QCall, Res, Str
from migrate.scan.findings import Finding

MAX_DEPTH = 8
NOT_IN_TREE = object()  # resolve(): the name comes from a module outside the scanned tree


class ModuleIndex:
    """Python files of the scanned tree by dotted module name (every path suffix)."""

    def __init__(self, files: Iterable[tuple[str, str]]) -> None:
        self._files = files
        self._by_last: dict[str, list[tuple[tuple[str, ...], str, str]]] | None = None  # built on first use
        self._analyzers: dict[str, object] = {}

    def _index(self) -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
        """Files by the last part of their module name. One pass over the names, no suffix table: a scan
        of 24k files usually asks for a handful of modules."""
        by_last: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for path, rel in self._files:
            if not rel.endswith((".py", ".pyw")):
                continue
            parts = rel.rsplit(".", 1)[0].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if not parts:
                continue
            by_last.setdefault(parts[-1], []).append((tuple(parts), path, rel))
        self._by_last = by_last
        return by_last

    def find(self, module: str, importer: str) -> tuple[str, str] | None:
        """The file that is `module` (any suffix of its path), the one nearest the importer if several."""
        by_last = self._by_last if self._by_last is not None else self._index()
        wanted = tuple(module.split("."))
        n = len(wanted)
        hits = [(path, rel) for parts, path, rel in by_last.get(wanted[-1], ())
                if len(parts) >= n and parts[-n:] == wanted and all(p.isidentifier() for p in parts)]
        if not hits:
            return None
        if len(hits) == 1:
            return hits[0]
        # Several files could be `module`: prefer the one nearest the importing file.
        return max(hits, key=lambda h: (_common_prefix(h[1], importer), -len(h[1])))

    def analyzer(self, path: str, rel: str):
        if path in self._analyzers:
            return self._analyzers[path]
        from migrate.scan.detect import known_endpoints, module_package, read_bytes
        from migrate.scan.detect.python import ModuleAnalyzer
        from migrate.scan.detect.source import Unreadable, check_bytes, decode, parse

        analyzer = None
        try:
            data = read_bytes(path)
            check_bytes(data)
            source = decode(data)
            analyzer = ModuleAnalyzer(parse(source, rel), code_lines(source), rel, module_package(rel),
                                      endpoints=known_endpoints())
        except (OSError, Unreadable):
            analyzer = None
        self._analyzers[path] = analyzer
        return analyzer


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/"), b.split("/")):
        if x != y:
            break
        n += 1
    return n


def settle(deferred: Iterable, index: ModuleIndex | None) -> list[Finding]:
    out = []
    for item in deferred:
        finding = _settle_one(item, index)
        if finding is not None:
            out.append(finding)
    return out


def _settle_one(item, index: ModuleIndex | None) -> Finding | None:
    finding = item.finding
    importer = finding.path
    if item.receiver is not None:
        value = resolve(item.receiver, index, importer)
        if isinstance(value, Res) and len(value.path) >= 2 and value.path[0] in sdk.RESOURCES:
            client = value.client
            detail = f"client from {client.origin}" if client.origin else "client imported from another module"
            kind, api = finding.kind, "openai"
            if client.via == "instructor":
                from migrate.scan.findings import Kind

                kind, api = Kind.WRAPPER, "instructor"
                detail += "; through an instructor-patched client"
            finding = dataclasses.replace(finding, kind=kind, api=api, endpoint=".".join(value.path),
                                          client=client.cls, variant=value.variant, detail=detail)
        elif item.fallback is not None and value is not NOT_IN_TREE:
            finding = item.fallback  # a module of the tree we could not follow: the SDK-shape rule decides
        else:
            return None  # not a client, or an object from a library outside the tree (another SDK)
    if item.model_ref is not None:
        value = resolve(item.model_ref, index, importer)
        if isinstance(value, Str):
            finding = dataclasses.replace(finding, model=value.value, model_origin=value.origin)
        elif isinstance(value, Env):
            model = value.default.value if value.default is not None else "dynamic"
            origin = f"environment variable {value.var}" + (" (default)" if value.default is not None else "")
            finding = dataclasses.replace(finding, model=model, model_origin=origin)
        elif finding.model is None:
            finding = dataclasses.replace(finding, model="dynamic")
    return finding


def resolve(ref, index: ModuleIndex | None, importer: str, depth: int = 0):
    """The value of an imported name (with attributes and calls after it), None when it is not known, or
    NOT_IN_TREE when no module of the scanned tree defines it."""
    if index is None:
        return NOT_IN_TREE
    if depth > MAX_DEPTH:
        return None
    if isinstance(ref, QCall):
        value = resolve(Q(ref.name), index, importer, depth + 1)
        if value is NOT_IN_TREE:
            return value
        value = _call(value, index, importer, depth)
        for attr in ref.attrs:
            value = _call(value, index, importer, depth) if attr == "()" else _getattr(value, attr, index, importer, depth)
        return value
    parts = ref.name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        hit = index.find(".".join(parts[:i]), importer)
        if hit is None:
            continue
        analyzer = index.analyzer(*hit)
        if analyzer is None:
            return None
        value = analyzer.lookup(parts[i], analyzer.module_scope, 10**9)
        if isinstance(value, Client) and not value.origin:
            value = dataclasses.replace(value, origin=".".join(parts[: i + 1]))
        for attr in parts[i + 1:]:
            value = _getattr(value, attr, index, hit[1], depth)
        if isinstance(value, Str):
            value = Str(value.value, re.sub(r"\(line (\d+)\)", lambda m: f"({hit[1]}:{m.group(1)})", value.origin))
        if isinstance(value, Q) and value.name.split(".")[0] != "openai":
            value = resolve(value, index, hit[1], depth + 1)
        elif isinstance(value, QCall):
            value = resolve(value, index, hit[1], depth + 1)
        return None if value is NOT_IN_TREE else value
    return NOT_IN_TREE


def _getattr(value, attr: str, index, importer: str, depth: int):
    if value is None:
        return None
    if isinstance(value, (Q, QCall)) and not (isinstance(value, Q) and value.name.split(".")[0] == "openai"):
        value = resolve(value, index, importer, depth + 1)
        if value is None or value is NOT_IN_TREE:
            return None
    analyzer = _owner(value)
    if analyzer is None:
        from migrate.scan.detect.python.evaluate import sdk_getattr

        return sdk_getattr(value, attr)
    return analyzer.getattr(value, attr)


def _call(value, index, importer: str, depth: int):
    """A call of a settled value, its arguments not known here: the evaluator's apply() (a function's return
    value, a local class's instance, client.with_options()); a client class of openai builds a plain client."""
    if isinstance(value, Q):
        from migrate.scan.detect.python.evaluate import _client_class

        cls = _client_class(value)
        return Client(cls) if cls else None
    if isinstance(value, QCall):
        return None  # not settled: resolve() gave up on it
    if isinstance(value, (Func, Klass, Inst)):
        return _owner(value).apply(value, None, None)
    from migrate.scan.detect.python.evaluate import _BARE

    return _BARE.apply(value, None, None)


def _owner(value):
    if isinstance(value, (Func, Klass)):
        return value.scope.analyzer
    if isinstance(value, Inst):
        return value.klass.scope.analyzer
    return None
