"""Modules that load only on openai<1 (migrate/rewrite/legacy_modules.py) are left as they are, with one review item;
the same module imported anywhere else is rewritten as any other."""

from __future__ import annotations

import textwrap

import pytest

from migrate.rewrite import plan_rewrite
from migrate.rewrite.legacy_modules import legacy_modules
from tests.rewrite.conftest import CONFIG, make_tree

V0 = """
import openai


def ask(prompt):
    return openai.ChatCompletion.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
"""
V1 = """
from openai import OpenAI

client = OpenAI()


def ask(prompt):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
"""
# guardrails-ai 0.4.5's guardrails/utils/openai_utils/__init__.py
GUARD = """
from openai.version import VERSION

OPENAI_VERSION = VERSION

if OPENAI_VERSION.startswith("0"):
    from .v0 import ask
else:
    from .v1 import ask
"""


def _plan(tmp_path, files):
    root = make_tree(tmp_path, {name: textwrap.dedent(text) for name, text in files.items()})
    return plan_rewrite([root], config=CONFIG, jobs=1)


def test_a_module_imported_only_on_the_0x_side_is_left_with_a_review_item(tmp_path):
    plan = _plan(tmp_path, {"llm/__init__.py": GUARD, "llm/v0.py": V0, "llm/v1.py": V1})
    changed = {c.path for c in plan.changes}
    assert "llm/v0.py" not in changed
    assert "llm/v1.py" in changed  # the live module moves to vLLM
    items = [r for r in plan.review if r.path == "llm/v0.py"]
    assert [(r.line, r.rule) for r in items] == [(1, "OAI004")]
    assert "runs only on openai<1" in items[0].message and "llm/__init__.py:6" in items[0].message


def test_the_same_module_imported_outside_the_guard_is_rewritten(tmp_path):
    plan = _plan(tmp_path, {"llm/__init__.py": GUARD, "llm/v0.py": V0, "llm/v1.py": V1,
                            "app.py": "from llm.v0 import ask\nimport openai\nprint(ask('hi'))\n"})
    assert "llm/v0.py" in {c.path for c in plan.changes}
    assert not [r for r in plan.review if r.path == "llm/v0.py" and "runs only on openai<1" in r.message]


@pytest.mark.parametrize("test,legacy_side", [
    ('OPENAI_VERSION.startswith("0")', "body"),
    ('openai.__version__.startswith("1")', "else"),
    ('not OPENAI_VERSION.startswith("1.")', "body"),
    ('version.parse(openai.__version__) < version.parse("1.0.0")', "body"),
    ('parse(version("openai")) >= parse("1.0")', "else"),
    ('"1" > openai.__version__', "body"),
])
def test_the_guards_that_say_which_side_is_0x(test, legacy_side):
    body, orelse = ("v0", "v1") if legacy_side == "body" else ("v1", "v0")
    guard = f"import openai\nif {test}:\n    from .{body} import ask\nelse:\n    from .{orelse} import ask\n"
    found = legacy_modules([("llm/__init__.py", guard.encode()), ("llm/v0.py", V0.encode()), ("llm/v1.py", V1.encode())])
    assert set(found) == {"llm/v0.py"}
    # the same guard with the sides swapped: v0 is imported on the live side, and stays a live module
    swapped = f"import openai\nif {test}:\n    from .{orelse} import ask\nelse:\n    from .{body} import ask\n"
    assert legacy_modules([("llm/__init__.py", swapped.encode()), ("llm/v0.py", V0.encode())]) == {}


@pytest.mark.parametrize("test", ['sys.version_info < (3, 9)', 'settings.model_version >= "2"', 'USE_LEGACY', 'x == "0"'])
def test_other_tests_say_nothing(test):
    guard = f"import openai\nif {test}:\n    from .v0 import ask\n"
    assert legacy_modules([("llm/__init__.py", guard.encode()), ("llm/v0.py", V0.encode())]) == {}


def test_a_module_not_named_as_the_0x_one_is_rewritten(tmp_path):
    guard = GUARD.replace(".v0", ".compat")
    plan = _plan(tmp_path, {"llm/__init__.py": guard, "llm/compat.py": V0, "llm/v1.py": V1})
    assert "llm/compat.py" in {c.path for c in plan.changes}
