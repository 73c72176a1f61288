"""OAI010 env-files: .env and config files point at vLLM and map model names; keys are never touched."""

from __future__ import annotations

import textwrap

from migrate.rewrite import plan_rewrite
from tests.rewrite.conftest import CONFIG, make_tree

ENV = textwrap.dedent("""\
    # settings
    OPENAI_API_KEY=sk-secret
    OPENAI_API_BASE="https://api.openai.com/v1"  # the endpoint
    CHAT_MODEL=gpt-3.5-turbo
    EMBED_MODEL=text-embedding-3-small
    """)


def test_env_and_config_files(tmp_path):
    root = make_tree(tmp_path, {".env": ENV, "config.yaml": "llm:\n  model: gpt-3.5-turbo\n  url: https://api.openai.com/v1/chat/completions\n",
                                "pyproject.toml": '[tool.migrate.models]\n"gpt-3.5-turbo" = "tiny-llama"\n'})
    plan = plan_rewrite([root], config=CONFIG)
    changed = {c.path: c.after for c in plan.changes}
    assert changed[".env"] == ENV.replace('OPENAI_API_BASE="https://api.openai.com/v1"', 'OPENAI_BASE_URL="http://localhost:8000/v1"').replace(
        "CHAT_MODEL=gpt-3.5-turbo", "CHAT_MODEL=tiny-llama")
    assert "sk-secret" in changed[".env"]
    assert changed["config.yaml"] == "llm:\n  model: tiny-llama\n  url: http://localhost:8000/v1/chat/completions\n"
    assert "pyproject.toml" not in changed, "the model map itself is never rewritten"
    assert any(r.path == ".env" and "text-embedding-3-small" in r.message for r in plan.review)

