"""The walks of migrate/rewrite/rules/_walk.py against LibCST's `node.visit`: the read-only walk sees what LibCST's
visit sees, in the same order, and its parent map is ParentNodeProvider's; the transformer walk makes the same
hook calls in the same order, returns the same code, and keeps (as the very same objects) the nodes that did not
change."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider
from libcst.metadata.base_provider import LazyValue

from migrate.rewrite.rules import _walk
from tests.rewrite.test_names import SHADOWING, _case_sources, _example_sources

SOURCES = [*_case_sources(), *_example_sources(), *SHADOWING]
EXTRA = [
    "from a import *\nfrom . import (b as c, d)\nimport e.f as g\n",
    "x = f'{a!r:>{width}} {b=} {c:{d}.{e}}'\n",
    "match p:\n    case [1, *rest] if rest:\n        pass\n    case {'k': v, **kw}:\n        pass\n    case C(x=1) | None:\n        pass\n",
    "async def f(a, /, b: int = 1, *c, d, **e) -> None:\n    async with x as (y, z):\n        await g\n    async for i in j:\n        yield i\n",
    "try:\n    pass\nexcept* E as e:\n    raise\nelse:\n    pass\nfinally:\n    del a[1:2, ::3]\n",
    "@d(1)\nclass C[T](B, metaclass=M):\n    x: int = lambda q, *, r=2: (yield)\n    type A = list[T]\n",
    "a = b if c else not d or e and -f ** g @ h\nglobal q; nonlocal r\nassert s, t\nwith u: v += 1\n",
    "if (n := 10) > 5: print(*args, **kw, sep='')\nwhile 1:\n    break\nelse:\n    continue\n",
]


class _Order(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node)))


class _Pruning(_Order):
    """A visitor that declines to enter some nodes: the walk must skip the same subtrees."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        super().on_visit(node)
        return not isinstance(node, (cst.Call, cst.FunctionDef))


def _parsed():
    for source in [*SOURCES, *EXTRA]:
        try:
            yield cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue


def _same_calls_as_libcst(walk, kinds) -> None:
    count = 0
    for module in _parsed():
        for kind in kinds:
            theirs, ours = kind(), kind()
            module.visit(theirs)
            walk(module, ours)
            assert ours.events == theirs.events, module.code[:300]
        count += 1
    assert count > 100


def test_same_visits_in_the_same_order():
    assert _walk._plain(_Order) and _walk._plain(_Pruning)  # walked here, not handed to LibCST
    _same_calls_as_libcst(_walk.visit, (_Order, _Pruning))


class _FieldOrder(_Order):
    """Also every on_visit_attribute / on_leave_attribute call, as LibCST makes them (empty fields included)."""

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("visit " + attribute, id(node)))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("leave " + attribute, id(original_node)))


class _FieldPruning(_FieldOrder, _Pruning):
    pass


def test_exact_visit_is_libcsts_with_attribute_calls():
    _same_calls_as_libcst(_walk.visit_exactly, (_Order, _Pruning, _FieldOrder, _FieldPruning))


def _value(found):
    return found() if isinstance(found, LazyValue) else found


def test_metadata_from_the_walk_without_rebuild_is_libcsts():
    """The rules' wrapper runs the batched metadata walk (scope, qualified names, expression context) without
    rebuilding: every node gets the very same answers as from LibCST's MetadataWrapper."""
    from libcst.metadata import ExpressionContextProvider, QualifiedNameProvider, ScopeProvider

    providers = (ScopeProvider, QualifiedNameProvider, ExpressionContextProvider)
    count = 0
    for module in _parsed():
        try:
            theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(providers)
        except Exception as e:  # noqa: BLE001 - e.g. `nonlocal` at module level: ours must fail the same way
            with pytest.raises(type(e)):
                _walk.Wrapper(module, unsafe_skip_copy=True).resolve_many(providers)
            continue
        ours = _walk.Wrapper(module, unsafe_skip_copy=True).resolve_many(providers)
        count += 1
        for provider in providers:
            assert ours[provider].keys() == theirs[provider].keys(), provider
        for node, context in theirs[ExpressionContextProvider].items():
            assert ours[ExpressionContextProvider][node] == context
        for node, names in theirs[QualifiedNameProvider].items():
            mine = ours[QualifiedNameProvider][node]
            assert _value(mine) == _value(names), module.code_for_node(node)
        for node, scope in theirs[ScopeProvider].items():
            mine = _value(ours[ScopeProvider][node])
            scope = _value(scope)
            assert (scope is None) == (mine is None) and type(scope) is type(mine)
            if scope is not None:
                assert sorted(a.name for a in scope.assignments) == sorted(a.name for a in mine.assignments)
                assert len(list(scope.accesses)) == len(list(mine.accesses))
    assert count > 100


