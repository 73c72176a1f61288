"""Statement skipping (migrate/rewrite/rules/_prune.py): same answers as the full walk, and it does skip.

Every source of the rule tests, of the example apps and of the name-shadowing cases is rewritten by every rule
twice, with and without the rules' statement filters: the text, the review items and the counts must be the
same. The spans Python's parser gives must cover exactly the code LibCST has for each statement they are given to.
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from migrate.rewrite.rules import _base
from migrate.rewrite.rules._names import ImportIndex
from migrate.rewrite.rules._prune import Outline, words_pattern
from migrate.scan.detect.source import code_lines
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


def test_analysis_filters_change_no_answer(monkeypatch):
    """A rule whose pattern comes from its analysis of the tree (RuleTransformer.filter_statements, OAI006: the
    names that hold responses) skips the other statements: the same text, review items and counts as the full
    walk."""
    patterns = []
    real = _base.RuleTransformer.filter_statements

    def spy(self, module, pattern):
        real(self, module, pattern)
        patterns.append(pattern)

    monkeypatch.setattr(_base.RuleTransformer, "filter_statements", spy)
    pruned = [_result(source) for source in SOURCES]
    assert patterns, "no rule filtered statements from its analysis"
    monkeypatch.setattr(_base.RuleTransformer, "filter_statements", lambda self, module, pattern: None)
    full = [_result(source) for source in SOURCES]
    for source, a, b in zip(SOURCES, pruned, full):
        assert a == b, source


def _pruning_off(monkeypatch) -> None:
    _unpruned(monkeypatch)
    monkeypatch.setattr(_base.RuleTransformer, "filter_statements", lambda self, module, pattern: None)
    monkeypatch.setattr(_base.RuleTransformer, "visit_only", lambda self, module, nodes: None)


# Hand-written cases for OAI006, OAI007 and OAI009's selection: what each hook acts on, beside statements it skips,
# and the spellings a text pattern could miss (escapes, a host split across a concatenation, a response reached
# through a function, a parameter, a loop, a comprehension, a lambda).
SELECTION_CASES = {
    "oai006-names-and-functions": '''\
        import openai

        def ask(q):
            return openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": q}])

        def unrelated(d):
            return d["name"], d.get("x"), "a" in d

        def use():
            r = ask("hi")
            first = [c for c in r["choices"]][0]
            text = first["message"]["content"]
            best = sorted(r["choices"], key=lambda c: c["index"])
            if "usage" in r:
                print(r.get("usage", {}))
            data = {"cho\\x69ces": 1}
            return text, best, data, json.dumps(r), r.response_ms
        ''',
    "oai006-escaped-telltale-key": '''\
        import openai
        client = openai.OpenAI()

        def f(resp):
            return resp["cho\\x69ces"]

        def g():
            return client.chat.completions.create(model="gpt-4", messages=[])
        ''',
    "oai006-stream-and-isinstance": '''\
        import openai

        async def stream(messages):
            chunks = []
            async for chunk in await openai.ChatCompletion.acreate(model="gpt-4", messages=messages, stream=True):
                delta = chunk["choices"][0]["delta"]
                chunks.append(chunk)
                if isinstance(chunk, dict) and "content" in delta:
                    yield delta.get("content", "")
            other = {"a": 1}
            yield other["a"]
        ''',
    "oai007-functions": '''\
        import openai
        FUNCS = [{"name": "f", "parameters": {}}]

        def call(messages, choice):
            r = openai.ChatCompletion.create(model="gpt-4", messages=messages, functions=FUNCS, function_call="auto")
            message = r["choices"][0]["message"]
            if message.get("function_call"):
                name = message.function_call.name
                messages.append({"role": "function", "name": name, "content": "ok"})
            if r.choices[0].finish_reason == "function_call":
                pass
            unrelated = {"role": "user", "content": "x"}
            return openai.ChatCompletion.create(model="gpt-4", messages=messages, functions=FUNCS,
                                                function_call=choice)
        ''',
    "oai009-urls": '''\
        import requests
        BASE = "https://api.open" "ai.com/v1"
        OTHER = "https://api.openai.com/v1"
        ESCAPED = "https://api.openai\\x2ecom/v1"
        ALLOWED = {"https://api.openai.com": True}

        def post(body):
            requests.post(BASE + "/chat/completions", json=body)
            requests.post(ESCAPED + "/images/generations", json=body)
            requests.post(f"https://api.openai.com/v1/{body}", json=body)
            return requests.get(OTHER + "/models", headers={"x": "y"})
        ''',
}


@pytest.mark.parametrize("case", sorted(SELECTION_CASES))
def test_selection_cases_change_no_answer(monkeypatch, case):
    source = SELECTION_CASES[case]
    pruned = _result(source)
    assert pruned[0] != textwrap.dedent(source) or pruned[1], "the case exercises nothing"
    _pruning_off(monkeypatch)
    assert pruned == _result(source)


def _seen_by(monkeypatch, module, hook: str, source: str, rules: list[str]) -> list[str]:
    seen: list[str] = []
    original = getattr(module.Transformer, hook)

    def spy(self, node, updated):
        seen.append(cst.Module([]).code_for_node(node))
        return original(self, node, updated)

    monkeypatch.setattr(module.Transformer, hook, spy)
    run_rules(source, rules)
    return seen


def test_oai006_skips_statements_without_a_response_name(monkeypatch):
    from migrate.rewrite.rules import oai006_responses

    source = SELECTION_CASES["oai006-names-and-functions"]
    seen = _seen_by(monkeypatch, oai006_responses, "leave_Subscript", source, ["OAI006"])
    assert 'r["choices"]' in seen and 'c["index"]' in seen and 'first["message"]' in seen
    assert 'd["name"]' not in seen  # `unrelated` names no response, calls no SDK method or function returning one


def test_oai007_and_oai009_skip_statements_they_cannot_act_on(monkeypatch):
    from migrate.rewrite.rules import oai007_functions, oai009_urls

    seen = _seen_by(monkeypatch, oai007_functions, "leave_Dict", SELECTION_CASES["oai007-functions"], ["OAI007"])
    assert any('"role": "function"' in s for s in seen) and not any('"role": "user"' in s for s in seen)
    seen = _seen_by(monkeypatch, oai009_urls, "leave_SimpleString", SELECTION_CASES["oai009-urls"], ["OAI009"])
    assert '"https://api.open"' in seen and '"https://api.openai\\x2ecom/v1"' in seen
    assert '"/images/generations"' in seen  # a route vLLM does not serve, on a base URL that moves: reviewed
    assert '"/models"' not in seen and '"x"' not in seen  # the URL is rewritten where it is written, not here


def test_review_lines_share_one_table_per_statement(monkeypatch):
    """Review lines come from a top-level statement printed alone (RuleTransformer._line_in_statement); the table is
    kept in the file's state, so rules that review the same statement, unchanged, print it once; the lines are the
    ones each rule's own table gives."""
    from migrate.rewrite.rules._base import FileState

    module = cst.parse_module("import openai\n\nclass Bot:\n    x = 1\n\n    def f(self):\n        return 2\n")
    state = FileState(path="", config=None, options={}, active=frozenset())
    top = module.body[1]
    table = state.statement_positions(module, top)
    assert state.statement_positions(module, top) is table
    assert table[top].start.line == 2 and table[top.body.body[1]].start.line == 5  # its leading blank line too
    crlf = module.with_changes(default_newline="\r\n")
    assert state.statement_positions(crlf, top) is not table  # another layout prints another text
    rebuilt = top.with_changes()
    assert state.statement_positions(module, rebuilt) is not table

    real = FileState.statement_positions
    source = textwrap.dedent(SELECTION_CASES["oai006-names-and-functions"]) + textwrap.dedent(SELECTION_CASES["oai007-functions"])
    shared = run_rules(source)
    assert shared.review
    monkeypatch.setattr(FileState, "statement_positions",
                        lambda self, module, top: real(FileState(path="", config=None, options={}, active=frozenset()),
                                                       module, top))
    alone = run_rules(source)
    assert (shared.after, sorted(shared.review)) == (alone.after, sorted(alone.review))


