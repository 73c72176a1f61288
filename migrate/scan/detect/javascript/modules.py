"""Module specifiers to files: relative paths with extension and index resolution, `tsconfig.json` /
`jsconfig.json` `paths` aliases (`@/lib/openai`), and which specifiers are npm packages the detector knows.

Resolution follows TypeScript's "bundler" rules closely enough for finding a client's module: the exact
path, the path with each source extension, `<path>/index.<ext>`, and a `.js` written for a `.ts` source
(`import "./openai.js"` in an ESM TypeScript project).
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache

from migrate.catalog import javascript as js

EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte")
CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
_JS_TO_TS = {".js": (".ts", ".tsx"), ".mjs": (".mts",), ".cjs": (".cts",), ".jsx": (".tsx",)}


def is_known_package(spec: str) -> bool:
    """A specifier of an npm package the detector gives meaning to (never resolved into the project)."""
    return package_name(spec) in _KNOWN_PACKAGES


def package_name(spec: str) -> str:
    """"@scope/pkg/sub" -> "@scope/pkg", "pkg/sub" -> "pkg"."""
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]


_KNOWN_PACKAGES = frozenset({*js.NPM_PACKAGES, *js.HTTP_PACKAGES, js.AI_SDK_AZURE[0],
                             *(package_name(prefix) for prefix, _, _ in js.WRAPPER_MODULES)})


def resolve(importer: str, spec: str, exists=os.path.isfile) -> str | None:
    """The file a specifier imported from `importer` (an absolute path) names, or None (a package, or not found)."""
    if spec.startswith((".", "/")):
        base = os.path.normpath(os.path.join(os.path.dirname(importer), spec))
        return _with_extensions(base, exists)
    for target in _alias_targets(os.path.dirname(importer), spec):
        hit = _with_extensions(target, exists)
        if hit is not None:
            return hit
    return None


def _with_extensions(base: str, exists) -> str | None:
    stem, ext = os.path.splitext(base)
    if ext in EXTENSIONS and exists(base):
        return base
    for alt in _JS_TO_TS.get(ext, ()):
        if exists(stem + alt):
            return stem + alt
    for ext in EXTENSIONS:
        if exists(base + ext):
            return base + ext
    for ext in EXTENSIONS:
        candidate = os.path.join(base, "index" + ext)
        if exists(candidate):
            return candidate
    return None


def _alias_targets(directory: str, spec: str) -> list[str]:
    config = _config_for(directory)
    if config is None:
        return []
    base_url, paths = config
    out = []
    for pattern, targets in paths:
        if pattern.endswith("*"):
            prefix = pattern[:-1]
            if not spec.startswith(prefix):
                continue
            rest = spec[len(prefix):]
            out.extend(os.path.normpath(os.path.join(base_url, t.replace("*", rest))) for t in targets)
        elif spec == pattern:
            out.extend(os.path.normpath(os.path.join(base_url, t)) for t in targets)
    if not out and base_url and not spec.startswith("@"):
        out.append(os.path.normpath(os.path.join(base_url, spec)))  # baseUrl-relative imports: "lib/openai"
    return out


@lru_cache(maxsize=1024)
def _config_for(directory: str) -> tuple[str, tuple[tuple[str, tuple[str, ...]], ...]] | None:
    """(baseUrl, paths) of the nearest tsconfig.json / jsconfig.json at or above `directory` that has them."""
    for name in CONFIG_NAMES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            options = _compiler_options(path, 0)
            if options is not None:
                return options
    parent = os.path.dirname(directory)
    if parent == directory or os.path.basename(directory) == "node_modules":
        return None
    return _config_for(parent)


def _compiler_options(path: str, depth: int):
    data = read_jsonc(path)
    if not isinstance(data, dict):
        return None
    options = data.get("compilerOptions") or {}
    here = os.path.dirname(path)
    paths = options.get("paths")
    base = options.get("baseUrl")
    if paths is None and base is None:
        extends = data.get("extends")
        if isinstance(extends, str) and extends.startswith(".") and depth < 4:
            target = os.path.normpath(os.path.join(here, extends))
            if not target.endswith(".json"):
                target += ".json"
            return _compiler_options(target, depth + 1) if os.path.isfile(target) else None
        return None
    base_url = os.path.normpath(os.path.join(here, base)) if isinstance(base, str) else here
    table = tuple((k, tuple(v for v in targets if isinstance(v, str))) for k, targets in (paths or {}).items()
                  if isinstance(targets, list))
    return base_url, table


_JSONC_RE = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.DOTALL)


def read_jsonc(path: str):
    """JSON with comments and trailing commas (tsconfig.json), or None when it does not read."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
        return json.loads(_JSONC_RE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text))
    except (OSError, ValueError):
        return None
