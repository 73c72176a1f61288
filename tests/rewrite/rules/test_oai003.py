"""OAI003 model-map: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
    case("OAI003", """
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
        """, id="OAI003-literals-constants-defaults-dicts-env-defaults",
        review=[('OAI003', 7, "model 'gpt-4-turbo' (OTHER_MODEL) has no entry in the model map: add")]),
    case("OAI001,OAI003", """
        import os
        from openai import OpenAI

        router = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])
        client = OpenAI()

        a = router.chat.completions.create(model="gpt-4o", messages=[])
        b = client.chat.completions.create(model="gpt-4o", messages=[])
        """, """
        import os
        from openai import OpenAI

        router = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])
        client = OpenAI(
            base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
            api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
        )

        a = router.chat.completions.create(model="gpt-4o", messages=[])
        b = client.chat.completions.create(model="meta-llama/Llama-3.1-8B-Instruct", messages=[])
        """, id="OAI003-calls-through-another-providers-client-keep-their-model",
        review=[("OAI001", 5, "left alone: this client talks to OpenRouter")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai003(c):
    check_case(c)
