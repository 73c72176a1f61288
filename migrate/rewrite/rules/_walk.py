"""Walks over a LibCST tree that do not rebuild it: read-only walks, transformer walks that keep unchanged nodes,
and the metadata wrapper whose batched walk is one of them.

`node.visit(visitor)` rebuilds every node it passes, even for a `CSTVisitor` that changes nothing: each node's
`_visit_and_replace_children` constructs (and validates) a new copy of it, which costs about as much as a
transformer's walk. The rules' analyses (which clients a module builds, which names hold responses, which
strings reach a request) and the parent map only read the tree, so they walk it here: the same `on_visit` /
`on_leave` calls in the same order (children in the order LibCST visits them, read from each node class's own
`_visit_and_replace_children`), and no new node. A visitor with `visit_<Node>_<field>` hooks, or a node class
whose order cannot be read, is walked by LibCST itself.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import textwrap
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper
from libcst._nodes.base import CSTValidationError

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


_ATTRIBUTE_HOOK = re.compile(r"(?:visit|leave)_[A-Z][A-Za-z]*_[a-z]")
_ATTRIBUTE_HOOKS: dict[type, bool] = {}


def attribute_hooks(visitor_type: type) -> bool:
    """Whether the class has a visit_<Node>_<field> / leave_<Node>_<field> hook of its own: LibCST's typed no-op
    stubs (CSTTypedVisitorFunctions, CSTTypedTransformerFunctions: every visitor inherits one per field) aside."""
    found = _ATTRIBUTE_HOOKS.get(visitor_type)
    if found is None:
        # the names each class of the MRO defines itself, LibCST's stub classes and object aside (not dir(): a
        # visitor class defined inside a function is a new class on every call, and dir() lists hundreds of stubs)
        names = {name for klass in visitor_type.__mro__ if klass is not object
                 and not klass.__qualname__.startswith("CSTTyped") for name in vars(klass)}
        found = _ATTRIBUTE_HOOKS[visitor_type] = any(
            _ATTRIBUTE_HOOK.match(name) and own_hook(visitor_type, name) is not None for name in names)
    return found


def _plain(visitor_type: type) -> bool:
    found = _PLAIN.get(visitor_type)
    if found is None:
        found = _PLAIN[visitor_type] = issubclass(visitor_type, cst.CSTVisitor) and not attribute_hooks(visitor_type)
    return found


def visit(node: cst.CSTNode, visitor: cst.CSTVisitor, skip: dict[int, cst.CSTNode] | None = None) -> None:
    """`node.visit(visitor)` for a read-only CSTVisitor, without rebuilding the tree. `skip` (id -> node, as
    FileState.legacy_only gives): subtrees the visitor does not enter, as if they were not in the tree."""
    visitor_type = type(visitor)
    if skip:
        if not _plain(visitor_type):
            raise TypeError(f"{visitor_type.__name__}: skipping subtrees needs a visitor without attribute hooks")
        if _dispatches_by_name(visitor_type) and not _instance_hooks(visitor):
            hooked = trivia_hooked(visitor_type)
            _walk_hooks(node, visitor, _HOOKS.setdefault(visitor_type, {}), hooked,
                        _children if hooked else _inner_children, skip)
        else:
            _walk(node, _Skipping(visitor, skip))
        return
    if not _plain(visitor_type):
        node.visit(visitor)
        return
    if _dispatches_by_name(visitor_type) and not _instance_hooks(visitor):
        hooked = trivia_hooked(visitor_type)
        _walk_hooks(node, visitor, _HOOKS.setdefault(visitor_type, {}), hooked, _children if hooked else _inner_children)
        return
    _walk(node, visitor)


class _Skipping(cst.CSTVisitor):
    """A visitor that does not enter `skip`'s subtrees (for one that does not dispatch by name)."""

    def __init__(self, inner: cst.CSTVisitor, skip: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self.inner, self.skip, self.skipped = inner, skip, None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.skipped is None and self.skip.get(id(node)) is node:
            self.skipped = node
        return self.skipped is None and self.inner.on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self.skipped is None:
            self.inner.on_leave(original_node)
        elif self.skipped is original_node:
            self.skipped = None


def _walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    if visitor.on_visit(node):
        for child in _children(node):  # node.children where the order cannot be read (a rebuild of this node)
            _walk(child, visitor)
    visitor.on_leave(node)


# -- the read-only walk of a visitor that dispatches by name (CSTVisitor's own on_visit / on_leave) ------------------
# What CSTVisitor.on_visit does per node (format the hook's name, look it up) is done once per node type here, and the
# subtrees of whitespace and punctuation nodes (libcst/_nodes/whitespace.py and op.py: nothing else lies inside them)
# are not entered by a visitor that has no hook for any of those types: no hook would be called there.

_TRIVIA: frozenset[type] = frozenset()
_HOOKS: dict[type, dict] = {}  # visitor class -> node type -> (its visit hook, leave hook, skip)
_TRIVIA_HOOKED: dict[type, bool] = {}


def _trivia() -> frozenset[type]:
    global _TRIVIA
    if not _TRIVIA:
        from libcst._nodes import op, whitespace

        _TRIVIA = frozenset(value for module in (op, whitespace) for value in vars(module).values()
                            if isinstance(value, type) and issubclass(value, cst.CSTNode)
                            and value.__module__ == module.__name__)
    return _TRIVIA


def is_trivia(node_type: type) -> bool:
    """A whitespace or punctuation node: it holds only other such nodes."""
    return node_type in _trivia()


def own_hook(visitor_type: type, name: str):
    """The class's hook `name` (visit_Call, leave_Name, visit_Call_func, ...), None when it has none of its own:
    LibCST's typed no-op stubs, which every visitor inherits, are none."""
    hook = getattr(visitor_type, name, None)
    if hook is not None and getattr(hook, "__qualname__", "").startswith("CSTTyped"):
        return None  # LibCST's typed no-op stub
    return hook


def trivia_hooked(visitor_type: type) -> bool:
    """Whether the class has a visit_ / leave_ hook for a whitespace or punctuation node type."""
    found = _TRIVIA_HOOKED.get(visitor_type)
    if found is None:
        found = _TRIVIA_HOOKED[visitor_type] = any(
            own_hook(visitor_type, prefix + t.__name__) is not None for t in _trivia() for prefix in ("visit_", "leave_"))
    return found


def _dispatches_by_name(visitor_type: type) -> bool:
    return visitor_type.on_visit is cst.CSTVisitor.on_visit and visitor_type.on_leave is cst.CSTVisitor.on_leave


def _instance_hooks(visitor) -> bool:
    """Hooks set on the instance itself (CSTVisitor's getattr would find them): walked as LibCST dispatches."""
    return any(name.startswith(("visit_", "leave_")) for name in getattr(visitor, "__dict__", ()))


def _walk_hooks(node, visitor, hooks: dict, trivia_hooked: bool, children, skip: dict | None = None) -> None:
    if skip is not None and skip.get(id(node)) is node:
        return
    node_type = type(node)
    found = hooks.get(node_type)
    if found is None:
        visitor_type = type(visitor)
        found = hooks[node_type] = (own_hook(visitor_type, "visit_" + node_type.__name__),
                                    own_hook(visitor_type, "leave_" + node_type.__name__),
                                    not trivia_hooked and is_trivia(node_type))
    enter, leave, trivia = found
    if trivia:
        return
    if enter is None or enter(visitor, node) is not False:
        for child in children(node):  # _inner_children where trivia is skipped: what it leaves out has no hook
            _walk_hooks(child, visitor, hooks, trivia_hooked, children, skip)
    if leave is not None:
        leave(visitor, node)


class _FindAll(cst.CSTVisitor):
    def __init__(self, matcher) -> None:
        super().__init__()
        self.matcher = matcher
        self.found: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if _matches(node, self.matcher):
            self.found.append(node)
        return True


def _matches(node: cst.CSTNode, matcher) -> bool:
    import libcst.matchers  # a third of a second to import: not for the callers that never match (phase one)

    return libcst.matchers.matches(node, matcher)


def findall(tree: cst.CSTNode, matcher) -> list[cst.CSTNode]:
    """`libcst.matchers.findall(tree, matcher)` for a matcher that needs no metadata: every node that matches, in
    the order LibCST's walk meets them."""
    finder = _FindAll(matcher)
    visit(tree, finder)
    return finder.found


def find(tree: cst.CSTNode, types: type | tuple[type, ...]) -> list[cst.CSTNode]:
    """Every node of `types` in the tree, in the order LibCST's walk meets them (`findall` for a matcher on the node
    type alone), without a visitor or a matcher per node; whitespace and punctuation subtrees are not entered
    unless `types` asks for one."""
    skip = frozenset() if any(is_trivia(t) for t in (types if isinstance(types, tuple) else (types,))) else _trivia()
    read = _inner_children if skip else _children
    found: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [tree]
    while stack:
        node = stack.pop()
        if type(node) in skip:
            continue
        if isinstance(node, types):
            found.append(node)
        children = read(node)
        if children:
            stack.extend(reversed(children))
    return found


def parents(module: cst.CSTNode, order: list | None = None) -> dict[cst.CSTNode, cst.CSTNode]:
    """Every node of the tree below `module` -> its parent: what ParentNodeProvider gives (set as it sets them,
    after each node's children, so a node object found twice maps as there), without a rebuild. `order`, when
    given, receives every node but whitespace and punctuation in the order LibCST's walk meets them (what
    `find` walks for), from the same walk.

    The walk does not enter whitespace and punctuation (most of a tree's nodes, and no rule asks for their
    parents): the table fills in their entries the first time one is asked for (see _Parents)."""
    table = _Parents(module)
    _fill(table, module, _inner_children, order)
    return table


def _fill(table: dict, node: cst.CSTNode, read, order: list | None) -> None:
    """table[child] = parent for every node below `node` that `read` (a child reader) reaches, set after each node's
    children; `order`, when given, receives each node as the walk meets it."""
    if order is not None:
        order.append(node)
    children = read(node)
    for child in children:
        _fill(table, child, read, order)
    for child in children:
        table[child] = node


class _Parents(dict):
    """A parent map whose entries for whitespace and punctuation nodes are filled in on the first question about one
    (the whole map is then built again with them, as ParentNodeProvider builds it). A node of another type that is
    not in the map is not in the tree (every such node is reached through nodes of such types only)."""

    def __init__(self, module: cst.CSTNode) -> None:
        super().__init__()
        self._module: cst.CSTNode | None = module

    def _complete(self, node) -> bool:
        """Fill in the trivia entries if `node` may be one of them; whether the map changed."""
        if self._module is None or type(node) not in _trivia():
            return False
        module, self._module = self._module, None
        self.clear()
        _fill(self, module, _children, None)
        return True

    def __missing__(self, node):
        if self._complete(node):
            return self[node]
        raise KeyError(node)

    def get(self, node, default=None):
        found = dict.get(self, node, _ABSENT)
        if found is _ABSENT:
            return self[node] if self._complete(node) and node in self else default
        return found

    def __contains__(self, node) -> bool:
        return dict.__contains__(self, node) or (self._complete(node) and dict.__contains__(self, node))


_ABSENT = object()


class _NodeTypes(dict):
    """type -> issubclass(type, CSTNode), computed once per type: isinstance against CSTNode (an abstract base
    class) costs more than the rest of a step of the walk."""

    def __missing__(self, value_type: type) -> bool:
        found = self[value_type] = issubclass(value_type, cst.CSTNode)
        return found


_IS_NODE = _NodeTypes()


def _generic_children(node: cst.CSTNode, fields: tuple[str, ...], inner: bool = False) -> list[cst.CSTNode]:
    out = []
    is_node = _IS_NODE
    for name in fields:
        value = getattr(node, name)
        value_type = type(value)
        if value_type is tuple or value_type is list:
            out.extend(item for item in value if is_node[type(item)])
        elif is_node[value_type]:
            out.append(value)
        elif value is not None and isinstance(value, Sequence) and not isinstance(value, str):
            out.extend(item for item in value if isinstance(item, cst.CSTNode))
    if inner:
        trivia = _trivia()
        out = [child for child in out if type(child) not in trivia]
    return out


class _ChildReaders(dict):
    """node type -> a function node -> its children, in the order LibCST visits them: the fields read one after
    the other by name, compiled once per type (a step of every read-only walk: a loop over field names with
    getattr and type tests per field cost a quarter of a rewrite's CPU). Each field is read as `_generic_children`
    reads it: a tuple or list gives its nodes, a node itself, anything else (None, MaybeSentinel) nothing.

    `inner=True`: the children that are not whitespace or punctuation (is_trivia), for the walks that do not enter
    those: a field whose annotation admits trivia only (`whitespace_after_func`, `lpar`, `comma`) is not read at
    all, and what the other fields hold is tested."""

    def __init__(self, inner: bool) -> None:
        super().__init__()
        self.inner = inner

    def __missing__(self, node_type: type):
        fields = child_fields(node_type)
        if fields is None:
            reader = _node_children if not self.inner else lambda node: [
                child for child in node.children if child.__class__ not in _trivia()]
        else:  # child_fields gives dataclass field names only: identifiers, safe to write into the source
            trivia_only = _trivia_fields(node_type) if self.inner else frozenset()
            keep = " and item.__class__ not in trivia" if self.inner else ""
            keep_one = " and value_type not in trivia" if self.inner else ""
            lines = ["def read(node):", "    out = []"]
            for name in fields:
                if name in trivia_only:
                    continue
                lines += [f"    value = node.{name}", "    value_type = value.__class__",
                          "    if value_type is tuple or value_type is list:",
                          f"        out.extend(item for item in value if is_node[item.__class__]{keep})",
                          f"    elif is_node[value_type]{keep_one}:", "        out.append(value)",
                          "    elif value_type is not none_type and value_type is not maybe and value_type is not str:",
                          f"        out.extend(generic(node, ({name!r},), {self.inner}))"]
            lines.append("    return out")
            namespace = {"is_node": _IS_NODE, "none_type": type(None), "maybe": cst.MaybeSentinel,
                         "generic": _generic_children, "trivia": _trivia()}
            exec(compile("\n".join(lines), f"<children of {node_type.__name__}>", "exec"), namespace)
            reader = namespace["read"]
        self[node_type] = reader
        return reader


def _node_children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    return node.children


def _trivia_fields(node_type: type) -> frozenset[str]:
    """The fields of `node_type` whose annotation admits only whitespace and punctuation nodes (or None, or
    MaybeSentinel): what such a field holds is never entered by a walk that skips trivia."""
    import sys
    import typing

    try:
        hints = typing.get_type_hints(node_type)
    except Exception:  # noqa: BLE001 - an annotation that does not resolve: every field is read
        return frozenset()

    def classes(annotation) -> list:
        args = typing.get_args(annotation)
        return [annotation] if not args else [c for arg in args for c in classes(arg)]

    def concrete(klass: type) -> set[type]:
        # A class and its subclasses, as their modules hold them (a class LibCST's slots decorator replaced is
        # still listed by __subclasses__ until it is collected)
        found = {klass} if getattr(sys.modules.get(klass.__module__), klass.__name__, None) is klass else set()
        for sub in klass.__subclasses__():
            found |= concrete(sub)
        return found

    trivia = _trivia()
    out = set()
    for name in child_fields(node_type) or ():
        nodes = [c for c in classes(hints.get(name)) if isinstance(c, type) and issubclass(c, cst.CSTNode)]
        possible = set().union(*(concrete(c) for c in nodes)) if nodes else set()
        if possible and possible <= trivia:
            out.add(name)
    return frozenset(out)


_READERS = _ChildReaders(inner=False)
_INNER_READERS = _ChildReaders(inner=True)


def _children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """The children of `node` in the order LibCST visits them (node.children, a rebuild of the node, where the
    order cannot be read)."""
    return _READERS[node.__class__](node)


def _inner_children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """The children of `node` that are not whitespace or punctuation, in the order LibCST visits them."""
    return _INNER_READERS[node.__class__](node)


# -- transformer walks that keep what did not change ----------------------------------------------------------
# `node.visit(transformer)` rebuilds every node it enters: each `_visit_and_replace_children` constructs (and
# validates) a new node from its visited children, even when every child came back as it was. `transform` runs
# the same code, each node class's own `_visit_and_replace_children` compiled once from its source, with two
# changes: its `visit_*` helpers walk here, and the constructor call at its end returns the node itself when
# every field it would pass is the very object the node holds (a visited sequence counts as the same when each
# child came back as it was: the node keeps its list or tuple, where LibCST's rebuild would hold a new tuple of
# the same children). Everything else is LibCST's: the same on_visit/on_leave
# calls in the same order with the same nodes, the same children, sentinels handled as in libcst/_nodes/
# internal.py, on_visit returning False (the node is its own updated node), the check of what on_leave returns,
# and Module's removal special case. A node class whose source does not compile that way is rebuilt by its own
# method. A node object met a second time in one walk (a tree that holds it twice) is walked there by LibCST
# itself, so the result holds a new copy as LibCST's would, never one object in two places.

_KEEP = "__migrate_keep__"
_COMPILED: dict[tuple, object] = {}  # (_visit_and_replace_children, attributes, reader) -> compiled or None
_NOT_YET = object()


def _keep(node, cls, /, **fields):
    """`cls(**fields)`, or `node` itself when that would rebuild it with the very same fields."""
    if type(node) is cls:
        for name, value in fields.items():
            if value is not getattr(node, name):
                break
        else:
            return node
    return cls(**fields)


def _compile(function, helpers: dict, key: tuple):
    """`function` (a `_visit_and_replace_children`) recompiled over `helpers` (the walk's, named by `key`), its one
    constructor call going through _keep; None when its source is not of that shape."""
    key = (function, *key)
    found = _COMPILED.get(key, _NOT_YET)
    if found is not _NOT_YET:
        return found
    compiled = None
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        tree = None
    definition = tree.body[0] if tree is not None and len(tree.body) == 1 else None
    if isinstance(definition, ast.FunctionDef) and definition.args.args:
        self_name = definition.args.args[0].arg
        owner = function.__qualname__.rsplit(".", 2)[-2]
        calls = [node for node in ast.walk(definition) if isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Name) and node.func.id == owner)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "__class__"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == self_name))]
        rebuilds = len(calls) == 1 and not calls[0].args and all(k.arg is not None for k in calls[0].keywords)
        plain_leaf = not calls and _returns_self(definition, self_name)
        if rebuilds or plain_leaf:
            if rebuilds:
                call = calls[0]
                call.args = [ast.Name(self_name, ast.Load()), call.func]
                call.func = ast.Name(_KEEP, ast.Load())
            definition.decorator_list = []
            definition.returns = None
            for arg in (*definition.args.posonlyargs, *definition.args.args, *definition.args.kwonlyargs):
                arg.annotation = None
            ast.fix_missing_locations(tree)
            namespace = dict(function.__globals__)
            namespace.update(helpers)
            namespace[_KEEP] = _keep
            try:
                exec(compile(tree, f"<transform walk: {function.__qualname__}>", "exec"), namespace)
            except Exception:  # noqa: BLE001 - not of the expected shape after all: LibCST's own method
                compiled = None
            else:
                compiled = namespace[definition.name]
                compiled.__migrate_fields__ = frozenset(k.arg for k in calls[0].keywords) if rebuilds else None
    _COMPILED[key] = compiled
    return compiled


