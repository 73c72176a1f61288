"""Parsing JavaScript and TypeScript with tree-sitter: which grammar for which file, `<script>` blocks of Vue and
Svelte components, and the files not worth parsing (minified bundles, declaration files).

Positions: tree-sitter reports byte offsets and (row, byte column) points; a component's markup is blanked
out byte for byte (newlines kept), so the offsets and lines of its script blocks are those of the file itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
COMPONENT_SUFFIXES = (".vue", ".svelte")
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", "-min.js")  # skipped by name unless --include-vendored
MINIFIED_LINE = 2_000  # a line this long in the first 64 KiB: a bundle, not source
_SCRIPT_RE = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_BLANK = bytes(10 if i == 10 else 32 for i in range(256))
_LANG_TS_RE = re.compile(rb"""\blang\s*=\s*["']?(ts|tsx|typescript)\b""", re.IGNORECASE)


def is_js_name(name: str) -> bool:
    """A file the JS/TS front end reads: sources and components, not declaration files."""
    return name.endswith(JS_SUFFIXES + COMPONENT_SUFFIXES) and not name.endswith(DECLARATION_SUFFIXES)


def grammar_for(name: str, data: bytes | None = None) -> str:
    """"javascript", "typescript" or "tsx" (the TypeScript grammar with JSX)."""
    if name.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    if name.endswith(".tsx"):
        return "tsx"
    if name.endswith(COMPONENT_SUFFIXES) and data is not None and _LANG_TS_RE.search(data):
        return "typescript"
    return "javascript"  # tree-sitter-javascript parses JSX too


def language_of(grammar: str) -> str:
    """The Finding.language of a grammar."""
    return "javascript" if grammar == "javascript" else "typescript"


@lru_cache(maxsize=None)
def ts_language(grammar: str):
    """The tree-sitter Language object of a grammar name."""
    import tree_sitter

    if grammar == "javascript":
        import tree_sitter_javascript as module

        return tree_sitter.Language(module.language())
    import tree_sitter_typescript as module

    return tree_sitter.Language(module.language_tsx() if grammar == "tsx" else module.language_typescript())


@lru_cache(maxsize=None)
def parser(grammar: str):
    import tree_sitter

    return tree_sitter.Parser(ts_language(grammar))


def component_script(data: bytes) -> bytes:
    """A .vue / .svelte file with everything outside its <script> blocks blanked (same length, same lines)."""
    out = bytearray(data.translate(_BLANK))
    for match in _SCRIPT_RE.finditer(data):
        start, end = match.span(2)
        out[start:end] = data[start:end]
    return bytes(out)


def minified(name: str, data: bytes) -> bool:
    """A minified bundle: by its name, or by a very long line near the top."""
    if name.endswith(MINIFIED_SUFFIXES):
        return True
    head = data[:65536]
    if len(head) <= MINIFIED_LINE:
        return False
    return max(map(len, head.split(b"\n"))) > MINIFIED_LINE


def parse(name: str, data: bytes):
    """(tree, source bytes, grammar) for a file; components parse their script blocks in place."""
    grammar = grammar_for(name, data)
    source = component_script(data) if name.endswith(COMPONENT_SUFFIXES) else data
    return parser(grammar).parse(source), source, grammar


def first_error(node):
    """The first ERROR or MISSING node under `node`, or None."""
    if not node.has_error:
        return None
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            return current
        stack.extend(c for c in reversed(current.children) if c.has_error or c.is_missing)
    return None
