"""One parsed JS/TS module as the rules see it, and the context they run in.

`JsModule` holds the source bytes (a .vue / .svelte file with its markup blanked, so offsets are the file's),
the tree-sitter tree, and the scan's findings for this text (migrate/scan/detect/javascript: the same detector
`migrate scan` runs, so the rewrite edits exactly what the scan reported). Helpers give rules what they need
to write edits: node text, the node of a finding, object-literal properties, the file's quote and indent style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from migrate.config import Config


@dataclass
class JsContext:
    """What every rule may read besides the module: the configuration, [rewrite] options, and what the plan's
    first phase learnt about the tree (names other modules use as model names, see crossrefs.py)."""

    config: Config
    options: dict = field(default_factory=dict)
    active: frozenset[str] = frozenset()  # the rule ids that run (a rule defers to another only when it runs)
    model_exports: frozenset[str] = frozenset()  # names this module exports that other modules send as models
    url_exports: frozenset[str] = frozenset()  # names this module exports that other modules send requests to


class JsModule:
    def __init__(self, source: bytes, rel: str, path: str, name: str, grammar: str, tree) -> None:
        self.source = source
        self.rel = rel
        self.path = path  # absolute path (imports resolve against it)
        self.name = name
        self.grammar = grammar
        self.tree = tree
        self.root = tree.root_node

    # -- text ----------------------------------------------------------------------------------------------------
    def text(self, node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def snippet(self, node, width: int = 60) -> str:
        """The node's text on one line (whitespace runs collapsed), cut to `width` characters."""
        text = " ".join(self.text(node).split())
        return text if len(text) <= width else text[:width - 1] + "…"

    def line_of(self, offset: int) -> int:
        return self.source.count(b"\n", 0, offset) + 1

    def line_text(self, offset: int) -> str:
        start = self.source.rfind(b"\n", 0, offset) + 1
        end = self.source.find(b"\n", offset)
        return self.source[start:end if end >= 0 else len(self.source)].decode("utf-8", "replace")

    def indent_at(self, offset: int) -> str:
        line = self.line_text(offset)
        return line[:len(line) - len(line.lstrip(" \t"))]

    @cached_property
    def indent_unit(self) -> str:
        """The file's indentation step: a tab, or the smallest indentation of 2+ spaces (2 when there is none).
        JSDoc continuation lines (` * ...`) do not count."""
        spaces = [len(m.group(1)) for m in re.finditer(rb"\n( +)[^\s*]", self.source)]
        tabs = len(re.findall(rb"\n\t+\S", self.source))
        if tabs > len(spaces):
            return "\t"
        widths = [w for w in spaces if w >= 2]
        return " " * (min(widths) if widths else 2)

    @cached_property
    def newline(self) -> str:
        """The file's line ending: CRLF when its first line break is one."""
        first = self.source.find(b"\n")
        return "\r\n" if first > 0 and self.source[first - 1:first] == b"\r" else "\n"

    @cached_property
    def quote(self) -> str:
        """The file's string quote: the one its import / require specifiers use, else double quotes."""
        found = re.findall(rb"""(?:from|require\(|import\()\s*(["'])""", self.source)
        return found[0].decode() if found and found.count(b"'") > found.count(b'"') else '"'

    def string(self, value: str) -> str:
        q = self.quote
        return q + value.replace("\\", "\\\\").replace(q, "\\" + q) + q

    # -- nodes ---------------------------------------------------------------------------------------------------
    def node_at(self, start: int, end: int, types: tuple[str, ...] = ()):
        """The outermost node spanning exactly bytes start..end (of one of `types` when given), or None."""
        node = self.root.descendant_for_byte_range(start, end)
        best = None
        while node is not None and node.start_byte == start and node.end_byte == end:
            if not types or node.type in types:
                best = node
            node = node.parent
        return best

    def walk(self, types: tuple[str, ...] | frozenset[str], node=None):
        """Every node of one of `types` under `node` (default: the module), in source order."""
        stack = [node or self.root]
        while stack:
            current = stack.pop()
            if current.type in types:
                yield current
            stack.extend(reversed(current.children))

    # -- the scan's view -----------------------------------------------------------------------------------------
    @cached_property
    def report(self):
        """The scan detector's report for this text: findings (with byte ranges) and calls settled elsewhere."""
        from migrate.scan.detect import known_endpoints
        from migrate.scan.detect.javascript.detectors import ModuleDetector

        detector = ModuleDetector(self.source, self.rel, self.path, self.grammar, known_endpoints())
        self._detector = detector
        return detector.run(self.root)

    @cached_property
    def findings(self):
        """This file's findings, with the calls through clients and constants of other modules of the tree
        settled (migrate/scan/detect/javascript/crossmodule.py), in source order."""
        from migrate.scan.detect.javascript.crossmodule import settle

        report = self.report
        settled = settle(report.deferred, None) if report.deferred else []
        return sorted([*report.findings, *settled], key=lambda f: (f.start_byte or 0, f.end_byte or 0))

    @property
    def evaluator(self):
        """The detector that produced `findings`: its scopes and `eval` say what any expression stands for."""
        self.report  # noqa: B018 - builds the detector
        return self._detector


def strip_wrappers(node):
    """`(x)`, `await x`, `x!`, `x as T`, `x satisfies T` -> x."""
    while node is not None and node.type in ("parenthesized_expression", "await_expression", "non_null_expression",
                                             "as_expression", "satisfies_expression"):
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner:
            return node
        node = inner[0]
    return node


def arguments(node) -> list:
    args = node.child_by_field_name("arguments")
    if args is None or args.type == "template_string":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def string_value(module: JsModule, node) -> str | None:
    """The value of a plain string literal (or a template literal without substitutions), else None."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(module.text(child))
        elif child.type == "escape_sequence":
            return None  # rare in names and URLs; not worth decoding wrongly
        elif child.type == "template_substitution":
            return None
    return "".join(parts)


def key_name(module: JsModule, key) -> str | None:
    if key is None:
        return None
    if key.type in ("property_identifier", "identifier", "number"):
        return module.text(key)
    return string_value(module, key)


def properties(module: JsModule, obj) -> dict:
    """name -> pair node of the statically named properties of an object literal (shorthand: the identifier)."""
    out = {}
    for prop in obj.named_children:
        if prop.type == "pair":
            name = key_name(module, prop.child_by_field_name("key"))
            if name is not None:
                out.setdefault(name, prop)
        elif prop.type == "shorthand_property_identifier":
            out.setdefault(module.text(prop), prop)
    return out


def prop_value(prop):
    """The value node of a pair (the identifier itself for a shorthand property)."""
    return prop.child_by_field_name("value") if prop.type == "pair" else prop


def has_spread(obj) -> bool:
    return any(c.type == "spread_element" for c in obj.named_children)
