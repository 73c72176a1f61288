"""The GitHub Action's steps, run as the runner runs them, on temporary git repositories with an OpenAI call."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.action.conftest import ROOT, action, step

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_every_variable_a_script_reads_is_set_from_a_declared_input():
    declared_inputs = set(action()["inputs"])
    for spec in action()["runs"]["steps"]:
        if "run" not in spec:
            continue
        env = spec.get("env", {})
        used = set(re.findall(r"\bMK_[A-Z_]+", spec["run"]))
        assert used <= set(env), f"{spec['name']}: {sorted(used - set(env))} read but not set in env:"
        for name, value in env.items():
            match = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", str(value))
            if match:
                assert match.group(1) in declared_inputs, f"{name} reads an undeclared input {match.group(1)}"
        assert "${{" not in spec["run"], f"{spec['name']}: an expression inside run: can inject shell code"
    outputs = action()["outputs"]
    assert {"findings", "sarif-file", "pr-url"} <= set(outputs)


def test_scan_writes_valid_sarif_the_outputs_and_the_summary(run_step, app_repo):
    result = run_step("run", app_repo, MK_COMMAND="scan", MK_SARIF="out/migrate.sarif")
    assert result.returncode == 0, result.log
    sarif = app_repo / "out" / "migrate.sarif"
    log = json.loads(sarif.read_text())
    errors = list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log))
    assert not errors, errors[:3]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"service/app.py"}
    counts = json.loads(result.outputs["counts"])
    assert int(result.outputs["findings"]) == sum(n for verdict, n in counts.items() if verdict != "ok") > 0
    assert counts == log["runs"][0]["properties"]["counts_by_verdict"]
    assert result.outputs["sarif-file"] == "out/migrate.sarif"
    assert "service/app.py" in result.summary and "needs-change" in result.summary


def test_scan_fail_on_fails_the_step_but_still_writes_the_report(run_step, app_repo):
    result = run_step("run", app_repo, MK_COMMAND="scan", MK_FAIL_ON="needs-change")
    assert result.returncode == 1
    assert "::error title=migrate-kit::findings at or above fail-on (needs-change)" in result.stdout
    assert (app_repo / "migrate-kit.sarif").is_file() and int(result.outputs["findings"]) > 0
    passing = run_step("run", app_repo, MK_COMMAND="scan", MK_FAIL_ON="unsupported")
    assert passing.returncode == 0, passing.log


def test_scan_usage_errors_are_not_mistaken_for_findings(run_step, app_repo):
    result = run_step("run", app_repo, MK_COMMAND="scan", MK_PATHS="no-such-folder")
    assert result.returncode == 2 and "path not found: no-such-folder" in result.stderr
    assert "findings" not in result.outputs


def test_rewrite_check_fails_on_unconverted_code_and_passes_after_write(run_step, app_repo):
    before = run_step("run", app_repo, MK_COMMAND="rewrite-check", MK_PATHS="service")
    assert before.returncode == 1, before.log
    assert "::error title=migrate-kit::code is left to migrate" in before.stdout
    assert "+++ b/app.py" in before.stdout and "+    base_url=" in before.stdout  # the diff is in the log
    subprocess.run([sys.executable, "-m", "migrate", "rewrite", "service", "--write"], cwd=app_repo, check=True,
                   capture_output=True)  # fmt: skip
    after = run_step("run", app_repo, MK_COMMAND="rewrite --check", MK_PATHS="service")
    assert after.returncode == 0, after.log


def test_config_input_carries_the_model_map(run_step, app_repo):
    (app_repo / "migrate.toml").write_text('[models]\n"gpt-4o-mini" = "meta-llama/Llama-3.1-8B-Instruct"\n')
    subprocess.run([sys.executable, "-m", "migrate", "rewrite", ".", "--write", "--config", "migrate.toml"],
                   cwd=app_repo, check=True, capture_output=True)  # fmt: skip
    assert "meta-llama/Llama-3.1-8B-Instruct" in (app_repo / "service" / "app.py").read_text()
    result = run_step("run", app_repo, MK_COMMAND="rewrite-check", MK_CONFIG="migrate.toml")
    assert result.returncode == 0, result.log


def test_unknown_command_is_a_usage_error(run_step, app_repo):
    result = run_step("run", app_repo, MK_COMMAND="deploy")
    assert result.returncode == 2 and "command must be scan, rewrite-check or pr" in result.stdout


def test_pr_opens_then_refreshes_one_pull_request(run_step, github_repo, fake_github):
    from tests.pr.test_refresh import StatefulPulls

    pulls = StatefulPulls(fake_github)
    args = f"--no-scan --api-url {fake_github.url}"
    first = run_step("run", github_repo.work, MK_COMMAND="pr", MK_TOKEN="ghs_test", MK_ARGS=args)
    assert first.returncode == 0, first.log
    assert first.outputs["pr-url"] == "https://github.com/acme/app/pull/12"
    assert first.outputs["pr-action"] == "created" and first.outputs["branch"] == "migrate/vllm"
    assert "pull request created: https://github.com/acme/app/pull/12" in first.stdout

    (github_repo.work / "later.py").write_text("VALUE = 2\n")
    github_repo.commit_all("later work on main")
    github_repo.git("push", "-q", "origin", "main")
    second = run_step("run", github_repo.work, MK_COMMAND="pr", MK_TOKEN="ghs_test", MK_ARGS=args)
    assert second.returncode == 0, second.log
    assert second.outputs["pr-url"] == first.outputs["pr-url"] and second.outputs["pr-action"] == "updated"
    assert len(pulls.pulls) == 1
    assert github_repo.remote_git("rev-parse", "migrate/vllm^") == github_repo.git("rev-parse", "main")


def test_pr_without_identity_commits_as_the_actions_bot(run_step, github_repo, fake_github, monkeypatch):
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)
    result = run_step("run", github_repo.work, MK_COMMAND="pr", MK_TOKEN="", MK_ARGS="--no-scan")
    assert result.returncode == 0, result.log
    assert "no pull request: no GITHUB_TOKEN" in result.stdout and result.outputs["pr-url"] == ""
    author = github_repo.remote_git("log", "-1", "--format=%an <%ae>", "migrate/vllm")
    assert author == "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"


def test_pr_error_becomes_an_annotation_and_fails_the_step(run_step, github_repo, fake_github):
    (github_repo.work / "README.md").write_text("# app\nedited\n")  # a dirty tree stops `migrate pr`
    result = run_step("run", github_repo.work, MK_COMMAND="pr", MK_TOKEN="ghs_test", MK_ARGS="--no-scan")
    assert result.returncode == 1
    assert "::error title=migrate-kit pr::the work tree has uncommitted changes (README.md)" in result.stdout
    assert result.outputs["pr-url"] == "" and result.outputs["pr-action"] == "error"


@pytest.mark.slow
def test_install_from_checkout_installs_this_source(run_step, tmp_path):
    """The install step, for real, into a fresh venv that already sees this interpreter's dependencies."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    venv_site = next((venv / "lib").glob("python3*/site-packages"))
    (venv_site / "deps.pth").write_text(f"{site}\n")  # dependencies as installed; migrate-kit itself is not there
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "PYTHONPATH": "", "MK_INSTALL_FROM": "checkout"}
    result = run_step_plain(step("install")["run"], tmp_path, env, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "migrate-kit, version" in result.stdout
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import migrate; print(migrate.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})  # fmt: skip
    assert where.stdout.startswith(str(venv_site)), where.stdout + where.stderr


def run_step_plain(script: str, cwd: Path, env: dict, action_path: Path) -> subprocess.CompletedProcess[str]:
    import os

    full = {**{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}, **env,
            "MK_ACTION_PATH": str(action_path), "MK_VERSION": ""}  # fmt: skip
    path = cwd / "install.sh"
    path.write_text(script)
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=600)  # fmt: skip


@pytest.mark.parametrize("value", ["conda", ""])
def test_install_from_must_be_pypi_or_checkout(tmp_path, value):
    result = run_step_plain(step("install")["run"], tmp_path, {"MK_INSTALL_FROM": value}, ROOT)
    assert result.returncode == 2 and "install-from must be pypi or checkout" in result.stdout


def test_the_pypi_version_defaults_to_the_actions_own():
    from migrate._version import __version__

    script = step("install")["run"]
    line = next(line for line in script.splitlines() if "_version.py" in line)
    command = line.strip().removeprefix("version=$(").removesuffix(")")
    out = subprocess.run(["bash", "-c", command], env={"MK_ACTION_PATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert out == __version__
