"""The scan's detector: one file in, findings (and what could not be read) out.

    from migrate.scan.detect import detect_source
    findings = detect_source("from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o')\n")

`detect_file` is what the scan runs per file, in worker processes when there are many: it reads, checks
and decodes the bytes, parses Python with `ast` (never imported code, never LibCST), and returns findings,
Skipped entries, and the calls that need another module of the tree (`Deferred`, settled by crossmodule.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from migrate.scan.detect.source import Unreadable, code_lines
from migrate.scan.findings import Finding, Skipped

__all__ = ["FileResult", "detect_file", "read_bytes", "detect_source", "module_package", "file_style"]


@dataclass
class FileResult:
    rel: str
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    deferred: list = field(default_factory=list)
    parsed: bool = False  # passed the pre-filter and was parsed
    shaped: list[Finding] = field(default_factory=list)  # kept by the scan only if the tree imports openai
    imports_openai: bool = False
    imports_lookalike: bool = False


def file_style(name: str) -> str:
    """How a file is read: "python", "notebook", "javascript" (JS/TS sources and components), "package.json",
    "env", "requirements", "pyproject", "pipfile", "setup.cfg"."""
    if name.endswith((".py", ".pyw")):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if name == "package.json":
        return "package.json"
    from migrate.scan.detect.javascript.parse import is_js_name

    if is_js_name(name):
        return "javascript"
    if name == "pyproject.toml":
        return "pyproject"
    if name == "Pipfile":
        return "pipfile"
    if name == "setup.cfg":
        return "setup.cfg"
    if name.startswith("requirements") or name.startswith("constraints") or name.endswith((".txt", ".in")):
        return "requirements"
    return "env"


def module_package(rel: str) -> str:
    """The dotted package a file belongs to, from its path relative to the scan root: a/b/c.py -> a.b."""
    parts = rel.split("/")[:-1]
    return ".".join(p for p in parts if p.isidentifier())


_FIRST_READ = 1 << 18  # one read() holds almost every source file whole


def read_bytes(path: str) -> bytes:
    """The file's bytes, without a buffered reader: one read() call for almost every source file (about
    20% cheaper than open(path, "rb").read() over 24k small files)."""
    with open(path, "rb", buffering=0) as fh:
        data = fh.read(_FIRST_READ)
        if len(data) < _FIRST_READ:
            return data
        return data + fh.readall()


def detect_file(path: str, rel: str, endpoints: frozenset[str] = frozenset(), data: bytes | None = None) -> FileResult:
    """Everything the scan reports about one file. Never raises for bad input: it becomes `skipped`."""
    from migrate.scan import prefilter

    result = FileResult(rel)
    try:
        if data is None:
            data = read_bytes(path)
        style = file_style(os.path.basename(path))
        if style in ("python", "notebook"):
            if not prefilter.python_candidate(data):
                return result
        elif style == "javascript":
            if not prefilter.js_candidate(data):
                return result
        elif not prefilter.text_file_candidate(data):
            return result
        result.parsed = True
        from migrate.scan.detect.source import check_bytes

        check_bytes(data)
        if style == "python":
            _python(data, path, rel, endpoints, result)
        elif style == "notebook":
            _notebook(data, rel, endpoints, result)
        elif style == "javascript":
            from migrate.scan.detect.javascript import detect_js

            detect_js(data, path, rel, endpoints, result)
        elif style == "package.json":
            from migrate.scan.detect.javascript.packagejson import package_json_findings

            result.findings.extend(package_json_findings(data.decode("utf-8-sig", errors="replace"), rel))
        else:
            _text(data, rel, style, result)
    except Unreadable as e:
        result.skipped.append(Skipped(rel, e.reason, e.detail, e.line))
    except PermissionError as e:
        result.skipped.append(Skipped(rel, "permission denied", e.strerror or str(e)))
    except OSError as e:
        reason = "symlink loop" if e.errno == 40 else "unreadable"
        result.skipped.append(Skipped(rel, reason, e.strerror or str(e)))
    except Exception as e:  # noqa: BLE001 - a detector bug on one file must not stop the scan
        result.skipped.append(Skipped(rel, "internal error", f"{type(e).__name__}: {e} (please report this file's shape to migrate-kit)"))
    return result


def _python(data: bytes, path: str, rel: str, endpoints, result: FileResult) -> None:
    from migrate.scan.detect.python import ModuleAnalyzer
    from migrate.scan.detect.source import decode, parse

    source = decode(data)
    tree = parse(source, rel)
    analyzer = ModuleAnalyzer(tree, code_lines(source), rel, module_package(rel), endpoints=endpoints,
                              is_setup_py=rel.rsplit("/", 1)[-1] == "setup.py")
    report = analyzer.run()
    analyzer.release()
    result.findings.extend(report.findings)
    result.deferred.extend(report.deferred)
    result.shaped.extend(report.shaped)
    result.imports_openai |= report.imports_openai
    result.imports_lookalike |= report.imports_lookalike


def _notebook(data: bytes, rel: str, endpoints, result: FileResult) -> None:
    import bisect

    from migrate.scan.detect.python import ModuleAnalyzer
    from migrate.scan.detect.source import parse, parse_any, read_notebook

    notebook = read_notebook(data)
    source, starts = notebook.combined()
    try:
        tree = parse_any(source, filename=rel)
    except SyntaxError:
        # One bad cell: report it, scan the others.
        bad = set()
        for index, cell_source in notebook.cells:
            try:
                parse(cell_source, rel)
            except Unreadable as e:
                bad.add(index)
                result.skipped.append(Skipped(rel, e.reason, f"cell {index}: {e.detail}", e.line))
        source, starts = notebook.combined(frozenset(bad))
        try:
            tree = parse_any(source, filename=rel)
        except SyntaxError as e:
            raise Unreadable("syntax error", f"code cells do not parse together: {e.msg}") from None
    firsts = [s[0] for s in starts]

    def line_map(line: int) -> tuple[int, int]:
        i = bisect.bisect_right(firsts, line) - 1
        first, cell = starts[max(i, 0)]
        return cell, line - first + 1

    analyzer = ModuleAnalyzer(tree, code_lines(source), rel, module_package(rel), endpoints=endpoints, line_map=line_map)
    report = analyzer.run()
    analyzer.release()
    result.findings.extend(report.findings)
    result.deferred.extend(report.deferred)
    result.shaped.extend(report.shaped)
    result.imports_openai |= report.imports_openai
    result.imports_lookalike |= report.imports_lookalike


def _text(data: bytes, rel: str, style: str, result: FileResult) -> None:
    from migrate.scan.detect import textfiles

    text = data.decode("utf-8-sig", errors="replace")
    if style == "env":
        result.findings.extend(textfiles.env_findings(text, rel))
    else:
        result.findings.extend(textfiles.requirements_findings(text, rel, style))


def detect_source(source: str, path: str = "<string>", *, resolve: bool = True) -> list[Finding]:
    """Findings for Python source text (unassessed; no cross-module resolution beyond this text)."""
    from migrate.scan.detect.crossmodule import settle
    from migrate.scan.detect.python import ModuleAnalyzer
    from migrate.scan.detect.source import parse

    tree = parse(source, path)
    analyzer = ModuleAnalyzer(tree, code_lines(source), path, endpoints=known_endpoints(),
                              is_setup_py=path.rsplit("/", 1)[-1] == "setup.py")
    report = analyzer.run()
    findings = list(report.findings)
    if resolve:
        findings.extend(settle(report.deferred, index=None))
    return sorted(findings, key=sort_key)


def known_endpoints() -> frozenset[str]:
    """Endpoint names of the installed catalog snapshot plus those of past SDK releases."""
    from migrate.catalog import load_catalog
    from migrate.scan.detect.sdk import HISTORICAL_ENDPOINTS

    return frozenset(load_catalog().endpoints) | HISTORICAL_ENDPOINTS


def sort_key(f: Finding):
    return (f.path, -1 if f.cell is None else f.cell, f.line, f.column, f.kind.value, f.endpoint or "")