def _hook_log_class(names: list[str], *, decline: str = ""):
    """A visitor that dispatches by name (CSTVisitor's own on_visit / on_leave) with visit_/leave_ hooks for the
    node types `names`, logging each call; its visit hook for `decline` returns False."""
    def make(prefix: str, name: str):
        def hook(self, node):
            self.events.append((prefix + name, id(node)))
            return False if prefix == "visit_" and name == decline else None
        return hook

    namespace = {prefix + name: make(prefix, name) for name in names for prefix in ("visit_", "leave_")}
    namespace["__init__"] = lambda self: (cst.CSTVisitor.__init__(self), setattr(self, "events", []))[0]
    return type("HookLog", (cst.CSTVisitor,), namespace)


def test_hook_dispatch_calls_the_same_hooks_as_libcst():
    """The walk of a name-dispatching visitor (hooks looked up once per node type, whitespace and punctuation
    subtrees not entered when no hook is for them) makes LibCST's hook calls, in LibCST's order."""
    kinds = [
        _hook_log_class(["Call", "Name", "Attribute", "FunctionDef", "SimpleString", "Assign"]),
        _hook_log_class(["Call", "Name", "Arg", "ClassDef"], decline="Call"),
        _hook_log_class(["Name", "Comma", "EmptyLine", "SimpleWhitespace", "Comment"]),  # trivia hooked
        _hook_log_class(["ImportFrom", "ImportAlias", "Subscript", "Lambda"], decline="Lambda"),
    ]
    assert not _walk.trivia_hooked(kinds[0]) and _walk.trivia_hooked(kinds[2])
    count = 0
    for module in _parsed():
        for kind in kinds:
            theirs, ours = kind(), kind()
            module.visit(theirs)
            _walk.visit(module, ours)
            assert ours.events == theirs.events, module.code[:300]
            count += bool(theirs.events)
    assert count > 200


def test_a_walk_that_skips_subtrees_makes_libcsts_calls_outside_them():
    """`visit(..., skip=...)` (the code that runs only on openai<1, which the response analysis leaves out): the
    hook calls LibCST's walk makes, less every call on a skipped node or inside one, for both kinds of visitor."""
    kinds = [_Order, _hook_log_class(["Call", "Name", "Assign", "If", "FunctionDef", "IndentedBlock"])]
    count = 0
    for module in _parsed():
        skip = {id(n): n for n in _walk.find(module, (cst.If, cst.Lambda))}
        if not skip:
            continue
        inside: set[int] = set()
        for node in skip.values():
            seen = _Order()
            node.visit(seen)
            inside.update(node_id for _, node_id in seen.events)
        for kind in kinds:
            theirs, ours = kind(), kind()
            module.visit(theirs)
            _walk.visit(module, ours, skip=skip)
            expected = [event for event in theirs.events if event[1] not in inside]
            assert ours.events == expected, module.code[:300]
            assert len(expected) < len(theirs.events)
        count += 1
    assert count > 20


def test_every_node_class_has_a_readable_order():
    for module in _parsed():
        _walk.parents(module)
    assert _walk._ORDER and all(order is not None for order in _walk._ORDER.values())


