"""The JavaScript / TypeScript front end of the scan: openai-node (v4+ and v3), the Vercel AI SDK, LangChain.js,
LlamaIndex.TS, raw HTTP to api.openai.com, and OpenAI pins in package.json.

    parse.py       tree-sitter grammars per file type, <script> blocks of .vue / .svelte, minified bundles
    modules.py     module specifiers to files: relative paths, extensions, index files, tsconfig `paths`
    values.py      what an expression stands for (a client, a path through it, an export; Str / Env are the core's)
    evaluate.py    scopes, imports / require / exports, and the evaluation of expressions to values
    detectors.py   the findings of one module, from those values; detectors registered per qualified-name prefix
    crossmodule.py calls through clients other modules export, settled once the whole tree is read
    packagejson.py dependency pins

Findings are the same `Finding` objects as Python's, with `language` "javascript" or "typescript" and the byte
range of their node; assess.py gives them their verdicts from the same catalog.
"""

from __future__ import annotations

import os

from migrate.scan.detect.javascript.parse import is_js_name

__all__ = ["detect_js", "is_js_name", "detect_js_source"]


def detect_js(data: bytes, path: str, rel: str, endpoints: frozenset[str], result) -> None:
    """Fill a FileResult (migrate/scan/detect/__init__.py) with the findings of one JS/TS file."""
    from migrate.scan.detect.javascript.detectors import ModuleDetector
    from migrate.scan.detect.javascript.parse import first_error, minified, parse
    from migrate.scan.detect.source import Unreadable
    from migrate.scan.findings import Skipped

    name = os.path.basename(rel)
    if minified(name, data):
        raise Unreadable("minified", "a minified bundle: its names are mangled; scan the sources it was built from")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Unreadable("not UTF-8", f"byte {e.start} is not UTF-8") from None
    tree, source, grammar = parse(name, data)
    error = first_error(tree.root_node)
    if error is not None:
        line = error.start_point[0] + 1
        result.skipped.append(Skipped(rel, "syntax error", f"tree-sitter ({grammar}) could not parse line {line}; "
                                      "findings come from the rest of the file", line))
    detector = ModuleDetector(source, rel, path, grammar, endpoints)
    report = detector.run(tree.root_node)
    result.findings.extend(report.findings)
    result.deferred.extend(report.deferred)


def detect_js_source(source: str, path: str = "<string>.ts", *, resolve: bool = True):
    """Findings for JS/TS source text (unassessed; imports resolve only against files on disk near `path`)."""
    from migrate.scan.detect import FileResult, known_endpoints, sort_key
    from migrate.scan.detect.javascript.crossmodule import settle

    result = FileResult(path)
    detect_js(source.encode("utf-8"), os.path.abspath(path), path, known_endpoints(), result)
    findings = list(result.findings)
    if resolve:
        findings.extend(settle(result.deferred, None))
    return sorted(findings, key=sort_key)
