"""The read-only walk (migrate/rewrite/rules/_walk.py) sees what LibCST's visit sees, in the same order, and its
parent map is ParentNodeProvider's."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider

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


def test_same_visits_in_the_same_order():
    count = 0
    for module in _parsed():
        for kind in (_Order, _Pruning):
            theirs, ours = kind(), kind()
            module.visit(theirs)
            _walk.visit(module, ours)
            assert ours.events == theirs.events, module.code[:300]
        count += 1
    assert count > 100


def test_every_node_class_has_a_readable_order():
    for module in _parsed():
        _walk.parents(module)
    assert _walk._ORDER and all(order is not None for order in _walk._ORDER.values())


def test_parent_map_is_parent_node_providers():
    for module in _parsed():
        theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
        ours = _walk.parents(module)
        assert ours.keys() == theirs.keys()
        assert all(ours[node] is theirs[node] for node in ours)


def test_attribute_hooks_go_to_libcst():
    seen = []

    class Hooked(cst.CSTVisitor):
        def visit_Call_func(self, node: cst.Call) -> None:
            seen.append(node)

    _walk.visit(cst.parse_module("f(g(1))\n"), Hooked())
    assert len(seen) == 2
