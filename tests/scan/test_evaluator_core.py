"""The scan's evaluator core (migrate/scan/detect/core/): language-neutral, shared by both front ends, and enough
for a third language to be a front end only (docs/detection.md, "One evaluator, a front end per language")."""

from __future__ import annotations

import ast
from pathlib import Path

from migrate.scan.detect.core import values as core
from migrate.scan.detect.core.evaluate import CoreEvaluator
from migrate.scan.detect.core.registry import PrefixRegistry

CORE = Path(core.__file__).parent
_LANGUAGE_MODULES = ("ast", "tree_sitter", "tree_sitter_javascript", "tree_sitter_typescript", "libcst", "parso",
                     "migrate.scan.detect.python", "migrate.scan.detect.javascript")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_core_imports_no_parser_and_no_front_end():
    files = sorted(CORE.glob("*.py"))
    assert {f.name for f in files} >= {"values.py", "evaluate.py", "registry.py"}
    for path in files:
        for module in _imported_modules(path):
            for language in _LANGUAGE_MODULES:
                assert module != language and not module.startswith(language + "."), f"{path.name} imports {module}"


def test_both_front_ends_evaluate_over_the_core():
    from migrate.scan.detect.javascript import values as js_values
    from migrate.scan.detect.javascript.evaluate import Evaluator as JsEvaluator
    from migrate.scan.detect.python import values as py_values
    from migrate.scan.detect.python.evaluate import Evaluator as PyEvaluator

    assert issubclass(PyEvaluator, CoreEvaluator) and issubclass(JsEvaluator, CoreEvaluator)
    for front_end in (py_values, js_values):
        for name in ("Client", "Function", "ClassValue", "Instance", "ResourcePath", "Str", "Env"):
            assert getattr(front_end, name) is getattr(core, name), f"{front_end.__name__}.{name}"
    # the names each front end's modules have always used are the core's classes
    assert (py_values.Res, py_values.Func, py_values.Klass, py_values.Inst) == \
        (core.ResourcePath, core.Function, core.ClassValue, core.Instance)
    assert js_values.Member is core.ResourcePath
    assert issubclass(py_values.Q, core.ModuleExport) and issubclass(js_values.Import, core.ModuleExport)
    assert issubclass(py_values.QCall, core.Pending) and issubclass(js_values.Pending, core.Pending)


def test_python_values_are_the_cores():
    from migrate.scan.detect.python import ModuleAnalyzer

    source = (
        "from openai import OpenAI\n"
        "def make():\n    return OpenAI(base_url='https://openrouter.ai/api/v1')\n"
        "class Bot:\n    def __init__(self):\n        self.client = make()\n"
        "client = make()\n"
        "create = client.chat.completions.create\n"
        "bot_client = Bot().client\n"
    )
    analyzer = ModuleAnalyzer(ast.parse(source), source.splitlines(), "m.py")
    value = lambda name: analyzer.lookup(name, analyzer.module_scope, 10**9)  # noqa: E731
    make, klass, client = value("make"), value("Bot"), value("client")
    assert type(make) is core.Function and make.owner is analyzer
    assert type(klass) is core.ClassValue
    assert type(client) is core.Client and client.cls == "OpenAI" and client.origin == "factory make()"
    assert client.endpoint.startswith("endpoint: other-provider:")
    assert value("create") == core.ResourcePath(client, ("chat", "completions", "create"))
    assert value("bot_client") == client
    analyzer.release()


def test_javascript_values_are_the_cores():
    from migrate.scan.detect.javascript.evaluate import Evaluator, Scope
    from migrate.scan.detect.javascript.parse import parse

    source = (b'import OpenAI from "openai";\n'
              b'function make() { return new OpenAI({ baseURL: "https://openrouter.ai/api/v1" }); }\n'
              b"const client = make();\n"
              b"const create = client.chat.completions.create;\n"
              b'import { helper } from "./lib/helper";\n'
              b"const later = helper().client;\n")
    tree, source, _grammar = parse("m.ts", source)
    ev = Evaluator(source, "m.ts")
    scope = Scope()
    ev.hoist(tree.root_node, scope, module=True)
    make, client = ev.lookup("make", scope), ev.lookup("client", scope)
    assert type(make) is core.Function and make.owner is ev
    assert type(client) is core.Client and (client.api, client.cls, client.line) == ("openai", "OpenAI", 2)
    assert client.endpoint.startswith("endpoint: other-provider:")
    assert ev.lookup("create", scope) == core.ResourcePath(client, ("chat", "completions", "create"))
    later = ev.lookup("later", scope)
    assert isinstance(later, core.Pending) and later.steps == (("call", ""), ("get", "client"))


# -- a third language is a front end: a toy one over tuples, with the core doing the rest -------------------------
class Toy(CoreEvaluator):
    """Nodes: ("str", text), ("name", x), ("get", node, attr), ("call", node), ("new", node), ("func", body node).
    Bindings: a dict name -> node. Qualified names: "acme.sdk.Client" (dots), imported as ("import", name)."""

    def __init__(self, bindings: dict, constructors: PrefixRegistry | None = None) -> None:
        self.bindings = bindings
        self.constructors = constructors
        self._memo = {}
        self._names: dict = {}

    def lower(self, node, scope):
        kind = node[0]
        if kind == "str":
            return core.Str(node[1])
        if kind == "import":
            return ToyExport(node[1])
        if kind == "name":
            return self.memoised(self._names, node[1], self.eval, self.bindings[node[1]], scope)
        if kind == "get":
            return self.get(self.eval(node[1], scope), node[2])
        if kind == "call":
            return self.apply(self.eval(node[1], scope), node, scope)
        if kind == "new":
            return self.construct(self.eval(node[1], scope), node, scope)
        if kind == "func":
            return core.Function(node, scope, self)
        return None

    def function_returns(self, function):
        return self.eval(function.node[1], function.scope)

    def export_member(self, export, name):
        return ToyExport(f"{export.name}.{name}")


class ToyExport(core.ModuleExport):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def qualified_name(self) -> str:
        return self.name


def _acme_client(ev, callee, call, scope):
    return core.Client(callee.name.rsplit(".", 1)[-1], api="acme") if callee.name.endswith(".Client") else None


def test_a_third_language_is_a_front_end_over_the_core():
    registry = PrefixRegistry([("acme.sdk", "acme-sdk", False)], ".")
    registry.register("acme-sdk", _acme_client)
    program = {
        "sdk": ("import", "acme.sdk"),
        "make": ("func", ("new", ("get", ("name", "sdk"), "Client"))),
        "client": ("call", ("name", "make")),
        "create": ("get", ("get", ("name", "client"), "chat"), "create"),
        "other": ("new", ("get", ("import", "elsewhere"), "Client")),
        "loop": ("name", "loop"),  # a cycle reads as unknown, not a RecursionError
    }
    toy = Toy(program, registry)
    client = toy.eval(("name", "client"), None)
    assert client == core.Client("Client", api="acme")
    assert toy.eval(("name", "create"), None) == core.ResourcePath(client, ("chat", "create"))
    assert toy.eval(("name", "other"), None) is None  # no prefix of the registry: not a client
    assert toy.eval(("name", "loop"), None) is None
    make = toy.eval(("name", "make"), None)
    assert make.returned == client  # memoised on the function: a second call does not evaluate its body again
    assert toy.return_value(make) is make.returned


def test_a_function_being_evaluated_returns_unknown():
    toy = Toy({"f": ("func", ("call", ("name", "f")))})  # def f(): return f()
    f = toy.eval(("name", "f"), None)
    assert toy.return_value(f) is None and f.returned is None
