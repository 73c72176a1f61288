"""`migrate rewrite` on a tree with another provider's client, a vLLM client and a test module: only the OpenAI
client moves, the others are reported as not OpenAI's, and the test module moves only with --include-tests."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner

from migrate.cli import main

APP = textwrap.dedent("""\
    import os
    from openai import OpenAI

    openai_client = OpenAI()
    router = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])
    local = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")
    """)
TEST = textwrap.dedent("""\
    import respx

    def test_app(respx_mock):
        respx_mock.post("https://api.openai.com/v1/chat/completions").respond(json={})
    """)


def invoke(*args):
    return CliRunner().invoke(main, ["rewrite", *args], catch_exceptions=False)


def test_only_the_openai_client_moves_and_tests_wait_for_include_tests(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text(TEST)
    result = invoke(str(tmp_path), "--write")
    assert result.exit_code == 0
    app = (tmp_path / "app.py").read_text()
    assert 'router = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])' in app
    assert 'local = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")' in app
    assert "openai_client = OpenAI(\n    base_url=os.environ.get(\"OPENAI_BASE_URL\"" in app
    assert "Not OpenAI's, left as they are (1)" in result.output and "OpenRouter" in result.output
    assert "tests/test_app.py:1" in result.output and "--include-tests" in result.output
    assert (tmp_path / "tests" / "test_app.py").read_text() == TEST

    result = invoke(str(tmp_path), "--write", "--include-tests")
    assert result.exit_code == 0
    assert 'respx_mock.post(os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1") + "/chat/completions")' in \
        (tmp_path / "tests" / "test_app.py").read_text()
    assert invoke(str(tmp_path), "--check", "--include-tests").exit_code == 0
