"""Run the GitHub Action's own `run:` scripts, taken out of action.yml, the way a runner runs them.

A composite step with `shell: bash` runs `bash --noprofile --norc -eo pipefail FILE` with its `env:` values set;
here the values are given directly, with $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY / $RUNNER_TEMP as files of a
temporary folder, and `python` / `migrate` on PATH being this interpreter with this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.pr.conftest import APP, fake_github, git, git_env, github_repo, repo  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"


def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def step(step_id: str) -> dict:
    return next(s for s in action()["runs"]["steps"] if s.get("id") == step_id)


@dataclass
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str

    @property
    def log(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def shims(tmp_path_factory) -> Path:
    """`python` and `migrate` as the runner's PATH would have them after the install step."""
    bin_dir = tmp_path_factory.mktemp("bin")
    (bin_dir / "python").symlink_to(sys.executable)
    migrate = bin_dir / "migrate"
    migrate.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m migrate "$@"\n')
    migrate.chmod(0o755)
    return bin_dir


@pytest.fixture
def run_step(shims, tmp_path_factory):
    def run(step_id: str, cwd: Path, **inputs: str) -> StepRun:
        """Run the step's script with its env (the action's defaults, then `inputs` by env name)."""
        spec = step(step_id)
        defaults = {name: str(value.get("default", "")) for name, value in action()["inputs"].items()}
        env = dict(os.environ)
        for name, value in spec.get("env", {}).items():
            # `${{ inputs.X }}` -> the input's default; `${{ github.action_path }}` -> this checkout.
            expr = str(value).strip()
            if expr == "${{ github.action_path }}":
                env[name] = str(ROOT)
            elif expr.startswith("${{ inputs.") and expr.endswith("}}"):
                default = defaults[expr[len("${{ inputs.") : -2].strip()]
                env[name] = "" if default.startswith("${{") else default
        env.update(inputs)
        runner = tmp_path_factory.mktemp("runner")
        outputs, summary = runner / "output", runner / "summary"
        outputs.touch()
        summary.touch()
        env.update(
            GITHUB_OUTPUT=str(outputs), GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(runner),
            PATH=f"{shims}{os.pathsep}{env['PATH']}", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        )  # fmt: skip
        script = runner / f"{step_id}.sh"
        script.write_text(spec["run"], encoding="utf-8")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        values = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)
        return StepRun(proc.returncode, proc.stdout, proc.stderr, values, summary.read_text())

    return run


@pytest.fixture
def app_repo(tmp_path) -> Path:
    """A small git repository with one OpenAI call the rewrite changes (a model name, an unsupported parameter)."""
    work = tmp_path / "app"
    (work / "service").mkdir(parents=True)
    (work / "service" / "app.py").write_text(APP)
    (work / "README.md").write_text("# app\n")
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "app")
    return work
