"""benchmarks/js_scan_compare.py compares like with like: semgrep and ast-grep, run the way the benchmark runs
them, find exactly the same things with their two rule files on a tree with one example of each rule (in .ts,
.tsx and .js files), and nothing in code that only looks similar. Its report and targets are checked on a
measured run of the three tools on that tree."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

FILES = {
    "src/client.ts": """
        import OpenAI, { AzureOpenAI } from "openai";
        import * as oai from "openai";
        export const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
        export const azure = new AzureOpenAI({ endpoint: "https://x.openai.azure.com" });
        export const other = new oai.OpenAI();
        const url = `https://api.openai.com/v1/chat/completions`;
        const notes = ["append"].join(", ");
        """,
    "src/calls.ts": """
        import { client } from "./client";
        export async function all(q: string) {
          await client.chat.completions.create({ model: "gpt-4o", messages: [] });
          await client.beta.chat.completions.parse({ model: "gpt-4o", messages: [] });
          await client.responses.create({ model: "gpt-4o", input: q });
          await client.embeddings.create({ model: "text-embedding-3-small", input: q });
          await client.images.generate({ prompt: q });
          await client.audio.speech.create({ model: "tts-1", voice: "alloy", input: q });
          await client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" });
          await client.vectorStores.files.list("vs");
          this.files.push(q);
          client.images.toString();
        }
        """,
    "src/app/route.tsx": """
        import { openai, createOpenAI } from "@ai-sdk/openai";
        import { ChatOpenAI } from "@langchain/openai";
        const gateway = createOpenAI({ baseURL: process.env.GATEWAY_URL });
        export const model = openai("gpt-4o");
        export const chat = openai.chat("gpt-4o-mini");
        export const lc = new ChatOpenAI({ model: "gpt-4o-mini" });
        export const View = () => <div>{process.env.OPENAI_ORG_ID}</div>;
        """,
    "legacy/worker.js": """
        const { Configuration, OpenAIApi } = require("openai");
        const api = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));
        module.exports = () => api.createChatCompletion({ model: "gpt-3.5-turbo", messages: [] });
        """,
}

# (file, line, rule id): what both tools must report, and nothing else
EXPECTED = {
    ("src/client.ts", 3, "openai-client"), ("src/client.ts", 3, "openai-env"),
    ("src/client.ts", 4, "openai-client"), ("src/client.ts", 5, "openai-client"), ("src/client.ts", 6, "openai-url"),
    ("src/calls.ts", 3, "openai-chat-completions"), ("src/calls.ts", 4, "openai-chat-completions"),
    ("src/calls.ts", 5, "openai-responses"), ("src/calls.ts", 6, "openai-completions-embeddings-moderations"),
    ("src/calls.ts", 7, "openai-images-audio"), ("src/calls.ts", 8, "openai-images-audio"),
    ("src/calls.ts", 9, "openai-platform-resources"), ("src/calls.ts", 10, "openai-platform-resources"),
    ("src/app/route.tsx", 3, "openai-ai-sdk"), ("src/app/route.tsx", 4, "openai-ai-sdk"),
    ("src/app/route.tsx", 5, "openai-ai-sdk"), ("src/app/route.tsx", 6, "openai-wrappers"),
    ("src/app/route.tsx", 7, "openai-env"),
    ("legacy/worker.js", 2, "openai-client"), ("legacy/worker.js", 2, "openai-env"),
    ("legacy/worker.js", 3, "openai-v3-methods"),
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("js-rules") / "tree"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def _relative(path: str, tree: Path) -> str:
    return os.path.relpath(os.path.realpath(path), os.path.realpath(tree))


def test_semgrep_and_ast_grep_find_the_same_uses(tree, tmp_path, bench_tools, js_scan_compare, scan_speed):
    out = tmp_path / "semgrep.json"
    sg = js_scan_compare.semgrep_command(bench_tools["semgrep"], tree, out, 1)
    import subprocess

    done = subprocess.run(sg, capture_output=True, text=True, env=scan_speed.semgrep_env(), cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(out.read_text())
    assert data["errors"] == []
    semgrep = {(_relative(os.path.join(tree, r["path"]) if not os.path.isabs(r["path"]) else r["path"], tree),
                r["start"]["line"], r["check_id"].rsplit(".", 1)[-1]) for r in data["results"]}

    config = js_scan_compare.ast_grep_project(tmp_path)
    done = subprocess.run(js_scan_compare.ast_grep_command(bench_tools["ast-grep"], config, tree), capture_output=True,
                          text=True, cwd=tmp_path, timeout=600)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    matches = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    ast_grep = {(_relative(r["file"] if os.path.isabs(r["file"]) else os.path.join(tmp_path, r["file"]), tree),
                 r["range"]["start"]["line"] + 1, r["ruleId"].rsplit("-", 1)[0]) for r in matches}

    assert semgrep == EXPECTED, (sorted(semgrep - EXPECTED), sorted(EXPECTED - semgrep))
    assert ast_grep == EXPECTED, (sorted(ast_grep - EXPECTED), sorted(EXPECTED - ast_grep))


def test_both_rule_files_hold_the_same_rules(js_scan_compare):
    import re

    semgrep_ids = re.findall(r"^  - id: (\S+)$", js_scan_compare.SEMGREP_RULES.read_text(), re.M)
    ast_grep_ids = re.findall(r"^id: (\S+)$", js_scan_compare.AST_GREP_RULES.read_text(), re.M)
    assert semgrep_ids == ast_grep_ids and len(semgrep_ids) == 11


def test_the_report_and_targets_of_a_measured_run(tree, tmp_path, bench_tools, js_scan_compare):
    args = js_scan_compare.parse_args(["--tree", str(tree), "--repeat", "1", "--semgrep", bench_tools["semgrep"],
                                       "--ast-grep", bench_tools["ast-grep"], "--no-docs"])
    results = js_scan_compare.run(args)
    names = [r["name"] for r in results["runs"]]
    assert names == ["migrate scan", "ast-grep scan", "semgrep"]
    by_name = dict(zip(names, results["runs"]))
    assert by_name["semgrep"]["extra"]["files_with_findings"] == by_name["ast-grep scan"]["extra"]["files_with_findings"] == 4
    # migrate resolves imports: the four files use OpenAI, and it finds them too
    assert by_name["migrate scan"]["extra"]["files_with_findings"] == 4
    assert results["agreement"]["semgrep"]["both"] == 4
    assert results["app"]["extra"]["files_scanned"] == 2_000
    assert [t["what"] for t in results["targets"]] == [
        "semgrep time / migrate time", "migrate time / ast-grep time", "2,000-file TypeScript app, migrate wall time"]
    for t in results["targets"]:
        assert t["met"] is (t["measured"] >= 20 if "semgrep" in t["what"] else
                            t["measured"] <= 2 if "ast-grep" in t["what"] else t["measured"] < 1)
    text = js_scan_compare.render_markdown(results)
    assert "| semgrep |" in text and "| ast-grep scan |" in text and f"--tree {tree}" in text
    assert "Files flagged: 4 by migrate and semgrep, 0 by migrate only, 0 by semgrep only." in text


def test_a_semgrep_run_stopped_at_the_timeout_is_a_lower_bound(js_scan_compare, common):
    def measurement(name, wall, **extra):
        return common.Measurement(name, [name], wall, [wall], 1 << 20, 1 << 20, 0, extra={
            "files_with_findings": 1, "findings": 1, "_paths": ["/t/a.ts"], **extra})

    mig = measurement("migrate scan", 10.0, files_scanned=100, files_parsed=5)
    ast_grep = measurement("ast-grep scan", 40.0)
    semgrep = measurement("semgrep", 150.0, timed_out=True, _paths=[])  # 15x at the timeout: not yet 20x
    app = measurement("migrate scan (app)", 0.8, files_scanned=2000, files_parsed=201)
    targets = js_scan_compare._targets([mig, ast_grep, semgrep], app)
    assert [(t["shown"], t["met"]) for t in targets] == [("more than 15.0x", None), ("0.25x", True), ("800 ms", True)]
    semgrep.wall_s = 300.0  # 30x at the timeout: the target is met whatever semgrep would have taken
    assert js_scan_compare._targets([mig, ast_grep, semgrep], app)[0]["met"] is True