def _returns_self(definition: ast.FunctionDef, self_name: str) -> bool:
    body = definition.body
    return (len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Name)
            and body[0].value.id == self_name)


def _make_walk(attributes: bool, reader: bool = False):
    """The walk (node, transformer) -> result and its state; `attributes`: call on_visit_attribute /
    on_leave_attribute around each field, as LibCST does (False: a transformer with no use for them). `reader`:
    the walk of a CSTVisitor (on_leave(node), and every node comes back as it was), as `node.visit` walks one."""
    from libcst import FlattenSentinel, MaybeSentinel, RemovalSentinel

    seen_holder: list = [set()]  # ids of the nodes entered by the walk in progress
    skip_holder: list = [frozenset()]  # node types the walk in progress does not enter (see transform's `trivia`)
    methods: dict[type, object] = {}
    results = (cst.CSTNode, RemovalSentinel, FlattenSentinel)

    def method(node_type: type):
        function = node_type._visit_and_replace_children
        compiled = _compile(function, helpers, (attributes, reader))
        if compiled is not None and compiled.__migrate_fields__ is not None:
            names = {f.name for f in dataclasses.fields(node_type) if f.init}
            if compiled.__migrate_fields__ != names:
                compiled = None  # a field left to its default: LibCST's rebuild would change it
        methods[node_type] = compiled
        return compiled

    def visit(node, visitor):
        if type(node) in skip_holder[0]:
            return node
        seen = seen_holder[0]
        key = id(node)
        if key in seen:
            return node.visit(visitor)  # the same object twice in the tree: LibCST builds a copy here
        seen.add(key)
        if visitor.on_visit(node):
            node_type = type(node)
            rebuild = methods[node_type] if node_type in methods else method(node_type)
            updated = rebuild(node, visitor) if rebuild is not None else node._visit_and_replace_children(visitor)
        else:
            updated = node
        if reader:
            visitor.on_leave(node)
            return node
        result = visitor.on_leave(node, updated)
        if result is not updated and not isinstance(result, results):
            raise CSTValidationError(
                "Expected a node of type CSTNode or a RemovalSentinel, "
                + f"but got a return value of {type(result).__name__}"
            )
        return result

    def visit_required(parent, fieldname, node, visitor):
        if attributes:
            visitor.on_visit_attribute(parent, fieldname)
        result = visit(node, visitor)
        if result is not node:
            if isinstance(result, RemovalSentinel):
                raise TypeError(
                    f"We got a RemovalSentinel while visiting a {type(node).__name__}. This "
                    + "node's parent does not allow it to be removed."
                )
            elif isinstance(result, FlattenSentinel):
                raise TypeError(
                    f"We got a FlattenSentinel while visiting a {type(node).__name__}. This "
                    + "node's parent does not allow for it to be it to be replaced with a "
                    + "sequence."
                )
        if attributes:
            visitor.on_leave_attribute(parent, fieldname)
        return result

    def visit_optional(parent, fieldname, node, visitor):
        if attributes:
            visitor.on_visit_attribute(parent, fieldname)
        if node is None:
            if attributes:
                visitor.on_leave_attribute(parent, fieldname)
            return None
        result = visit(node, visitor)
        if result is not node and isinstance(result, FlattenSentinel):
            raise TypeError(
                f"We got a FlattenSentinel while visiting a {type(node).__name__}. This "
                + "node's parent does not allow for it to be it to be replaced with a "
                + "sequence."
            )
        if attributes:
            visitor.on_leave_attribute(parent, fieldname)
        return None if isinstance(result, RemovalSentinel) else result

    def visit_sentinel(parent, fieldname, node, visitor):
        if attributes:
            visitor.on_visit_attribute(parent, fieldname)
        if isinstance(node, MaybeSentinel):
            if attributes:
                visitor.on_leave_attribute(parent, fieldname)
            return MaybeSentinel.DEFAULT
        result = visit(node, visitor)
        if result is not node and isinstance(result, FlattenSentinel):
            raise TypeError(
                f"We got a FlattenSentinel while visiting a {type(node).__name__}. This "
                + "node's parent does not allow for it to be it to be replaced with a "
                + "sequence."
            )
        if attributes:
            visitor.on_leave_attribute(parent, fieldname)
        return MaybeSentinel.DEFAULT if isinstance(result, RemovalSentinel) else result

    def visit_sequence(parent, fieldname, children, visitor):
        if attributes:
            visitor.on_visit_attribute(parent, fieldname)
        out = []
        same = True
        for child in children:
            result = visit(child, visitor)
            if result is child:
                out.append(child)
                continue
            same = False
            if isinstance(result, FlattenSentinel):
                out.extend(result)
            elif not isinstance(result, RemovalSentinel):
                out.append(result)
        if attributes:
            visitor.on_leave_attribute(parent, fieldname)
        return children if same else tuple(out)

    def visit_body_sequence(parent, fieldname, children, visitor):
        if attributes:
            visitor.on_visit_attribute(parent, fieldname)
        out = []
        same = True
        for child in children:
            result = visit(child, visitor)
            if result is child:
                out.append(child)
                continue
            same = False
            if isinstance(result, RemovalSentinel):
                continue  # removed
            # A child that was not empty and is now (its statements removed) goes: LibCST's pass insertion.
            if isinstance(result, FlattenSentinel):
                for item in result:
                    if (not child._is_removable()) and item._is_removable():
                        continue
                    out.append(item)
            elif not ((not child._is_removable()) and result._is_removable()):
                out.append(result)
        if attributes:
            visitor.on_leave_attribute(parent, fieldname)
        return children if same else tuple(out)

    def visit_iterable(parent, fieldname, children, visitor):
        return iter(visit_sequence(parent, fieldname, children, visitor))

    def visit_body_iterable(parent, fieldname, children, visitor):
        return iter(visit_body_sequence(parent, fieldname, children, visitor))

    helpers = {
        "visit_required": visit_required, "visit_optional": visit_optional, "visit_sentinel": visit_sentinel,
        "visit_sequence": visit_sequence, "visit_body_sequence": visit_body_sequence,
        "visit_iterable": visit_iterable, "visit_body_iterable": visit_body_iterable,
    }

    def run(node, visitor, skip=frozenset()):
        outer, outer_skip = seen_holder[0], skip_holder[0]
        seen_holder[0], skip_holder[0] = set(), skip
        try:
            return visit(node, visitor)
        finally:
            seen_holder[0], skip_holder[0] = outer, outer_skip

    return run


