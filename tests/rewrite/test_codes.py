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
