"""`migrate pr` on the command line: help, dry run, config, exit codes."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.config import ConfigError, load_config
from migrate.pr import PrOptions, resolve_options


def invoke(repo, *args, env=None):
    runner = CliRunner()
    import os

    cwd = os.getcwd()
    os.chdir(repo.work)
    try:
        return runner.invoke(main, ["pr", *args], env=env, catch_exceptions=False)
    finally:
        os.chdir(cwd)


def test_help_has_examples():
    result = CliRunner().invoke(main, ["pr", "--help"])
    assert result.exit_code == 0
    for text in (
        "Examples:",
        "migrate pr . --dry-run",
        "--force-branch",
        "--allow-dirty",
        "--token-env",
        "--api-url",
        "[tool.migrate.pr]",
    ):
        assert text in result.output


def test_dry_run_prints_branch_message_and_body(repo):
    refs = repo.git("for-each-ref")
    result = invoke(repo, ".", "--dry-run", "--no-scan", "--branch", "llama/switch")
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "create branch llama/switch" in result.output
    assert (
        "service/app.py" in result.output and "## Files changed" in result.output and "commit message" in result.output
    )
    assert repo.git("for-each-ref") == refs


def test_json_output(repo):
    result = invoke(repo, ".", "--no-scan", "--no-push", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] and data["status"] == "committed" and data["pushed"] is False
    assert data["commit"] == repo.git("rev-parse", "migrate/vllm")


def test_dirty_tree_exits_1_with_the_reason(repo):
    (repo.work / "README.md").write_text("changed\n")
    result = invoke(repo, ".", "--no-scan")
    assert result.exit_code == 1
    assert "uncommitted changes (README.md)" in result.output and "--allow-dirty" in result.output


def test_nothing_to_change_exits_0(repo):
    for path in ("service/app.py", "service/worker.py"):
        (repo.work / path).unlink()
    repo.commit_all("no OpenAI left")
    result = invoke(repo, ".", "--no-scan")
    assert result.exit_code == 0, result.output
    assert "Nothing to change" in result.output
    assert repo.git("branch", "--list", "migrate/vllm") == ""


def test_pushed_without_token_prints_body_and_compare_link(github_repo):
    result = invoke(github_repo, ".", "--no-scan")
    assert result.exit_code == 0, result.output
    assert "Pushed" in result.output and "no GITHUB_TOKEN or GH_TOKEN" in result.output
    assert "## Summary" in result.output
    assert "https://github.com/acme/app/compare/main...migrate/vllm?expand=1" in result.output


def test_config_table_sets_defaults_and_flags_win(repo):
    (repo.work / "migrate.toml").write_text(
        '[pr]\nbranch = "llm/vllm"\ndraft = true\nlabels = ["llm"]\nforce-branch = true\n'
    )
    config = load_config(start=repo.work)
    options = resolve_options(config, branch=None, draft=None, labels=None)
    assert (options.branch, options.draft, options.labels, options.force_branch) == ("llm/vllm", True, ("llm",), True)
    assert resolve_options(config, branch="mine").branch == "mine"
    assert resolve_options(None) == PrOptions()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param('[pr]\nbranchh = "x"\n', "unknown key 'branchh'", id="typo"),
        pytest.param("[pr]\ndraft = 'yes'\n", "pr.draft must be true or false", id="bool"),
        pytest.param("[pr]\nlabels = [1]\n", "pr.labels must be a list of strings", id="list"),
    ],
)
def test_config_errors_name_the_file_and_key(tmp_path, table, message):
    (tmp_path / "migrate.toml").write_text(table)
    with pytest.raises(ConfigError, match=message) as info:
        resolve_options(load_config(start=tmp_path))
    assert "migrate.toml" in str(info.value)


def test_test_doubles_are_left_unless_include_tests(repo):
    (repo.work / "tests").mkdir()
    (repo.work / "tests" / "test_app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef test_ask():\n"
        "    assert client.chat.completions.create(model='gpt-4o-mini', messages=[]) is not None\n"
    )
    repo.commit_all("a test")
    plain = invoke(repo, ".", "--no-scan", "--no-push", "--json", "--branch", "plain")
    assert plain.exit_code == 0, plain.output
    assert "tests/test_app.py" not in json.loads(plain.output)["files"]
    assert "service/app.py" in json.loads(plain.output)["files"]
    wide = invoke(repo, ".", "--no-scan", "--no-push", "--json", "--branch", "wide", "--include-tests")
    assert wide.exit_code == 0, wide.output
    assert "tests/test_app.py" in json.loads(wide.output)["files"]
    assert b"OPENAI_BASE_URL" in repo.show(repo.git("rev-parse", "wide"), "tests/test_app.py")


def test_include_tests_from_the_config_table(repo):
    (repo.work / "tests").mkdir()
    (repo.work / "tests" / "test_app.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    (repo.work / "migrate.toml").write_text("[pr]\ninclude-tests = true\n")
    repo.commit_all("a test and the config")
    result = invoke(repo, ".", "--no-scan", "--no-push", "--json")
    assert result.exit_code == 0, result.output
    assert "tests/test_app.py" in json.loads(result.output)["files"]


def test_target_profile_judges_the_body(repo, tmp_path, monkeypatch):
    from migrate.catalog.profile import DEFAULT_PROFILE_PATH

    monkeypatch.delenv("MIGRATE_TARGET_PROFILE", raising=False)  # a user's override would change every verdict
    profile = json.loads(DEFAULT_PROFILE_PATH.read_text())
    for obs in profile["endpoints"]["chat.completions.create"]["logit_bias"]:
        obs.update(outcome="refused", status=400, message="logit_bias is not supported by this gateway")
        obs.pop("effect", None)
    target = tmp_path / "gateway.json"
    target.write_text(json.dumps(profile))
    result = invoke(repo, ".", "--dry-run", "--target", str(target))
    assert result.exit_code == 0, result.output
    body = result.output.replace("\\_", "_")  # the body escapes markdown
    assert "**unsupported**: logit_bias:" in body and "logit_bias is not supported by this gateway" in body
    assert "(evidence: probed)" in body
    assert "MIGRATE_TARGET_PROFILE" not in os.environ  # --target went to the scan and the rewrite, not the process
    default = invoke(repo, ".", "--dry-run")
    assert "not supported by this gateway" not in default.output and "(evidence: fact)" in default.output
