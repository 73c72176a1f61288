"""OpenAI packages pinned in package.json: one REQUIREMENT finding per pin, at its line."""

from __future__ import annotations

import json

from migrate.catalog import javascript as js
from migrate.scan.findings import Finding, Kind


def package_json_findings(text: str, rel: str) -> list[Finding]:
    from migrate.scan.detect.source import Unreadable

    try:
        data = json.loads(text)
    except ValueError as e:
        raise Unreadable("syntax error", f"package.json is not JSON: {e}", getattr(e, "lineno", None)) from None
    if not isinstance(data, dict):
        return []
    lines = text.splitlines()
    out = []
    for section in js.DEPENDENCY_FIELDS:
        deps = data.get(section)
        if not isinstance(deps, dict):
            continue
        for package in js.NPM_PACKAGES:
            spec = deps.get(package)
            if not isinstance(spec, str):
                continue
            line, column, code = _locate(lines, package, section)
            out.append(Finding(kind=Kind.REQUIREMENT, path=rel, line=line, column=column, end_line=line,
                               end_column=column + len(code), api="npm", endpoint=package, code=code,
                               detail=f"{section}: {package} {spec}", language="javascript",
                               parameters=(spec,)))
    return out


def _locate(lines: list[str], package: str, section: str) -> tuple[int, int, str]:
    """(line, column, text) of `"package": "spec"` inside the section (the first match after its key)."""
    needle = f'"{package}"'
    start = next((i for i, text in enumerate(lines) if f'"{section}"' in text), 0)
    for i in range(start, len(lines)):
        column = lines[i].find(needle)
        if column >= 0:
            return i + 1, column, lines[i].strip().rstrip(",")
    return 1, 0, needle
