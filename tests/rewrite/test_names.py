"""The scope-free qualified names (migrate/rewrite/rules/_names.py) agree with LibCST's wherever they answer.

Checked on every Name and Attribute of the rule tests' sources, of the example apps and of hand-written
shadowing cases: where ImportIndex.certain answers, the answer is QualifiedNameProvider's; where
ImportIndex.cannot_be_in (or, for the whole module, never_spells) says a name set cannot match,
QualifiedNameProvider finds none of those names.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, QualifiedNameProvider
from libcst.metadata.base_provider import LazyValue

from migrate.rewrite.rules._base import AZURE_CLASSES, CLIENT_CLASSES, _is_child
from migrate.rewrite.rules._names import ImportIndex, _chain

REPO = Path(__file__).resolve().parents[2]
NAME_SETS = [
    set(CLIENT_CLASSES), set(AZURE_CLASSES), {"openai"}, {"openai.error.RateLimitError", "openai.error.APIError"},
    {"openai.ChatCompletion.create", "openai.Completion.acreate"}, {"os.environ.get"}, {"builtins.print"},
    {"client.chat.completions.create"},
]

SHADOWING = [
    "import openai\ndef f(openai):\n    openai.ChatCompletion.create()\nopenai.ChatCompletion.create()\n",
    "import openai\nopenai = None\nopenai.ChatCompletion.create()\n",
    "from openai import OpenAI\nclass OpenAI: pass\nOpenAI()\n",
    "def f():\n    from openai import OpenAI\n    OpenAI()\nOpenAI()\n",
    "import openai.error\nimport a.b.c as abc\nopenai.ChatCompletion.create\nopenai.error.X\nabc.d\nf(openai=1)\n",
    "from openai import *\nOpenAI()\n",
    "from . import openai\nopenai.OpenAI()\n",
    "import openai as oa\nx = [oa for oa in range(3)]\noa.OpenAI()\n",
    "try:\n    from openai import OpenAI\nexcept ImportError:\n    OpenAI = None\nOpenAI()\n",
    "try:\n    import openai\nexcept ImportError:\n    OpenAI = object\nelse:\n    from openai import OpenAI\nOpenAI().chat\n",
    "try:\n    from openai import OpenAI\nexcept (ImportError, ModuleNotFoundError):\n    OpenAI = None\ndef f(OpenAI):\n    OpenAI()\n",
    "import openai\nclass K:\n    openai = 1\n    def m(self):\n        return openai.OpenAI()\n",
    "import openai\nwith open('f') as openai:\n    openai.read()\n",
    "import openai\nfor openai.api_key in keys:\n    pass\nopenai.api_key = 'x'\n",
    "from openai import OpenAI as C, AsyncOpenAI\nC(); AsyncOpenAI().chat.completions.create(model='m')\n",
]


def _case_sources() -> list[str]:
    sources = []
    for path in sorted((REPO / "tests" / "rewrite" / "rules").glob("test_oai0*.py")):
        module = importlib.import_module(f"tests.rewrite.rules.{path.stem}")
        for value in vars(module).values():
            if isinstance(value, list):
                for param in value:
                    case = getattr(param, "values", (None,))[0]
                    before = getattr(case, "before", None)
                    if isinstance(before, str) and path.suffix == ".py" and "openai" in before.lower():
                        sources.append(before)
    return sources


def _example_sources() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").rglob("*.py"))]


class _Walk(cst.CSTVisitor):
    def __init__(self, index: ImportIndex, names) -> None:
        self.index, self.names, self.stack, self.checked = index, names, [], 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
            self._check(node)
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()

    def _check(self, node) -> None:
        truth = self.names.get(node, ())
        if isinstance(truth, LazyValue):
            truth = truth()
        truth = {q.name for q in truth}
        assert _is_child(self.stack[-1], node)
        for parents in (list(self.stack), None):  # on the visit stack, and off it
            known = self.index.certain(node, parents)
            if known is not None:
                self.checked += 1
                assert known == _without_fallbacks(self.index, node, truth, known), (
                    cst.Module([]).code_for_node(node), parents is None, known, truth)
        parent = self.stack[-1]
        if isinstance(parent, cst.Call) and parent.func is node:  # the callee hint rules give off the stack
            known = self.index.certain(node, [parent])
            if known is not None:
                self.checked += 1
                assert known == _without_fallbacks(self.index, node, truth, known), (
                    cst.Module([]).code_for_node(node), "callee", known, truth)
        for names in NAME_SETS:
            if self.index.cannot_be_in(node, names) or self.index.never_spells(names):
                assert not truth & names, (cst.Module([]).code_for_node(node), truth, names)


def _without_fallbacks(index: ImportIndex, node, truth: set[str], known: set[str]) -> set[str]:
    """What the index must answer given LibCST's `truth`. For a name an `except ImportError` fallback also binds
    (`OpenAI = None` after a failed `from openai import OpenAI`), the index answers with the import alone, by design,
    where LibCST names the fallback's local name too, or (after the `try`, at module level) that one alone: LibCST
    must then name nothing but those two."""
    head = node
    while isinstance(head, (cst.Attribute, cst.Call, cst.Subscript)):
        head = head.value if not isinstance(head, cst.Call) else head.func
    if not truth or not (isinstance(head, cst.Name) and head.value in index.fallback):
        return truth  # (no qualified name at all: an attribute's or a keyword's name)
    rest = "".join("." + part for part in (_chain(node) or [head.value])[1:])
    imported = {target + rest for target in index.imports[head.value]}
    assert truth <= imported | {head.value + rest}, (truth, imported)
    return imported


def _agree(source: str) -> int:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    walk = _Walk(ImportIndex(source), wrapper.resolve(QualifiedNameProvider))
    module.visit(walk)
    return walk.checked


@pytest.mark.parametrize("source", SHADOWING, ids=[f"shadow-{i}" for i in range(len(SHADOWING))])
def test_agrees_with_libcst_on_shadowing(source):
    _agree(source)


def test_agrees_with_libcst_on_rule_cases_and_examples():
    sources = _case_sources() + _example_sources()
    assert len(sources) > 20
    checked = sum(_agree(s) for s in sources)
    assert checked > 150  # the shortcut answers for most OpenAI names, or it would save nothing


def test_unusable_index_answers_nothing():
    index = ImportIndex("from openai import *\n")
    node = cst.parse_expression("OpenAI")
    assert index.certain(node, []) is None and not index.cannot_be_in(node, {"openai.OpenAI"})


def test_agrees_with_libcst_on_builtins_and_unbound_names():
    _agree("import openai\nprint(len(x)); dict.fromkeys(y); undefined.attr.more; __name__; __file__; self.x\n"
           "def f(self):\n    return self.client.chat.completions.create(model=str(1))\n")


NESTED_IMPORTS = [
    # imported only inside functions and classes: the scope around the node decides, an import after an access in
    # its own scope does not count (LibCST looks further out), a class body is no scope for its methods
    "def f():\n    from openai import OpenAI\n    OpenAI()\n    def g():\n        return OpenAI().chat\n    return g\nOpenAI()\n",
    "def f():\n    OpenAI()\n    from openai import OpenAI\n    OpenAI.x\n",
    "def f():\n    try:\n        from openai import OpenAI\n    except ImportError:\n        pass\n    OpenAI()\n",
    "class K:\n    from openai import OpenAI\n    c = OpenAI()\n    def m(self):\n        return OpenAI()\n",
    "def f():\n    import openai as oa\n    class K:\n        c = oa.OpenAI()\n        def m(self):\n            return oa.Completion\n",
    "def f():\n    from openai import OpenAI\n    return [OpenAI() for _ in range(2)], lambda: OpenAI()\n",
    "def f():\n    import openai.error\n    openai.error.RateLimitError\n",
    "def f():\n    from openai import OpenAI\n\n@OpenAI\ndef g(x=OpenAI()):\n    from openai import OpenAI\n    OpenAI()[0]\n",
    "def f():\n    from openai import OpenAI as C\ndef g():\n    from other import OpenAI as C\n    C()\nC()\nprint(len(C))\n",
    "def f():\n    from openai import AsyncOpenAI\n    if x:\n        from openai import AsyncOpenAI\n    AsyncOpenAI()\n",
    "def f():\n    (lambda: 1)()\n    ''.join(x)\n    x[0]()\n",
]


@pytest.mark.parametrize("source", NESTED_IMPORTS, ids=[f"nested-{i}" for i in range(len(NESTED_IMPORTS))])
def test_agrees_with_libcst_on_imports_only_inside_scopes(source):
    assert _agree(source) > 0


@pytest.mark.parametrize("source", [
    "import openai\ndef f():\n    import openai.wandb_logger\n    openai.ChatCompletion.create()\nopenai.Completion.create()\n",
    "import openai\ndef f():\n    from x import y as openai\n    openai.ChatCompletion.create()\nopenai.Completion.create()\n",
    "def f():\n    import openai\n    openai.ChatCompletion.create()\nopenai.Completion.create()\n",
    "import openai\nimport other as openai\ndef f():\n    import openai\n    openai.X\nopenai.Y\n",
], ids=["same-import-in-function", "other-import-in-function", "only-in-function", "two-imports-at-top"])
def test_agrees_with_libcst_on_imports_in_functions(source):
    _agree(source)


def test_agrees_with_libcst_through_calls_and_subscripts():
    _agree("import openai\nfrom openai import OpenAI\nopenai.ChatCompletion.create().choices\nOpenAI().chat.completions"
           ".create\nx[0].y\n's'.join\nopenai.Foo[1].bar\n(openai).Foo.bar\nself.client().chat.completions.create\n")


def test_agrees_with_libcst_on_attributes_of_other_expressions():
    _agree("import openai\n', '.join(x)\nf'{a}'.strip()\n(a + b).c\n[1][0].real\n{}.get('k')\nopenai.OpenAI()\n")


def test_never_spells_needs_the_last_part_written_as_code():
    assert ImportIndex("import openai\nx = 'OpenAI API'  # OpenAI\nopenai.Completion.create()\n").never_spells(
        CLIENT_CLASSES)
    for source in ("from openai import OpenAI as C\nC()\n", "import openai as oa\noa.OpenAI()\n",
                   "import openai\nopenai.AsyncClient()\n"):
        assert not ImportIndex(source).never_spells(CLIENT_CLASSES), source
    assert not ImportIndex("from openai import *\nOpenAI()\n").never_spells(CLIENT_CLASSES)  # unusable: no answer


def test_an_import_error_fallback_leaves_the_import_certain():
    # pyautogen 0.2.35's client module: without this, every rule paid LibCST's scope analysis of a 900-line module
    index = ImportIndex("try:\n    import openai\nexcept ImportError:\n    OpenAI = object\nelse:\n"
                        "    from openai import OpenAI\nOpenAI()\n")
    assert index.certain(cst.parse_expression("OpenAI"), []) == {"openai.OpenAI"}
    # bound another way too (a parameter): no shortcut
    index = ImportIndex("try:\n    from openai import OpenAI\nexcept ImportError:\n    OpenAI = None\n"
                        "def f(OpenAI):\n    OpenAI()\n")
    assert index.certain(cst.parse_expression("OpenAI"), []) is None


def test_the_fallbacks_own_binding_is_left_to_libcst():
    source = "try:\n    from openai import Completion as C\nexcept ImportError:\n    C = object\nclass K(C): pass\n"
    module = cst.parse_module(source)
    handler = module.body[0].handlers[0]
    assign = handler.body.body[0].body[0]
    target = assign.targets[0]
    index = ImportIndex(source)
    assert index.certain(target.target, [module, module.body[0], handler, handler.body, handler.body.body[0], assign,
                                         target]) is None
    assert index.certain(cst.parse_expression("C"), [module]) == {"openai.Completion"}
