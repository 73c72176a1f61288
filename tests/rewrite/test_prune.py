"""Statement skipping (migrate/rewrite/rules/_prune.py): same answers as the full walk, and it does skip.

Every source of the rule tests, of the example apps and of the name-shadowing cases is rewritten by every rule
twice, with and without the rules' statement filters: the text, the review items and the counts must be the
same. The spans Python's parser gives must cover exactly the code LibCST has for each statement they are given to.
"""

from __future__ import annotations

import libcst as cst
import pytest

from migrate.rewrite.rules import _base
from migrate.rewrite.rules._names import ImportIndex
from migrate.rewrite.rules._prune import Outline, words_pattern
from tests.rewrite.conftest import run_rules
from tests.rewrite.test_names import SHADOWING, _case_sources, _example_sources

SOURCES = [*_case_sources(), *_example_sources(), *SHADOWING]


def _unpruned(monkeypatch) -> None:
    monkeypatch.setattr(_base.RuleTransformer, "statement_filter", lambda self: None)


def _result(source: str):
    result = run_rules(source)
    return result.after, sorted(result.review), result.counts, result.failure


def test_filters_change_no_answer(monkeypatch):
    pruned = [_result(source) for source in SOURCES]
    _unpruned(monkeypatch)
    full = [_result(source) for source in SOURCES]
    assert len(SOURCES) > 100
    for source, a, b in zip(SOURCES, pruned, full):
        assert a == b, source


def test_visit_only_changes_no_answer(monkeypatch):
    """A rule that names the nodes its hooks act on (RuleTransformer.visit_only, OAI001) walks only the statements
    around them: the same text, review items and counts as the full walk."""
    entered = []
    real = _base.RuleTransformer.visit_only

    def spy(self, module, nodes):
        real(self, module, nodes)
        entered.append(len(self._hot))

    monkeypatch.setattr(_base.RuleTransformer, "visit_only", spy)
    pruned = [_result(source) for source in SOURCES]
    assert entered, "no rule asked to walk only some statements"
    monkeypatch.setattr(_base.RuleTransformer, "visit_only", lambda self, module, nodes: None)
    full = [_result(source) for source in SOURCES]
    for source, a, b in zip(SOURCES, pruned, full):
        assert a == b, source


def _spans(source: str) -> list[tuple[cst.CSTNode, str]]:
    """(statement, the text its span covers) for every statement an Outline gives a span."""
    index = ImportIndex(source)
    outline = Outline(source, index.tree)
    found = []

    class Walk(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            span = outline.span(node)
            if span is not None:
                found.append((node, source[span[0]:span[1]]))
            outline.enter(node)
            return True

    cst.parse_module(source).visit(Walk())
    return found


@pytest.mark.parametrize("source", [s for s in SOURCES if ImportIndex(s).usable][:200])
def test_spans_cover_their_statements(source):
    module = cst.Module(body=[])
    for node, text in _spans(source):
        own = module.code_for_node(node.with_changes(leading_lines=()))
        assert " ".join(text.split()) == " ".join(own.split()), (own, text)


def test_spans_reach_into_classes_and_functions_not_other_blocks():
    source = ("import openai\n\n@decorator\nclass A:\n    x = 1; y = 2\n\n    def f(self):\n        if x:\n"
              "            g()\n        return openai.OpenAI()\n")
    covered = [" ".join(text.split()) for _, text in _spans(source)]
    assert covered == ["import openai", "@decorator class A: x = 1; y = 2 def f(self): if x: g() return openai.OpenAI()",
                       "x = 1; y = 2", "def f(self): if x: g() return openai.OpenAI()", "if x: g()",
                       "return openai.OpenAI()"]


def test_a_rule_skips_statements_its_filter_rejects(monkeypatch):
    from migrate.rewrite.rules import oai005_errors

    seen: list[str] = []  # the callees OAI005's Call hook sees

    original = oai005_errors.Transformer.leave_Call

    def spy(self, node, updated):
        seen.append(cst.Module([]).code_for_node(node.func))
        return original(self, node, updated)

    monkeypatch.setattr(oai005_errors.Transformer, "leave_Call", spy)
    source = ("import openai\n\ndef unrelated():\n    return helper(1)\n\n"
              "def legacy():\n    raise openai.error.RateLimitError('slow')\n")
    result = run_rules(source, ["OAI005"])
    assert "openai.RateLimitError" in result.after
    assert "helper" not in seen and "openai.error.RateLimitError" in seen


def test_words_pattern_matches_whole_identifiers_only():
    pattern = words_pattern({"openai", "oa"})
    assert pattern.search("x = oa.OpenAI()") and pattern.search("import openai")
    assert not pattern.search("boa = openai_key + OpenAIish")
    assert not words_pattern(()).search("anything at all")
