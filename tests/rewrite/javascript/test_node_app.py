"""examples/node_app end to end through the CLI: `migrate rewrite` (diff, --write, --check) and `migrate pr`
against a real git repository with a bare remote."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.rewrite.javascript.engine import parse_js, syntax_error
from tests.pr.conftest import Repo, git, git_env  # noqa: F401 - git_env: a clean git identity for every test

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "node_app"
MODELS = {"gpt-4o": "tiny-llama", "gpt-4o-mini": "tiny-llama", "gpt-3.5-turbo": "tiny-llama"}
CHANGED = {"src/app/api/ai/route.ts", "src/chains/summarize.ts", "src/components/Chat.vue", "src/lib/openai.ts",
           "src/services/assistant.ts", "legacy/worker.js",
           "src/app/api/chat/route.ts",  # OAI008: a note above logit_bias
           "src/services/raw.js",  # OAI009: a note above the moderations request vLLM does not serve
           "legacy/package.json"}  # OAI011: the openai pin above the worker upgraded from v3 (OAI004)


@pytest.fixture
def app(tmp_path) -> Path:
    root = tmp_path / "node_app"
    shutil.copytree(EXAMPLE, root)
    package = json.loads((root / "package.json").read_text())
    package["migrate"] = {"models": MODELS}  # a JS-only repo's model map
    (root / "package.json").write_text(json.dumps(package, indent=2) + "\n")
    return root


def invoke(*args, cwd: Path | None = None):
    before = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(before)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_diff_check_write_check(app):
    before = _snapshot(app)
    diff = invoke("rewrite", str(app), "--no-color")
    assert diff.exit_code == 0, diff.output
    assert _snapshot(app) == before  # a diff writes nothing
    for expected in ('+const openai = createOpenAI({', '+import { createOpenAI } from "@ai-sdk/openai";',
                     '+  configuration: { baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1" },',
                     '+export const CHAT_MODEL = process.env.CHAT_MODEL ?? "tiny-llama";',
                     '+  constructor(private readonly model = "tiny-llama") {'):
        assert expected in diff.output, expected
    assert invoke("rewrite", str(app), "--check").exit_code == 1

    written = invoke("rewrite", str(app), "--write", "--format", "json")
    assert written.exit_code == 0, written.output
    data = json.loads(written.output)
    assert {c["path"] for c in data["changes"]} == CHANGED
    rules = {r for c in data["changes"] for r in c["rules"]}
    assert {"OAI001", "OAI003", "OAI012", "OAI004", "OAI007", "OAI008", "OAI011"} <= rules
    review = {(r["path"], r["rule"]) for r in data["review"]}
    # never silent: the gateway provider, the browser client, unmapped embedding models, an unserved route
    assert {("src/app/api/ai/route.ts", "OAI001"), ("src/components/Chat.vue", "OAI001"),
            ("src/lib/openai.ts", "OAI003"), ("src/services/raw.js", "OAI009")} <= review

    after = _snapshot(app)
    for rel, data_before in before.items():
        if rel not in CHANGED:
            assert after[rel] == data_before, f"{rel} changed although no rule touched it"
        else:
            name = Path(rel).name
            assert syntax_error(parse_js(name, after[rel])[0]) is None, f"{rel} does not parse after the rewrite"
    # the other provider's client keeps its URL, key and model
    assert after["src/services/groq.ts"] == before["src/services/groq.ts"]
    assert "process.env.GROQ_API_KEY" in after["src/services/groq.ts"].decode()

    check = invoke("rewrite", str(app), "--check")
    assert check.exit_code == 0, check.output  # idempotent: nothing left to change
    assert _snapshot(app) == after


@pytest.fixture
def repo(tmp_path, app) -> Repo:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    work = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(bare), str(work))
    git(work, "checkout", "-q", "-b", "main")
    shutil.copytree(app, work, dirs_exist_ok=True)
    r = Repo(work, bare)
    r.commit_all("node app")
    r.git("push", "-q", "-u", "origin", "main")
    r.git("remote", "set-head", "origin", "main")
    return r


def test_pr_commits_and_pushes_the_js_rewrite(repo):
    result = invoke("pr", ".", "--no-scan", "--json", cwd=repo.work)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] and data["status"] in ("committed", "pushed")
    branch = repo.remote_git("rev-parse", "migrate/vllm")
    assert repo.files_in(branch, str(repo.bare)) == CHANGED
    route = repo.show(branch, "src/app/api/ai/route.ts").decode()
    assert 'const openai = createOpenAI({' in route
    assert repo.git("status", "--porcelain") == ""
