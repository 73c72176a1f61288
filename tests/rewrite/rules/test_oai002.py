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
    case("OAI002,OAI001", """
        import os
        from openai import AzureOpenAI


        class Embedder:
            def __init__(self, config):
                api_key = config.api_key or os.getenv("EMBEDDING_AZURE_OPENAI_API_KEY")
                self.client = AzureOpenAI(
                    azure_endpoint=os.getenv("EMBEDDING_AZURE_ENDPOINT"),
                    api_version="2024-02-01",
                    api_key=api_key,
                )
        """, f"""
        import os
        from openai import OpenAI


        class Embedder:
            def __init__(self, config):
                api_key = config.api_key or os.getenv("EMBEDDING_AZURE_OPENAI_API_KEY")
                # migrate: AzureOpenAI -> OpenAI for vLLM: the Azure key `api_key` is not sent to vLLM; api_key reads $OPENAI_API_KEY
                # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint
                self.client = OpenAI(
                    base_url={ENV_BASE},
                    api_key={ENV_KEY},
                )
        """, id="OAI002-azure-key-passed-through-a-name-is-not-sent-to-vllm",
        review=[('OAI002', 11, "the Azure key `api_key` is not sent to vLLM"),
                ('OAI002', 11, 'AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint')]),
    case("OAI002", """
        from openai import AzureOpenAI


        def make_client(settings):
            params = {"api_version": settings.version, "azure_endpoint": settings.endpoint}
            return AzureOpenAI(**params)
        """, """
        from openai import OpenAI


        def make_client(settings):
            params = {"api_version": settings.version, "azure_endpoint": settings.endpoint}
            # migrate: AzureOpenAI -> OpenAI for vLLM: the arguments spread into it must not carry api_version, azure_endpoint, azure_deployment, azure_ad_token, azure_ad_token_provider: OpenAI(...) raises TypeError on them
            return OpenAI(**params)
        """, id="OAI002-azure-arguments-spread-from-a-dict-left-for-review",
        review=[('OAI002', 8, "the arguments spread into it must not carry api_version, azure_endpoint")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai002(c):
    check_case(c)