def test_parent_map_is_parent_node_providers():
    filled = 0
    for module in _parsed():
        theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
        ours = _walk.parents(module)
        inner = [node for node in theirs if not _walk.is_trivia(type(node))]
        assert all(ours.get(node) is theirs[node] for node in inner)
        outside = cst.Name("elsewhere")
        assert ours.get(outside) is None and outside not in ours
        assert len(ours) == len(inner)  # whitespace and punctuation are not walked until one is asked about
        trivia = [node for node in theirs if _walk.is_trivia(type(node))]
        if trivia:
            assert ours.get(trivia[-1]) is theirs[trivia[-1]]
            filled += 1
        assert ours.keys() == theirs.keys()
        assert all(ours[node] is theirs[node] for node in ours)
    assert filled > 100


def test_attribute_hooks_go_to_libcst():
    seen = []

    class Hooked(cst.CSTVisitor):
        def visit_Call_func(self, node: cst.Call) -> None:
            seen.append(node)

    _walk.visit(cst.parse_module("f(g(1))\n"), Hooked())
    assert len(seen) == 2


def test_libcsts_typed_stubs_are_no_attribute_hooks():
    assert not _walk.attribute_hooks(cst.CSTVisitor) and not _walk.attribute_hooks(cst.CSTTransformer)

    class Hooked(cst.CSTTransformer):
        def leave_Call_args(self, node: cst.Call) -> None:
            pass

    assert _walk.attribute_hooks(Hooked)


# -- the transformer walk ---------------------------------------------------------------------------------------

