"""The OpenAI SDK v1+: clients, every resource call, and how the detector resolves what a name holds."""

from __future__ import annotations

import pytest

from tests.scan.conftest import detect, view

HEADER = "import openai\nfrom openai import OpenAI, AsyncOpenAI, AzureOpenAI\n"

# (source after HEADER, the expected call findings as (endpoint, client, model, parameters))
CALLS = [
    pytest.param('OpenAI().chat.completions.create(model="gpt-4o", messages=[])',
                 [("chat.completions.create", "OpenAI", "gpt-4o", ("messages", "model"))], id="inline-client"),
    pytest.param('c = OpenAI()\nc.chat.completions.parse(model="gpt-4o", messages=[], response_format=X)',
                 [("chat.completions.parse", "OpenAI", "gpt-4o", ("messages", "model", "response_format"))], id="parse"),
    pytest.param('c = OpenAI()\nwith c.chat.completions.stream(model="m", messages=[]) as s: pass',
                 [("chat.completions.stream", "OpenAI", "m", ("messages", "model"))], id="stream"),
    pytest.param('c = OpenAI()\nc.beta.chat.completions.parse(model="gpt-4o", messages=[])',
                 [("beta.chat.completions.parse", "OpenAI", "gpt-4o", ("messages", "model"))], id="beta-parse"),
    pytest.param('c = OpenAI()\nc.responses.create(model="gpt-4.1", input="hi")',
                 [("responses.create", "OpenAI", "gpt-4.1", ("input", "model"))], id="responses"),
    pytest.param('c = OpenAI()\nc.completions.create(model="gpt-3.5-turbo-instruct", prompt="x")',
                 [("completions.create", "OpenAI", "gpt-3.5-turbo-instruct", ("model", "prompt"))], id="completions"),
    pytest.param('c = OpenAI()\nc.embeddings.create(model="text-embedding-3-small", input=["a"])',
                 [("embeddings.create", "OpenAI", "text-embedding-3-small", ("input", "model"))], id="embeddings"),
    pytest.param('c = OpenAI()\nc.images.generate(prompt="cat")',
                 [("images.generate", "OpenAI", None, ("prompt",))], id="images-no-model"),
    pytest.param('c = OpenAI()\nc.audio.transcriptions.create(model="whisper-1", file=f)',
                 [("audio.transcriptions.create", "OpenAI", "whisper-1", ("file", "model"))], id="audio"),
    pytest.param('c = OpenAI()\nc.moderations.create(input="x")',
                 [("moderations.create", "OpenAI", None, ("input",))], id="moderations"),
    pytest.param('c = OpenAI()\nc.files.create(file=f, purpose="batch")\nc.batches.create(input_file_id="f", endpoint="/v1/chat/completions", completion_window="24h")',
                 [("files.create", "OpenAI", None, ("file", "purpose")),
                  ("batches.create", "OpenAI", None, ("completion_window", "endpoint", "input_file_id"))], id="files-batches"),
    pytest.param('c = OpenAI()\nc.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")',
                 [("fine_tuning.jobs.create", "OpenAI", "gpt-4o-mini", ("model", "training_file"))], id="fine-tuning"),
    pytest.param('c = OpenAI()\nc.beta.assistants.create(model="gpt-4o")\nc.beta.threads.runs.create(thread_id="t", assistant_id="a")',
                 [("beta.assistants.create", "OpenAI", "gpt-4o", ("model",)),
                  ("beta.threads.runs.create", "OpenAI", None, ("assistant_id", "thread_id"))], id="assistants"),
    pytest.param('c = OpenAI()\nc.beta.vector_stores.create(name="kb")',
                 [("beta.vector_stores.create", "OpenAI", None, ("name",))], id="old-beta-vector-stores"),
    pytest.param('c = AsyncOpenAI()\nasync def f():\n    async with c.realtime.connect(model="gpt-realtime") as conn: pass',
                 [("realtime.connect", "AsyncOpenAI", "gpt-realtime", ("model",))], id="realtime"),
    pytest.param('openai.chat.completions.create(model="gpt-4o", messages=[])',
                 [("chat.completions.create", "module", "gpt-4o", ("messages", "model"))], id="module-client"),
    pytest.param('c = AzureOpenAI(api_version="2024-06-01")\nc.chat.completions.create(model="deploy", messages=[])',
                 [("chat.completions.create", "AzureOpenAI", "deploy", ("messages", "model"))], id="azure"),
    pytest.param('c = openai.AsyncAzureOpenAI()\nasync def f():\n    await c.embeddings.create(model="e", input="x")',
                 [("embeddings.create", "AsyncAzureOpenAI", "e", ("input", "model"))], id="async-azure-attribute"),
]


