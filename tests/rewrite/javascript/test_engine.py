"""The JS/TS rewrite engine: edits applied together, overlaps refused, output re-parsed, untouched files
byte-identical, component offsets, files that are not parsed."""

from __future__ import annotations

import sys
import types

import pytest

from migrate.rewrite.javascript import Edit, RuleOutput, apply_edits
from migrate.rewrite.javascript import registry
from migrate.rewrite.javascript.edits import OverlappingEdits, shift
from migrate.rewrite.registry import BY_ID
from tests.rewrite.javascript.cases import run_js

ALL = tuple(BY_ID)


def test_edits_apply_together_at_original_offsets():
    source = b"const a = 1; const b = 2;"
    edits = [Edit(19, 20, "b2"), Edit(6, 7, "alpha"), Edit(12, 12, " /* x */")]
    assert apply_edits(source, edits) == b"const alpha = 1; /* x */ const b2 = 2;"
    assert shift(19, edits) == 19 + 4 + 8


def test_two_insertions_at_one_offset_keep_their_order():
    assert apply_edits(b"()", [Edit(1, 1, "a"), Edit(1, 1, "b")]) == b"(ab)"


def test_overlapping_edits_are_refused():
    with pytest.raises(OverlappingEdits):
        apply_edits(b"0123456789", [Edit(2, 6, "x"), Edit(5, 8, "y")])


@pytest.fixture
def broken_rule(monkeypatch):
    """A rule registered for the test that writes code that does not parse."""
    module = types.ModuleType("migrate.rewrite.javascript.rules.test_broken")

    def run(js_module, context):
        out = RuleOutput()
        out.edit(0, 0, "const = ;\n")
        return out

    module.run = run
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(registry, "JS_RULES", (registry.JsRuleInfo("OAI001", "test_broken", "breaks the file"),))
    return module


def test_output_that_does_not_parse_leaves_the_file_unchanged(broken_rule):
    source = 'import OpenAI from "openai";\nconst c = new OpenAI();\n'
    result = run_js(source, ["OAI001"])
    assert result.after == source
    assert result.failure is not None and result.failure[0] == "OAI001"
    assert "does not parse" in result.failure[1]


def test_a_rule_that_raises_is_a_failure_not_a_crash(monkeypatch):
    module = types.ModuleType("migrate.rewrite.javascript.rules.test_raises")

    def run(js_module, context):
        raise KeyError("boom")

    module.run = run
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(registry, "JS_RULES", (registry.JsRuleInfo("OAI001", "test_raises", "raises"),))
    result = run_js('import OpenAI from "openai";\nnew OpenAI();\n', ["OAI001"])
    assert result.failure == ("OAI001", "KeyError: 'boom'")


def test_files_without_openai_use_are_byte_identical():
    source = "// OpenAI is mentioned here\nconst   x = { model: 'gpt-4o' } ;;\n\tconsole.log( x )\r\n"
    result = run_js(source, ALL, name="util.js")
    assert result.after == source and result.rules == [] and result.review == []


def test_a_file_that_does_not_parse_is_not_rewritten():
    result = run_js('import OpenAI from "openai";\nconst c = new OpenAI(;\n', ALL)
    assert result.parse_error is not None and "line 2" in result.parse_error


def test_minified_bundles_are_not_rewritten():
    source = 'import OpenAI from "openai";' + "var a=1;" * 400
    result = run_js(source, ALL, name="bundle.min.js")
    assert result.unreadable[0] == "minified"


def test_svelte_script_offsets_are_the_files():
    source = ('<h1>{title}</h1>\n<script lang="ts">\n  import OpenAI from "openai";\n'
              '  const client = new OpenAI({ apiKey: "sk-x" });\n</script>\n<p>after</p>\n')
    result = run_js(source, ALL, name="Page.svelte")
    assert result.failure is None
    assert result.after.startswith('<h1>{title}</h1>\n<script lang="ts">\n')
    assert result.after.endswith("</script>\n<p>after</p>\n")
    assert 'baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1"' in result.after


