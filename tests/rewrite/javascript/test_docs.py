"""The JavaScript examples of docs/rules/<id>.md are cases of the JS/TS rule tests, exactly; every JS/TS rule
has such a section."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from migrate.rewrite.javascript.registry import JS_RULES
from migrate.rewrite.registry import BY_ID

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = re.compile(r"JS before \(`(?P<id>[^`]+)`\):\s*```\w*\n(?P<before>.*?)```\s*After:\s*```\w*\n(?P<after>.*?)```", re.S)


@pytest.mark.parametrize("rule", JS_RULES, ids=lambda r: r.id)
def test_js_rule_examples_are_its_test_cases(rule):
    assert rule.id in BY_ID, f"{rule.id} has no RuleInfo in migrate/rewrite/registry.py"
    page = ROOT / "docs" / "rules" / f"{rule.id}.md"
    text = page.read_text(encoding="utf-8")
    assert "## JavaScript and TypeScript" in text
    examples = list(EXAMPLE.finditer(text))
    assert examples, f"{page} shows no JS before/after example"
    module = importlib.import_module(f"tests.rewrite.javascript.test_{rule.id.lower()}")
    cases = {p.values[0].id: p.values[0] for p in module.CASES}
    for m in examples:
        case = cases.get(m["id"])
        assert case is not None, f"{page} shows {m['id']!r}, which is not a case in test_{rule.id.lower()}.py"
        assert m["before"] == case.before, f"{page}: the before of {m['id']} differs from the test case"
        assert m["after"] == (case.before if case.after is None else case.after), \
            f"{page}: the after of {m['id']} differs from the test case"
