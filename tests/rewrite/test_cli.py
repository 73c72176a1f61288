"""`migrate rewrite` as a user runs it: diff by default, --write, --check, formats, exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from migrate.cli import main

LEGACY = 'import openai\n\nr = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[])\nprint(r["choices"][0]["message"]["content"])\n'


def _tree(tmp_path):
    (tmp_path / "app.py").write_text(LEGACY)
    (tmp_path / "other.py").write_text("print('no openai here')\n")
    (tmp_path / "migrate.toml").write_text('[models]\n"gpt-3.5-turbo" = "tiny-llama"\n')
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(main, ["rewrite", *args], catch_exceptions=False)


def test_default_shows_a_diff_and_changes_nothing(tmp_path):
    root = _tree(tmp_path)
    result = invoke(str(root), "--no-color")
    assert result.exit_code == 0
    assert "--- a/app.py" in result.output and "+client = openai.OpenAI(" in result.output
    assert "\x1b[" not in result.output
    assert (root / "app.py").read_text() == LEGACY


def test_check_exits_1_then_write_then_check_exits_0(tmp_path):
    root = _tree(tmp_path)
    assert invoke(str(root), "--check").exit_code == 1
    written = invoke(str(root), "--write")
    assert written.exit_code == 0 and "Wrote 1 file(s)" in written.output
    assert "client.chat.completions.create" in (root / "app.py").read_text()
    assert (root / "other.py").read_text() == "print('no openai here')\n"
    assert invoke(str(root), "--check").exit_code == 0


def test_json_format_is_the_plan(tmp_path):
    result = invoke(str(_tree(tmp_path)), "--format", "json")
    data = json.loads(result.output)
    assert [c["path"] for c in data["changes"]] == ["app.py"]
    assert data["changes"][0]["rules"] == ["OAI001", "OAI003", "OAI004", "OAI006"]
    assert "+client = openai.OpenAI(" in data["changes"][0]["diff"]


def test_color_diff(tmp_path):
    assert "\x1b[32m+" in invoke(str(_tree(tmp_path)), "--color").output


def test_usage_errors_exit_2(tmp_path):
    assert invoke(str(tmp_path / "missing")).exit_code == 2
    bad = invoke(str(_tree(tmp_path)), "--select", "OAI999")
    assert bad.exit_code == 2 and "unknown rule 'OAI999'" in bad.output
    assert invoke(str(tmp_path), "--write", "--check").exit_code == 2


def test_list_rules_and_help():
    listing = invoke("--list-rules")
    assert listing.exit_code == 0 and all(f"OAI{n:03d}" in listing.output for n in range(1, 12))
    assert "Examples:" in invoke("--help").output


def test_importing_the_library_and_planning_a_tree_without_openai_never_loads_libcst(tmp_path):
    import subprocess
    import sys

    (tmp_path / "plain.py").write_text("print('hello')\n")
    code = ("import sys; from migrate.rewrite import plan_rewrite; import migrate.cli.rewrite; "
            f"plan = plan_rewrite([{str(tmp_path)!r}]); "
            "print(sorted(m for m in ('libcst', 'openai', 'vllm', 'jinja2', 'rich') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
