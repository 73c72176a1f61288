"""Settle JS/TS calls through values other modules of the project export.

    // lib/openai.ts                          // app/api/chat/route.ts
    export const openai = new OpenAI();       import { openai } from "@/lib/openai";
                                              await openai.chat.completions.create({ model: "gpt-4o", ... });

The first pass (per file, perhaps in a worker process) returns a `JsDeferred` for the call. Here the
specifier is resolved to a file of the scanned tree (relative paths, extensions, index files, tsconfig
`paths`), that module is analysed once (cached; it need not mention openai, e.g. an index.ts that only
re-exports), and its export is followed through re-exports (`export { openai } from "./openai"`,
`export * from "./clients"`) and factories until it is a client or proves to be something else.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Iterable

from migrate.catalog import javascript as js
from migrate.scan.detect.core.values import known_text
from migrate.scan.detect.javascript.values import UNKNOWN, AiModel, ClassValue, Client, Import, Member, Pending
from migrate.scan.findings import Finding

MAX_DEPTH = 12


class JsModules:
    """The JS/TS files of the scanned tree, analysed on demand for their exports."""

    def __init__(self, files: Iterable[tuple[str, str]] | None) -> None:
        self.paths = {path for path, _ in files} if files is not None else None
        self._evaluators: dict[str, object] = {}

    def exists(self, path: str) -> bool:
        return path in self.paths if self.paths is not None else os.path.isfile(path)

    def evaluator(self, path: str):
        if path not in self._evaluators:
            self._evaluators[path] = _analyse(path)
        return self._evaluators[path]

    def resolve_import(self, source: Import, importer: str, depth: int = 0):
        """The value `source` (imported by `importer`) stands for, or UNKNOWN."""
        from migrate.scan.detect.javascript.modules import is_known_package, resolve

        if depth > MAX_DEPTH or is_known_package(source.module):
            return source if depth and is_known_package(source.module) else UNKNOWN
        target = resolve(importer, source.module, self.exists)
        if target is None:
            return UNKNOWN
        ev = self.evaluator(target)
        if ev is None:
            return UNKNOWN
        if source.name == "*":
            return _Namespace(target)
        return self.export(ev, target, source.name, depth + 1)

    def export(self, ev, path: str, name: str, depth: int):
        value = ev.export(name)
        if value is None:
            for module in ev.star_exports:
                found = self.resolve_import(Import(module, name), path, depth + 1)
                if found is not UNKNOWN:
                    return found
            return UNKNOWN
        return self.settle_value(value, path, depth)

    def settle_value(self, value, path: str, depth: int):
        """Follow imports and pending values of module `path` until they say what they are."""
        from migrate.scan.detect.javascript.modules import is_known_package

        if isinstance(value, Import):
            if is_known_package(value.module):
                return value
            return self.resolve_import(value, path, depth + 1)
        if isinstance(value, Pending):
            base = self.resolve_import(value.source, value.importer or path, depth + 1)
            return self.walk(base, value.steps, value.importer or path, depth + 1)
        return value

    def walk(self, value, steps, path: str, depth: int):
        """Apply member accesses and calls to a settled value."""
        from migrate.scan.detect.javascript.evaluate import Evaluator

        ev = Evaluator(b"", path)
        for step, name in steps:
            if isinstance(value, _Namespace):
                target_ev = self.evaluator(value.path)
                value = self.export(target_ev, value.path, name, depth + 1) if step == "get" and target_ev else UNKNOWN
                continue
            if step == "this":  # a field of the instances of a class: `this.client` set by a base class
                if not isinstance(value, ClassValue):
                    return UNKNOWN
                value = ev.get(value.owner.class_instance(value), name)
            elif step == "get":
                value = ev.get(value, name)
            else:
                value = ev.apply(value, _NO_ARGS, None) if not isinstance(value, Pending) else value.call()
            value = self.settle_value(value, path, depth + 1) if isinstance(value, (Pending, Import)) else value
            if value is UNKNOWN:
                break
        return value


@dataclasses.dataclass(frozen=True)
class _Namespace:
    path: str


class _NoArgs:
    start_byte = -1
    start_point = (0, 0)

    def child_by_field_name(self, name):
        return None


_NO_ARGS = _NoArgs()


def _analyse(path: str):
    """A module's evaluator with its declarations and exports bound (None when it does not read)."""
    from migrate.scan.detect.javascript.detectors import ModuleDetector
    from migrate.scan.detect.javascript.parse import parse

    try:
        with open(path, "rb") as fh:
            data = fh.read()
        tree, source, grammar = parse(os.path.basename(path), data)
    except (OSError, ValueError):
        return None
    ev = ModuleDetector(source, path, path, grammar)  # its evaluator: classes and their fields too
    ev.bind_module(tree.root_node)
    ev.tree = tree  # keep the tree alive while its nodes are in use
    return ev


