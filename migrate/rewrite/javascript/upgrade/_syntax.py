"""What the upgrade rules share: edits at byte ranges, review items, and small tree-sitter helpers.

An edit replaces `source[start:end]` with `text`; the edits of one rule never overlap. A review item points at
a byte of the source it was found in (its line is the item's line) and may carry a short `note`, written as a
`// migrate:` comment above the statement (once: a run that finds the same note there adds nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrate.scan.detect.javascript.evaluate import FUNCTION_TYPES


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Review:
    rule: str
    at: int  # a byte offset in the source the rule read
    message: str
    note: str | None = None  # the text of a `// migrate:` comment above the statement (None: the item only)


@dataclass
class Outcome:
    """What the v3 analysis gives the engine (migrate/rewrite/javascript/upgrade/__init__.py as_rule_output)."""

    edits: list[Edit] = field(default_factory=list)
    review: list[Review] = field(default_factory=list)

    def edit(self, start: int, end: int, text: str) -> None:
        self.edits.append(Edit(start, end, text))


def apply_edits(source: bytes, edits, start: int = 0, end: int | None = None) -> bytes:
    """`source[start:end]` with the edits inside that span applied (edits must not overlap)."""
    end = len(source) if end is None else end
    out, at = [], start
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < at or e.end > end:
            raise ValueError(f"overlapping or out-of-span edit at byte {e.start}")
        out.append(source[at:e.start])
        out.append(e.text.encode("utf-8"))
        at = e.end
    out.append(source[at:end])
    return b"".join(out)


def text(source: bytes, node) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace")


def unwrap(node):
    """Through parentheses, `await`, `as` and `!`: the expression that gives the value."""
    while node is not None and node.type in ("parenthesized_expression", "non_null_expression", "as_expression",
                                             "satisfies_expression"):
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner:
            break
        node = inner[0]
    return node


def outer(node):
    """Up through parentheses, `!`, `as`: the node whose parent uses the value."""
    while node.parent is not None and node.parent.type in ("parenthesized_expression", "non_null_expression",
                                                           "as_expression", "satisfies_expression"):
        node = node.parent
    return node


def node_at(root, start: int, end: int, types: tuple[str, ...] = ()):
    """The node spanning exactly [start, end) (of one of `types` when given), or None."""
    node = root.descendant_for_byte_range(start, end)
    while node is not None and (node.start_byte != start or node.end_byte != end or (types and node.type not in types)):
        if node.start_byte < start or node.end_byte > end:
            return None
        node = node.parent
    return node


def statement_of(node):
    """The statement (or class member) a node belongs to: where a `// migrate:` comment goes."""
    while node.parent is not None and not (node.type.endswith(("statement", "declaration")) and
                                           node.parent.type in ("program", "statement_block", "class_body",
                                                                "switch_case", "switch_default")) \
            and not (node.parent.type == "class_body" and node.is_named and node.type != "comment"):
        node = node.parent  # a class member (a field `client = new OpenAI()`, a method) takes its own comment
    return node


def properties(obj):
    """(name, pair node, key node, value node) for each statically named property of an object literal;
    a shorthand `{ x }` has the identifier as key and value."""
    out = []
    for prop in obj.named_children:
        if prop.type == "pair":
            key = prop.child_by_field_name("key")
            value = prop.child_by_field_name("value")
            if key is not None and key.type in ("property_identifier", "string"):
                name = key.text.decode("utf-8", "replace").strip("'\"")
                out.append((name, prop, key, value))
        elif prop.type == "shorthand_property_identifier":
            out.append((prop.text.decode("utf-8", "replace"), prop, prop, prop))
    return out


def find_property(obj, name: str):
    return next((p for p in properties(obj) if p[0] == name), None)


def remove_item(source: bytes, item) -> tuple[int, int]:
    """The byte range that removes one element of a comma-separated list (a property, an argument) with its comma;
    when it sits alone on its line (a trailing `// comment` included), the whole line."""
    start, end = item.start_byte, item.end_byte
    nxt, prev = item.next_sibling, item.prev_sibling
    line_start = source.rfind(b"\n", 0, start) + 1
    alone_before = source[line_start:start].strip() == b""
    if nxt is not None and nxt.type == ",":
        end = nxt.end_byte
        line_end = source.find(b"\n", end)
        rest = source[end:line_end if line_end >= 0 else len(source)].strip()
        if alone_before and (not rest or rest.startswith(b"//")) and line_end >= 0:
            return line_start, line_end + 1
        after = nxt.next_sibling
        if after is not None and b"\n" not in source[end:after.start_byte]:
            end = after.start_byte
        return start, end
    if prev is not None and prev.type == ",":
        return prev.start_byte, end
    parent = item.parent
    return parent.start_byte + 1, parent.end_byte - 1


def append_item(source: bytes, container, item_text: str) -> Edit:
    """An edit adding `item_text` as the last element of an object literal or argument list, in its layout."""
    children = [c for c in container.named_children if c.type != "comment"]
    close = container.end_byte - 1
    if not children:
        return Edit(container.start_byte + 1, close, item_text if container.type == "arguments" else f" {item_text} ")
    last = children[-1]
    trailing = last.next_sibling is not None and last.next_sibling.type == ","
    between = source[last.end_byte:close]
    if b"\n" in between:  # one item per line: a line of its own, indented like the last one
        line_start = source.rfind(b"\n", 0, last.start_byte) + 1
        indent = source[line_start:last.start_byte]
        indent = indent[:len(indent) - len(indent.lstrip())].decode()
        at = last.next_sibling.end_byte if trailing else last.end_byte
        return Edit(at, at, ("" if trailing else ",") + newline(source) + indent + item_text + ("," if trailing else ""))
    at = last.next_sibling.end_byte if trailing else last.end_byte
    return Edit(at, at, (" " if trailing else ", ") + item_text)


def line_range(source: bytes, node) -> tuple[int, int]:
    """The range of the lines `node` fills, when nothing else is on them (a statement to delete), else the node."""
    start = source.rfind(b"\n", 0, node.start_byte) + 1
    end = source.find(b"\n", node.end_byte)
    end = len(source) if end < 0 else end + 1
    if source[start:node.start_byte].strip() or source[node.end_byte:end].strip():
        return node.start_byte, node.end_byte
    return start, end


def scope_node(node):
    """The block, function body or program a declaration belongs to (where its name is visible)."""
    parent = node.parent
    while parent is not None and parent.type not in ("statement_block", "program", "class_body") \
            and parent.type not in FUNCTION_TYPES:
        parent = parent.parent
    return parent


def references(scope, name: str, skip=None):
    """Identifier nodes reading `name` inside `scope`, not inside nested functions or blocks that declare their
    own `name` (shadowing); `skip`: the declaring identifier itself."""
    out = []
    stack = list(scope.named_children)
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_property_identifier") and node.text == name.encode() \
                and (skip is None or node.id != skip.id):
            parent = node.parent
            if not (parent is not None and parent.type == "variable_declarator"
                    and parent.child_by_field_name("name") is not None
                    and parent.child_by_field_name("name").id == node.id):
                out.append(node)
            continue
        if node.type in FUNCTION_TYPES or node.type == "statement_block":
            if _declares(node, name):
                continue
        stack.extend(node.named_children)
    return sorted(out, key=lambda n: n.start_byte)


def _declares(node, name: str) -> bool:
    """Whether a function (its parameters) or block (its own declarations) binds `name`."""
    encoded = name.encode()
    params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
    if params is not None and _binds(params, encoded):
        return True
    body = node if node.type == "statement_block" else node.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return False
    for child in body.named_children:
        if child.type in ("lexical_declaration", "variable_declaration"):
            for declarator in child.named_children:
                target = declarator.child_by_field_name("name")
                if target is not None and _binds(target, encoded):
                    return True
        elif child.type in ("function_declaration", "class_declaration"):
            target = child.child_by_field_name("name")
            if target is not None and target.text == encoded:
                return True
    return False


def _binds(pattern, encoded: bytes) -> bool:
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        return pattern.text == encoded
    if pattern.type in ("pair_pattern",):
        value = pattern.child_by_field_name("value")
        return value is not None and _binds(value, encoded)
    return any(_binds(c, encoded) for c in pattern.named_children
               if c.type not in ("type_annotation", "property_identifier"))


def inside(node, container) -> bool:
    return container.start_byte <= node.start_byte and node.end_byte <= container.end_byte


NOTE = "// migrate: "


def note_edit(source: bytes, node, message: str) -> Edit | None:
    """The insertion of a `// migrate: <message>` line above `node` when it starts its line (a property, an
    argument), else above its statement; None when the same note is already among the notes stacked there."""
    target = node
    line_start = source.rfind(b"\n", 0, node.start_byte) + 1
    if source[line_start:node.start_byte].strip():
        target = statement_of(node)
        line_start = source.rfind(b"\n", 0, target.start_byte) + 1
    text = NOTE + " ".join(message.split())
    scan = line_start
    while scan > 0:  # the notes already above that line
        prev_start = source.rfind(b"\n", 0, scan - 1) + 1
        line = source[prev_start:scan].strip()
        if not line.startswith(NOTE.strip().encode()):
            break
        if line == text.encode():
            return None
        scan = prev_start
    indent = source[line_start:target.start_byte]
    indent = indent[:len(indent) - len(indent.lstrip())].decode("utf-8", "replace")
    return Edit(line_start, line_start, f"{indent}{text}{newline(source)}")


def newline(source: bytes) -> str:
    """The file's line ending: CRLF when its first line ends so, else LF."""
    first = source.find(b"\n")
    return "\r\n" if first > 0 and source[first - 1:first] == b"\r" else "\n"
