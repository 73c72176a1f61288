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



COMPOSE = textwrap.dedent("""\
    services:
      app:
        build: .
        environment:
          OPENAI_API_BASE: https://api.openai.com/v1
          OPENAI_API_KEY: ${OPENAI_API_KEY}
          CHAT_MODEL: gpt-3.5-turbo
    """)
MANIFEST = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
            - name: app
              env:
                - name: OPENAI_BASE_URL
                  value: https://api.openai.com/v1
    """)
DOCKERFILE = "FROM python:3.12-slim\nENV OPENAI_API_BASE=https://api.openai.com/v1\nCMD [\"python\", \"app.py\"]\n"


def test_compose_gets_the_endpoint_as_configuration_never_localhost(tmp_path):
    root = make_tree(tmp_path, {"docker-compose.yml": COMPOSE})
    plan = plan_rewrite([root], config=CONFIG)
    after = {c.path: c.after for c in plan.changes}["docker-compose.yml"]
    assert "localhost" not in after
    assert "      OPENAI_BASE_URL: ${OPENAI_BASE_URL:?set OPENAI_BASE_URL to the vLLM server URL}\n" in after
    assert "CHAT_MODEL: tiny-llama" in after and "${OPENAI_API_KEY}" in after
    [item] = [r for r in plan.review if r.path == "docker-compose.yml"]
    assert item.line == 5 and "localhost is the container itself" in item.message
    again = plan_rewrite([make_tree(tmp_path / "again", {"docker-compose.yml": after})], config=CONFIG)
    assert not again.changes


def test_manifest_and_dockerfile_are_reported_not_rewritten(tmp_path):
    root = make_tree(tmp_path, {"k8s/deploy.yaml": MANIFEST, "Dockerfile": DOCKERFILE})
    plan = plan_rewrite([root], config=CONFIG)
    assert not plan.changes
    review = {(r.path, r.line): r.message for r in plan.review}
    assert "never localhost" in review[("k8s/deploy.yaml", 10)]
    assert "bakes OpenAI's endpoint into the image" in review[("Dockerfile", 2)]


CASSETTE = textwrap.dedent("""\
    interactions:
    - request:
        body: '{"model": "gpt-3.5-turbo"}'
        method: POST
        uri: https://api.openai.com/v1/chat/completions
      response:
        status: {code: 200, message: OK}
    """)
TEST_MODULE = textwrap.dedent("""\
    import respx
    from openai import OpenAI

    def test_chat(respx_mock):
        respx_mock.post("https://api.openai.com/v1/chat/completions").respond(json={"choices": []})
        client = OpenAI(api_key="test")
        client.chat.completions.create(model="gpt-3.5-turbo", messages=[])
    """)


def test_test_doubles_are_reported_not_rewritten_unless_asked(tmp_path):
    root = make_tree(tmp_path, {"tests/cassettes/test_chat.yaml": CASSETTE, "tests/test_chat.py": TEST_MODULE,
                                "app.py": "from openai import OpenAI\nclient = OpenAI()\n"})
    plan = plan_rewrite([root], config=CONFIG)
    assert [c.path for c in plan.changes] == ["app.py"]
    review = {r.path: r.message for r in plan.review}
    assert "a recorded HTTP cassette" in review["tests/cassettes/test_chat.yaml"]
    assert "--include-tests" in review["tests/test_chat.py"] and "OAI001" in review["tests/test_chat.py"]

    plan = plan_rewrite([root], config=CONFIG, include_tests=True)
    changed = {c.path: c.after for c in plan.changes}
    assert 'respx_mock.post(os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1") + "/chat/completions")' in \
        changed["tests/test_chat.py"]
    assert 'model="tiny-llama"' in changed["tests/test_chat.py"]
    assert "uri: http://localhost:8000/v1/chat/completions" in changed["tests/cassettes/test_chat.yaml"]