def settle(deferred, files: Iterable[tuple[str, str]] | None = None) -> list[Finding]:
    """Findings for the deferred JS/TS calls whose receiver turns out to be an OpenAI client or model."""
    modules = JsModules(files)
    out: list[Finding] = []
    for item in deferred:
        try:
            finding = _settle_one(item, modules)
        except RecursionError:
            finding = None
        if finding is not None:
            out.append(finding)
    return out


def _settle_one(item, modules: JsModules) -> Finding | None:
    finding = _settle_receiver(item, modules) if item.source is not None else item.finding
    if finding is not None and item.model_source is not None:
        finding = _settle_model(finding, item, modules)
    return finding


def _settle_model(finding: Finding, item, modules: JsModules) -> Finding:
    from migrate.scan.detect.javascript.values import Env, Str

    value = modules.resolve_import(item.model_source, item.importer)
    where = f"{item.model_source.name} from {item.model_source.module}"
    if isinstance(value, Str) and "{" not in value.value:
        return dataclasses.replace(finding, model=value.value, model_origin=f"constant {where}")
    if isinstance(value, Env):
        if value.default is not None:
            return dataclasses.replace(finding, model=value.default.value,
                                       model_origin=f"default of process.env.{value.var} ({where})")
        return dataclasses.replace(finding, model="dynamic", model_origin=f"process.env.{value.var} ({where})")
    return finding


def _settle_receiver(item, modules: JsModules) -> Finding | None:
    steps = item.steps
    if item.finding.api == "ai-sdk":  # generateText({ model }) with the model from another module
        value = modules.walk(modules.resolve_import(item.source, item.importer), steps, item.importer, 0)
        if not isinstance(value, AiModel):
            return None
        model = value.model
        name = origin = None
        if model is not None:
            text = known_text(model)
            name, origin = (text, f"from {item.source.module}") if text else ("dynamic", f"from {item.source.module}")
        return dataclasses.replace(item.finding, endpoint=value.endpoint, client=value.provider.cls, model=name,
                                   model_origin=origin, detail=f"{item.finding.detail}; model from {item.source.module}; "
                                   f"{value.provider.endpoint}".strip("; "))
    base = modules.resolve_import(item.source, item.importer)
    receiver = modules.walk(base, steps[:-1], item.importer, 0)
    if not isinstance(receiver, Member):
        return None
    client, path = receiver.client, receiver.path
    where = f"client {client.cls} from {item.source.module}; {client.endpoint}"
    if client.api == "openai":
        name = js.endpoint_name(path)
        endpoint = js.HELPER_ENDPOINTS.get(name, name)
        return dataclasses.replace(item.finding, endpoint=endpoint, client=client.cls, detail=where)
    if client.api in ("openai-node-v3", "openai-edge") and len(path) == 1 and path[0] in js.V3_METHODS:
        return dataclasses.replace(item.finding, api=client.api, endpoint=js.V3_METHODS[path[0]], client=client.cls,
                                   detail=f"{path[0]} of the v3 API (OpenAIApi); {where}")
    return None


__all__ = ["settle", "JsModules", "Client"]
