"""OAI011 for npm: the openai pin of the package.json above code upgraded from openai-node v3 is raised to the
current major (a minimal edit of the JSON text), and only there."""

from __future__ import annotations

import textwrap

import pytest

from migrate.catalog.javascript import CURRENT_NPM_OPENAI
from migrate.rewrite import plan_rewrite
from migrate.rewrite.javascript.upgrade.pins import raise_openai_pin

CURRENT = CURRENT_NPM_OPENAI.lstrip("^")


@pytest.mark.parametrize(("spec", "raised"), [
    ("^3.3.0", f"^{CURRENT}"), ("~3.2.1", f"~{CURRENT}"), ("3.3.0", CURRENT), (">=3.0.0 <4", f"^{CURRENT}"),
])
def test_v3_pins_are_raised_keeping_their_form(spec, raised):
    text = '{\n  "name": "x",\n  "dependencies": {\n    "express": "^4.0.0",\n    "openai": "' + spec + '"\n  }\n}\n'
    after, notes = raise_openai_pin(text)
    assert after == text.replace(f'"{spec}"', f'"{raised}"')
    assert [line for line, _ in notes] == [5]


@pytest.mark.parametrize("spec", ["^4.52.0", "latest", "file:../openai", "workspace:*", "7.59.0"])
def test_current_and_non_version_pins_stay(spec):
    text = '{"dependencies": {"openai": "' + spec + '"}}'
    assert raise_openai_pin(text) == (text, [])


def test_only_the_version_string_changes():
    """Indentation, key order, a nested "openai" key elsewhere and the other sections stay byte for byte."""
    text = textwrap.dedent("""\
        {
        \t"name": "bot",
        \t"config": { "openai": "^3.0.0" },
        \t"devDependencies": {"openai":"~3.1.0", "jest": "^29"},
        \t"dependencies": {
        \t\t"openai" : "^3.3.0"
        \t}
        }
        """)
    after, notes = raise_openai_pin(text)
    assert after == (text.replace('"openai":"~3.1.0"', f'"openai":"~{CURRENT}"')
                     .replace('"openai" : "^3.3.0"', f'"openai" : "^{CURRENT}"'))
    assert sorted(line for line, _ in notes) == [4, 6]
    assert raise_openai_pin(after) == (after, [])


def _app(tmp_path, code: str, pin: str = "^3.3.0"):
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "package.json").write_text('{\n  "name": "bot",\n  "dependencies": { "openai": "' + pin + '" }\n}\n')
    (tmp_path / "bot" / "src").mkdir()
    (tmp_path / "bot" / "src" / "index.js").write_text(code)
    (tmp_path / "requirements.txt").write_text("openai==0.28.1\n")
    return tmp_path


V3 = ('const { Configuration, OpenAIApi } = require("openai");\n'
      'const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));\n'
      'module.exports = async (q) => (await openai.createChatCompletion({ model: "m", messages: [] })).data;\n')


def test_the_plan_raises_the_pin_above_the_upgraded_file_only(tmp_path):
    root = _app(tmp_path, V3)
    plan = plan_rewrite([root])  # every rule, none named: pins follow upgrades
    changed = {c.path: c for c in plan.changes}
    assert set(changed) == {"bot/package.json", "bot/src/index.js"}
    assert "OAI004" in changed["bot/src/index.js"].rules
    assert changed["bot/package.json"].after == changed["bot/package.json"].before.replace("^3.3.0", f"^{CURRENT}")
    assert changed["bot/package.json"].rules == ("OAI011",)
    assert any(r.path == "bot/package.json" and r.rule == "OAI011" and "npm install" in r.message for r in plan.review)
    # requirements.txt (openai 0.28) stays: the Python pin follows the Python upgrade, not a JS one


def test_no_pin_change_without_an_upgrade(tmp_path):
    root = _app(tmp_path, 'const OpenAI = require("openai");\nmodule.exports = new OpenAI.OpenAI();\n')
    plan = plan_rewrite([root])
    assert "bot/package.json" not in [c.path for c in plan.changes]