@pytest.mark.parametrize("source, expected", CALLS)
def test_calls(source, expected):
    found = [(f.endpoint, f.client, f.model, f.parameters) for f in detect(HEADER + source) if f.kind.value == "call"]
    assert found == expected


@pytest.mark.parametrize(
    "chain, endpoint, variant",
    [
        pytest.param("chat.completions.with_raw_response.create", "chat.completions.create", "with_raw_response", id="raw"),
        pytest.param("with_raw_response.chat.completions.create", "chat.completions.create", "with_raw_response", id="raw-first"),
        pytest.param("chat.completions.with_streaming_response.create", "chat.completions.create", "with_streaming_response", id="streaming"),
        pytest.param("images.with_raw_response.generate", "images.generate", "with_raw_response", id="images-raw"),
    ],
)
def test_response_variants_go_to_variant(chain, endpoint, variant):
    [call] = [f for f in detect(f"{HEADER}c = OpenAI()\nc.{chain}(model='m')") if f.kind.value == "call"]
    assert (call.endpoint, call.variant) == (endpoint, variant)


CLIENTS = [
    pytest.param("OpenAI()", "OpenAI", (), id="plain"),
    pytest.param('OpenAI(base_url="http://x/v1", api_key="k", timeout=5)', "OpenAI", ("api_key", "base_url", "timeout"), id="kwargs"),
    pytest.param('AzureOpenAI(azure_endpoint=e, api_version="v", azure_deployment="d")', "AzureOpenAI",
                 ("api_version", "azure_deployment", "azure_endpoint"), id="azure"),
    pytest.param("openai.AsyncOpenAI(**settings)", "AsyncOpenAI", (), id="dynamic-kwargs"),
    pytest.param("openai.Client()", "OpenAI", (), id="client-alias"),
]


@pytest.mark.parametrize("expr, cls, params", CLIENTS)
def test_client_constructions(expr, cls, params):
    [client] = [f for f in detect(f"{HEADER}x = {expr}") if f.kind.value == "client"]
    assert (client.client, client.parameters, client.line) == (cls, params, 3)
    assert client.parameters_dynamic is ("**" in expr)


