"""OAI002 azure-to-openai: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import ENV_BASE, ENV_KEY, case, check_case

CASES = [
    case("OAI002,OAI001", """
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
        """, id="OAI002-azure-client-becomes-openai",
        review=[('OAI002', 6, 'AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint,')]),
    case("OAI002,OAI001", """
        import os
        from openai import AzureOpenAI

        client = AzureOpenAI(api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version="2024-02-01",
                             azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])

        def ask(q):
            return client.chat.completions.create(model="prod-gpt4", messages=[{"role": "user", "content": q}])

        def draw(prompt):
            return client.images.generate(model="dall-e-3", prompt=prompt)
        """, f"""
        import os
        from openai import OpenAI

        # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint
        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )

        def ask(q):
            return client.chat.completions.create(model="prod-gpt4", messages=[{{"role": "user", "content": q}}])

        def draw(prompt):
            # migrate: images.generate: vLLM serves no POST /v1/images/generations route: keep this call on Azure OpenAI with a client of its own
            return client.images.generate(model="dall-e-3", prompt=prompt)
        """, id="OAI002-azure-images-call-stays-on-azure",
        review=[('OAI002', 6, 'AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint'), ('OAI001', 16, 'images.generate: vLLM serves no POST /v1/images/generations route: kee')]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai002(c):
    check_case(c)
