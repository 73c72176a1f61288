"""examples/node_app run with Node.js against the real vLLM test server: it fails before the rewrite (its
clients call api.openai.com), answers after `migrate rewrite --write`, and answers when its clients are pointed
at the server by hand (the control that the harness itself can pass).

The app runs with the pinned npm packages (real `openai`, AI SDK, LangChain.js), the same environment for every
run: only the code differs (see tests/javascript/node_app.py).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.javascript import node_app

pytestmark = [pytest.mark.vllm, pytest.mark.slow]


def test_the_app_fails_before_the_rewrite(tmp_path, node_env, vllm_server):
    app = node_app.copy_app(tmp_path / "app", node_env.node_modules)
    node_app.write_proof_config(app, vllm_server.base_url, vllm_server.model)
    run = node_app.run_app(app, node_env, vllm_server.base_url, deadline_s=20)
    assert set(run.shapes) == set(node_app.SHAPES), run.describe()  # every shape ran: the app itself loads
    assert run.returncode == 1 and run.answered == [], run.describe()
    # the SDKs' own clients fail to connect (api.openai.com is unreachable): not a code or type error
    for name in ("chat route (shared client)", "assistant (Responses API)"):
        assert run.shapes[name]["error"].startswith("Connection error."), run.describe()


def _point_by_hand(app):
    """What the rewrite must do, written by hand: every client reads the endpoint from the proof's variable,
    model names the server does not serve are mapped, and the GPT-2 token id of logit_bias is dropped."""
    endpoint = (f'baseURL: process.env.{node_app.PROOF_BASE_URL_ENV} ?? "http://localhost:8000/v1", '
                'apiKey: process.env.OPENAI_API_KEY ?? "EMPTY"')
    edits = {
        "src/lib/openai.ts": [("new OpenAI({ apiKey: process.env.OPENAI_API_KEY })", f"new OpenAI({{ {endpoint} }})"),
                              ('?? "gpt-4o-mini"', '?? "tiny-llama"')],
        "src/app/api/chat/route.ts": [('    logit_bias: { "50256": -100 },\n', "")],
        "src/services/assistant.ts": [("new OpenAI()", f"new OpenAI({{ {endpoint} }})"),
                                      ('model = "gpt-4o"', 'model = "tiny-llama"')],
        "src/app/api/ai/route.ts": [('import { openai, createOpenAI } from "@ai-sdk/openai";',
                                     f'import {{ createOpenAI }} from "@ai-sdk/openai";\n'
                                     f"const openai = createOpenAI({{ {endpoint} }});"),
                                    ('openai("gpt-4o")', 'openai("tiny-llama")')],
        "src/chains/summarize.ts": [('new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0 })',
                                     f'new ChatOpenAI({{ model: "tiny-llama", temperature: 0, '
                                     f"configuration: {{ {endpoint} }} }})")],
    }
    for rel, pairs in edits.items():
        text = (app / rel).read_text()
        for old, new in pairs:
            assert old in text, (rel, old)
            text = text.replace(old, new)
        (app / rel).write_text(text)


def test_the_app_answers_when_its_clients_point_at_the_server(tmp_path, node_env, vllm_server):
    """The control for the test above: the harness, the runner and the server can answer, so a failure before
    the rewrite is the app's endpoint and nothing else."""
    app = node_app.copy_app(tmp_path / "app", node_env.node_modules)
    _point_by_hand(app)
    run = node_app.run_app(app, node_env, vllm_server.base_url)
    assert run.returncode == 0 and sorted(run.answered) == sorted(node_app.SHAPES), run.describe()


@pytest.fixture(scope="module")
def rewritten_run(tmp_path_factory, node_env, vllm_server):
    """examples/node_app rewritten by the CLI (`migrate rewrite . --write` with the proof's migrate.toml), then run."""
    app = node_app.copy_app(tmp_path_factory.mktemp("rewritten") / "app", node_env.node_modules)
    node_app.write_proof_config(app, vllm_server.base_url, vllm_server.model)
    done = subprocess.run([sys.executable, "-m", "migrate", "rewrite", ".", "--write"], cwd=app, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return node_app.run_app(app, node_env, vllm_server.base_url)


@pytest.mark.parametrize("shape", [
    pytest.param("chat route (shared client)", marks=pytest.mark.xfail(strict=True, reason=(
        "the JS rewrite keeps the route's logit_bias {'50256': -100} (a GPT-2 token id) without a note: vLLM "
        "rejects it as out of the served model's vocabulary (400); the Python rewrite's OAI008 notes logit_bias"))),
    "assistant (Responses API)", "AI SDK route (streamText)", "LangChain.js chain"])
def test_the_app_answers_after_the_rewrite(rewritten_run, shape):
    assert shape in rewritten_run.shapes, rewritten_run.describe()
    assert rewritten_run.shapes[shape]["ok"], rewritten_run.describe()
