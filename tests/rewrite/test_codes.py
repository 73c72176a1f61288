"""The texts the rewrite prints statement by statement (python._Codes) are LibCST's Module.code of each tree."""

from __future__ import annotations

from migrate.rewrite import python
from tests.rewrite.conftest import run_rules
from tests.rewrite.test_names import _case_sources, _example_sources


def test_statement_by_statement_printing_is_module_code(monkeypatch):
    printed = []
    original = python._Codes._print

    def checked(self, tree):
        text = original(self, tree)
        assert text == tree.code
        printed.append(bool(self._pieces))
        return text

    monkeypatch.setattr(python._Codes, "_print", checked)
    sources = _case_sources() + _example_sources()
    for source in sources:
        run_rules(source)
        run_rules(source.replace("\n", "\r\n"))  # the module's newline, and one without a trailing newline
        run_rules(source.rstrip("\n"))
    assert len(printed) > 200 and sum(printed) > 100  # many trees printed, most of them piece by piece


LAYOUTS = [
    "# header\n\nimport os\n\n\nx = 1; y = 2\n# footer\n",
    "@dec  # one\n# between\n@other(1)\nclass A:\n    x = 1\n        # deeper, the block's\n    # the block's\n# the next statement's\n\ndef f():\n    pass\n",
    "(\n    print(1)\n)\nx = [\n    1,\n]  # after\n",
    "if x:\n    pass\nelse:\n    pass\n\n\n# trailing\n\n",
    "def f():\n    return 1\n\x0c\nclass B: pass\n",
    "x = 1\r\n\r\n# c\r\ny = 2\r\n",
    'doc = """\n# not a comment\n"""\nz = 3\n',
    "try:\n    import a\nexcept ImportError:  # c\n    a = None\n\n\n\n",
]


def test_statements_cut_from_the_source_are_their_printed_text():
    import ast

    import libcst as cst

    from migrate.rewrite.rules._prune import source_pieces

    cut = 0
    for source in LAYOUTS + _case_sources() + _example_sources():
        tree = cst.parse_module(source)
        pieces = source_pieces(tree, source, ast.parse(source))
        if pieces is None:
            continue
        cut += 1
        assert [pieces[id(s)] for s in tree.body] == [tree.code_for_node(s) for s in tree.body], source
    assert cut > 100
    # Python's tree of another text (statements that do not line up): nothing is cut, the statements are printed
    a, b = "x = 1\ny = 2\n", "x = 1\n\ny = 2\n"
    assert source_pieces(cst.parse_module(a), a, ast.parse(b)) is None
    assert source_pieces(cst.parse_module(a), a, ast.parse("x = 1\n")) is None
