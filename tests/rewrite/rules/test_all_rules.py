"""What holds across the rules: files they must not touch, line mapping, config, failures, line endings.

Each rule's own before/after cases live in test_<rule>.py beside this file."""

from __future__ import annotations

import textwrap

import pytest

from tests.rewrite.conftest import run_rules

ENV_BASE = 'os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")'
ENV_KEY = 'os.environ.get("OPENAI_API_KEY", "EMPTY")'

NOOP = [
    pytest.param("""
        import json

        def load(payload):
            return json.loads(payload)["choices"][0]["message"]["content"]
        """, id="no-openai-at-all"),
    pytest.param("""
        import os
        from openai import OpenAI

        client = OpenAI(
            base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
            api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
        )
        MODEL = "tiny-llama"

        def ask(q):
            r = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
            return r.choices[0].message.content
        """, id="already-migrated"),
    pytest.param("""
        # The openai package is mentioned only in prose here: api.openai.com, OpenAI().
        def describe():
            return "we used to call OpenAI() at https://api.openai.com for this"
        """, id="mentions-only-no-import"),
    pytest.param("""
        import openai

        ChatCompletion = make_fake()
        result = ChatCompletion.create(x=1)
        response = {"choices": [{"text": "hi"}]}
        print(response["choices"][0]["text"])
        """, id="shadowed-names-and-plain-dicts"),
]


@pytest.mark.parametrize("source", NOOP)
def test_no_change(source):
    result = run_rules(source)
    assert result.failure is None
    assert result.after == textwrap.dedent(source)
    assert result.rules == ()


def test_unmapped_openai_model_is_reported_never_guessed():
    result = run_rules("""
        from openai import OpenAI
        client = OpenAI()
        client.chat.completions.create(model="gpt-4-turbo", messages=[])
        """, ["OAI003"])
    assert "gpt-4-turbo" in result.after
    [item] = [r for r in result.review if r[0] == "OAI003"]
    assert item[1] == 4 and "gpt-4-turbo" in item[2] and "[tool.migrate.models]" in item[2]


def test_review_line_points_at_the_statement_in_the_rewritten_file():
    result = run_rules("""
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(model="m", messages=[], logit_bias={"1": 5})
        """, ["OAI001", "OAI008"])
    lines = result.after.splitlines()
    [item] = [r for r in result.review if r[0] == "OAI008"]
    assert "logit_bias" in lines[item[1] - 1]


def test_parameter_policy_from_config_overrides_the_catalog():
    source = """
        from openai import OpenAI
        client = OpenAI()
        client.chat.completions.create(model="m", messages=[], store=True, metadata={"a": "b"})
        """
    kept = run_rules(source, ["OAI008"], options={"parameters": {"store": "keep", "metadata": "comment"}})
    assert "store=True" in kept.after and 'metadata={"a": "b"}' in kept.after
    assert "# migrate: vLLM ignores metadata=" in kept.after
    assert any(r[0] == "OAI008" and "metadata" in r[2] for r in kept.review)


def test_a_failing_rule_leaves_the_file_alone(monkeypatch):
    from migrate.rewrite.rules import oai006_responses

    def boom(self, original, updated):
        raise RuntimeError("injected")

    monkeypatch.setattr(oai006_responses.Transformer, "leave_Subscript", boom)
    source = """
        import openai
        r = openai.ChatCompletion.create(model="m", messages=[])
        print(r["choices"][0])
        """
    result = run_rules(source)
    assert result.after == textwrap.dedent(source)
    assert result.failure == ("OAI006", "RuntimeError: injected")


def test_unparsable_source_is_reported_not_touched():
    result = run_rules("import openai\ndef broken(:\n    pass\n")
    assert result.parse_error and result.after == "import openai\ndef broken(:\n    pass\n"


def test_crlf_line_endings_survive():
    source = "from openai import OpenAI\r\n\r\nclient = OpenAI()\r\n"
    result = run_rules(source, ["OAI001"])
    assert "\r\n" in result.after and "\n" not in result.after.replace("\r\n", "")
    assert "base_url=" in result.after