RESOLUTION = [
    pytest.param("""
        import openai as oa
        c = oa.OpenAI()
        c.chat.completions.create(model="m")
        """, "OpenAI", id="import-alias"),
    pytest.param("""
        from openai import OpenAI as C
        C().chat.completions.create(model="m")
        """, "OpenAI", id="from-import-alias"),
    pytest.param("""
        from openai import OpenAI
        class Bot:
            def __init__(self):
                self.client = OpenAI()
            def ask(self):
                return self.client.chat.completions.create(model="m")
        """, "OpenAI", id="self-attribute-other-method"),
    pytest.param("""
        from openai import OpenAI
        client = OpenAI()
        def ask():
            return client.chat.completions.create(model="m")
        """, "OpenAI", id="module-global"),
    pytest.param("""
        from openai import OpenAI
        client = None
        def init():
            global client
            client = OpenAI()
        def ask():
            return client.chat.completions.create(model="m")
        """, "OpenAI", id="global-assigned-in-function"),
    pytest.param("""
        from openai import AsyncOpenAI
        def make():
            return AsyncOpenAI()
        async def ask():
            return await make().chat.completions.create(model="m")
        """, "AsyncOpenAI", id="factory-return-value"),
    pytest.param("""
        from functools import lru_cache
        import openai
        @lru_cache
        def get_client() -> "openai.OpenAI":
            ...
        get_client().chat.completions.create(model="m")
        """, "OpenAI", id="factory-string-return-annotation"),
    pytest.param("""
        from typing import Optional
        from openai import OpenAI
        def ask(client: Optional[OpenAI]):
            client.chat.completions.create(model="m")
        """, "OpenAI", id="optional-annotation"),
    pytest.param("""
        from openai import AsyncOpenAI
        async def ask(client: AsyncOpenAI | None = None):
            await client.chat.completions.create(model="m")
        """, "AsyncOpenAI", id="union-none-annotation"),
    pytest.param("""
        from openai import OpenAI
        def ask(client: "OpenAI"):
            client.chat.completions.create(model="m")
        """, "OpenAI", id="string-annotation"),
    pytest.param("""
        from openai import OpenAI
        with OpenAI() as client:
            client.chat.completions.create(model="m")
        """, "OpenAI", id="with-statement"),
    pytest.param("""
        from openai import AsyncOpenAI
        async def main():
            async with AsyncOpenAI() as client:
                await client.chat.completions.create(model="m")
        """, "AsyncOpenAI", id="async-with"),
    pytest.param("""
        from openai import OpenAI
        client = OpenAI()
        chat = client.chat
        chat.completions.create(model="m")
        """, "OpenAI", id="sub-resource-in-variable"),
    pytest.param("""
        from openai import OpenAI
        fast = OpenAI().with_options(timeout=5)
        fast.chat.completions.create(model="m")
        """, "OpenAI", id="with-options"),
    pytest.param("""
        from openai import OpenAI
        from dataclasses import dataclass
        @dataclass
        class Deps:
            client: OpenAI
        def run(deps: Deps):
            deps.client.chat.completions.create(model="m")
        """, "OpenAI", id="dataclass-field-annotation"),
    pytest.param("""
        from openai import OpenAI
        class Service:
            @property
            def client(self) -> OpenAI:
                return self._client
            def ask(self):
                self.client.chat.completions.create(model="m")
        """, "OpenAI", id="property"),
    pytest.param("""
        from openai import OpenAI
        class MyClient(OpenAI):
            pass
        MyClient().chat.completions.create(model="m")
        """, "OpenAI", id="subclass"),
    pytest.param("""
        from openai import OpenAI
        def make():
            return "m", OpenAI()
        model, client = make()
        client.chat.completions.create(model="m")
        """, "OpenAI", id="tuple-return"),
]


@pytest.mark.parametrize("source, client", RESOLUTION)
def test_resolution(source, client):
    calls = [f for f in detect(source) if f.kind.value == "call"]
    assert [(c.endpoint, c.client, c.model) for c in calls] == [("chat.completions.create", client, "m")]


def test_multi_line_call_spans_its_lines():
    [call] = [f for f in detect("""
        from openai import OpenAI
        client = OpenAI()
        response = client.chat.completions.create(
            model="gpt-4o",
            messages=[],
            temperature=0,
        )
        """) if f.kind.value == "call"]
    assert (call.line, call.end_line, call.code) == (4, 8, "response = client.chat.completions.create(")
    assert call.parameters == ("messages", "model", "temperature")


def test_kwargs_make_parameters_dynamic_and_keep_explicit_ones():
    [call] = [f for f in detect("""
        from openai import OpenAI
        def ask(client: OpenAI, **kw):
            client.chat.completions.create(messages=[], **kw)
        """) if f.kind.value == "call"]
    assert call.parameters == ("messages",) and call.parameters_dynamic
    assert (call.model, call.model_origin) == ("dynamic", "**kwargs")


def test_functools_partial_is_reported_where_it_is_made():
    [call] = [f for f in detect("""
        import functools
        from openai import OpenAI
        client = OpenAI()
        ask = functools.partial(client.chat.completions.create, model="gpt-4o", temperature=0)
        ask(messages=[])
        """) if f.kind.value == "call"]
    assert (call.line, call.endpoint, call.model, call.parameters) == (5, "chat.completions.create", "gpt-4o", ("model", "temperature"))
    assert "functools.partial" in call.detail


