"""Read-only walks over a LibCST tree without rebuilding it.

`node.visit(visitor)` rebuilds every node it passes, even for a `CSTVisitor` that changes nothing: each node's
`_visit_and_replace_children` constructs (and validates) a new copy of it, which costs about as much as a
transformer's walk. The rules' analyses (which clients a module builds, which names hold responses, which
strings reach a request) and the parent map only read the tree, so they walk it here: the same `on_visit` /
`on_leave` calls in the same order (children in the order LibCST visits them, read from each node class's own
`_visit_and_replace_children`), and no new node. A visitor with `visit_<Node>_<field>` hooks, or a node class
whose order cannot be read, is walked by LibCST itself.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m

_FIELD = re.compile(r"\bvisit_(?:required|optional|sentinel|sequence|body_sequence|iterable|body_iterable)\(\s*"
                    r"self,\s*[\"'](\w+)[\"']")
_ORDER: dict[type, tuple[str, ...] | None] = {}
_PLAIN: dict[type, bool] = {}


def child_fields(node_type: type) -> tuple[str, ...] | None:
    """The fields of `node_type` that hold children, in the order LibCST visits them; None if not readable."""
    try:
        return _ORDER[node_type]
    except KeyError:
        pass
    order: tuple[str, ...] | None
    try:
        text = inspect.getsource(node_type._visit_and_replace_children)
    except (OSError, TypeError):
        order = None
    else:
        names = list(dict.fromkeys(_FIELD.findall(text)))
        fields = getattr(node_type, "__dataclass_fields__", {})
        order = tuple(names) if all(name in fields for name in names) else None
    _ORDER[node_type] = order
    return order


def _plain(visitor_type: type) -> bool:
    found = _PLAIN.get(visitor_type)
    if found is None:
        found = _PLAIN[visitor_type] = issubclass(visitor_type, cst.CSTVisitor) and not any(
            re.match(r"(?:visit|leave)_[A-Z][A-Za-z]*_[a-z]", name) for name in dir(visitor_type))
    return found


def visit(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for a read-only CSTVisitor, without rebuilding the tree."""
    if not _plain(type(visitor)):
        node.visit(visitor)
        return
    _walk(node, visitor)


def _walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    if visitor.on_visit(node):
        for child in _children(node):  # node.children where the order cannot be read (a rebuild of this node)
            _walk(child, visitor)
    visitor.on_leave(node)


class _FindAll(cst.CSTVisitor):
    def __init__(self, matcher) -> None:
        super().__init__()
        self.matcher = matcher
        self.found: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if m.matches(node, self.matcher):
            self.found.append(node)
        return True


def findall(tree: cst.CSTNode, matcher) -> list[cst.CSTNode]:
    """`libcst.matchers.findall(tree, matcher)` for a matcher that needs no metadata: every node that matches, in
    the order LibCST's walk meets them."""
    finder = _FindAll(matcher)
    visit(tree, finder)
    return finder.found


def parents(module: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode]:
    """Every node of the tree below `module` -> its parent: what ParentNodeProvider gives (set as it sets them,
    after each node's children, so a node object found twice maps as there), without a rebuild."""
    table: dict[cst.CSTNode, cst.CSTNode] = {}

    def walk(node: cst.CSTNode) -> None:
        children = _children(node)
        for child in children:
            walk(child)
        for child in children:
            table[child] = node

    walk(module)
    return table


def _children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    fields = child_fields(type(node))
    if fields is None:
        return node.children
    out = []
    for name in fields:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif isinstance(value, Sequence) and not isinstance(value, str):
            out.extend(item for item in value if isinstance(item, cst.CSTNode))
    return out
