"""action.yml and the example workflows under docs/workflows/, checked by the real linters: actionlint (with the
action's own metadata, through `uses: ./`), the GitHub Actions / workflow JSON schemas (SchemaStore's copies
vendored by check-jsonschema) and ShellCheck on every `run:` script of the action."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.action.conftest import ACTION, ROOT, action

WORKFLOWS = sorted((ROOT / "docs" / "workflows").glob("*.yml"))
USES = "migrate-kit/migrate-kit@v0.1.0"


def tool(name: str) -> str:
    """A linter from the test extra: beside this interpreter (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]' (pyproject.toml's test extra has it)"
    return found


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=120)


def test_there_are_example_workflows_for_each_command():
    texts = {p.name: p.read_text() for p in WORKFLOWS}
    assert {"migrate-scan.yml", "migrate-check.yml", "migrate-pr.yml"} <= set(texts)
    assert "github/codeql-action/upload-sarif@" in texts["migrate-scan.yml"]
    assert "schedule:" in texts["migrate-pr.yml"] and "workflow_dispatch:" in texts["migrate-pr.yml"]
    for name, text in texts.items():
        assert USES in text, f"{name} does not use the action as {USES}"


def test_actionlint_passes_the_example_workflows():
    proc = run(tool("actionlint"), "-no-color", *map(str, WORKFLOWS))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _local_repo(tmp_path: Path, edit=lambda text: text) -> Path:
    """A repository whose workflows use this action as `./`, so actionlint checks them against action.yml."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(ACTION, tmp_path / "action.yml")
    for path in WORKFLOWS:
        (tmp_path / ".github" / "workflows" / path.name).write_text(edit(path.read_text().replace(USES, "./")))
    return tmp_path


def test_actionlint_checks_the_workflows_inputs_against_action_yml(tmp_path):
    proc = run(tool("actionlint"), "-no-color", cwd=_local_repo(tmp_path / "good"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = _local_repo(tmp_path / "bad", lambda text: text.replace("fail-on:", "fail-onn:"))
    proc = run(tool("actionlint"), "-no-color", cwd=bad)
    assert proc.returncode == 1 and 'input "fail-onn" is not defined in action "migrate-kit"' in proc.stdout


def test_action_yml_matches_the_github_actions_schema(tmp_path):
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = tmp_path / "action.yml"
    broken.write_text(ACTION.read_text().replace("using: composite", "using: compost"))
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(broken))
    assert proc.returncode == 1, "the schema check must catch a bad `runs.using`"


def test_workflows_match_the_github_workflow_schema():
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS))
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("step_id", ["install", "run"])
def test_shellcheck_passes_the_actions_scripts(tmp_path, step_id):
    spec = next(s for s in action()["runs"]["steps"] if s.get("id") == step_id)
    assert spec["shell"] == "bash"
    script = tmp_path / f"{step_id}.sh"
    script.write_text(spec["run"])
    proc = run(tool("shellcheck"), "--shell=bash", "--severity=style", str(script))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_python_the_action_pins_is_a_released_version_and_setup_python_is_pinned_by_commit():
    setup = action()["runs"]["steps"][0]
    name, _, ref = setup["uses"].partition("@")
    assert name == "actions/setup-python" and len(ref) == 40 and all(c in "0123456789abcdef" for c in ref)
    assert action()["inputs"]["python-version"]["default"] in ("3.11", "3.12", "3.13")