def test_spans_count_lines_as_the_parser_does():
    # str.splitlines also breaks at a form feed: every span after one was a line early, and a statement filter
    # read the wrong text (a 0.x call after a form feed was skipped, silently)
    source = "import openai\n\x0c\n\ndef ask(q):\n    x = '\u2028'\n    return openai.ChatCompletion.create(model='m')\n"
    assert [text for _, text in _spans(source)] == [
        "import openai\n", "def ask(q):\n    x = '\u2028'\n    return openai.ChatCompletion.create(model='m')\n",
        "    x = '\u2028'\n", "    return openai.ChatCompletion.create(model='m')\n"]


def test_a_file_with_form_feeds_is_rewritten_as_without():
    body = ("import openai\n{ff}\ndef ask(q):\n    r = openai.ChatCompletion.create(model='gpt-4', messages=q, "
            "logit_bias={{1: 2}})\n    return r['choices'][0]['message']['content']\n")
    plain, fed = run_rules(body.format(ff="")), run_rules(body.format(ff="\x0c\n"))
    assert "client.chat.completions.create(" in fed.after and ".choices[0].message.content" in fed.after
    assert fed.after.replace("\x0c\n", "") == plain.after
    fed_lines, plain_lines = code_lines(fed.after), code_lines(plain.after)
    assert [(rule, fed_lines[line - 1]) for rule, line, _ in fed.review] == [
        (rule, plain_lines[line - 1]) for rule, line, _ in plain.review]
    assert fed.review and all(line > 1 for _, line, _ in fed.review)