_WALKS: dict[tuple[bool, bool], object] = {}


def visit_exactly(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for any CSTVisitor, visit_<Node>_<field> hooks and on_visit_attribute included (LibCST's
    own `_visit_and_replace_children` of each node class decides the calls), without rebuilding the tree."""
    run = _WALKS.get((True, True))
    if run is None:
        run = _WALKS[True, True] = _make_walk(True, reader=True)
    run(node, visitor)


def _uses_attributes(visitor_type: type) -> bool:
    return (visitor_type.on_visit_attribute is not cst.CSTTransformer.on_visit_attribute
            or visitor_type.on_leave_attribute is not cst.CSTTransformer.on_leave_attribute
            or attribute_hooks(visitor_type))


def transform(node: cst.CSTNode, transformer: cst.CSTTransformer, *, attributes: bool | None = None,
              trivia: bool = True):
    """`node.visit(transformer)`, keeping every node whose fields come back unchanged instead of rebuilding it.

    `attributes`: whether the transformer's on_visit_attribute / on_leave_attribute are called (None: when its
    class defines them or has visit_<Node>_<field> hooks; False for a transformer that knows it has no use for
    them). `trivia=False`: whitespace and punctuation nodes are not entered (kept as they are), for a transformer
    that knows nothing it does there could change anything (see is_trivia). A read-only CSTVisitor is walked by
    `visit` and `node` returned."""
    if isinstance(transformer, cst.CSTVisitor):
        visit(node, transformer)
        return node
    if attributes is None:
        attributes = _uses_attributes(type(transformer))
    run = _WALKS.get((attributes, False))
    if run is None:
        run = _WALKS[attributes, False] = _make_walk(attributes)
    result = run(node, transformer, frozenset() if trivia or attributes else _trivia())
    if isinstance(node, cst.Module) and isinstance(result, cst.RemovalSentinel):
        return node.with_changes(body=(), header=(), footer=())  # Module.visit's special case
    return result


class Wrapper(MetadataWrapper):
    """LibCST's MetadataWrapper, whose batched walk (the one the scope, qualified-name and expression-context
    providers share) does not rebuild the tree: the same calls in the same order, see visit_exactly."""

    def visit_batched(self, visitors, before_visit=None, after_leave=None):
        if not visitors and before_visit is None and after_leave is None:
            return self.module  # LibCST's metadata resolution asks for a batched walk with no visitor in it
        from contextlib import ExitStack

        from libcst._batched_visitor import _BatchedCSTVisitor, _get_visitor_methods

        with ExitStack() as stack:
            for visitor in visitors:
                stack.enter_context(visitor.resolve(self))
            batched = _BatchedCSTVisitor(_get_visitor_methods(visitors), before_visit=before_visit,
                                         after_leave=after_leave)
            visit_exactly(self.module, batched)
            return self.module
