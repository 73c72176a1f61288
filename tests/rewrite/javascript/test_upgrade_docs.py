"""The JavaScript / TypeScript examples on the pages of the upgrade rules are cases of their tests, before and
after exactly (tests/rewrite/rules/test_docs.py does the same for the Python examples), so the docs cannot drift
from what the rules do."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript import test_functions, test_parameters, test_v3_upgrade
from tests.rewrite.rules.test_docs import _examples

CASES = {p.values[0].id: p.values[0] for m in (test_v3_upgrade, test_functions, test_parameters) for p in m.CASES}


@pytest.mark.parametrize("rule", ["OAI004", "OAI005", "OAI007", "OAI008"])
def test_javascript_examples_are_test_cases(rule):
    examples = _examples(rule, javascript=True)
    assert examples, f"docs/rules/{rule}.md shows no JavaScript / TypeScript example"
    for case_id, before, after in examples:
        assert case_id in CASES, f"docs/rules/{rule}.md shows {case_id!r}, which is not a JS case of the tests"
        case = CASES[case_id]
        assert before == case.before, f"docs/rules/{rule}.md: the Before of {case_id} differs from the test case"
        assert after == (case.after if case.after is not None else case.before), \
            f"docs/rules/{rule}.md: the After of {case_id} differs from the test case"
