"""Runs for real: the example apps, rewritten by the CLI, answer from the real vLLM test server unchanged.

Each app fails before the rewrite (the 0.x app on the current SDK, the current-SDK app without an OpenAI key)
and runs to the end after it, with no edit in between. Embeddings hit a generative model, which vLLM answers
with 404: the apps report them unavailable, and the rewrite left that call for review.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MODEL_MAP = '[models]\n"gpt-3.5-turbo" = "tiny-llama"\n"gpt-4o-mini" = "tiny-llama"\n'


def _env(base_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI"))}
    if base_url:
        env["OPENAI_BASE_URL"] = base_url
    return env


def _migrate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migrate", "rewrite", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.parametrize("app", ["legacy_app", "modern_app"])
def test_example_app_runs_on_vllm_after_rewrite(app, vllm_server, tmp_path):
    work = tmp_path / app
    shutil.copytree(EXAMPLES / app, work)
    (work / "migrate.toml").write_text(MODEL_MAP)
    env = _env(vllm_server.base_url)

    before = subprocess.run([sys.executable, "app.py"], cwd=work, env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert before.returncode != 0, f"{app} ran before the rewrite, so the test proves nothing:\n{before.stdout}"

    done = _migrate(".", "--write", "--no-color", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "Left for review" in done.stderr and "embeddings.create" in done.stderr
    check = _migrate(".", "--check", cwd=work)
    assert check.returncode == 0, f"a second run would change more:\n{check.stdout}"

    run = subprocess.run([sys.executable, "app.py"], cwd=work, env=env, capture_output=True, text=True, timeout=180,
                         check=False)
    assert run.returncode == 0, f"{app} failed after the rewrite:\n{run.stdout}\n{run.stderr}"
    lines = dict(line.split(": ", 1) for line in run.stdout.splitlines() if ": " in line)
    for step in ("ask", "stream", "tools", "async"):
        assert step in lines, f"no answer for {step}: {run.stdout}"
        assert isinstance(ast.literal_eval(lines[step]), str), f"{step} printed no text: {lines[step]}"
    assert lines["embed"] == "unavailable"
    assert run.stdout.rstrip().endswith("OK")
