"""Every rule has its docs page and its own test file, and the examples on the page are cases of its tests.

A page shows `Before (`<case id>`):` and `After:` code blocks; for a Python rule the id names a case in
tests/rewrite/rules/test_<rule>.py whose before/after must be exactly the page's blocks (so the docs can never
drift from what the rule does); for a text rule the id is the file name and the rule runs on the block.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from migrate.config import Config
from migrate.rewrite.registry import RULES
from tests.rewrite.conftest import MODELS

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = re.compile(r"Before \(`(?P<id>[^`]+)`\):\s*```\w*\n(?P<before>.*?)```\s*After:\s*```\w*\n(?P<after>.*?)```", re.S)


def _examples(rule_id: str):
    page = ROOT / "docs" / "rules" / f"{rule_id}.md"
    return [(m["id"], m["before"], m["after"]) for m in EXAMPLE.finditer(page.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_a_docs_page_a_test_file_and_examples(rule):
    page = ROOT / rule.doc
    assert page.is_file(), f"{rule.id} has no docs page at {rule.doc}"
    assert page.read_text(encoding="utf-8").startswith(f"# {rule.id} {rule.name}\n")
    assert (ROOT / "tests" / "rewrite" / "rules" / f"test_{rule.id.lower()}.py").is_file()
    assert _examples(rule.id), f"{rule.doc} shows no Before/After example"


@pytest.mark.parametrize("rule", [r for r in RULES if r.target == "python"], ids=lambda r: r.id)
def test_python_rule_examples_are_its_test_cases(rule):
    module = importlib.import_module(f"tests.rewrite.rules.test_{rule.id.lower()}")
    cases = {p.values[0].id: p.values[0] for p in module.CASES}
    for case_id, before, after in _examples(rule.id):
        assert case_id in cases, f"{rule.doc} shows {case_id!r}, which is not a case in test_{rule.id.lower()}.py"
        case = cases[case_id]
        assert before == case.before.lstrip("\n"), f"{rule.doc}: the Before of {case_id} differs from the test case"
        expected = case.before if case.after is None else case.after
        assert after == expected.lstrip("\n"), f"{rule.doc}: the After of {case_id} differs from the test case"


@pytest.mark.parametrize("rule", [r for r in RULES if r.target == "text"], ids=lambda r: r.id)
def test_text_rule_examples_are_what_the_rule_does(rule):
    from migrate.rewrite import textfiles

    config = Config(models=dict(MODELS))
    for name, before, after in _examples(rule.id):
        if rule.id == "OAI010":
            got = textfiles.rewrite_config(before, name, config).after
        else:
            got = textfiles.raise_pins(before, name).after
        assert got == after, f"{rule.doc}: the example for {name} is not what the rule does"
