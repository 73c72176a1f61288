"""Which files the JS/TS scan reads: sources, components, pins; what it skips and how it says so."""

from __future__ import annotations

from tests.scan.javascript.conftest import calls

USE = 'import OpenAI from "openai";\nconst c = new OpenAI();\nc.chat.completions.create({ model: "gpt-4o" });\n'


def test_every_source_extension(scan_tree):
    names = ["a.js", "b.mjs", "c.cjs", "d.jsx", "e.ts", "f.mts", "g.cts", "h.tsx"]
    result = scan_tree({n: USE for n in names})
    assert sorted({f.path for f in result.findings if f.kind.value == "call"}) == names
    languages = {f.path: f.language for f in result.findings}
    assert languages["a.js"] == "javascript" and languages["h.tsx"] == "typescript"


def test_jsx_and_tsx_parse(scan_tree):
    tsx = 'import OpenAI from "openai";\nconst c = new OpenAI();\nexport const A = () => <div onClick={() => c.chat.completions.create({ model: "gpt-4o" })}>hi</div>;\n'
    result = scan_tree({"a.tsx": tsx, "b.jsx": tsx})
    assert len([f for f in result.findings if f.kind.value == "call"]) == 2
    assert result.skipped == ()


def test_vue_and_svelte_script_blocks_keep_file_lines(scan_tree):
    vue = '<template>\n  <div>{{ x }}</div>\n</template>\n\n<script setup lang="ts">\n' + USE + "</script>\n"
    svelte = '<script>\n' + USE + '</script>\n\n<h1>openai.chat.completions.create</h1>\n'
    result = scan_tree({"Chat.vue": vue, "Chat.svelte": svelte})
    found = {(f.path, f.line, f.language) for f in result.findings if f.kind.value == "call"}
    assert found == {("Chat.vue", 8, "typescript"), ("Chat.svelte", 4, "javascript")}
    (vue_call,) = [f for f in result.findings if f.path == "Chat.vue" and f.kind.value == "call"]
    assert vue.encode()[vue_call.start_byte:vue_call.end_byte].startswith(b"c.chat.completions.create")


def test_vendored_build_minified_and_declarations_are_skipped(scan_tree):
    files = {"node_modules/x/index.js": USE, "dist/app.js": USE, "build/app.js": USE, ".next/server/page.js": USE,
             "public/vendor.min.js": USE, "types/openai.d.ts": USE, "src/app.ts": USE, "build/tool.py": "import openai\nopenai.api_key = 'x'\n"}
    result = scan_tree(files)
    assert sorted({f.path for f in result.findings}) == ["build/tool.py", "src/app.ts"]
    vendored = scan_tree(files, include_vendored=True)
    paths = {f.path for f in vendored.findings}
    assert {"node_modules/x/index.js", "dist/app.js", ".next/server/page.js"} <= paths
    assert "types/openai.d.ts" not in paths
    minified = next(s for s in vendored.skipped if s.path == "public/vendor.min.js")
    assert minified.reason == "minified"


def test_long_line_bundle_is_skipped_with_a_reason(scan_tree):
    bundle = "var a=1;" * 400 + "\n" + USE
    result = scan_tree({"bundle.js": bundle})
    assert result.findings == ()
    assert [(s.path, s.reason) for s in result.skipped] == [("bundle.js", "minified")]


def test_syntax_errors_are_counted_and_the_rest_is_scanned(scan_tree):
    broken = USE + "function (\n"
    result = scan_tree({"broken.ts": broken})
    assert calls(result.findings) == [("chat.completions.create", "OpenAI", "gpt-4o")]
    (skip,) = result.skipped
    assert skip.reason == "syntax error" and skip.line == 4 and "broken.ts" == skip.path


def test_package_json_pins(scan_tree):
    pkg = ('{\n  "dependencies": {\n    "openai": "^3.3.0",\n    "openai-edge": "1.2.2",\n    "react": "18"\n  },\n'
           '  "devDependencies": { "@azure/openai": "1.0.0-beta.12", "ai": "^4.0.0" }\n}\n')
    result = scan_tree({"package.json": pkg})
    pins = [(f.endpoint, f.line, f.verdict.value) for f in result.findings]
    assert pins == [("openai", 3, "needs-change"), ("openai-edge", 4, "needs-change"),
                    ("@azure/openai", 7, "needs-change"), ("ai", 7, "ok")]
    assert "openai@^4" in result.findings[0].issues[0].fix


def test_current_openai_pin_is_ok(scan_tree):
    result = scan_tree({"package.json": '{"dependencies": {"openai": "^4.52.0"}}'})
    assert [(f.endpoint, f.verdict.value) for f in result.findings] == [("openai", "ok")]


def test_broken_package_json_is_reported(scan_tree):
    result = scan_tree({"package.json": '{"dependencies": {"openai": "^4"'})
    assert [(s.path, s.reason) for s in result.skipped] == [("package.json", "syntax error")]


def test_non_utf8_is_reported(tmp_path):
    from migrate.scan import scan

    root = tmp_path / "r"
    root.mkdir()
    (root / "a.js").write_bytes(b"// openai \xff\xfe\nconst x = 1;\n")
    result = scan([root])
    assert [(s.path, s.reason) for s in result.skipped] == [("a.js", "not UTF-8")]