class _Log(cst.CSTTransformer):
    """Records every hook call (with the original node's id) and changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        return self.enter(node)

    def enter(self, node: cst.CSTNode) -> bool:
        return True

    def on_leave(self, original_node, updated_node):
        self.events.append(("leave", id(original_node), updated_node is original_node))
        return self.leave(original_node, updated_node)

    def leave(self, original_node, updated_node):
        return updated_node


class _Edit(_Log):
    """Replaces, removes and flattens: renames names that start with "o", drops `pass` statements and the
    parts LibCST lets go (a keyword argument, a comma), and doubles every expression
    statement that is a call."""

    def leave(self, original_node, updated_node):
        if isinstance(updated_node, cst.Name) and updated_node.value.startswith("o"):
            return updated_node.with_changes(value=updated_node.value + "_x")
        if isinstance(updated_node, cst.Pass):
            return cst.RemoveFromParent()
        if isinstance(updated_node, cst.Comma) or (
                isinstance(updated_node, cst.Arg) and updated_node.keyword is not None):
            return cst.RemoveFromParent()
        if isinstance(updated_node, cst.SimpleStatementLine) and any(
                isinstance(s, cst.Expr) and isinstance(s.value, cst.Call) for s in updated_node.body):
            return cst.FlattenSentinel([updated_node, updated_node.deep_clone()])
        return updated_node


class _Decline(_Edit):
    """Declines to enter calls and function definitions (their leave hooks still run, with the node as it was)."""

    def enter(self, node: cst.CSTNode) -> bool:
        return not isinstance(node, (cst.Call, cst.FunctionDef))


class _Attributes(_Edit):
    """Has a field hook: every on_visit_attribute / on_leave_attribute call is recorded too."""

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("enter field", id(node), attribute))

    def on_leave_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("leave field", id(node), attribute))

    def visit_Call_func(self, node: cst.Call) -> None:
        pass


def _libcst_and_ours(module: cst.Module, kind: type):
    theirs, ours = kind(), kind()
    try:
        expected = module.visit(theirs)
    except Exception as e:  # noqa: BLE001 - then ours must fail the same way
        with pytest.raises(type(e)):
            _walk.transform(module, ours)
        assert _calls(ours.events) == _calls(theirs.events)
        return None, None
    got = _walk.transform(module, ours)
    assert got.code == expected.code, module.code[:300]
    assert _calls(ours.events) == _calls(theirs.events), module.code[:300]
    return expected, got


def _calls(events: list[tuple]) -> list[tuple]:
    """The hook calls, without whether on_leave got the original node as its updated node (LibCST's never does)."""
    return [e[:2] if e[0] == "leave" else e for e in events]


def _no_object_twice(tree: cst.CSTNode) -> bool:
    seen: set[int] = set()

    def walk(node: cst.CSTNode) -> bool:
        if id(node) in seen:
            return False
        seen.add(id(node))
        return all(walk(child) for child in node.children)

    return walk(tree)


@pytest.mark.parametrize("kind", [_Log, _Edit, _Decline, _Attributes], ids=lambda k: k.__name__.strip("_"))
def test_transform_is_libcsts_visit(kind):
    count = 0
    for module in _parsed():
        expected, got = _libcst_and_ours(module, kind)
        if got is None:
            continue
        count += 1
        if kind is _Log:
            assert got is module  # nothing changed: the very same tree
        elif got.code == module.code:
            continue
        else:
            assert _no_object_twice(got) == _no_object_twice(expected)
    assert count > 100


def test_unchanged_statements_are_the_same_objects():
    kept = changed = 0
    for module in _parsed():
        try:
            got = _walk.transform(module, _Edit())
        except TypeError:  # a removal LibCST refuses too (see test_transform_is_libcsts_visit)
            continue
        if len(got.body) != len(module.body):
            continue
        for before, after in zip(module.body, got.body):
            if after.deep_equals(before):
                # nothing in it was renamed, removed or doubled: kept whole, down to its leaves
                assert after is before
                kept += 1
            else:
                assert after is not before
                changed += 1
    assert kept > 100 and changed > 10


def test_a_node_held_twice_comes_back_as_two_objects():
    name = cst.Name("shared")
    module = cst.Module(body=[cst.SimpleStatementLine([cst.Expr(name)]), cst.SimpleStatementLine([cst.Expr(name)])])
    for kind in (_Log, _Attributes):
        expected, got = _libcst_and_ours(module, kind)
        first, second = (stmt.body[0].value for stmt in got.body)
        assert first is not second and got.code == expected.code
    assert _walk.transform(module, _Log()).body[0].body[0].value is name


def test_sentinels_and_errors_as_libcst():
    class RemoveModule(_Log):
        def leave(self, original_node, updated_node):
            return cst.RemoveFromParent() if isinstance(updated_node, cst.Module) else updated_node

    class RemoveRequired(_Log):
        def leave(self, original_node, updated_node):
            return cst.RemoveFromParent() if isinstance(updated_node, cst.Attribute) else updated_node

    class FlattenRequired(_Log):
        def leave(self, original_node, updated_node):
            return cst.FlattenSentinel([updated_node]) if isinstance(updated_node, cst.Integer) else updated_node

    class NotANode(_Log):
        def leave(self, original_node, updated_node):
            return "x" if isinstance(updated_node, cst.Integer) else updated_node

    class EmptyBody(_Log):
        def leave(self, original_node, updated_node):
            return cst.RemoveFromParent() if isinstance(updated_node, cst.Expr) else updated_node

    module = cst.parse_module("# head\nimport os\nx = os.path + 1  # c\nif x:\n    y\n    z\nelse:\n    f(1,)\n")
    for kind in (RemoveModule, RemoveRequired, FlattenRequired, NotANode, EmptyBody):
        _libcst_and_ours(module, kind)
    assert _walk.transform(module, RemoveModule()).code == module.visit(RemoveModule()).code == "\n"


def test_every_node_class_compiles():
    for module in _parsed():
        _walk.transform(module, _Log())
        try:
            _walk.transform(module, _Attributes())
        except TypeError:  # a removal LibCST refuses too
            pass
    assert _walk._COMPILED and all(compiled is not None for compiled in _walk._COMPILED.values())


def test_rules_answer_as_with_libcsts_walks(monkeypatch):
    """Every rule over every source of the rule tests, the examples and the shadowing cases: the same text,
    review items (in order) and counts with these walks as with LibCST's `node.visit`."""
    from tests.rewrite.conftest import run_rules

    def answers():
        out = []
        for source in SOURCES:
            result = run_rules(source)
            out.append((result.after, result.review, result.counts, result.failure))
        return out

    ours = answers()
    monkeypatch.setattr(_walk, "transform", lambda node, transformer, attributes=None, trivia=True: node.visit(transformer))
    monkeypatch.setattr(_walk, "visit", lambda node, visitor, skip=None: node.visit(
        _walk._Skipping(visitor, skip) if skip else visitor))  # LibCST's walk, not entering `skip`'s subtrees
    theirs = answers()
    assert len(SOURCES) > 100 and sum(a[0] != s for a, s in zip(ours, SOURCES)) > 50
    for source, a, b in zip(SOURCES, ours, theirs):
        assert a == b, source


def test_rules_walk_without_rebuilding():
    from migrate.rewrite.rules._base import RuleTransformer, _attribute_hooks, _trivia_matters
    from migrate.rewrite.registry import BY_ID, PYTHON_ORDER
    import importlib

    for rid in PYTHON_ORDER:
        transformer = importlib.import_module(f"migrate.rewrite.rules.{BY_ID[rid].module}").Transformer
        assert issubclass(transformer, RuleTransformer) and not _attribute_hooks(transformer), rid
        assert not _trivia_matters(transformer), rid  # no rule's walk enters whitespace or punctuation


def test_transform_without_trivia_keeps_it_and_never_enters_it():
    entered = []

    class Rename(cst.CSTTransformer):
        def on_visit(self, node):
            entered.append(type(node))
            return True

        def leave_Name(self, original, updated):
            return updated.with_changes(value=updated.value.upper()) if updated.value == "client" else updated

    for module in _parsed():
        entered.clear()
        ours = _walk.transform(module, Rename(), trivia=False)
        assert not any(_walk.is_trivia(t) for t in entered)
        assert ours.code == module.visit(Rename()).code


@pytest.mark.parametrize("types", [cst.Name, (cst.Attribute, cst.Call), cst.SimpleString, cst.Comma, cst.Module])
def test_find_meets_the_nodes_libcst_findall_does_in_its_order(types):
    import libcst.matchers as m

    from migrate.rewrite.rules._walk import find
    from tests.rewrite.test_names import _case_sources, _example_sources

    kinds = types if isinstance(types, tuple) else (types,)
    matcher = m.OneOf(*(m.TypeOf(getattr(m, t.__name__))() for t in kinds)) if len(kinds) > 1 else m.TypeOf(
        getattr(m, kinds[0].__name__))()
    for source in (_case_sources() + _example_sources())[:80]:
        module = cst.parse_module(source)
        assert [id(n) for n in find(module, types)] == [id(n) for n in m.findall(module, matcher)]


def test_the_parent_map_walk_lists_the_nodes_find_meets():
    from migrate.rewrite.rules._walk import find, parents
    from tests.rewrite.test_names import _case_sources

    for source in _case_sources()[:60]:
        module = cst.parse_module(source)
        order: list = []
        assert parents(module, order) == parents(module)
        for types in (cst.Call, (cst.Call, cst.Assign, cst.If), cst.Name):
            assert [id(n) for n in order if isinstance(n, types)] == [id(n) for n in find(module, types)]


def test_compiled_child_readers_read_libcsts_children():
    """Each node type's compiled reader gives node.children (LibCST's own, which rebuilds the node to list them),
    and the inner reader the same less whitespace and punctuation, skipping fields whose annotation admits only
    those without reading them."""
    count = skipped_fields = 0
    for module in _parsed():
        stack = [module]
        while stack:
            node = stack.pop()
            theirs = list(node.children)
            ours = _walk._children(node)
            assert len(ours) == len(theirs) and all(a is b for a, b in zip(ours, theirs)), type(node)
            inner = _walk._inner_children(node)
            expected = [child for child in theirs if not _walk.is_trivia(type(child))]
            assert len(inner) == len(expected) and all(a is b for a, b in zip(inner, expected)), type(node)
            count += 1
            stack.extend(theirs)
    skipped_fields = sum(len(_walk._trivia_fields(t)) for t in (cst.Call, cst.Arg, cst.FunctionDef))
    assert count > 10_000 and skipped_fields >= 10