MODELS = [
    pytest.param('create(model="gpt-4o")', "gpt-4o", "literal", id="literal"),
    pytest.param("create(model=MODEL)", "gpt-4o-mini", "constant MODEL (line 4)", id="module-constant"),
    pytest.param("create(model=ALIAS)", "gpt-4o-mini", "constant MODEL (line 4)", id="constant-of-constant"),
    pytest.param("create(model=ENV_MODEL)", "gpt-4.1", "environment variable CHAT_MODEL (default)", id="env-default"),
    pytest.param('create(model=os.getenv("M"))', "dynamic", "environment variable M", id="env-no-default"),
    pytest.param('create(model=os.environ.get("M", "o3-mini"))', "o3-mini", "environment variable M (default)", id="environ-get"),
    pytest.param('create(model=MODELS["chat"])', "gpt-4o", "MODELS['chat']", id="dict-constant"),
    pytest.param('create(model=f"gpt-{v}")', "dynamic", "expression f'gpt-{v}'", id="f-string"),
    pytest.param("create(model=pick())", "dynamic", "expression pick()", id="call"),
]


@pytest.mark.parametrize("call, model, origin", MODELS)
def test_model_resolution(call, model, origin):
    source = f"""
        import os
        from openai import OpenAI
        MODEL = "gpt-4o-mini"
        ALIAS = MODEL
        ENV_MODEL = os.getenv("CHAT_MODEL", "gpt-4.1")
        MODELS = {{"chat": "gpt-4o", "embed": "text-embedding-3-small"}}
        c = OpenAI()
        c.chat.completions.{call}
        """
    [found] = [f for f in detect(source) if f.kind.value == "call"]
    assert (found.model, found.model_origin) == (model, origin)


def test_model_from_parameter_default_and_local_variable():
    calls = [f for f in detect("""
        from openai import OpenAI
        client = OpenAI()
        def ask(q, model="gpt-4o"):
            return client.chat.completions.create(model=model, messages=[])
        def other():
            name = "o1-mini"
            return client.chat.completions.create(model=name, messages=[])
        """) if f.kind.value == "call"]
    assert [(c.model, c.model_origin) for c in calls] == [("gpt-4o", "default of parameter model"),
                                                          ("o1-mini", "variable name (line 7)")]


def test_unresolved_receiver_with_sdk_shape_in_openai_module_is_reported():
    [call] = [f for f in detect("""
        import openai
        def ask(client):
            return client.chat.completions.create(model="gpt-4o", messages=[])
        """) if f.kind.value == "call"]
    assert (call.client, call.endpoint) == (None, "chat.completions.create")
    assert "not resolved" in call.detail


NOT_FINDINGS = [
    pytest.param('# client.chat.completions.create(model="gpt-4o")\nx = 1', id="comment"),
    pytest.param('def f():\n    """Calls openai.chat.completions.create(model="gpt-4o")."""', id="docstring"),
    pytest.param('print("we used OpenAI for this")', id="string-mention"),
    pytest.param("openai_key_label = 'label'\nprint(openai_key_label)", id="unrelated-name"),
    pytest.param("order = Order()\norder.create(model='x')\nOrder.objects.create(name='y')", id="unrelated-create"),
    pytest.param("def ask(client):\n    client.chat.completions.create(model='gpt-4o')", id="sdk-shape-without-openai-import"),
    pytest.param("from groq import Groq\nimport openai\nc = Groq()\nc.chat.completions.create(model='llama')", id="other-sdk-client"),
    pytest.param("from mylib import OpenAI\nc = OpenAI()\nc.chat.completions.create(model='x')", id="local-class-named-OpenAI"),
    pytest.param("import openai\nclient = make()\nclient.files.list()", id="generic-resource-unresolved"),
    pytest.param("import openai\ntry:\n    pass\nexcept openai.RateLimitError:\n    pass", id="v1-exception"),
    pytest.param("import openai\nx = openai.api_key", id="reading-a-setting"),
]


@pytest.mark.parametrize("source", NOT_FINDINGS)
def test_not_findings(source):
    assert [view(f) for f in detect(source)] == []
