"""OAI011 for npm: the `openai` pin of a package.json is raised to the current major when code it covers was
upgraded from openai-node v3 (OAI004 changed a file below it).

The edit is the version string alone (the rest of the file, its indentation and key order, stay byte for byte):

    "openai": "^3.3.0"   ->   "openai": "^7.59.0"      ("~" and exact pins keep their form; other ranges get "^")

Pins already at v4 or later, and specs that are not versions (`latest`, `file:`, `git+...`, `workspace:`), are
left alone. The current major comes from the catalog (migrate/catalog/javascript.py CURRENT_NPM_OPENAI).
"""

from __future__ import annotations

import json
import os
import re

from migrate.catalog import javascript as js

RULE = "OAI011"
_STRING = re.compile(rb'"(?:\\.|[^"\\])*"')


def raise_openai_pin(text: str) -> tuple[str, list[tuple[int, str]]]:
    """(new text, [(line, message)]) for a package.json: every dependency section's v3 `openai` pin raised."""
    try:
        data = json.loads(text)
    except ValueError:
        return text, []
    if not isinstance(data, dict):
        return text, []
    raw = text.encode("utf-8")
    edits: list[tuple[int, int, bytes]] = []
    notes = []
    for section in js.DEPENDENCY_FIELDS:
        deps = data.get(section)
        if not isinstance(deps, dict) or not isinstance(deps.get(js.OPENAI_PACKAGE), str):
            continue
        spec = deps[js.OPENAI_PACKAGE]
        major = js.pin_major(spec)
        if major is None or major >= 4:
            continue
        span = _value_span(raw, section, js.OPENAI_PACKAGE)
        if span is None:
            continue
        new = _new_spec(spec)
        edits.append((span[0], span[1], json.dumps(new).encode("utf-8")))
        line = raw.count(b"\n", 0, span[0]) + 1
        notes.append((line, f"{section}: openai {spec} -> {new} (the code was upgraded from openai-node v3); run npm "
                            "install to update the lock file"))
    for start, end, new in sorted(edits, reverse=True):
        raw = raw[:start] + new + raw[end:]
    return raw.decode("utf-8"), notes


def _new_spec(spec: str) -> str:
    version = js.CURRENT_NPM_OPENAI.lstrip("^~>= ")
    stripped = spec.strip()
    if stripped.startswith("~"):
        return "~" + version
    if re.fullmatch(r"\d+\.\d+\.\d+", stripped):
        return version
    return "^" + version


def _value_span(raw: bytes, section: str, package: str) -> tuple[int, int] | None:
    """The byte span of the string value of `package` inside the top-level object `section` of a JSON text."""
    depth = 0
    i = 0
    key = json.dumps(section).encode()
    start = None
    while i < len(raw):
        ch = raw[i:i + 1]
        if ch == b'"':
            match = _STRING.match(raw, i)
            if match is None:
                return None
            if depth == 1 and match.group(0) == key:
                colon = raw[match.end():].lstrip()
                if colon.startswith(b":") and colon[1:].lstrip().startswith(b"{"):
                    start = match.end()
            i = match.end()
            continue
        if ch in (b"{", b"["):
            depth += 1
            if start is not None and depth == 2:
                return _member(raw, i, package)
        elif ch in (b"}", b"]"):
            depth -= 1
        i += 1
    return None


def _member(raw: bytes, brace: int, package: str) -> tuple[int, int] | None:
    """Inside the object opening at `brace`: the span of the string value of key `package` at its top level."""
    depth, i = 0, brace
    key = json.dumps(package).encode()
    while i < len(raw):
        ch = raw[i:i + 1]
        if ch == b'"':
            match = _STRING.match(raw, i)
            if match is None:
                return None
            if depth == 1 and match.group(0) == key:
                rest = raw[match.end():]
                colon = len(rest) - len(rest.lstrip())
                if rest.lstrip().startswith(b":"):
                    after = match.end() + colon + 1
                    value_at = after + (len(raw[after:]) - len(raw[after:].lstrip()))
                    value = _STRING.match(raw, value_at)
                    if value is not None:
                        return value.start(), value.end()
            i = match.end()
            continue
        if ch in (b"{", b"["):
            depth += 1
        elif ch in (b"}", b"]"):
            depth -= 1
            if depth == 0:
                return None
        i += 1
    return None


def package_json_for(path: str, root: str) -> str | None:
    """The nearest package.json at or above the directory of `path`, not above `root`."""
    directory = os.path.dirname(os.path.abspath(path))
    root = os.path.abspath(root)
    while True:
        candidate = os.path.join(directory, "package.json")
        if os.path.isfile(candidate):
            return candidate
        if directory == root or os.path.dirname(directory) == directory or not directory.startswith(root):
            return None
        directory = os.path.dirname(directory)
