"""Runs for real: the example apps, rewritten by the CLI, answer from the real vLLM test server unchanged.

Each app fails before the rewrite (the 0.x app on the current SDK, the current-SDK app without an OpenAI key)
and runs to the end after it, with no edit in between. Embeddings hit a generative model, which vLLM answers
with 404: the apps report them unavailable, and the rewrite left that call for review. Image generation has no
vLLM route: after the rewrite it still goes to OpenAI's API through a client of its own, played here by a stub
of that API, and nothing else reaches the stub. The second provider's client (OpenRouter) is left byte for byte.
The notebook (CRLF line endings, a cell magic first in a cell) is rewritten and run cell by cell in IPython.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from migrate.config import DEFAULT_UPSTREAM_API_KEY_ENV, DEFAULT_UPSTREAM_BASE_URL_ENV

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MODEL_MAP = '[models]\n"gpt-3.5-turbo" = "tiny-llama"\n"gpt-4o-mini" = "tiny-llama"\n'
STUB_KEY = "sk-upstream-stub"
RUN_NOTEBOOK = """
import sys
import nbformat
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
for cell in nbformat.read(sys.argv[1], as_version=4).cells:
    if cell.cell_type == "code":
        result = shell.run_cell(cell.source)
        if not result.success:
            sys.exit(f"cell {cell.get('id')} failed: {result.error_before_exec or result.error_in_exec!r}")
"""


def _env(base_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI", "OPENROUTER"))}
    if base_url:
        env["OPENAI_BASE_URL"] = base_url
    env.update(extra)
    return env


def _migrate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migrate", "rewrite", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180,
                          check=False)


@pytest.fixture
def openai_stub():
    """OpenAI's API for the routes vLLM does not serve: answers image generation, records every request."""
    seen: list[tuple[str, str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(("POST", self.path, self.headers.get("Authorization")))
            if self.path == "/v1/images/generations" and json.loads(body).get("prompt"):
                payload = {"created": 1, "data": [{"url": "https://images.example/lighthouse.png"}]}
                status = 200
            else:
                payload, status = {"error": {"message": f"stub serves no {self.path}"}}, 404
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    finally:
        server.shutdown()
        server.server_close()


def _lines(stdout: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)


@pytest.mark.parametrize("app", ["legacy_app", "modern_app"])
def test_example_app_runs_on_vllm_after_rewrite(app, vllm_server, openai_stub, tmp_path):
    stub_url, stub_seen = openai_stub
    work = tmp_path / app
    shutil.copytree(EXAMPLES / app, work)
    (work / "migrate.toml").write_text(MODEL_MAP)
    env = _env(vllm_server.base_url, **{DEFAULT_UPSTREAM_BASE_URL_ENV: stub_url, DEFAULT_UPSTREAM_API_KEY_ENV: STUB_KEY})
    original = {p.name: p.read_text() for p in work.glob("*.py")}

    before = _run(["app.py"], work, env)
    assert before.returncode != 0, f"{app} ran before the rewrite, so the test proves nothing:\n{before.stdout}"

    done = _migrate(".", "--write", "--no-color", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "Left for review" in done.stderr and "embeddings.create" in done.stderr
    check = _migrate(".", "--check", cwd=work)
    assert check.returncode == 0, f"a second run would change more:\n{check.stdout}"

    run = _run(["app.py"], work, env)
    assert run.returncode == 0, f"{app} failed after the rewrite:\n{run.stdout}\n{run.stderr}"
    lines = _lines(run.stdout)
    steps = ["ask", "stream", "tools", "async"] + (["summary"] if app == "legacy_app" else [])
    for step in steps:
        assert step in lines, f"no answer for {step}: {run.stdout}"
        assert isinstance(ast.literal_eval(lines[step]), str), f"{step} printed no text: {lines[step]}"
    assert lines["embed"] == "unavailable"
    assert run.stdout.rstrip().endswith("OK")

    if app == "legacy_app":
        # A 0.x exception constructed by the app's own code: its signature changed, so a human must see it.
        assert "RateLimitError" in done.stderr and "answers.py" in done.stderr
    else:
        assert lines["image"] == repr("https://images.example/lighthouse.png")
        assert stub_seen == [("POST", "/v1/images/generations", f"Bearer {STUB_KEY}")], \
            "only the call vLLM does not serve may reach OpenAI's API"
        assert "images.generate" in done.stderr
        rewritten = (work / "app.py").read_text()
        [openrouter] = [line for line in original["app.py"].splitlines() if line.startswith("openrouter = ")]
        assert openrouter in rewritten.splitlines(), "another provider's client must be left as it was"
        assert lines["openrouter"] == "skipped"


def test_example_notebook_runs_on_vllm_after_rewrite(vllm_server, tmp_path):
    work = tmp_path / "modern_app"
    shutil.copytree(EXAMPLES / "modern_app", work)
    (work / "migrate.toml").write_text(MODEL_MAP)
    notebook = work / "explore.ipynb"
    original = notebook.read_bytes()
    env = _env(vllm_server.base_url)

    before = _run(["-c", RUN_NOTEBOOK, str(notebook)], work, env)
    assert before.returncode != 0, f"the notebook ran before the rewrite, so the test proves nothing:\n{before.stdout}"

    done = _migrate("explore.ipynb", "--write", "--no-color", cwd=work)
    assert done.returncode == 0, done.stderr
    after = notebook.read_bytes()
    assert after != original
    assert b"\n" not in after.replace(b"\r\n", b""), "the notebook's CRLF line endings were not kept"
    cells = json.loads(after)["cells"]
    assert "".join(cells[1]["source"]).startswith("%%capture"), "a cell magic must stay first in its cell"
    assert cells[0] == json.loads(original)["cells"][0], "the markdown cell changed"
    assert _migrate("explore.ipynb", "--check", cwd=work).returncode == 0

    run = _run(["-c", RUN_NOTEBOOK, str(notebook)], work, env)
    assert run.returncode == 0, f"the rewritten notebook failed:\n{run.stdout}\n{run.stderr}"
    answer = _lines(run.stdout)["notebook"]
    assert isinstance(json.loads(answer), str)
