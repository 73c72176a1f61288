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


# The tiny test model's vocabulary has 2,048 tokens: vLLM refuses the route's logit_bias {"50256": -100} (a GPT-2
# token id, out of range here) with HTTP 400, where a real Llama vocabulary would take it. By default the rewrite
# keeps logit_bias with a `// migrate:` review note (test_the_default_rewrite_notes_logit_bias); the proof's copy
# drops it with OAI008's documented setting, so every shape must answer.
DROP_LOGIT_BIAS = '\n[rewrite.parameters]\nlogit_bias = "drop"\n'
CHAT_ROUTE = "src/app/api/chat/route.ts"


def _rewrite(app, base_url, served_model, extra_config="") -> str:
    """`migrate rewrite . --write` in the copy at `app`, with the proof's migrate.toml (and `extra_config`); its
    output."""
    node_app.write_proof_config(app, base_url, served_model)
    with (app / "migrate.toml").open("a", encoding="utf-8") as f:
        f.write(extra_config)
    done = subprocess.run([sys.executable, "-m", "migrate", "rewrite", ".", "--write"], cwd=app, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr


def test_the_default_rewrite_notes_logit_bias(tmp_path, node_env, vllm_server):
    """Without the setting the rewrite keeps logit_bias, with a `// migrate:` review note on the line above it."""
    app = node_app.copy_app(tmp_path / "app", node_env.node_modules)
    _rewrite(app, vllm_server.base_url, vllm_server.model)
    lines = (app / CHAT_ROUTE).read_text().splitlines()
    at = [i for i, line in enumerate(lines) if "logit_bias" in line and "migrate:" not in line]
    assert len(at) == 1 and '"50256": -100' in lines[at[0]], "\n".join(lines)
    assert lines[at[0] - 1].lstrip().startswith("// migrate:") and "logit_bias" in lines[at[0] - 1], "\n".join(lines)


@pytest.fixture(scope="module")
def rewritten_run(tmp_path_factory, node_env, vllm_server):
    """examples/node_app rewritten by the CLI (`migrate rewrite . --write` with the proof's migrate.toml, logit_bias
    dropped: see DROP_LOGIT_BIAS), then run."""
    app = node_app.copy_app(tmp_path_factory.mktemp("rewritten") / "app", node_env.node_modules)
    output = _rewrite(app, vllm_server.base_url, vllm_server.model, DROP_LOGIT_BIAS)
    route = (app / CHAT_ROUTE).read_text()
    code = [line for line in route.splitlines() if not line.lstrip().startswith("// migrate:")]
    assert not any("logit_bias" in line for line in code), route
    # dropped, never silently: a `// migrate:` comment above the call and the review list still name it
    assert any(line.lstrip().startswith("// migrate: logit_bias keys are OpenAI token ids")
               for line in route.splitlines()), route
    assert any(f"{CHAT_ROUTE}:" in line and "logit_bias keys are OpenAI token ids" in line
               for line in output.splitlines()), output[-3000:]
    return node_app.run_app(app, node_env, vllm_server.base_url)


@pytest.mark.parametrize("shape", node_app.SHAPES)
def test_the_app_answers_after_the_rewrite(rewritten_run, shape):
    assert shape in rewritten_run.shapes, rewritten_run.describe()
    assert rewritten_run.shapes[shape]["ok"], rewritten_run.describe()
