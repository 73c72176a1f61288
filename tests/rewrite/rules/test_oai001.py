"""OAI001 client-endpoint: before/after cases, each with the review items it must leave, each run twice.

Only OpenAI-bound clients move; another provider's client is never handed another key, a local one is already
migrated, and the calls vLLM does not serve stay on OpenAI through a client of their own.
"""

from __future__ import annotations

import pytest

from tests.rewrite.cases import ENV_BASE, ENV_KEY, case, check_case

CASES = [
    # phidata 2.4.20: a property builds the client; a call through with_raw_response is one of its unserved calls
    case("OAI001", """
        from openai import OpenAI


        class File:
            @property
            def client(self) -> OpenAI:
                return self.openai or OpenAI()

            def create(self):
                return self.client.files.create(file=b"x", purpose="assistants")

            def download(self):
                return self.client.files.with_raw_response.retrieve_content(file_id="f")
        """, """
        from openai import OpenAI
        import os


        class File:
            @property
            def client(self) -> OpenAI:
                # migrate: this client only calls what vLLM does not serve (files.create, files.retrieve_content): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
                return self.openai or OpenAI(
                    base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
                    api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
                )

            def create(self):
                return self.client.files.create(file=b"x", purpose="assistants")

            def download(self):
                return self.client.files.with_raw_response.retrieve_content(file_id="f")
        """, id="OAI001-a-raw-response-call-counts-as-the-call-it-makes",
        review=[('OAI001', 10, "this client only calls what vLLM does not serve (files.create, files.retrieve_content)")]),
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI()
        client.chat.completions.create(model="m", messages=[])
        img = client.images.with_raw_response.generate(prompt="cat")
        """, f"""
        from openai import OpenAI
        import os

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        # migrate: openai_client keeps talking to OpenAI for what vLLM does not serve: images.generate
        openai_client = OpenAI(
            base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
            api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
        )
        client.chat.completions.create(model="m", messages=[])
        # migrate: images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images/generations route): it goes through `openai_client`, pinned to $OPENAI_UPSTREAM_BASE_URL
        img = openai_client.images.with_raw_response.generate(prompt="cat")
        """, id="OAI001-an-unserved-raw-response-call-moves-with-its-variant",
        review=[('OAI001', 16, "images.generate stays on OpenAI")]),
    case("OAI001", """
        import openai


        class Vectorizer:
            def __init__(self, model="text-embedding-3-small"):
                self.model = model
                self.embeddings = openai.embeddings

            def __call__(self, texts):
                return [d.embedding for d in self.embeddings.create(model=self.model, input=texts).data]
        """, f"""
        import openai
        import os

        openai.base_url = {ENV_BASE}
        openai.api_key = {ENV_KEY}


        class Vectorizer:
            def __init__(self, model="text-embedding-3-small"):
                self.model = model
                self.embeddings = openai.embeddings

            def __call__(self, texts):
                return [d.embedding for d in self.embeddings.create(model=self.model, input=texts).data]
        """, id="OAI001-default-client-resource-kept-as-a-value"),
    case("OAI001", """
        import os
        from openai import OpenAI

        client = OpenAI()
        client.base_url = os.environ["OPENAI_API_HOST"]

        router = OpenAI()
        router.base_url = "https://openrouter.ai/api/v1"


        class Bot:
            def __init__(self):
                self.client = OpenAI()
                self.client.base_url = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")
        """, f"""
        import os
        from openai import OpenAI

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        # migrate: `client.base_url` is set here after the client is built: it overrides the vLLM endpoint the construction now reads; read $OPENAI_BASE_URL here too, or remove it
        client.base_url = os.environ["OPENAI_API_HOST"]

        router = OpenAI()
        router.base_url = "https://openrouter.ai/api/v1"


        class Bot:
            def __init__(self):
                self.client = OpenAI(
                    base_url={ENV_BASE},
                    api_key={ENV_KEY},
                )
                self.client.base_url = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")
        """, id="OAI001-base-url-set-after-construction",
        review=[("OAI001", 10, "`client.base_url` is set here after the client is built: it overrides th"),
                ("OAI001", 12, "left alone: this client talks to OpenRouter (the URL is https://openro")]),
    case("OAI001", """
        import os
        from openai import OpenAI

        API_BASE = os.getenv("OPENAI_API_BASE")


        class Model:
            def __init__(self):
                url = os.environ.get("OPENAI_API_BASE_URL", None)
                self.client = OpenAI(base_url=url)
                self.other = OpenAI(base_url=API_BASE)
        """, f"""
        import os
        from openai import OpenAI

        # migrate: the base URL was read from $OPENAI_API_BASE, which is no longer read: it now comes from $OPENAI_BASE_URL (default http://localhost:8000/v1); set OPENAI_BASE_URL where this runs
        API_BASE = {ENV_BASE}


        class Model:
            def __init__(self):
                # migrate: the base URL was read from $OPENAI_API_BASE_URL, which is no longer read: it now comes from $OPENAI_BASE_URL (default http://localhost:8000/v1); set OPENAI_BASE_URL where this runs
                url = {ENV_BASE}
                self.client = OpenAI(api_key={ENV_KEY}, base_url=url)
                self.other = OpenAI(api_key={ENV_KEY}, base_url=API_BASE)
        """, id="OAI001-base-url-from-another-variable-says-the-variable-changed",
        review=[("OAI001", 6, "the base URL was read from $OPENAI_API_BASE, which is no longer read: it"),
                ("OAI001", 12, "the base URL was read from $OPENAI_API_BASE_URL, which is no longer read")]),
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI()
        """, f"""
        from openai import OpenAI
        import os

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI001-bare-client-gets-endpoint-and-import-os",
        review=[]),
    case("OAI001", """
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
        """, id="OAI001-aliased-module-async-literal-key-replaced",
        review=[]),
    case("OAI001", """
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
        """, id="OAI001-aliased-class-multiline-layout-kept",
        review=[]),
    case("OAI001", """
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
        """, id="OAI001-module-client-configured",
        review=[]),
    case("OAI001", """
        try:
            import pinecone
        except ImportError:
            pinecone = None

        if pinecone is None:
            raise ImportError("pinecone")

        import openai

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, f"""
        import os

        try:
            import pinecone
        except ImportError:
            pinecone = None

        if pinecone is None:
            raise ImportError("pinecone")

        import openai

        openai.base_url = {ENV_BASE}
        openai.api_key = {ENV_KEY}

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, id="OAI001-module-client-settings-after-a-late-import-of-openai",
        review=[]),
    case("OAI001", """
        import openai
        from dotenv import load_dotenv

        load_dotenv()

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, f"""
        import openai
        from dotenv import load_dotenv
        import os

        load_dotenv()

        openai.base_url = {ENV_BASE}
        openai.api_key = {ENV_KEY}

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, id="OAI001-module-client-settings-after-load-dotenv",
        review=[]),
    case("OAI001", """
        import os
        from openai import OpenAI

        def make_client(provider):
            if provider == "openrouter":
                return OpenAI(api_key=os.environ.get("OPENROUTER_API_KEY"), base_url="https://openrouter.ai/api/v1")
            return OpenAI(api_key=os.environ["OPENAI_API_KEY"])
        """, f"""
        import os
        from openai import OpenAI

        def make_client(provider):
            if provider == "openrouter":
                return OpenAI(api_key=os.environ.get("OPENROUTER_API_KEY"), base_url="https://openrouter.ai/api/v1")
            return OpenAI(
                base_url={ENV_BASE},
                api_key={ENV_KEY},
            )
        """, id="OAI001-openrouter-client-keeps-its-key",
        review=[('OAI001', 7, 'left alone: this client talks to OpenRouter (the URL is https://openro')]),
    # textgrad 0.1.6 imports os below a `try: from openai import ...` block: the new os.environ reads use that import
    case("OAI001", """
        try:
            from openai import OpenAI
        except ImportError:
            raise ImportError("pip install openai")

        import os

        def make():
            return OpenAI()
        """, f"""
        try:
            from openai import OpenAI
        except ImportError:
            raise ImportError("pip install openai")

        import os

        def make():
            return OpenAI(
                base_url={ENV_BASE},
                api_key={ENV_KEY},
            )
        """, id="OAI001-os-imported-below-a-try-block-is-not-imported-twice"),
    # ... but module code that runs before that import needs its own
    case("OAI001", """
        try:
            from openai import OpenAI
        except ImportError:
            raise ImportError("pip install openai")

        client = OpenAI()

        import os
        """, f"""
        import os

        try:
            from openai import OpenAI
        except ImportError:
            raise ImportError("pip install openai")

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )

        import os
        """, id="OAI001-os-imported-after-its-first-use-is-imported-at-the-top"),
    # langroid 0.1.200: Ollama's URL on one path, the user's config (None: OpenAI) on the other; not "talks to Ollama"
    case("OAI001", """
        from openai import OpenAI

        class Model:
            def __init__(self, config):
                if config.model.startswith("ollama/"):
                    self.api_base = "http://localhost:11434/v1"
                else:
                    self.api_base = config.api_base
                self.client = OpenAI(base_url=self.api_base)
        """, None, id="OAI001-another-providers-url-on-one-path-and-a-computed-one-on-the-other",
        review=[('OAI001', 10, "left alone: this client talks to Ollama (the URL is http://localhost:11434/v1) or "
                               "to an endpoint the code computes (base_url comes from `config.api_base`); where")]),
    # camel-ai 0.1.1: the code raises when the server URL is missing, so None (OpenAI's endpoint) never reaches the client
    case("OAI001", """
        from openai import OpenAI

        class Model:
            def __init__(self, config):
                server_url = config.get("server_url", None)
                if not server_url:
                    raise ValueError("URL to server running open-source LLM is not provided.")
                self.client = OpenAI(base_url=server_url)
        """, """
        from openai import OpenAI

        class Model:
            def __init__(self, config):
                server_url = config.get("server_url", None)
                if not server_url:
                    raise ValueError("URL to server running open-source LLM is not provided.")
                # migrate: base_url comes from `config.get("server_url", None)`: make sure it is the vLLM endpoint ($OPENAI_BASE_URL)
                self.client = OpenAI(base_url=server_url)
        """, id="OAI001-a-base-url-checked-before-use-is-not-openais-default",
        review=[('OAI001', 10, 'base_url comes from `config.get("server_url", None)`: make sure it is the vLLM endpoint')]),
    # the SDK reads $OPENAI_BASE_URL and $OPENAI_API_KEY, which this module sets to Groq's before building the client
    case("OAI001", """
        import os
        from openai import OpenAI

        os.environ["OPENAI_BASE_URL"] = "https://api.groq.com/openai/v1"
        os.environ["OPENAI_API_KEY"] = os.environ["GROQ_API_KEY"]
        client = OpenAI()
        """, None, id="OAI001-a-client-the-module-points-elsewhere-through-the-environment",
        review=[('OAI001', 7, 'left alone: this client talks to Groq (the URL is https://api.groq.com/openai/v1)')]),
    # griptape 0.21.0: an attrs field built by a Factory, for images only, its endpoint a field the caller sets
    case("OAI001", """
        import openai
        from attr import Factory, define, field


        @define
        class ImageDriver:
            base_url: str = field(default=None, kw_only=True)
            api_key: str = field(default=None, kw_only=True)
            client: openai.OpenAI = field(
                default=Factory(lambda self: openai.OpenAI(api_key=self.api_key, base_url=self.base_url), takes_self=True)
            )

            def draw(self, prompt):
                return self.client.images.generate(prompt=prompt)
        """, """
        import openai
        from attr import Factory, define, field


        @define
        class ImageDriver:
            base_url: str = field(default=None, kw_only=True)
            api_key: str = field(default=None, kw_only=True)
            # migrate: base_url comes from `self.base_url`; this client calls only images.generate, which vLLM does not serve: leave that endpoint on OpenAI
            client: openai.OpenAI = field(
                default=Factory(lambda self: openai.OpenAI(api_key=self.api_key, base_url=self.base_url), takes_self=True)
            )

            def draw(self, prompt):
                return self.client.images.generate(prompt=prompt)
        """, id="OAI001-a-field-factory-client-for-images-only-stays-on-openai",
        review=[('OAI001', 12, "base_url comes from `self.base_url`; this client calls only images.generate, which "
                               "vLLM does not serve: leave that endpoint on OpenAI")]),
    # guidance 0.0.64 sets openai.api_base in a method when its caller gives one: once OAI004 has moved the calls to
    # a module client, the setting configures nothing (OAI004's note), and OAI001 says nothing more about it
    case("OAI004,OAI001", """
        import openai


        class LLM:
            def __init__(self, model, api_base=None):
                self.model, self.api_base = model, api_base

            async def call(self, messages):
                if self.api_base is not None:
                    openai.api_base = self.api_base
                out = await openai.ChatCompletion.acreate(model=self.model, messages=messages)
                return out.choices[0].message.content
        """, """
        import openai
        import os

        async_client = openai.AsyncOpenAI(
            base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
            api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
        )


        class LLM:
            def __init__(self, model, api_base=None):
                self.model, self.api_base = model, api_base

            async def call(self, messages):
                if self.api_base is not None:
                    # migrate: openai.api_base no longer configures anything: pass it to OpenAI(...)
                    openai.api_base = self.api_base
                out = await async_client.chat.completions.create(model=self.model, messages=messages)
                return out.choices[0].message.content
        """, id="OAI001-a-dead-0x-setting-in-a-converted-module-gets-one-note",
        review=[('OAI004', 18, "openai.api_base set here no longer configures anything: this module now calls "
                               "through `async_client`")]),
    # embedchain 0.1.50: assistants v1's beta.assistants.files.create, which the catalog no longer knows, ends in
    # files.create: it is an endpoint of the assistants resource, not files.create on some `beta.assistants` client
    case("OAI001", """
        from openai import OpenAI


        class Assistant:
            def __init__(self, model="gpt-4o"):
                self._client = OpenAI()
                self.assistant = self._client.beta.assistants.create(model=model)

            def add_file(self, path):
                file_obj = self._client.files.create(file=open(path, "rb"), purpose="assistants")
                self._client.beta.assistants.files.create(assistant_id=self.assistant.id, file_id=file_obj.id)
        """, """
        from openai import OpenAI
        import os


        class Assistant:
            def __init__(self, model="gpt-4o"):
                # migrate: this client only calls what vLLM does not serve (beta.assistants.create, beta.assistants.files.create, files.create): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
                self._client = OpenAI(
                    base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
                    api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
                )
                self.assistant = self._client.beta.assistants.create(model=model)

            def add_file(self, path):
                file_obj = self._client.files.create(file=open(path, "rb"), purpose="assistants")
                self._client.beta.assistants.files.create(assistant_id=self.assistant.id, file_id=file_obj.id)
        """, id="OAI001-an-endpoint-the-catalog-no-longer-knows-is-not-a-shorter-one",
        review=[('OAI001', 9, "this client only calls what vLLM does not serve (beta.assistants.create, "
                              "beta.assistants.files.create, files.create)")]),
    # mirascope 1.0.5: a client built only to shape a request LiteLLM sends, with a key that says so; vLLM's docs'
    # api_key="EMPTY" and llama.cpp's "sk-no-key-required" are local servers' keys: none of them can talk to OpenAI
    case("OAI001", """
        from openai import OpenAI

        def setup_call(model, fn):
            return setup_call_openai(model=model, client=OpenAI(api_key="NOT_USED"), fn=fn)

        local = OpenAI(api_key="EMPTY")
        llama = OpenAI(api_key="sk-no-key-required")
        local.chat.completions.create(model="m", messages=[])
        """, None, id="OAI001-a-key-that-says-none-is-needed-is-a-local-servers-client"),
    # pandasai 2.0.40's LocalLLM: the base URL is the caller's, the key a dummy unless given
    case("OAI001", """
        from openai import OpenAI

        class LocalLLM:
            def __init__(self, api_base, api_key=None):
                if api_key is None:
                    api_key = "dummy"
                self.client = OpenAI(base_url=api_base, api_key=api_key).chat.completions
        """, None, id="OAI001-a-dummy-key-beside-the-callers-base-url-is-a-local-servers-client"),
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI(api_key="YOUR_API_KEY")
        checked = OpenAI(base_url="https://api.openai.com/v1", api_key="EMPTY")
        """, f"""
        from openai import OpenAI
        import os

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        checked = OpenAI(base_url={ENV_BASE}, api_key={ENV_KEY})
        """, id="OAI001-a-placeholder-for-a-real-key-or-an-openai-url-still-moves"),
    # textgrad 0.1.6: the Ollama branch passes its base URL through a parameter; its placeholder key names Ollama
    case("OAI001", """
        import os
        from openai import OpenAI

        class Engine:
            def __init__(self, base_url=None):
                if base_url and base_url == OLLAMA_BASE_URL:
                    self.client = OpenAI(base_url=base_url, api_key="ollama")
        """, None, id="OAI001-a-placeholder-key-naming-ollama-is-ollamas-client",
        review=[('OAI001', 8, "left alone: this client talks to Ollama (api_key is 'ollama'), not to OpenAI")]),
    case("OAI001", """
        import os
        from openai import OpenAI

        xai = OpenAI(base_url="https://api.x.ai/v1", api_key=os.environ["XAI_API_KEY"])
        together = OpenAI(base_url="https://api.together.xyz/v1", api_key=os.getenv("TOGETHER_API_KEY"))
        groq = OpenAI(base_url="https://api.groq.com/openai/v1", api_key=os.getenv("GROQ_API_KEY"))
        ollama = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")
        anyscale = OpenAI(base_url="https://api.endpoints.anyscale.com/v1", api_key=os.environ["ANYSCALE_API_KEY"])
        perplexity = OpenAI(api_key=os.environ["PPLX_API_KEY"], base_url="https://api.perplexity.ai")
        runpod = OpenAI(base_url=f"https://api.runpod.ai/v2/{os.environ['ENDPOINT_ID']}/openai/v1")
        gateway = OpenAI(base_url="https://llm-gateway.example.com/openai/v1")
        """, None, id="OAI001-provider-clients-left-alone",
        review=[('OAI001', 5, 'left alone: this client talks to xAI (the URL is https://api.x.ai/v1),'), ('OAI001', 6, 'left alone: this client talks to Together (the URL is https://api.toge'), ('OAI001', 7, 'left alone: this client talks to Groq (the URL is https://api.groq.com'), ('OAI001', 8, 'left alone: this client talks to Ollama (the URL is http://localhost:1'), ('OAI001', 9, 'left alone: this client talks to Anyscale (the URL is https://api.endp'), ('OAI001', 10, 'left alone: this client talks to Perplexity (the URL is https://api.pe'), ('OAI001', 11, 'left alone: this client talks to RunPod (the URL is https://api.runpod'), ('OAI001', 12, 'left alone: this client talks to llm-gateway.example.com (the URL is h')]),
    case("OAI001", """
        import os
        from openai import OpenAI

        client = OpenAI(api_key=os.environ["VITE_KEY"])
        groq = OpenAI(api_key=os.environ["NEXT_PUBLIC_GROQ_API_KEY"])
        """, f"""
        import os
        from openai import OpenAI

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        groq = OpenAI(api_key=os.environ["NEXT_PUBLIC_GROQ_API_KEY"])
        """, id="OAI001-bundler-prefixes-are-no-providers",
        review=[('OAI001', 9, 'left alone: this client talks to Groq (api_key comes from $NEXT_PUBLI')]),
    case("OAI001", """
        import os
        from openai import OpenAI

        client = OpenAI(api_key=os.getenv("DEEPSEEK_API_KEY"))
        other = OpenAI(api_key=settings.groq_api_key)
        """, None, id="OAI001-provider-key-without-base-url-left-alone",
        review=[('OAI001', 5, 'left alone: this client talks to DeepSeek (api_key comes from $DEEPSEE'), ('OAI001', 6, 'left alone: this client talks to Groq (api_key comes from `groq_api_ke')]),
    case("OAI001", """
        import os
        from openai import OpenAI

        VLLM_URL = os.getenv("VLLM_BASE_URL", "http://localhost:8000/v1")
        client = OpenAI(base_url=VLLM_URL, api_key="token-abc123")
        cluster = OpenAI(base_url="http://vllm.ml.svc.cluster.local:8000/v1", api_key="EMPTY")
        """, None, id="OAI001-existing-vllm-client-untouched",
        review=[]),
    case("OAI001", """
        import os
        from openai import OpenAI

        PROVIDERS = {
            "openrouter": {"base_url": "https://openrouter.ai/api/v1", "key_env": "OPENROUTER_API_KEY"},
            "together": {"base_url": "https://api.together.xyz/v1", "key_env": "TOGETHER_API_KEY"},
        }

        def client_for(name):
            cfg = PROVIDERS[name]
            return OpenAI(base_url=cfg["base_url"], api_key=os.environ[cfg["key_env"]])
        """, None, id="OAI001-provider-from-dict-settings",
        review=[('OAI001', 12, 'left alone: this client talks to OpenRouter (the URL is https://openro')]),
    case("OAI001", """
        import os
        from openai import OpenAI

        def make(provider):
            base_url = "https://openrouter.ai/api/v1" if provider == "openrouter" else None
            return OpenAI(base_url=base_url)
        """, """
        import os
        from openai import OpenAI

        def make(provider):
            base_url = "https://openrouter.ai/api/v1" if provider == "openrouter" else None
            # migrate: this client talks to OpenRouter or OpenAI (the URL is https://openrouter.ai/api/v1): left alone; point its OpenAI case at $OPENAI_BASE_URL by hand
            return OpenAI(base_url=base_url)
        """, id="OAI001-conditional-provider-left-for-review",
        review=[('OAI001', 8, 'this client talks to OpenRouter or OpenAI (the URL is https://openrout')]),
    case("OAI001", """
        import os
        from openai import AsyncOpenAI

        OPENAI_URL = "https://api.openai.com/v1"

        class Chat:
            def __init__(self, base_url=OPENAI_URL, api_key=os.getenv("OPENAI_API_KEY")):
                self.client = AsyncOpenAI(base_url=base_url, api_key=api_key)
        """, f"""
        import os
        from openai import AsyncOpenAI

        OPENAI_URL = {ENV_BASE}

        class Chat:
            def __init__(self, base_url=OPENAI_URL, api_key=os.getenv("OPENAI_API_KEY")):
                self.client = AsyncOpenAI(base_url=base_url, api_key=api_key)
        """, id="OAI001-openai-url-through-constant-and-default",
        review=[('OAI001', 9, 'api_key comes from `api_key`: vLLM accepts any key unless it was start')]),
    case("OAI001", """
        import os
        from openai import AsyncOpenAI

        class Grok:
            BASE_URL = "https://api.x.ai/v1"

            def __init__(self, api_key=None):
                self.client = AsyncOpenAI(base_url=self.BASE_URL, api_key=api_key or os.getenv("XAI_API_KEY"))
        """, None, id="OAI001-other-provider-through-class-attribute",
        review=[('OAI001', 9, 'left alone: this client talks to xAI (the URL is https://api.x.ai/v1),')]),
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI()

        def answer(q):
            return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])

        def draw(prompt):
            return client.images.generate(model="dall-e-3", prompt=prompt)
        """, f"""
        from openai import OpenAI
        import os

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        # migrate: openai_client keeps talking to OpenAI for what vLLM does not serve: images.generate
        openai_client = OpenAI(
            base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
            api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
        )

        def answer(q):
            return client.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": q}}])

        def draw(prompt):
            # migrate: images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images/generations route): it goes through `openai_client`, pinned to $OPENAI_UPSTREAM_BASE_URL
            return openai_client.images.generate(model="dall-e-3", prompt=prompt)
        """, id="OAI001-images-call-stays-on-openai",
        review=[('OAI001', 20, 'images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images')]),
    case("OAI001", """
        from openai import OpenAI

        class Voice:
            def __init__(self, settings):
                self.llm = OpenAI(api_key=settings.openai_key)
                self.tts = OpenAI(api_key=settings.openai_key)

            def reply(self, text):
                answer = self.llm.chat.completions.create(model="gpt-4o", messages=[])
                return self.tts.audio.speech.create(model="tts-1", voice="alloy", input=answer)
        """, f"""
        from openai import OpenAI
        import os

        class Voice:
            def __init__(self, settings):
                self.llm = OpenAI(
                    base_url={ENV_BASE},
                    api_key=settings.openai_key,
                )
                # migrate: this client only calls what vLLM does not serve (audio.speech.create): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
                self.tts = OpenAI(
                    base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
                    api_key=settings.openai_key,
                )

            def reply(self, text):
                answer = self.llm.chat.completions.create(model="gpt-4o", messages=[])
                return self.tts.audio.speech.create(model="tts-1", voice="alloy", input=answer)
        """, id="OAI001-speech-only-client-stays-on-openai",
        review=[('OAI001', 7, 'api_key comes from `settings.openai_key`: vLLM accepts any key unless '), ('OAI001', 12, 'this client only calls what vLLM does not serve (audio.speech.create):')]),
    case("OAI001", """
        from typing import Optional

        from openai import OpenAI

        class Thread:
            openai: Optional[OpenAI] = None

            @property
            def client(self) -> OpenAI:
                return self.openai or OpenAI()

            def create(self):
                return self.client.beta.threads.create()
        """, """
        from typing import Optional

        from openai import OpenAI
        import os

        class Thread:
            openai: Optional[OpenAI] = None

            @property
            def client(self) -> OpenAI:
                # migrate: this client only calls what vLLM does not serve (beta.threads.create): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
                return self.openai or OpenAI(
                    base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
                    api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
                )

            def create(self):
                return self.client.beta.threads.create()
        """, id="OAI001-client-built-by-a-property-used-only-for-assistants-stays-on-openai",
        review=[('OAI001', 13, 'this client only calls what vLLM does not serve (beta.threads.create)')]),
    case("OAI001", """
        from openai import OpenAI

        class Thread:
            @property
            def client(self):
                return OpenAI()

            def create(self):
                return self.client.beta.threads.create()

            def ask(self):
                return self.client.chat.completions.create(model="gpt-4o", messages=[])
        """, f"""
        from openai import OpenAI
        import os

        class Thread:
            @property
            def client(self):
                return OpenAI(
                    base_url={ENV_BASE},
                    api_key={ENV_KEY},
                )

            def create(self):
                # migrate: beta.threads.create: vLLM serves no POST /v1/threads route: if `self.client` points at vLLM, keep this call on OpenAI through a client of its own (base_url from $OPENAI_UPSTREAM_BASE_URL)
                return self.client.beta.threads.create()

            def ask(self):
                return self.client.chat.completions.create(model="gpt-4o", messages=[])
        """, id="OAI001-client-built-by-a-property-used-for-chat-too-moves-with-a-note-on-the-rest",
        review=[('OAI001', 15, 'beta.threads.create: vLLM serves no POST /v1/threads route')]),
    case("OAI001", """
        from openai import OpenAI

        class Model:
            def __init__(self, config):
                server_url = (config.get(
                    "server_url", None))
                self.client = OpenAI(base_url=server_url)
        """, """
        from openai import OpenAI

        class Model:
            def __init__(self, config):
                server_url = (config.get(
                    "server_url", None))
                # migrate: this client talks to OpenAI unless base_url is set by `config.get("server_url", None)`: left alone; make sure that value is the vLLM endpoint ($OPENAI_BASE_URL)
                self.client = OpenAI(base_url=server_url)
        """, id="OAI001-review-item-quoting-code-over-several-lines-is-one-line",
        review=[('OAI001', 9, 'unless base_url is set by `config.get("server_url", None)`: left alone')]),
    case("OAI001", """
        from openai import OpenAI

        class Painter:
            client = OpenAI()

            def paint(self, prompt):
                return self.client.images.generate(model="dall-e-3", prompt=prompt)
        """, """
        from openai import OpenAI
        import os

        class Painter:
            # migrate: this client only calls what vLLM does not serve (images.generate): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
            client = OpenAI(
                base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
                api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
            )

            def paint(self, prompt):
                return self.client.images.generate(model="dall-e-3", prompt=prompt)
        """, id="OAI001-class-attribute-client-of-images-only-stays-on-openai",
        review=[('OAI001', 7, 'this client only calls what vLLM does not serve (images.generate)')]),
    case("OAI001", """
        from openai import OpenAI

        class Painter:
            client = OpenAI()

            def paint(self, prompt):
                return self.client.images.generate(model="dall-e-3", prompt=prompt)

            def describe(self, prompt):
                return self.client.chat.completions.create(model="gpt-4o", messages=[])
        """, f"""
        from openai import OpenAI
        import os

        class Painter:
            client = OpenAI(
                base_url={ENV_BASE},
                api_key={ENV_KEY},
            )
            # migrate: openai_client keeps talking to OpenAI for what vLLM does not serve: images.generate
            openai_client = OpenAI(
                base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
                api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
            )

            def paint(self, prompt):
                # migrate: images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images/generations route): it goes through `self.openai_client`, pinned to $OPENAI_UPSTREAM_BASE_URL
                return self.openai_client.images.generate(model="dall-e-3", prompt=prompt)

            def describe(self, prompt):
                return self.client.chat.completions.create(model="gpt-4o", messages=[])
        """, id="OAI001-class-attribute-client-images-go-through-self-upstream-client",
        review=[('OAI001', 18, "it goes through `self.openai_client`")]),
    case("OAI001", """
        import openai

        def check(text):
            if openai.moderations.create(input=text).results[0].flagged:
                return None
            return openai.chat.completions.create(model="gpt-4o", messages=[])
        """, f"""
        import openai
        import os

        openai.base_url = {ENV_BASE}
        openai.api_key = {ENV_KEY}
        # migrate: openai_client keeps talking to OpenAI for what vLLM does not serve: moderations.create
        openai_client = openai.OpenAI(
            base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
            api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
        )

        def check(text):
            # migrate: moderations.create stays on OpenAI (vLLM 0.32.0 serves no POST /v1/moderations route): it goes through `openai_client`, pinned to $OPENAI_UPSTREAM_BASE_URL
            if openai_client.moderations.create(input=text).results[0].flagged:
                return None
            return openai.chat.completions.create(model="gpt-4o", messages=[])
        """, id="OAI001-module-client-moderation-stays-on-openai",
        review=[('OAI001', 15, 'moderations.create stays on OpenAI (vLLM 0.32.0 serves no POST /v1/mod')]),
    case("OAI001", """
        import os
        import openai

        openai.api_base = "https://api.together.xyz/v1"
        openai.api_key = os.environ["TOGETHER_API_KEY"]

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, None, id="OAI001-module-config-of-another-provider-left-alone",
        review=[('OAI001', 5, "left alone: this module's OpenAI configuration talks to Together (the ")]),
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI(base_url=f"https://{resource}.openai.azure.com/openai/v1", api_key=key)
        """, f"""
        from openai import OpenAI
        import os

        client = OpenAI(base_url={ENV_BASE}, api_key=key)
        """, id="OAI001-azure-url-in-f-string-migrates",
        review=[('OAI001', 5, 'api_key comes from `key`: vLLM accepts any key unless it was started w')]),
    case("OAI004,OAI001", """
        import openai


        class Azure:
            def __init__(self, resource_name, api_key):
                openai.api_type = "azure"
                openai.api_base = f"https://{resource_name}.openai.azure.com"

            def ask(self, prompt):
                return openai.ChatCompletion.create(engine="gpt4", messages=[{"role": "user", "content": prompt}])
        """, f"""
        import openai
        import os

        client = openai.OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )


        class Azure:
            def __init__(self, resource_name, api_key):
                # migrate: openai.api_type no longer configures anything: pass it to OpenAI(...)
                openai.api_type = "azure"
                # migrate: openai.api_base no longer configures anything: pass it to OpenAI(...)
                openai.api_base = {ENV_BASE}

            def ask(self, prompt):
                return client.chat.completions.create(model="gpt4", messages=[{{"role": "user", "content": prompt}}])
        """, id="OAI001-azure-module-configuration-moved-once-its-api-type-left-behind",
        review=[('OAI004', 14, 'openai.api_type set here no longer configures anything'),
                ('OAI004', 16, 'openai.api_base set here no longer configures anything')]),
    case("OAI004,OAI001", """
        import openai

        openai.api_key = os.getenv("OPENAI_API_KEY")

        def illustrate(text):
            summary = openai.ChatCompletion.create(model="gpt-4o", messages=[{"role": "user", "content": text}])
            return openai.Image.create(prompt=summary.choices[0].message.content, n=1)
        """, f"""
        import openai
        import os

        client = openai.OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        # migrate: openai_client keeps talking to OpenAI for what vLLM does not serve: images.generate
        openai_client = openai.OpenAI(
            base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
            api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
        )

        def illustrate(text):
            summary = client.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": text}}])
            # migrate: images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images/generations route): it goes through `openai_client`, pinned to $OPENAI_UPSTREAM_BASE_URL
            return openai_client.images.generate(prompt=summary.choices[0].message.content, n=1)
        """, id="OAI001-legacy-image-create-stays-on-openai",
        review=[('OAI001', 18, 'images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images')]),
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI(base_url=settings.llm_url, api_key=os.environ["OPENAI_API_KEY"])
        """, """
        from openai import OpenAI

        # migrate: base_url comes from `settings.llm_url`: make sure it is the vLLM endpoint ($OPENAI_BASE_URL)
        client = OpenAI(base_url=settings.llm_url, api_key=os.environ["OPENAI_API_KEY"])
        """, id="OAI001-project-plumbing-kept-and-noted",
        review=[('OAI001', 5, 'base_url comes from `settings.llm_url`: make sure it is the vLLM endpo')]),
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI()

        def draw(api, prompt):
            return api.images.generate(prompt=prompt)
        """, f"""
        from openai import OpenAI
        import os

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )

        def draw(api, prompt):
            # migrate: images.generate: vLLM serves no POST /v1/images/generations route: if `api` points at vLLM, keep this call on OpenAI through a client of its own (base_url from $OPENAI_UPSTREAM_BASE_URL)
            return api.images.generate(prompt=prompt)
        """, id="OAI001-unresolved-client-images-noted",
        review=[('OAI001', 12, 'images.generate: vLLM serves no POST /v1/images/generations route: if ')]),
    case("OAI001", """
        from openai import OpenAI
        from app.clients import client

        def draw(prompt):
            return client.images.generate(prompt=prompt)

        def speak(c: OpenAI, text):
            return c.audio.speech.create(model="tts-1", voice="alloy", input=text)

        def render(engine, prompt):
            return engine.images.generate(prompt=prompt)
        """, """
        from openai import OpenAI
        from app.clients import client

        def draw(prompt):
            # migrate: images.generate: vLLM serves no POST /v1/images/generations route: if `client` points at vLLM, keep this call on OpenAI through a client of its own (base_url from $OPENAI_UPSTREAM_BASE_URL)
            return client.images.generate(prompt=prompt)

        def speak(c: OpenAI, text):
            # migrate: audio.speech.create: vLLM serves no POST /v1/audio/speech route: if `c` points at vLLM, keep this call on OpenAI through a client of its own (base_url from $OPENAI_UPSTREAM_BASE_URL)
            return c.audio.speech.create(model="tts-1", voice="alloy", input=text)

        def render(engine, prompt):
            return engine.images.generate(prompt=prompt)
        """, id="OAI001-imported-client-unserved-call-noted",
        review=[('OAI001', 7, 'images.generate: vLLM serves no POST /v1/images/generations route: if '), ('OAI001', 11, 'audio.speech.create: vLLM serves no POST /v1/audio/speech route: if `c')]),
    case("OAI001", """
        import os
        from openai import OpenAI

        class VllmLLM:
            def __init__(self, config):
                self.client = OpenAI(api_key=os.getenv("VLLM_API_KEY"), base_url=config.vllm_base_url)
        """, None, id="OAI001-vllm-named-setting-untouched",
        review=[]),
    case("OAI004,OAI001", """
        import os
        import openai

        openai.api_base = "https://openrouter.ai/api/v1"
        openai.api_key = os.getenv("OPENROUTER_API_KEY")

        def ask(q):
            return openai.ChatCompletion.create(model="mistralai/mixtral-8x7b", messages=[{"role": "user", "content": q}])
        """, """
        import os
        import openai

        client = openai.OpenAI(
            base_url="https://openrouter.ai/api/v1",
            api_key=os.getenv("OPENROUTER_API_KEY"),
        )

        def ask(q):
            return client.chat.completions.create(model="mistralai/mixtral-8x7b", messages=[{"role": "user", "content": q}])
        """, id="OAI001-legacy-openrouter-config-keeps-its-key",
        review=[('OAI001', 5, 'left alone: this client talks to OpenRouter (the URL is https://openro')]),
    case("OAI001", """
        import os
        import openai


        def make_client():
            if "openrouter.ai" in os.environ["OPENAI_API_BASE"]:
                client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"], base_url=os.environ.get("OPENAI_API_BASE"))
            elif os.environ.get("LLM_PROVIDER") == "groq":
                client = openai.OpenAI(base_url=os.environ.get("OPENAI_API_BASE"))
            elif "openrouter.ai" not in os.environ.get("OPENAI_API_BASE", ""):
                client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])
            else:
                client = openai.OpenAI()
            return client
        """, f"""
        import os
        import openai


        def make_client():
            if "openrouter.ai" in os.environ["OPENAI_API_BASE"]:
                client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"], base_url=os.environ.get("OPENAI_API_BASE"))
            elif os.environ.get("LLM_PROVIDER") == "groq":
                client = openai.OpenAI(base_url=os.environ.get("OPENAI_API_BASE"))
            elif "openrouter.ai" not in os.environ.get("OPENAI_API_BASE", ""):
                client = openai.OpenAI(
                    base_url={ENV_BASE},
                    api_key={ENV_KEY},
                )
            else:
                client = openai.OpenAI(
                    base_url={ENV_BASE},
                    api_key={ENV_KEY},
                )
            return client
        """, id="OAI001-client-built-under-a-test-for-another-provider-left-alone",
        review=[("OAI001", 8, "left alone: this client talks to OpenRouter (it is built under `if"),
                ("OAI001", 10, "left alone: this client talks to Groq")]),
    case("OAI001", """
        import os

        import openai


        def route(provider, messages):
            if provider == "openrouter":
                openai.api_base = "https://openrouter.ai/api/v1"
                openai.api_key = os.environ["OPENROUTER_API_KEY"]
            else:
                openai.api_base = "https://api.openai.com/v1"
            return openai.ChatCompletion.create(model="m", messages=messages)
        """, id="OAI001-a-router-module-says-what-each-setting-points-at",
        review=[("OAI001", 9, "this module's OpenAI configuration talks to OpenRouter (the URL is https://openrouter"),
                ("OAI001", 12, "several endpoints in different places (OpenRouter, OpenAI); this one points it at "
                               "OpenAI (the URL is https://api.openai.com/v1)")]),
    # the endpoint comes from the application's settings first, OpenAI's as the fallback (mem0's OpenAILLM): the
    # fallback becomes the vLLM endpoint where it is written, the settings stay first, the key is left as it is
    case("OAI001", """
        import os
        from openai import OpenAI

        class OpenAILLM:
            def __init__(self, config):
                api_key = config.api_key or os.getenv("OPENAI_API_KEY")
                base_url = config.openai_base_url or os.getenv("OPENAI_API_BASE") or "https://api.openai.com/v1"
                self.client = OpenAI(api_key=api_key, base_url=base_url)
        """, """
        import os
        from openai import OpenAI

        class OpenAILLM:
            def __init__(self, config):
                api_key = config.api_key or os.getenv("OPENAI_API_KEY")
                # migrate: the base URL was read from $OPENAI_API_BASE, which is no longer read: it now comes from $OPENAI_BASE_URL (default http://localhost:8000/v1); set OPENAI_BASE_URL where this runs
                base_url = config.openai_base_url or os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")
                # migrate: base_url is `config.openai_base_url` where that is set, else OpenAI's endpoint, which now is $OPENAI_BASE_URL: make sure `config.openai_base_url`, where set, is the vLLM endpoint
                self.client = OpenAI(api_key=api_key, base_url=base_url)
        """, id="OAI001-settings-first-openai-fallback-becomes-vllm",
        review=[("OAI001", 9, "the base URL was read from $OPENAI_API_BASE, which is no longer read"),
                ("OAI001", 11, "base_url is `config.openai_base_url` where that is set, else OpenAI's endpoint")]),
    # every operand of the `or` reaches OpenAI: one vLLM endpoint, not `X or X`
    case("OAI001", """
        import os
        from openai import OpenAI

        base_url = os.getenv("OPENAI_API_BASE") or "https://api.openai.com/v1"
        client = OpenAI(base_url=base_url, api_key=os.environ["OPENAI_API_KEY"])
        """, """
        import os
        from openai import OpenAI

        # migrate: the base URL was read from $OPENAI_API_BASE, which is no longer read: it now comes from $OPENAI_BASE_URL (default http://localhost:8000/v1); set OPENAI_BASE_URL where this runs
        base_url = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")
        client = OpenAI(base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"))
        """, id="OAI001-or-chain-of-openai-endpoints-becomes-one",
        review=[("OAI001", 6, "the base URL was read from $OPENAI_API_BASE, which is no longer read")]),
    # the settings' endpoint may be another provider's: still no edit where the fallback is not OpenAI's own
    case("OAI001", """
        from openai import OpenAI

        def make(settings):
            return OpenAI(base_url=settings.base_url or "https://openrouter.ai/api/v1", api_key=settings.key)
        """, id="OAI001-settings-first-other-provider-fallback-left-alone",
        review=[("OAI001", 5, "left alone: this client talks to")]),
    # camel-ai 0.1.6: one client, whose endpoint the code computes, for speech and transcriptions: where it is vLLM
    # (its fallback now is), the speech call fails, and says so
    case("OAI001", """
        import os
        from typing import Optional

        from openai import OpenAI


        class AudioModels:
            def __init__(self, api_key: Optional[str] = None, url: Optional[str] = None) -> None:
                self._url = url or os.environ.get("OPENAI_API_BASE_URL")
                self._client = OpenAI(base_url=self._url, api_key=api_key or os.environ.get("OPENAI_API_KEY"))

            def text_to_speech(self, text: str):
                return self._client.audio.speech.create(model="tts-1", voice="alloy", input=text)

            def speech_to_text(self, f):
                return self._client.audio.transcriptions.create(model="whisper-1", file=f).text
        """, """
        import os
        from typing import Optional

        from openai import OpenAI


        class AudioModels:
            def __init__(self, api_key: Optional[str] = None, url: Optional[str] = None) -> None:
                # migrate: the base URL was read from $OPENAI_API_BASE_URL, which is no longer read: it now comes from $OPENAI_BASE_URL (default http://localhost:8000/v1); set OPENAI_BASE_URL where this runs
                self._url = url or os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")
                # migrate: base_url is `parameter url` where that is set, else OpenAI's endpoint, which now is $OPENAI_BASE_URL: make sure `parameter url`, where set, is the vLLM endpoint
                self._client = OpenAI(base_url=self._url, api_key=api_key or os.environ.get("OPENAI_API_KEY"))

            def text_to_speech(self, text: str):
                # migrate: audio.speech.create: vLLM serves no POST /v1/audio/speech route: if `self._client` points at vLLM, keep this call on OpenAI through a client of its own (base_url from $OPENAI_UPSTREAM_BASE_URL)
                return self._client.audio.speech.create(model="tts-1", voice="alloy", input=text)

            def speech_to_text(self, f):
                return self._client.audio.transcriptions.create(model="whisper-1", file=f).text
        """, id="OAI001-an-unserved-call-through-a-client-of-computed-endpoint-is-noted",
        review=[("OAI001", 11, "no longer read"), ("OAI001", 13, "make sure `parameter url`, where set, is the vLLM"),
                ("OAI001", 17, "audio.speech.create: vLLM serves no POST /v1/audio/speech route")]),
    # langchain-community 0.2.10: the settings of another provider's client, in the dict spread into it
    case("OAI001", """
        import openai


        def validate(values):
            client_params = {
                "api_key": values["anyscale_api_key"],
                "base_url": values["anyscale_api_base"],
                "timeout": values["request_timeout"],
            }
            values["client"] = openai.OpenAI(**client_params).chat.completions
            return values
        """, None, id="OAI001-another-providers-settings-spread-from-a-dict-leave-it-alone",
        review=[("OAI001", 11, "left alone: this client talks to Anyscale")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai001(c):
    check_case(c)