def test_review_lines_are_lines_of_the_rewritten_text():
    source = ('import OpenAI from "openai";\nconst a = new OpenAI();\n'
              'const b = new OpenAI({ baseURL: settings.url });\n')
    result = run_js(source, ALL)
    line = result.after.splitlines().index("const b = new OpenAI({ baseURL: settings.url });") + 1
    assert [(r, ln) for r, ln, _ in result.review] == [("OAI001", line)]


def test_quotes_and_indentation_follow_the_file():
    source = "import OpenAI from 'openai';\n\nfunction make() {\n    return new OpenAI();\n}\n"
    result = run_js(source, ALL, name="make.js")
    assert result.after == ("import OpenAI from 'openai';\n\nfunction make() {\n    return new OpenAI({\n"
                            "        baseURL: process.env.OPENAI_BASE_URL ?? 'http://localhost:8000/v1',\n"
                            "        apiKey: process.env.OPENAI_API_KEY ?? 'EMPTY',\n    });\n}\n")


def test_crlf_line_endings_and_jsdoc_do_not_change_the_style():
    source = ('const OpenAI = require("openai");\r\n/**\r\n * Makes the client.\r\n */\r\nfunction make() {\r\n'
              '    return new OpenAI();\r\n}\r\n')
    result = run_js(source, ALL, name="make.cjs")
    assert result.after == ('const OpenAI = require("openai");\r\n/**\r\n * Makes the client.\r\n */\r\n'
                            'function make() {\r\n    return new OpenAI({\r\n'
                            '        baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",\r\n'
                            '        apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",\r\n    });\r\n}\r\n')


def test_clients_no_rule_repoints_are_left_for_review():
    source = ('const { Configuration, OpenAIApi } = require("openai");\n'
              'const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));\n')
    result = run_js(source, ["OAI001"], name="v3.js")
    lines = result.after.splitlines(keepends=True)
    assert lines[0] + "".join(lines[2:]) == source  # nothing but the review comment
    assert lines[1].startswith("// migrate: an openai-node v3 client (Configuration / OpenAIApi): upgrade it")
    assert [(r, ln) for r, ln, _ in result.review] == [("OAI001", 3)]
    assert "openai-node v3" in result.review[0][2]
    assert run_js(result.after, ["OAI001"], name="v3.js").after == result.after


def test_review_comments_go_where_code_is_and_never_into_text():
    """A note's `// migrate:` line goes above its statement, never inside a template literal or JSX text."""
    source = ('import OpenAI from "openai";\n'
              'const prompt = `a\n${JSON.stringify({ x: new OpenAI({ ...o }) })}`;\n'
              'export const View = () => (\n  <div>\n    {String(new OpenAI({ ...o }))}\n  </div>\n);\n')
    result = run_js(source, ["OAI001"], name="view.tsx")
    assert result.failure is None
    lines = result.after.splitlines()
    assert lines[1].startswith("// migrate: this OpenAI client's options are spread") and lines[2] == "const prompt = `a"
    assert lines[4].startswith("// migrate: this OpenAI client's options are spread")
    assert lines[5] == "export const View = () => ("
    assert sorted(ln for _, ln, _ in result.review) == [4, 8]  # the clients' own lines
    assert run_js(result.after, ["OAI001"], name="view.tsx").after == result.after


@pytest.mark.parametrize("last", ["apiKey: process.env.KEY_FOR_OPENAI, // the team's key",
                                  "apiKey: process.env.KEY_FOR_OPENAI // the team's key"])
def test_a_comment_after_the_last_property_stays_on_its_line(last):
    source = f'import OpenAI from "openai";\nconst c = new OpenAI({{\n  {last}\n}});\n'
    result = run_js(source, ["OAI001"])
    lines = result.after.splitlines()
    assert lines[2].startswith("  apiKey: process.env.KEY_FOR_OPENAI,") and lines[2].endswith("// the team's key")
    comma = "," if "," in last else ""  # the object's trailing-comma style is kept
    assert lines[3] == f'  baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1"{comma}'
    assert lines[4] == "});"
    assert run_js(result.after, ["OAI001"]).after == result.after
