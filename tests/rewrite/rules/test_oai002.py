"""OAI002 azure-to-openai: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import ENV_BASE, ENV_KEY, case, check_case

CASES = [
    # mirascope 1.0.5 takes any client: once the Azure classes are the plain ones, each is named once
    case("OAI002", """
        from typing import Optional, Union

        from openai import AsyncAzureOpenAI, AsyncOpenAI, AzureOpenAI, OpenAI


        def setup_call(client: OpenAI | AsyncOpenAI | AzureOpenAI | AsyncAzureOpenAI | None, flags=A | A):
            return client


        def pick(client: Optional[Union[OpenAI, AzureOpenAI]], other: (AzureOpenAI | OpenAI) = None) -> int | int:
            return 1
        """, """
        from typing import Optional

        from openai import AsyncOpenAI, OpenAI


        def setup_call(client: OpenAI | AsyncOpenAI | None, flags=A | A):
            return client


        def pick(client: Optional[OpenAI], other: OpenAI = None) -> int | int:
            return 1
        """, id="OAI002-a-union-names-the-plain-class-once"),
    # haystack-ai 2.0.0 checks the Azure endpoint before building the client: the check outlives the conversion
    case("OAI002", """
        import os
        from openai import AzureOpenAI


        class Generator:
            def __init__(self, azure_endpoint=None, api_version="2023-05-15"):
                azure_endpoint = azure_endpoint or os.environ.get("AZURE_OPENAI_ENDPOINT")
                if not azure_endpoint:
                    raise ValueError("Please provide an Azure endpoint.")
                self.client = AzureOpenAI(api_version=api_version, azure_endpoint=azure_endpoint)
        """, """
        import os
        from openai import OpenAI


        class Generator:
            def __init__(self, azure_endpoint=None, api_version="2023-05-15"):
                azure_endpoint = azure_endpoint or os.environ.get("AZURE_OPENAI_ENDPOINT")
                if not azure_endpoint:
                    raise ValueError("Please provide an Azure endpoint.")
                # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint
                # migrate: the code above still raises without `azure_endpoint`, which this client no longer uses: drop that check, or the deployment must keep setting a value nothing reads
                self.client = OpenAI()
        """, id="OAI002-a-check-of-a-dropped-azure-setting-is-named",
        review=[('OAI002', 13, "AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint"),
                ('OAI002', 13, "the code above still raises without `azure_endpoint`")]),
    case("OAI002", """
        import openai


        def make_client(api_type, api_key, base_url=None):
            client_kwargs = {"api_key": api_key}
            if api_type == "openai" and base_url:
                client_kwargs["base_url"] = base_url
            return (
                openai.AzureOpenAI(**client_kwargs)
                if api_type == "azure"
                else openai.OpenAI(**client_kwargs)
            )
        """, """
        import openai


        def make_client(api_type, api_key, base_url=None):
            client_kwargs = {"api_key": api_key}
            if api_type == "openai" and base_url:
                client_kwargs["base_url"] = base_url
            # migrate: AzureOpenAI -> OpenAI for vLLM: the arguments spread into it must not carry api_version, azure_endpoint, azure_deployment, azure_ad_token, azure_ad_token_provider: OpenAI(...) raises TypeError on them; an api_key among them is the Azure key, which must not go to vLLM: read $OPENAI_API_KEY instead
            return openai.OpenAI(**client_kwargs)
        """, id="OAI002-a-choice-between-azure-and-openai-of-the-same-arguments-goes",
         review=[("OAI002", 10, "an api_key among them is the Azure key")]),
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
        from openai import AzureOpenAI


        def make_client(settings):
            params = {"api_version": settings.version, "azure_endpoint": settings.endpoint}
            # migrate: left on Azure OpenAI: its spread arguments carry api_version, azure_endpoint (OpenAI(...) rejects them): build an OpenAI client from $OPENAI_BASE_URL here to move it to vLLM
            return AzureOpenAI(**params)
        """, id="OAI002-azure-arguments-spread-from-a-dict-left-for-review",
        review=[('OAI002', 8, "left on Azure OpenAI: the arguments spread into this client carry api_version, azure_endpoint")]),
    # phidata 2.4.20 (llm/azure/openai_chat.py) and langchain-openai 0.2.14 (AzureChatOpenAI) fill the dict key by
    # key, or annotate it; a dict whose Azure keys the function does not show still converts, with a note
    case("OAI002", """
        from typing import Any, Dict

        from openai import AzureOpenAI, AsyncAzureOpenAI


        class AzureChat:
            client: AzureOpenAI | None = None

            def get_client(self) -> AzureOpenAI:
                params: Dict[str, Any] = {"api_key": self.api_key}
                if self.api_version:
                    params["api_version"] = self.api_version
                return AzureOpenAI(**params)

            def get_async_client(self) -> AsyncAzureOpenAI:
                params: dict = {"azure_deployment": self.deployment}
                return AsyncAzureOpenAI(**params)
        """, """
        from typing import Any, Dict

        from openai import AzureOpenAI, AsyncAzureOpenAI


        class AzureChat:
            client: AzureOpenAI | None = None

            def get_client(self) -> AzureOpenAI:
                params: Dict[str, Any] = {"api_key": self.api_key}
                if self.api_version:
                    params["api_version"] = self.api_version
                # migrate: left on Azure OpenAI: its spread arguments carry api_version (OpenAI(...) rejects them): build an OpenAI client from $OPENAI_BASE_URL here to move it to vLLM
                return AzureOpenAI(**params)

            def get_async_client(self) -> AsyncAzureOpenAI:
                params: dict = {"azure_deployment": self.deployment}
                # migrate: left on Azure OpenAI: its spread arguments carry azure_deployment (OpenAI(...) rejects them): build an OpenAI client from $OPENAI_BASE_URL here to move it to vLLM
                return AsyncAzureOpenAI(**params)
        """, id="OAI002-azure-keys-set-into-the-spread-dict-keep-the-client-on-azure",
        review=[('OAI002', 15, "left on Azure OpenAI: the arguments spread into this client carry api_version"),
                ('OAI002', 20, "left on Azure OpenAI: the arguments spread into this client carry azure_deployment")]),
    # openai imported lazily, inside the function (an optional dependency): the plain class joins that import, and
    # no import at the top loads openai with the module
    case("OAI002", """
        def make_client(settings):
            from openai import AzureOpenAI  # optional dependency

            return AzureOpenAI(api_key=settings.key, api_version="2024-02-01")

        class Provider:
            def client(self):
                from openai import (
                    AzureOpenAI,
                )
                return AzureOpenAI(api_version="2024-02-01")
        """, """
        import os

        def make_client(settings):
            from openai import OpenAI  # optional dependency

            # migrate: AzureOpenAI -> OpenAI for vLLM: the Azure key `settings.key` is not sent to vLLM; api_key reads $OPENAI_API_KEY
            # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version
            return OpenAI(api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"))

        class Provider:
            def client(self):
                from openai import (
                    OpenAI,
                )
                # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version
                return OpenAI()
        """, id="OAI002-azure-imported-inside-a-function-stays-a-lazy-import",
        review=[('OAI002', 9, "AzureOpenAI -> OpenAI for vLLM: the Azure key `settings.key` is not sent"),
                ('OAI002', 9, "AzureOpenAI -> OpenAI for vLLM: dropped api_version"),
                ('OAI002', 17, "AzureOpenAI -> OpenAI for vLLM: dropped api_version")]),
    case("OAI002", """
        def make_client(provider):
            from openai import AzureOpenAI, OpenAI

            if provider == "local":
                return OpenAI(base_url="http://localhost:8000/v1")
            return AzureOpenAI(api_version="2024-02-01")
        """, """
        def make_client(provider):
            from openai import OpenAI

            if provider == "local":
                return OpenAI(base_url="http://localhost:8000/v1")
            # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version
            return OpenAI()
        """, id="OAI002-azure-imported-inside-a-function-beside-openai",
        review=[('OAI002', 8, "AzureOpenAI -> OpenAI for vLLM: dropped api_version")]),
    # imported from its defining module (as Haystack does): that import goes, not only `from openai import ...`
    case("OAI002", """
        from openai.lib.azure import AzureOpenAI

        client = AzureOpenAI(api_version="2024-02-01")
        """, """
        from openai import OpenAI

        # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version
        client = OpenAI()
        """, id="OAI002-azure-imported-from-openai-lib-azure",
        review=[('OAI002', 5, "AzureOpenAI -> OpenAI for vLLM: dropped api_version")]),
    # a client only for what vLLM does not serve keeps talking to Azure, as it was (annotation and import included);
    # a converted one's unserved calls are noted for Azure (the code never had an OpenAI account to send them to)
    case("OAI002,OAI001", """
        import os
        from openai import AzureOpenAI
        from attrs import Factory, define, field


        @define
        class Painter:
            client: AzureOpenAI = field(
                default=Factory(lambda self: AzureOpenAI(api_version="2024-02-01", azure_endpoint=self.endpoint),
                                takes_self=True))

            def draw(self, prompt):
                return self.client.images.generate(model="dall-e-3", prompt=prompt)


        class Chat:
            def __init__(self):
                self.client = AzureOpenAI(api_version="2024-02-01", azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])

            def ask(self, q):
                return self.client.chat.completions.create(model="prod", messages=[])

            def speak(self, text):
                return self.client.audio.speech.create(model="tts-1", input=text, voice="alloy")


        speaker = AzureOpenAI(api_version="2024-02-01", azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])


        def say(text):
            return speaker.with_raw_response.audio.speech.create(model="tts-1", input=text, voice="alloy")
        """, f"""
        import os
        from openai import AzureOpenAI, OpenAI
        from attrs import Factory, define, field


        @define
        class Painter:
            client: AzureOpenAI = field(
                default=Factory(lambda self: AzureOpenAI(api_version="2024-02-01", azure_endpoint=self.endpoint),
                                takes_self=True))

            def draw(self, prompt):
                return self.client.images.generate(model="dall-e-3", prompt=prompt)


        class Chat:
            def __init__(self):
                # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint
                self.client = OpenAI(
                    base_url={ENV_BASE},
                    api_key={ENV_KEY},
                )

            def ask(self, q):
                return self.client.chat.completions.create(model="prod", messages=[])

            def speak(self, text):
                # migrate: audio.speech.create: vLLM serves no POST /v1/audio/speech route: keep this call on Azure OpenAI with a client of its own
                return self.client.audio.speech.create(model="tts-1", input=text, voice="alloy")


        speaker = AzureOpenAI(api_version="2024-02-01", azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])


        def say(text):
            return speaker.with_raw_response.audio.speech.create(model="tts-1", input=text, voice="alloy")
        """, id="OAI002-a-client-only-for-routes-vllm-lacks-stays-on-azure",
        review=[("OAI002", 10, "left alone: this Azure OpenAI client only calls what vLLM does not serve (images.generate)"),
                ("OAI002", 20, "dropped api_version, azure_endpoint"),
                ("OAI001", 30, "keep this call on Azure OpenAI"),
                ("OAI002", 33, "only calls what vLLM does not serve (audio.speech.create)")]),
    # pyautogen 0.2.35: a test for an Azure client alone keeps the Azure class (renamed, it would hold for every client)
    case("OAI002", """
        import openai
        from openai import AzureOpenAI, OpenAI


        def check(client: AzureOpenAI | OpenAI):
            if not isinstance(client, openai.AzureOpenAI) and not client.api_key.startswith("sk-"):
                print("not an OpenAI key")
            return isinstance(client, (OpenAI, AzureOpenAI))
        """, """
        import openai
        from openai import OpenAI


        def check(client: OpenAI):
            # migrate: isinstance(client, openai.AzureOpenAI): the Azure clients the migration converts are plain OpenAI clients now, so this test no longer holds for them (the Azure class stays named here): drop the Azure branch it guards, or keep that client on Azure
            if not isinstance(client, openai.AzureOpenAI) and not client.api_key.startswith("sk-"):
                print("not an OpenAI key")
            return isinstance(client, (OpenAI, OpenAI))
        """, id="OAI002-a-test-for-an-azure-client-keeps-the-azure-class",
        review=[("OAI002", 8, "the Azure clients the migration converts are plain OpenAI clients now")]),
    # semantic-kernel 1.3.0: what only an Azure client holds, read off the converted one, fails there
    case("OAI002", """
        from openai import AsyncAzureOpenAI


        class Config:
            def __init__(self, endpoint, key):
                self.client = AsyncAzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version="2024-02-01")

            def to_dict(self):
                return {
                    "api_version": self.client._custom_query["api-version"],
                    "deployment": self.client._azure_deployment,
                    "ad_token": getattr(self.client, "_azure_ad_token", None),
                }
        """, """
        from openai import AsyncOpenAI
        import os


        class Config:
            def __init__(self, endpoint, key):
                # migrate: AzureOpenAI -> OpenAI for vLLM: the Azure key `key` is not sent to vLLM; api_key reads $OPENAI_API_KEY
                # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint
                self.client = AsyncOpenAI(api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"))

            def to_dict(self):
                # migrate: self.client._custom_query["api-version"]: only an Azure client sends an api-version parameter; the converted client has none (KeyError): drop this read
                # migrate: self.client._azure_deployment: only an Azure client holds _azure_deployment; the converted client has none (AttributeError): drop this read, or read it with getattr and a default
                return {
                    "api_version": self.client._custom_query["api-version"],
                    "deployment": self.client._azure_deployment,
                    "ad_token": getattr(self.client, "_azure_ad_token", None),
                }
        """, id="OAI002-what-only-an-azure-client-holds-is-noted-where-read",
        review=[("OAI002", 10, "the Azure key `key` is not sent"), ("OAI002", 10, "dropped api_version, azure_endpoint"),
                ("OAI002", 16, "(KeyError): drop this read"), ("OAI002", 17, "holds _azure_deployment")]),
    # haystack-ai 2.3.0: the new import takes the old one's place and the comment above it, and the groups stay apart
    case("OAI002", """
        import os
        from typing import Any

        # pylint: disable=import-error
        from openai.lib.azure import AzureOpenAI
        from tqdm import tqdm

        from haystack import component

        client = AzureOpenAI(api_version="2024-02-01")
        """, """
        import os
        from typing import Any

        # pylint: disable=import-error
        from openai import OpenAI
        from tqdm import tqdm

        from haystack import component

        # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version
        client = OpenAI()
        """, id="OAI002-the-new-import-takes-the-place-of-the-one-it-replaces",
        review=[('OAI002', 12, "AzureOpenAI -> OpenAI for vLLM: dropped api_version")]),
    case("OAI002", """
        import os

        from openai.lib.azure import AzureOpenAI

        from haystack import component

        client = AzureOpenAI(api_version="2024-02-01")
        """, """
        import os

        from openai import OpenAI

        from haystack import component

        # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version
        client = OpenAI()
        """, id="OAI002-a-replaced-import-group-of-one-keeps-its-blank-lines",
        review=[('OAI002', 9, "AzureOpenAI -> OpenAI for vLLM: dropped api_version")]),
    # the class read off the module (`openai.AzureOpenAI(...)`, pandas-ai's spelling): renamed where it is written
    case("OAI002", """
        import openai

        client = openai.AzureOpenAI(api_version="2024-02-01")
        chat = openai.AzureOpenAI(**params).chat.completions
        """, """
        import openai

        # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version
        client = openai.OpenAI()
        # migrate: AzureOpenAI -> OpenAI for vLLM: the arguments spread into it must not carry api_version, azure_endpoint, azure_deployment, azure_ad_token, azure_ad_token_provider: OpenAI(...) raises TypeError on them; an api_key among them is the Azure key, which must not go to vLLM: read $OPENAI_API_KEY instead
        chat = openai.OpenAI(**params).chat.completions
        """, id="OAI002-azure-class-read-off-the-module",
        review=[('OAI002', 5, "AzureOpenAI -> OpenAI for vLLM: dropped api_version"),
                ('OAI002', 7, "the arguments spread into it must not carry api_version")]),
    # imported inside `try: ... except ImportError` (phidata's embedders): the plain class is imported there too,
    # under the module's own error message, not at the top
    case("OAI002", """
        try:
            from openai import AzureOpenAI as AzureOpenAIClient
        except ImportError:
            raise ImportError("`openai` not installed")


        def make(params) -> AzureOpenAIClient:
            return AzureOpenAIClient(api_version="2024-02-01", **params)
        """, """
        try:
            from openai import OpenAI
        except ImportError:
            raise ImportError("`openai` not installed")


        def make(params) -> OpenAI:
            # migrate: AzureOpenAI -> OpenAI for vLLM: the arguments spread into it must not carry api_version, azure_endpoint, azure_deployment, azure_ad_token, azure_ad_token_provider: OpenAI(...) raises TypeError on them; an api_key among them is the Azure key, which must not go to vLLM: read $OPENAI_API_KEY instead
            # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version
            return OpenAI(**params)
        """, id="OAI002-azure-imported-under-try-import-error-stays-there",
        review=[('OAI002', 11, "the arguments spread into it must not carry api_version"),
                ('OAI002', 11, "AzureOpenAI -> OpenAI for vLLM: dropped api_version")]),
    # promptflow-tools 1.0.0 (tools/embedding.py): the module imports the plain class under its own name beside the
    # Azure one: the converted construction uses that name, and the import keeps only it
    case("OAI002", """
        import os

        from openai import AzureOpenAI as AzureOpenAIClient, OpenAI as OpenAIClient


        def azure_client() -> OpenAIClient:
            return AzureOpenAIClient(api_version="2024-02-01", azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])
        """, """
        import os

        from openai import OpenAI as OpenAIClient


        def azure_client() -> OpenAIClient:
            # migrate: AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint
            return OpenAIClient()
        """, id="OAI002-the-modules-own-name-for-the-plain-class-replaces-the-azure-one",
        review=[("OAI002", 9, "AzureOpenAI -> OpenAI for vLLM: dropped api_version, azure_endpoint")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai002(c):
    check_case(c)
