"""Review lines from the top-level statement alone (RuleTransformer._line_in_statement) equal PositionProvider's."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper, PositionProvider

from migrate.config import Config
from migrate.rewrite.rules._base import FileState, RuleTransformer
from tests.rewrite.test_names import _case_sources, _example_sources

SHAPES = [
    "import openai\n\n\n@decorator\n@other(\n    1)\ndef f():\n    # comment\n    return openai.OpenAI()\n",
    "import openai; x = (1,\n2); y = openai.OpenAI()\nclass K:\n    '''doc'''\n\n    a = openai.Completion.create(\n        model='m')\n",
    "# header comment\n\n\"\"\"doc\"\"\"\nimport openai\r\nif x:\r\n    openai.ChatCompletion.create()\r\nelse:\r\n    pass\r\n",
    "import openai\nasync def f():\n    async with a as b:\n        await openai.ChatCompletion.acreate(\n            model='m',\n        )\n",
    # a form feed (and other characters str.splitlines breaks at) ends no line for Python's parser or LibCST
    "import openai\n\x0c\n\ndef f():\n    x = '\u2028'\n\x0c\n    return openai.OpenAI(api_key=k), openai.OpenAI()\n",
]


class _Compare(RuleTransformer):
    RULE_ID = "TEST"

    def __init__(self, context, state, truth) -> None:
        super().__init__(context, state)
        self.truth, self.checked = truth, 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        result = super().on_visit(node)
        if isinstance(node, (cst.Call, cst.Attribute, cst.Name, cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            line = self._line_in_statement(node)
            if line is not None:
                self.checked += 1
                assert line == self.truth[node].start.line, (cst.Module([]).code_for_node(node)[:60], line)
            column = self._column_in_line(node)
            if column is not None:
                self.checked += 1
                assert column == self.truth[node].start.column, (cst.Module([]).code_for_node(node)[:60], column)
        return result


def _compare(source: str) -> int:
    module = cst.parse_module(source)
    truth = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    state = FileState(path="x.py", config=Config(), options={}, active=frozenset(), source=source)
    visitor = _Compare(CodemodContext(), state, truth)
    visitor.context = CodemodContext(wrapper=MetadataWrapper(module, unsafe_skip_copy=True))
    visitor.transform_module(module)
    return visitor.checked


@pytest.mark.parametrize("source", SHAPES, ids=["decorators", "semicolons-and-class", "header-crlf", "async", "form-feeds"])
def test_lines_from_the_statement_alone_match_position_provider(source):
    assert _compare(source) > 0


def test_lines_match_on_rule_cases_and_examples():
    assert sum(_compare(s) for s in _case_sources() + _example_sources()) > 500


def test_unknown_place_falls_back():
    state = FileState(path="x.py", config=Config(), options={}, active=frozenset(), source="import openai\n")
    visitor = _Compare(CodemodContext(), state, {})
    assert visitor._line_in_statement(cst.Name("x")) is None


def test_a_node_in_a_method_is_numbered_from_the_method_alone():
    # The class is long; the review line of a call in its last method needs only that method printed.
    methods = "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(50))
    source = f"import openai\n\n\nclass K:\n{methods}    @staticmethod\n    def last():\n        return openai.OpenAI()\n"
    assert _compare(source) > 0
    module = cst.parse_module(source)
    state = FileState(path="x.py", config=Config(), options={}, active=frozenset(), source=source)
    visitor = _Compare(CodemodContext(), state, MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    visitor.transform_module(module)
    printed = {type(entry[0]).__name__ for entry in state._positions.values()}
    assert "ClassDef" not in printed  # never the long class: the method at most


def test_a_node_written_once_in_its_statement_is_numbered_without_a_print():
    source = "import openai\n\n\ndef f(x):\n    y = 1\n    return openai.OpenAI(\n        api_key=x,\n    ), y\n"
    module = cst.parse_module(source)
    state = FileState(path="x.py", config=Config(), options={}, active=frozenset(), source=source)
    visitor = _Compare(CodemodContext(), state, MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    visitor.transform_module(module)
    call = module.body[1].body.body[1].body[0].value.elements[0].value
    state._positions.clear()
    visitor._stack = [module, module.body[1], module.body[1].body, module.body[1].body.body[1],
                      module.body[1].body.body[1].body[0], module.body[1].body.body[1].body[0].value,
                      module.body[1].body.body[1].body[0].value.elements[0]]
    assert visitor._line_in_statement(call) == 6 and not state._positions
