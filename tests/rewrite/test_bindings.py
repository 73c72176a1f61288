"""The scope-free name bindings (migrate/rewrite/rules/_bindings.py) agree with LibCST's ScopeProvider wherever they
answer: for every Name of the rule tests' sources, of the example apps and of hand-written scoping cases, the nodes
`Bindings.referents` gives are the Assignment nodes of the access's referents."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import Assignment, MetadataWrapper, ScopeProvider

from migrate.rewrite.rules._bindings import Bindings
from migrate.rewrite.rules._names import ImportIndex
from tests.rewrite.test_names import NESTED_IMPORTS, SHADOWING, _case_sources, _example_sources

SCOPING = [
    # order in the access's own scope: bindings of earlier statements only; none before -> LibCST's business
    "client = OpenAI()\nclient.chat\nclient = other()\nclient.x\n",
    "client.x\nclient = OpenAI()\n",
    "x = 1\nx = x + 1\nprint(x)\n",
    # a function sees every binding of the module, whatever the order
    "def f():\n    return client.chat\nclient = OpenAI()\nclient = None\n",
    # parameters, loop and with targets, for the body
    "def f(client, url='u', *args, key=None, **kw):\n    client.post(url, key, args, kw)\n",
    "for item in items:\n    print(item)\nprint(item)\n",
    "with open(p) as fh, lock:\n    fh.read()\nfh.close()\n",
    "async def f():\n    async with s() as session:\n        await session.get(u)\n    async for chunk in session:\n        chunk\n",
    # nested functions and classes: a class body is no scope for its methods
    "def outer():\n    base = 'u'\n    def inner():\n        return base\n    class K:\n        b = base\n        def m(self):\n            return base\n    return inner\n",
    "class K:\n    url = 'u'\n    def m(self):\n        return url\n",
    "def f():\n    local = 1\ndef g():\n    return local\nlocal\n",
    # tangled: global, nonlocal, walrus, except-as, comprehensions, lambdas, two scopes, dotted imports
    "g = 1\ndef f():\n    global g\n    g = 2\n    return g\n",
    "def f():\n    n = 1\n    def g():\n        nonlocal n\n        n = 2\n    return n\n",
    "if (m := re.match(p, s)):\n    print(m)\n",
    "try:\n    pass\nexcept E as err:\n    print(err)\n",
    "xs = [c for c in clients if c]\nys = {k: v for k, v in d.items()}\nz = lambda q: q + c\n",
    "url = 'a'\ndef f():\n    url = 'b'\n    return url\nprint(url)\n",
    "import os.path\nimport a.b as ab\nos.path.join(ab.c)\nos\n",
    "from x import *\ny\n",
    # definitions, decorators, defaults, annotations, tuple and starred targets, augmented and annotated
    "def helper(): pass\n@helper\ndef f(a=helper, b: T = None) -> T:\n    return helper(a, b)\nhelper\n",
    "a, (b, *c) = f()\nprint(a, b, c)\nd: int\ne: int = 1\ne += d\nprint(e)\n",
    "class Base: pass\nclass K(Base, metaclass=M):\n    pass\nK(Base)\n",
    "del x\nx = 1\ndel x\n",
    "def f(client):\n    client = wrap(client)\n    return client\n",
]


def _bindings(source: str, module: cst.Module) -> Bindings:
    index = ImportIndex(source)
    return Bindings(module, index.tangled if index.usable else None)


def _truth(wrapper: MetadataWrapper) -> dict[cst.Name, set[int]]:
    scopes = wrapper.resolve(ScopeProvider)
    truth: dict[cst.Name, set[int]] = {}
    for node, scope in scopes.items():
        if isinstance(node, cst.Name) and scope is not None:
            for access in scope.accesses[node.value]:
                if access.node is node:
                    truth[node] = {id(a.node) for a in access.referents if isinstance(a, Assignment)}
    return truth


class _Walk(cst.CSTVisitor):
    def __init__(self, bindings: Bindings, truth) -> None:
        self.bindings, self.truth, self.stack, self.checked = bindings, truth, [], 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name):
            found = self.bindings.referents(node, list(self.stack))
            if found is not None:
                self.checked += 1
                assert {id(n) for n in found} == self.truth.get(node, set()), (
                    cst.Module([]).code_for_node(self.stack[-1])[:80], node.value, found)
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()


def agree(source: str) -> int:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    walk = _Walk(_bindings(source, module), _truth(wrapper))
    module.visit(walk)
    return walk.checked


@pytest.mark.parametrize("source", SCOPING, ids=[f"scoping-{i}" for i in range(len(SCOPING))])
def test_agrees_with_libcst_on_scoping_cases(source):
    agree(source)


def test_answers_the_simple_cases():
    assert agree(SCOPING[0]) >= 2 and agree(SCOPING[4]) >= 5 and agree(SCOPING[8]) >= 3


def test_agrees_with_libcst_on_rule_cases_and_examples():
    sources = _case_sources() + _example_sources() + SHADOWING + NESTED_IMPORTS
    checked = sum(agree(source) for source in sources)
    assert checked > 500  # the shortcut answers for most names, or it would save nothing


def test_unusable_after_a_star_import():
    module = cst.parse_module("from x import *\ny = 1\ny\n")
    name = module.body[-1].body[0].value
    assert _bindings("from x import *\ny = 1\ny\n", module).referents(
        name, [module, module.body[-1], module.body[-1].body[0]]) is None


def test_agrees_with_libcst_where_several_functions_bind_the_name():
    source = ("client = None\ndef a():\n    client = OpenAI()\n    return client.chat\ndef b(client):\n    return client\n"
              "def c():\n    return client\nclass K:\n    client = 1\n    def m(self):\n        return client\n"
              "    x = client\n")
    assert agree(source) >= 5


def _truth_uses(wrapper: MetadataWrapper) -> dict[int, set[int]]:
    """id(binding target Name) -> ids of the nodes of its references."""
    scopes = wrapper.resolve(ScopeProvider)
    out: dict[int, set[int]] = {}
    for scope in {s for s in scopes.values() if s is not None}:
        for assignment in scope.assignments:
            if isinstance(assignment, Assignment) and isinstance(assignment.node, cst.Name):
                out[id(assignment.node)] = {id(ref.node) for ref in assignment.references}
    return out


def agree_uses(source: str) -> int:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    truth = _truth_uses(wrapper)
    bindings = _bindings(source, module)
    from migrate.rewrite.rules._walk import parents as parent_map

    table = parent_map(module)

    def place(node):
        chain, current = [], table.get(node)
        while current is not None:
            chain.append(current)
            current = table.get(current)
        return chain[::-1] or None

    checked = 0
    for names in bindings.names.values():
        for name in names:
            if id(name) in bindings.targets:
                found = bindings.uses(name, place)
                if found is not None:
                    checked += 1
                    assert {id(n) for n in found} == truth.get(id(name), set()), (name.value, found)
    return checked


@pytest.mark.parametrize("source", SCOPING, ids=[f"uses-{i}" for i in range(len(SCOPING))])
def test_uses_agree_with_libcst_references(source):
    agree_uses(source)


def test_uses_agree_on_rule_cases_and_examples():
    sources = _case_sources() + _example_sources() + SHADOWING + NESTED_IMPORTS
    assert sum(agree_uses(source) for source in sources) > 100


def test_uses_leave_string_annotations_to_libcst():
    source = "client = OpenAI()\ndef f(c: 'client') -> List['client']:\n    return client.chat\n"
    module = cst.parse_module(source)
    target = module.body[0].body[0].targets[0].target
    assert _bindings(source, module).uses(target, lambda node: [module]) is None


def test_uses_leave_names_bound_in_several_scopes_to_libcst():
    # LibCST gives `client` at the top the access in f() that comes before f's second binding
    source = "client = OpenAI()\ndef f():\n    client = A()\n    client.x\n    client = B()\n"
    module = cst.parse_module(source)
    target = module.body[0].body[0].targets[0].target
    assert _bindings(source, module).uses(target, lambda node: [module]) is None
    agree_uses(source)
