"""The plan's first phase for JS/TS: constants one module exports and others send to OpenAI as model names.

    // lib/openai.ts                                  // app/api/chat/route.ts
    export const CHAT_MODEL = "gpt-4o-mini";          create({ model: CHAT_MODEL, ... })

The scan settles the call's model from the constant (crossmodule.py); the rewrite must map the literal where it
is written, so this phase walks each such import to the declaring module (relative paths, tsconfig `paths`,
`index.ts` re-exports, `export *`) and tells OAI003 which of that module's names to map.
"""

from __future__ import annotations

import os

MAX_DEPTH = 8


def model_exports(files) -> dict[str, set[str]]:
    """abs path -> local names declared there that some module of `files` sends as a model name."""
    from migrate.rewrite.javascript.engine import parse_js
    from migrate.scan.detect import known_endpoints
    from migrate.scan.detect.javascript.crossmodule import JsModules
    from migrate.scan.detect.javascript.detectors import ModuleDetector

    modules = JsModules(None)
    out: dict[str, set[str]] = {}
    for item in files:
        path = str(item.candidate.path)
        try:
            tree, source, grammar = parse_js(os.path.basename(path), item.data)
            report = ModuleDetector(source, item.candidate.rel, path, grammar, known_endpoints()).run(tree.root_node)
        except (ValueError, RecursionError):
            continue
        for deferred in report.deferred:
            if deferred.model_source is None:
                continue
            found = declaring_module(modules, deferred.importer, deferred.model_source.module,
                                     deferred.model_source.name)
            if found is not None:
                out.setdefault(found[0], set()).add(found[1])
    return out


def declaring_module(modules, importer: str, spec: str, name: str, depth: int = 0) -> tuple[str, str] | None:
    """(abs path, local name) of the declaration `import { name } from spec` in `importer` reaches."""
    from migrate.scan.detect.javascript.modules import is_known_package, resolve

    if depth > MAX_DEPTH or is_known_package(spec):
        return None
    target = resolve(importer, spec, modules.exists)
    if target is None:
        return None
    ev = modules.evaluator(target)
    if ev is None:
        return None
    entry = ev.exports.get(name)
    if entry is None:
        for module in ev.star_exports:
            found = declaring_module(modules, target, module, name, depth + 1)
            if found is not None:
                return found
        return None
    if entry[0] == "name":
        return target, entry[1]
    if entry[0] == "value" and hasattr(entry[1], "module"):
        return declaring_module(modules, target, entry[1].module, entry[1].name, depth + 1)
    return None
