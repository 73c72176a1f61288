"""The tsc harness (benchmarks/typecheck_ts.py) catches what a rewrite breaks, and only that.

Each test edits a small TypeScript app by hand, the way a rewrite would, and type-checks it with the real tsc
against the real npm `openai` types of the test environment: a real type error on a written line is caught, an
error on an untouched line that uses a changed value too, a clean edit passes, and errors that were there before
(moved by the edit) are not blamed on it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CLIENT = """\
import OpenAI from "openai";

export const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
export const MODEL = process.env.CHAT_MODEL ?? "gpt-4o-mini";
"""

ROUTE = """\
import { client, MODEL } from "./client";

// there before any rewrite, and not the rewrite's to fix
const broken: number = "not a number";

export async function answer(question: string): Promise<string> {
  const completion = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: question }],
  });
  return completion.choices[0].message.content ?? "";
}
"""

REPOINTED = """\
import OpenAI from "openai";

// The endpoint comes from the environment, as the rewrite writes it.
export const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
  apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
});
export const MODEL = process.env.CHAT_MODEL ?? "gpt-4o-mini";
"""


def _app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "src").mkdir(parents=True)
    (root / "src" / "client.ts").write_text(CLIENT)
    (root / "src" / "route.ts").write_text(ROUTE)
    (root / "tsconfig.json").write_text(
        '{\n  // comments and trailing commas, as tsconfig files have them\n'
        '  "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "bundler", '
        '"strict": true, "types": ["node"], },\n}\n')
    return root


def test_a_clean_repointing_passes(tmp_path, node_env, typecheck_ts):
    result = typecheck_ts.check_rewrite(_app(tmp_path), {"src/client.ts": REPOINTED}, env=node_env)
    assert result.failures == []
    assert result.checked == ["src/client.ts", "src/route.ts"]
    # tsc did type-check against the real types: the deliberate error is seen on both sides, and is not new
    assert result.errors_before == result.errors_after == 1
    assert result.new == [] and result.vanished == 0


def test_a_type_error_on_a_written_line_is_caught(tmp_path, node_env, typecheck_ts):
    wrong = REPOINTED.replace('"http://localhost:8000/v1"', "8000")  # baseURL must be a string
    result = typecheck_ts.check_rewrite(_app(tmp_path), {"src/client.ts": wrong}, env=node_env)
    assert result.failures == []
    assert [(e.path, e.line, e.code, e.on_changed_line, e.reviewed) for e in result.new] == [
        ("src/client.ts", 5, "TS2322", True, False)]
    assert result.new[0].message.startswith("Type 'string | number' is not assignable to type 'string")
    assert result.unreviewed == result.new


def test_an_error_on_an_unchanged_line_using_a_changed_value_is_caught(tmp_path, node_env, typecheck_ts):
    # the model constant becomes a number: the edited file is fine, the untouched route that passes it is not
    changed = REPOINTED.replace('process.env.CHAT_MODEL ?? "gpt-4o-mini"', "Number(process.env.CHAT_MODEL)")
    result = typecheck_ts.check_rewrite(_app(tmp_path), {"src/client.ts": changed}, env=node_env)
    assert result.failures == []
    assert [(e.path, e.on_changed_line) for e in result.new] == [("src/route.ts", False)]
    assert result.new[0].line == ROUTE.splitlines().index("    model: MODEL,") + 1


def test_moved_errors_are_not_new_and_a_review_note_is_seen(tmp_path, node_env, typecheck_ts):
    # Lines inserted above the pre-existing error move it down: the diff maps it back to its old line.
    moved = ROUTE.replace("// there before", "import { readFileSync } from \"node:fs\";\nvoid readFileSync;\n"
                                             "// there before")
    # A client option the SDK does not have, under a review note: new, but reviewed.
    noted = REPOINTED.replace('  apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",\n',
                              '  apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",\n'
                              "  // migrate: review: Azure's api_version has no counterpart on vLLM\n"
                              '  apiVersion: "2024-02-01",\n')
    result = typecheck_ts.check_rewrite(_app(tmp_path), {"src/client.ts": noted, "src/route.ts": moved}, env=node_env)
    assert result.failures == []
    assert result.errors_before == 1 and result.errors_after == 2
    assert [(e.path, e.code, e.on_changed_line, e.reviewed) for e in result.new] == [
        ("src/client.ts", "TS2353", True, True)]
    assert result.unreviewed == []


def test_the_command_line_compares_two_trees(tmp_path, node_env):
    before = _app(tmp_path)
    after = tmp_path / "after"
    subprocess.run(["cp", "-r", str(before), str(after)], check=True)
    (after / "src" / "client.ts").write_text(REPOINTED.replace('?? "EMPTY"', "?? 42"))  # apiKey is a string
    done = subprocess.run([sys.executable, str(Path(__file__).resolve().parents[2] / "benchmarks" / "typecheck_ts.py"),
                           str(before), str(after)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 new (1 without a review note)" in done.stdout
    assert "src/client.ts:6: error TS2322" in done.stdout


def test_compare_maps_lines_through_the_diff(typecheck_ts):
    issue = typecheck_ts.TsIssue
    before = "a\nb\nc\n"
    after = "a\nx\ny\nb\nc\n"  # two lines inserted after line 1
    old = [issue("f.ts", 2, 1, "TS1", "m"), issue("f.ts", 3, 1, "TS2", "n")]
    new = [issue("f.ts", 4, 1, "TS1", "m"),  # line 2 moved to 4: not new
           issue("f.ts", 3, 1, "TS3", "o"),  # on an inserted line: new, changed
           issue("g.ts", 7, 1, "TS4", "p")]  # another file, untouched: new, unchanged
    errors, vanished = typecheck_ts.compare(old, new, {"f.ts": before}, {"f.ts": after})
    assert [(e.path, e.line, e.code, e.on_changed_line) for e in errors] == [("f.ts", 3, "TS3", True),
                                                                              ("g.ts", 7, "TS4", False)]
    assert vanished == 1  # TS2 on c is gone
