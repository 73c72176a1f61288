"""Before/after cases per rule (like LibCST's assertCodemod), each also run twice: a second run changes nothing."""

from __future__ import annotations

import textwrap

import pytest

from tests.rewrite.conftest import assert_codemod, run_rules

ENV_BASE = 'os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")'
ENV_KEY = 'os.environ.get("OPENAI_API_KEY", "EMPTY")'

CASES = [
    pytest.param("OAI001", """
        from openai import OpenAI

        client = OpenAI()
        """, f"""
        from openai import OpenAI
        import os

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI001-bare-client-gets-endpoint-and-import-os"),
    pytest.param("OAI001", """
        import os
        import openai as oa

        client = oa.AsyncOpenAI(api_key="sk-live-123", timeout=30)
        """, f"""
        import os
        import openai as oa

        client = oa.AsyncOpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
            timeout=30,
        )
        """, id="OAI001-aliased-module-async-literal-key-replaced"),
    pytest.param("OAI001", """
        from openai import OpenAI as C

        def make():
            return C(
                organization="org-1",
                max_retries=2,
            )
        """, f"""
        from openai import OpenAI as C
        import os

        def make():
            return C(
                base_url={ENV_BASE},
                api_key={ENV_KEY},
                organization="org-1",
                max_retries=2,
            )
        """, id="OAI001-aliased-class-multiline-layout-kept"),
    pytest.param("OAI001", """
        from openai import OpenAI

        client = OpenAI(base_url=settings.llm_url, api_key=os.environ["OPENAI_API_KEY"])
        """, f"""
        from openai import OpenAI
        import os

        # migrate: base_url comes from `settings.llm_url`: make sure it is the vLLM endpoint ($OPENAI_BASE_URL)
        client = OpenAI(base_url=settings.llm_url, api_key={ENV_KEY})
        """, id="OAI001-project-plumbing-kept-and-noted"),
    pytest.param("OAI001", """
        import openai

        openai.api_key = "sk-123"

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, f"""
        import openai
        import os

        openai.base_url = {ENV_BASE}

        openai.api_key = {ENV_KEY}

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, id="OAI001-module-client-configured"),
    pytest.param("OAI002,OAI001", """
        import os
        from openai import AzureOpenAI

        client: AzureOpenAI = AzureOpenAI(
            api_key=os.getenv("AZURE_OPENAI_API_KEY"),
            api_version="2024-02-01",
            azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
            azure_deployment="prod-gpt4",
        )
        """, f"""
        import os
        from openai import OpenAI

        # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint, azure_deployment
        client: OpenAI = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI002-azure-client-becomes-openai"),
    pytest.param("OAI003", """
        import os
        from openai import OpenAI

        DEFAULT_MODEL = "gpt-4o"
        FALLBACK = 'gpt-3.5-turbo'
        OTHER_MODEL = "gpt-4-turbo"

        def ask(client, q, model="gpt-4o"):
            name = os.getenv("CHAT_MODEL", "gpt-3.5-turbo")
            return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])

        REQUEST = {"model": "gpt-3.5-turbo", "messages": []}
        GREETING = "gpt-4o is great"
        """, """
        import os
        from openai import OpenAI

        DEFAULT_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
        FALLBACK = 'tiny-llama'
        OTHER_MODEL = "gpt-4-turbo"

        def ask(client, q, model="meta-llama/Llama-3.1-8B-Instruct"):
            name = os.getenv("CHAT_MODEL", "tiny-llama")
            return client.chat.completions.create(model="meta-llama/Llama-3.1-8B-Instruct", messages=[{"role": "user", "content": q}])

        REQUEST = {"model": "tiny-llama", "messages": []}
        GREETING = "gpt-4o is great"
        """, id="OAI003-literals-constants-defaults-dicts-env-defaults"),
    pytest.param("OAI004", """
        import os
        import openai
        from dotenv import load_dotenv

        load_dotenv()
        openai.api_key = os.getenv("OPENAI_API_KEY")

        def ask(q):
            return openai.ChatCompletion.create(engine="gpt-4o", messages=[], request_timeout=10)

        async def aask(q):
            return await openai.ChatCompletion.acreate(model="gpt-4o", messages=[])
        """, """
        import os
        import openai
        from dotenv import load_dotenv

        load_dotenv()
        client = openai.OpenAI(api_key=os.getenv("OPENAI_API_KEY"))
        async_client = openai.AsyncOpenAI(api_key=os.getenv("OPENAI_API_KEY"))

        def ask(q):
            return client.chat.completions.create(model="gpt-4o", messages=[], timeout=10)

        async def aask(q):
            return await async_client.chat.completions.create(model="gpt-4o", messages=[])
        """, id="OAI004-settings-folded-in-place-sync-and-async-clients"),
    pytest.param("OAI004", """
        from openai import Embedding, Image

        def embed(texts):
            return Embedding.create(input=texts, model="text-embedding-3-small")

        def draw(prompt):
            return Image.create(prompt=prompt, n=1)
        """, """
        from openai import OpenAI

        client = OpenAI()

        def embed(texts):
            return client.embeddings.create(input=texts, model="text-embedding-3-small")

        def draw(prompt):
            return client.images.generate(prompt=prompt, n=1)
        """, id="OAI004-from-imports-and-image-create-becomes-generate"),
    pytest.param("OAI005", """
        import openai
        from openai.error import RateLimitError, ServiceUnavailableError as Busy
        import openai.error

        try:
            pass
        except RateLimitError as e:
            print(e.http_status, e.json_body)
        except (openai.error.Timeout, openai.error.TryAgain, Busy):
            pass
        """, """
        import openai
        from openai import RateLimitError, InternalServerError as Busy

        try:
            pass
        except RateLimitError as e:
            print(e.status_code, e.body)
        except (openai.APITimeoutError, openai.ConflictError, Busy):
            pass
        """, id="OAI005-errors-imports-and-attributes"),
    pytest.param("OAI004,OAI006", """
        import openai

        def stream(q):
            out = ""
            for chunk in openai.ChatCompletion.create(model="m", messages=[], stream=True):
                delta = chunk["choices"][0]["delta"]
                if "content" in delta:
                    out += delta["content"]
                out += chunk["choices"][0]["delta"].get("content", "")
            return out

        def embed(text):
            r = openai.Embedding.create(input=[text], model="e")
            print(r["usage"].get("total_tokens"), r.to_dict_recursive())
            return [d["embedding"] for d in r["data"]]

        def other(payload):
            return payload["choices"][0]["text"]
        """, """
        import openai

        client = openai.OpenAI()

        def stream(q):
            out = ""
            for chunk in client.chat.completions.create(model="m", messages=[], stream=True):
                delta = chunk.choices[0].delta
                if delta.content is not None:
                    out += delta.content
                out += chunk.choices[0].delta.content or ""
            return out

        def embed(text):
            r = client.embeddings.create(input=[text], model="e")
            print(r.usage.total_tokens, r.model_dump())
            return [d.embedding for d in r.data]

        def other(payload):
            return payload["choices"][0]["text"]
        """, id="OAI006-responses-chunks-and-loops-untraced-dict-kept"),
    pytest.param("OAI004,OAI006,OAI007", """
        import json
        import openai

        def run(messages, funcs):
            response = openai.ChatCompletion.create(model="m", messages=messages, functions=funcs, function_call="auto")
            message = response["choices"][0]["message"]
            if message.get("function_call"):
                args = json.loads(message["function_call"]["arguments"])
                messages.append({"role": "function", "name": message["function_call"]["name"], "content": "{}"})
            fc = message.get("function_call")
            done = response["choices"][0]["finish_reason"] == "function_call"
            return openai.ChatCompletion.create(model="m", messages=messages, functions=[{"name": "a"}], function_call={"name": "a"})
        """, """
        import json
        import openai

        client = openai.OpenAI()

        def run(messages, funcs):
            response = client.chat.completions.create(model="m", messages=messages, tools=[{"type": "function", "function": fn} for fn in funcs], tool_choice="auto")
            message = response.choices[0].message
            if message.tool_calls:
                args = json.loads(message.tool_calls[0].function.arguments)
                messages.append({"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": "{}"})
            fc = message.tool_calls[0].function if message.tool_calls else None
            done = response.choices[0].finish_reason == "tool_calls"
            return client.chat.completions.create(model="m", messages=messages, tools=[{"type": "function", "function": {"name": "a"}}], tool_choice={"type": "function", "function": {"name": "a"}})
        """, id="OAI007-functions-to-tools-and-reads"),
    pytest.param("OAI008", """
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(
            model="m",
            messages=[],
            store=True,
            service_tier="auto",  # priority processing
            temperature=0,
        )
        """, """
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(
            model="m",
            messages=[],
            temperature=0,
        )
        """, id="OAI008-ignored-parameters-dropped-with-their-comments"),
    pytest.param("OAI008", """
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(model="m", messages=[], logit_bias={"50256": -100}, user=current_user())
        """, """
        from openai import OpenAI

        client = OpenAI()
        # migrate: logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute them with its tokenizer (vLLM POST /tokenize) or remove the bias
        # migrate: vLLM ignores user=: it has no effect there
        r = client.chat.completions.create(model="m", messages=[], logit_bias={"50256": -100}, user=current_user())
        """, id="OAI008-logit-bias-noted-side-effect-value-kept"),
    pytest.param("OAI009", '''
        """Talks to https://api.openai.com/v1 directly."""
        import requests

        BASE = "https://api.openai.com/v1"
        URL = "https://api.openai.com/v1/chat/completions"
        r = requests.post("https://api.openai.com/v1/engines/%s/completions" % "x")
        ''', f'''
        """Talks to https://api.openai.com/v1 directly."""
        import requests
        import os

        BASE = {ENV_BASE}
        URL = {ENV_BASE} + "/chat/completions"
        r = requests.post(({ENV_BASE} + "/engines/%s/completions") % "x")
        ''', id="OAI009-urls-docstring-kept"),
]


@pytest.mark.parametrize("rules,before,after", CASES)
def test_rule(rules, before, after):
    result = assert_codemod(before, after, rules.split(","))
    assert result.rules, "the rule reported no change although the code changed"


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
