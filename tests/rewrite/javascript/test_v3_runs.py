"""The openai-node v3 worker of examples/node_app, run with Node against the real vLLM test server and the real
current `openai` npm package (the pinned test environment): it fails before the rewrite (v3's Configuration is
gone from the package) and answers after it (the upgrade, the endpoint from the environment, the model map,
functions -> tools, and the raised pin)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from migrate.config import Config
from migrate.rewrite import apply_plan, plan_rewrite

LEGACY = Path(__file__).resolve().parents[3] / "examples" / "node_app" / "legacy"
CALL = ('require("./worker.js").complete("Say hi in one word.")'
        '.then((m) => console.log(JSON.stringify(m)), (e) => { console.error(String(e)); process.exit(3); })')

pytestmark = pytest.mark.vllm


def _run(node_env, folder: Path, base_url: str):
    env = node_env.env({**os.environ, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "EMPTY"})
    return subprocess.run([str(node_env.node), "-e", CALL], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=180)


def test_v3_worker_fails_before_and_answers_after_the_rewrite(tmp_path, node_env, vllm_server):
    app = tmp_path / "legacy"
    shutil.copytree(LEGACY, app)
    (app / "node_modules").symlink_to(node_env.node_modules, target_is_directory=True)

    before = _run(node_env, app, vllm_server.base_url)
    assert before.returncode != 0
    assert "Configuration is not a constructor" in before.stderr

    config = Config(models={"gpt-3.5-turbo": vllm_server.model})
    plan = plan_rewrite([tmp_path], config=config)
    assert {c.path for c in plan.changes} == {"legacy/worker.js", "legacy/package.json"}
    assert {"OAI004", "OAI007"} <= set(next(c for c in plan.changes if c.path == "legacy/worker.js").rules)
    assert not plan.failures
    apply_plan(plan)
    assert '"openai": "^' in (app / "package.json").read_text() and "^3.3.0" not in (app / "package.json").read_text()

    after = _run(node_env, app, vllm_server.base_url)
    assert after.returncode == 0, after.stderr
    message = json.loads(after.stdout.strip().splitlines()[-1])
    assert message["role"] == "assistant"
    assert message.get("content") or message.get("tool_calls")
