"""End to end: `migrate scan` on examples/node_app finds what the app does with OpenAI, and the stages that read
findings (reports, JSON, `serve --for`, doctor's feature list) take them like Python's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from migrate.scan import scan
from migrate.scan.findings import ScanResult

APP = Path(__file__).resolve().parents[3] / "examples" / "node_app"

# (path, line, kind, endpoint, model, parameters, verdict), in the scan's order.
EXPECTED = [
    ("legacy/package.json", 4, "requirement", "openai", None, ("^3.3.0",), "needs-change"),
    ("legacy/worker.js", 4, "env", None, None, ("OPENAI_API_KEY",), "needs-change"),
    ("legacy/worker.js", 5, "client", None, None, ("apiKey",), "needs-change"),
    ("legacy/worker.js", 8, "call", "chat.completions.create", "gpt-3.5-turbo", ("functions", "messages", "model"), "needs-change"),
    ("package.json", 7, "requirement", "openai", None, ("^4.52.0",), "ok"),
    ("package.json", 8, "requirement", "ai", None, ("^4.0.0",), "ok"),
    ("package.json", 9, "requirement", "@ai-sdk/openai", None, ("^1.0.0",), "ok"),
    ("package.json", 10, "requirement", "@langchain/openai", None, ("^0.3.0",), "ok"),
    ("src/app/api/ai/route.ts", 6, "client", None, None, ("apiKey", "baseURL"), "needs-change"),
    ("src/app/api/ai/route.ts", 10, "call", "responses.create", "gpt-4o", ("max_tokens", "temperature"), "needs-change"),
    ("src/app/api/ai/route.ts", 15, "call", "chat.completions.create", "gpt-4o-mini", ("response_format",), "needs-change"),
    ("src/app/api/chat/route.ts", 5, "call", "chat.completions.create", "gpt-4o-mini", ("logit_bias", "messages", "model", "temperature"), "needs-change"),
    ("src/app/api/embed/route.ts", 5, "call", "embeddings.create", "text-embedding-3-small", ("input", "model"), "needs-change"),
    ("src/chains/summarize.ts", 4, "wrapper", "chat.completions.create", "gpt-4o-mini", ("model", "temperature"), "needs-change"),
    ("src/chains/summarize.ts", 5, "wrapper", "embeddings.create", "text-embedding-3-large", ("model",), "needs-change"),
    ("src/components/Chat.vue", 10, "client", None, None, ("apiKey", "dangerouslyAllowBrowser"), "needs-change"),
    # OpenAI's key as Vite exposes it to browser code (the bundler prefix: catalog FRAMEWORK_ENV_PREFIXES)
    ("src/components/Chat.vue", 10, "env", None, None, ("VITE_OPENAI_KEY",), "needs-change"),
    ("src/components/Chat.vue", 13, "call", "chat.completions.create", "gpt-4o-mini", ("messages", "model"), "needs-change"),
    ("src/lib/openai.ts", 4, "client", None, None, ("apiKey",), "needs-change"),
    ("src/lib/openai.ts", 4, "env", None, None, ("OPENAI_API_KEY",), "needs-change"),
    ("src/services/assistant.ts", 7, "client", None, None, (), "needs-change"),
    ("src/services/assistant.ts", 11, "call", "responses.create", "gpt-4o", ("input", "model", "store"), "needs-change"),
    ("src/services/raw.js", 2, "url", None, None, (), "needs-change"),
    ("src/services/raw.js", 5, "http", "/v1/moderations", "omni-moderation-latest", ("input", "model"), "unsupported"),
    ("src/services/raw.js", 7, "env", None, None, ("OPENAI_API_KEY",), "needs-change"),
]


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan([APP])


def test_finds_exactly_what_the_app_does(result):
    got = [(f.path, f.line, f.kind.value, f.endpoint, f.model, f.parameters, f.verdict.value) for f in result.findings]
    assert got == EXPECTED
    assert result.skipped == ()


def test_groq_service_is_not_a_finding(result):
    assert not [f for f in result.findings if f.path == "src/services/groq.ts"]


def test_model_origins_name_the_other_module(result):
    chat = next(f for f in result.findings if f.path == "src/app/api/chat/route.ts")
    assert chat.model_origin == "default of process.env.CHAT_MODEL (CHAT_MODEL from @/lib/openai)"
    assert "client OpenAI from @/lib/openai" in chat.detail


def test_languages(result):
    languages = {f.path.rsplit(".", 1)[-1]: f.language for f in result.findings}
    assert languages == {"json": "javascript", "js": "javascript", "ts": "typescript", "vue": "typescript"}


def test_json_round_trip_keeps_language_and_bytes(result):
    again = ScanResult.from_dict(json.loads(result.to_json()))
    assert again.findings == result.findings
    call = next(f for f in again.findings if f.kind.value == "call")
    assert call.language and call.start_byte is not None and call.end_byte > call.start_byte


def test_sarif_names_the_language_of_each_result(result):
    from migrate.scan.formats import render

    log = json.loads(render(result, "sarif", srcroot=APP))
    languages = {r["properties"]["language"] for r in log["runs"][0]["results"]}
    assert languages == {"javascript", "typescript"}


def test_markdown_and_table_show_languages(result):
    from migrate.scan.formats import render

    md = render(result, "markdown")
    assert "| Location | Language | Endpoint | Model | Verdict | Evidence | Reason |" in md
    assert "| `src/components/Chat.vue:10` | typescript |" in md
    assert "By language: typescript 14, javascript 11" in render(result, "table", width=160)


def test_one_report_for_a_mixed_python_and_typescript_repo(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(APP, repo / "web")
    (repo / "worker.py").write_text("from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[])\n")
    mixed = scan([repo])
    languages = {f.language for f in mixed.findings}
    assert languages == {"python", "javascript", "typescript"}
    assert [f.path for f in mixed.findings if f.language == "python"] == ["worker.py", "worker.py"]
    from migrate.scan.formats import render

    assert "python 2" in render(mixed, "markdown")


def test_serve_and_doctor_read_js_findings(result):
    from migrate.serve.needs import needs_from_findings

    needs = needs_from_findings(result)
    assert {"chat", "embeddings", "responses", "tools"} <= set(needs.features)
    assert "gpt-4o-mini" in needs.chat_models and "text-embedding-3-small" in needs.embedding_models
    assert "legacy/worker.js:8" in needs.legacy_functions


def test_cli_serve_dry_run_for_the_node_app(tmp_path):
    from click.testing import CliRunner

    from migrate.cli import main

    out = CliRunner().invoke(main, ["serve", "--for", str(APP), "--model", "tiny-llama", "--dry-run", "--format", "json"])
    assert out.exit_code == 0, out.output
    plan = json.loads(out.output)
    text = json.dumps(plan)
    for name in ("gpt-3.5-turbo", "gpt-4o", "gpt-4o-mini"):  # models the JS code sends, served under their names
        assert f'"{name}"' in text


def test_rich_terminal_report_has_a_language_column(result):
    from rich.console import Console

    from migrate.scan.formats.terminal import print_report

    console = Console(record=True, width=200)
    print_report(result, console=console)
    text = console.export_text()
    assert "by language: typescript 14, javascript 11" in text
    assert any("src/components/Chat.vue:10" in line and "typescript" in line for line in text.splitlines())
