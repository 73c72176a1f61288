"""OAI004 legacy-calls: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
    # gpt-engineer 0.2.6 hands old LangChain the 0.x API object as its client: a LangChain on openai>=1 builds its own
    case("OAI004", """
        import openai
        from langchain.chat_models import ChatOpenAI


        def make(model, temperature):
            return ChatOpenAI(model=model, temperature=temperature, streaming=True, client=openai.ChatCompletion)
        """, """
        import openai
        from langchain.chat_models import ChatOpenAI


        def make(model, temperature):
            return ChatOpenAI(model=model, temperature=temperature, streaming=True)
        """, id="OAI004-a-langchain-client-argument-of-a-0x-api-object-goes",
        review=[('OAI004', 7, "dropped client=: the LangChain wrapper builds its own openai>=1 client")]),
    case("OAI004", """
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
        """, id="OAI004-settings-folded-in-place-sync-and-async-clients",
        review=[]),
    case("OAI004", """
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
        """, id="OAI004-from-imports-and-image-create-becomes-generate",
        review=[]),
    case("OAI004", """
        import openai


        def complete(settings, prompt, **kwargs):
            return openai.Completion.create(prompt=prompt, **vars(settings), **kwargs)


        def chat(messages, deployment):
            return openai.ChatCompletion.create(messages=messages, **{"engine": deployment, "request_timeout": 30})
        """, """
        import openai

        client = openai.OpenAI()


        def complete(settings, prompt, **kwargs):
            # migrate: **vars(settings) must not carry 0.x-only arguments (engine=, request_timeout=, api_key=, ...)
            # migrate: **kwargs must not carry 0.x-only arguments (engine=, request_timeout=, api_key=, ...)
            return client.completions.create(prompt=prompt, **vars(settings), **kwargs)


        def chat(messages, deployment):
            return client.chat.completions.create(messages=messages, **{"model": deployment, "timeout": 30})
        """, id="OAI004-spread-arguments-renamed-or-left-for-review",
        review=[("OAI004", 10, "**vars(settings) may carry 0.x-only arguments"),
                ("OAI004", 10, "**kwargs may carry 0.x-only arguments")]),
    case("OAI004", """
        from openai import OpenAI

        client = OpenAI()


        def chat(messages, **kwargs):
            return client.chat.completions.create(messages=messages, **kwargs)
        """, None, id="OAI004-current-sdk-spread-untouched",
        review=[]),
    case("OAI004", """
        import openai
        from openai import ChatCompletion


        class Settings:
            completions = openai.Completion
            chat = ChatCompletion
        """, """
        import openai
        from openai import ChatCompletion


        class Settings:
            # migrate: openai.Completion is gone in openai>=1: use a client's .completions
            completions = openai.Completion
            # migrate: openai.ChatCompletion is gone in openai>=1: use a client's .chat.completions
            chat = ChatCompletion
        """, id="OAI004-bare-0x-resource-objects-left-for-review",
        review=[("OAI004", 8, "openai.Completion is a 0.x API object"),
                ("OAI004", 10, "openai.ChatCompletion is a 0.x API object"),
                ("OAI004", 3, "`from openai import ChatCompletion` fails on openai>=1 (ImportError)")]),
    case("OAI004", """
        import openai; openai.api_base = settings.OPENAI_BASE


        def ask(q):
            return openai.Completion.create(model="m", prompt=q)
        """, """
        # migrate: openai.api_base no longer configures anything: pass it to OpenAI(...)
        import openai; openai.api_base = settings.OPENAI_BASE

        client = openai.OpenAI()


        def ask(q):
            return client.completions.create(model="m", prompt=q)
        """, id="OAI004-module-setting-sharing-a-line-with-other-statements-left-for-review",
        review=[("OAI004", 3, "openai.api_base set here no longer configures anything")]),
    case("OAI004", """
        import openai

        openai.verify_ssl_certs = False


        class LLM:
            def __init__(self, api_token, proxy=None):
                openai.api_key = api_token
                if proxy:
                    openai.proxy = {"http": proxy, "https": proxy}
        """, """
        import openai

        # migrate: openai.verify_ssl_certs no longer configures anything: pass it to OpenAI(...)
        openai.verify_ssl_certs = False


        class LLM:
            def __init__(self, api_token, proxy=None):
                openai.api_key = api_token
                if proxy:
                    # migrate: openai.proxy no longer configures anything: pass it to OpenAI(...)
                    openai.proxy = {"http": proxy, "https": proxy}
        """, id="OAI004-0x-only-settings-in-a-module-without-0x-calls-left-for-review",
        review=[("OAI004", 5, "openai.verify_ssl_certs is gone in openai>=1: setting it configures nothing; removed in 1.x: pass http_client=httpx.Client(verify=...)"),
                ("OAI004", 13, "openai.proxy is gone in openai>=1: setting it configures nothing; removed in 1.x: pass http_client=httpx.Client(proxy=...)")]),
    case("OAI004", """
        import openai


        class LLM:
            def call(self, prompt):
                prev_base = openai.api_base
                openai.api_base = self.api_base
                out = openai.Completion.create(model="m", prompt=prompt)
                openai.api_base = prev_base
                return out
        """, """
        import openai

        client = openai.OpenAI()


        class LLM:
            def call(self, prompt):
                # migrate: openai.api_base does not exist in openai>=1
                prev_base = openai.api_base
                # migrate: openai.api_base no longer configures anything: pass it to OpenAI(...)
                openai.api_base = self.api_base
                out = client.completions.create(model="m", prompt=prompt)
                # migrate: openai.api_base no longer configures anything: pass it to OpenAI(...)
                openai.api_base = prev_base
                return out
        """, id="OAI004-0x-settings-read-and-set-in-a-method",
        review=[("OAI004", 10, "openai.api_base does not exist in openai>=1 (reading it raises AttributeError)"),
                ("OAI004", 12, "openai.api_base set here no longer configures anything"),
                ("OAI004", 15, "openai.api_base set here no longer configures anything")]),
    case("OAI004", """
        import io
        import json

        import openai


        def upload(rows):
            buf = io.StringIO()
            for row in rows:
                buf.write(json.dumps(row))
            buf.seek(0)
            return openai.File.create(file=buf, purpose="fine-tune")


        def upload_path(path):
            with open(path) as f:
                return openai.File.create(file=f, purpose="fine-tune")


        def upload_text(text, path):
            openai.File.create(file=io.StringIO(text), purpose="fine-tune")
            openai.File.create(file=open(path, "rb"), purpose="fine-tune")
            return openai.Audio.transcribe("whisper-1", open(path))


        def upload_param(f):
            return openai.File.create(file=f, purpose="fine-tune")


        def read_too(path):
            f = open(path)
            print(f.readline())
            return openai.File.create(file=f, purpose="fine-tune")
        """, """
        import io
        import json

        import openai

        client = openai.OpenAI()


        def upload(rows):
            buf = io.StringIO()
            for row in rows:
                buf.write(json.dumps(row))
            buf.seek(0)
            # migrate: openai>=1 uploads bytes only: this sends buf.getvalue() UTF-8 encoded
            return client.files.create(file=io.BytesIO(buf.getvalue().encode()), purpose="fine-tune")


        def upload_path(path):
            with open(path, "rb") as f:
                return client.files.create(file=f, purpose="fine-tune")


        def upload_text(text, path):
            client.files.create(file=io.BytesIO(text.encode()), purpose="fine-tune")
            client.files.create(file=open(path, "rb"), purpose="fine-tune")
            return client.audio.transcriptions.create(model="whisper-1", file=open(path, "rb"))


        def upload_param(f):
            # migrate: openai>=1 uploads bytes only: file= must be a binary file, bytes, a Path or (name, bytes)
            return client.files.create(file=f, purpose="fine-tune")


        def read_too(path):
            f = open(path)
            print(f.readline())
            # migrate: openai>=1 uploads bytes only: open this file in binary mode ("rb")
            return client.files.create(file=f, purpose="fine-tune")
        """, id="OAI004-upload-file-values-become-bytes-or-are-left-for-review",
        review=[("OAI004", 16, 'file=buf is an io.StringIO, which openai>=1 cannot upload (h'),
                ("OAI004", 32, 'file=f: openai>=1 uploads bytes only (a file opened "rb", by'),
                ("OAI004", 39, 'file=f is opened in text mode and read elsewhere too: openai')]),
    case("OAI004", """
        import openai


        def get_llm_ask(llm_api):
            if llm_api == openai.Completion.create:
                return "completion"
            if llm_api in (openai.ChatCompletion.create, openai.ChatCompletion.acreate):
                return "chat"
            return "custom"
        """, """
        import openai

        client = openai.OpenAI()
        async_client = openai.AsyncOpenAI()


        def get_llm_ask(llm_api):
            # migrate: client.completions.create equals only the same client's method: one from another module's client compares unequal
            if llm_api == client.completions.create:
                return "completion"
            # migrate: client.chat.completions.create equals only the same client's method: one from another module's client compares unequal
            # migrate: async_client.chat.completions.create equals only the same client's method: one from another module's client compares unequal
            if llm_api in (client.chat.completions.create, async_client.chat.completions.create):
                return "chat"
            return "custom"
        """, id="OAI004-method-compared-by-equality-is-per-client",
        review=[("OAI004", 10, "compares with client.completions.create, a method bound to this module's client"),
                ("OAI004", 14, "where openai.ChatCompletion.create was one object everywhere"),
                ("OAI004", 14, "where openai.ChatCompletion.acreate was one object everywhere")]),
    case("OAI004", """
        import openai


        def ask(llm_api=None):
            llm_api = llm_api or openai.ChatCompletion.create
            if openai.ChatCompletion.create(model="m", messages=[]) == llm_api:
                return None
            return llm_api(model="m", messages=[])
        """, """
        import openai

        client = openai.OpenAI()


        def ask(llm_api=None):
            llm_api = llm_api or client.chat.completions.create
            if client.chat.completions.create(model="m", messages=[]) == llm_api:
                return None
            return llm_api(model="m", messages=[])
        """, id="OAI004-method-passed-or-called-not-compared-no-note",
        review=[]),
    case("OAI004", """
        import openai
        import mylib


        class Model:
            def __init__(self):
                self._openai = openai
                self._lib = mylib

            def run(self, prompt):
                text = self._lib.ChatCompletion.create(prompt)
                return self._openai.ChatCompletion.create(model="m", messages=[{"role": "user", "content": text}])
        """, """
        import openai
        import mylib


        class Model:
            def __init__(self):
                self._openai = openai
                self._lib = mylib

            def run(self, prompt):
                text = self._lib.ChatCompletion.create(prompt)
                # migrate: self._openai.ChatCompletion is gone in openai>=1: use a client's .chat.completions
                return self._openai.ChatCompletion.create(model="m", messages=[{"role": "user", "content": text}])
        """, id="OAI004-0x-call-through-the-module-stored-on-self-left-for-review",
        review=[("OAI004", 14, "self._openai holds the openai module: self._openai.ChatCompletion is a 0.x API object")]),
    case("OAI004", """
        import openai


        def flagged(text):
            return openai.Moderation.create(text)


        async def aflagged(text):
            return await openai.Moderation.acreate(text, "text-moderation-stable")


        def upload(path):
            with open(path, "rb") as f:
                return openai.File.create(f, "fine-tune")


        def edit(png: bytes, mask: bytes, prompt):
            return openai.Image.create_edit(png, mask, prompt=prompt), openai.Image.create_variation(png, n=2)
        """, """
        import openai

        client = openai.OpenAI()
        async_client = openai.AsyncOpenAI()


        def flagged(text):
            return client.moderations.create(input=text)


        async def aflagged(text):
            return await async_client.moderations.create(input=text, model="text-moderation-stable")


        def upload(path):
            with open(path, "rb") as f:
                return client.files.create(file=f, purpose="fine-tune")


        def edit(png: bytes, mask: bytes, prompt):
            return client.images.edit(image=png, mask=mask, prompt=prompt), client.images.create_variation(image=png, n=2)
        """, id="OAI004-0x-positional-arguments-become-the-keywords-openai-1-requires",
        review=[]),
    case("OAI004", """
        import openai


        def ask(messages):
            return openai.ChatCompletion.create(engine="my-gpt4-deployment", model="gpt-4", messages=messages)


        def same(messages):
            return openai.ChatCompletion.create(engine="gpt-4", model="gpt-4", messages=messages)
        """, """
        import openai

        client = openai.OpenAI()


        def ask(messages):
            # migrate: engine="my-gpt4-deployment" dropped, model="gpt-4" kept: make sure model= is the served model name
            return client.chat.completions.create(model="gpt-4", messages=messages)


        def same(messages):
            return client.chat.completions.create(model="gpt-4", messages=messages)
        """, id="OAI004-engine-and-model-both-given-engine-dropped-with-a-note",
        review=[("OAI004", 9, "engine= named the deployment the 0.x call was routed to")]),
    case("OAI004", """
        import os
        import openai


        def complete(provider, model, messages):
            if provider == "openrouter":
                openai.api_base = "https://openrouter.ai/api/v1"
                openai.api_key = os.environ["OPENROUTER_API_KEY"]
                if messages:
                    return openai.ChatCompletion.create(model=model, messages=messages)
            elif provider == "together":
                openai.api_key = os.environ["TOGETHER_API_KEY"]
                return openai.ChatCompletion.create(model=model, messages=messages)
            else:
                openai.api_base = "https://api.openai.com/v1"
                return openai.ChatCompletion.create(model=model, messages=messages)
        """, """
        import os
        import openai


        def complete(provider, model, messages):
            if provider == "openrouter":
                openai.base_url = "https://openrouter.ai/api/v1/"
                openai.api_key = os.environ["OPENROUTER_API_KEY"]
                if messages:
                    return openai.chat.completions.create(model=model, messages=messages)
            elif provider == "together":
                openai.api_key = os.environ["TOGETHER_API_KEY"]
                return openai.chat.completions.create(model=model, messages=messages)
            else:
                openai.base_url = "https://api.openai.com/v1/"
                return openai.chat.completions.create(model=model, messages=messages)
        """, id="OAI004-0x-calls-of-a-module-pointed-at-another-provider-in-a-function-stay-on-the-module-client"),
    # swarms 5.1.4 (models/open_router.py): the constructor points the module at OpenRouter with the caller's key;
    # a client built at import would send the calls, and the OpenRouter key, to vLLM. The base URL the module-level
    # client reads must end with a slash; a computed one gets a note saying so. An async call builds its client from
    # the same settings where it runs (there is no module-level async client)
    case("OAI004", """
        import os
        import openai


        class OpenRouterChat:
            def __init__(self, openrouter_api_key, base=None):
                openai.api_base = base or os.environ.get("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1")
                openai.api_key = openrouter_api_key

            def run(self, task):
                response = openai.ChatCompletion.create(model="openai/gpt-4", messages=[{"role": "user", "content": task}])
                return response.choices[0].message.content


        class Legacy:
            def __init__(self):
                openai.api_base = "https://openrouter.ai/api/v1"

            async def run(self, task):
                return await openai.ChatCompletion.acreate(model="openai/gpt-4", messages=[])
        """, """
        import os
        import openai


        class OpenRouterChat:
            def __init__(self, openrouter_api_key, base=None):
                # migrate: openai.base_url must end with a slash on openai>=1 (the client appends paths to it)
                openai.base_url = base or os.environ.get("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1")
                openai.api_key = openrouter_api_key

            def run(self, task):
                response = openai.chat.completions.create(model="openai/gpt-4", messages=[{"role": "user", "content": task}])
                return response.choices[0].message.content


        class Legacy:
            def __init__(self):
                openai.base_url = "https://openrouter.ai/api/v1/"

            async def run(self, task):
                return await openai.AsyncOpenAI(api_key=openai.api_key, base_url=openai.base_url, organization=openai.organization).chat.completions.create(model="openai/gpt-4", messages=[])
        """, id="OAI004-a-constructor-pointing-the-module-at-another-provider-keeps-the-calls-on-the-module-client",
        review=[("OAI004", 9, "openai.base_url must end with a slash on openai>=1")]),
    case("OAI004", """
        import openai
        import mylib


        class Model:
            def __init__(self, key, base):
                self._openai = openai
                self._lib = mylib
                self._openai.api_key = key
                self._openai.api_base = base
                self._lib.api_key = key

            def run(self, messages):
                return self._openai.ChatCompletion.create(model="m", messages=messages)
        """, """
        import openai
        import mylib


        class Model:
            def __init__(self, key, base):
                self._openai = openai
                self._lib = mylib
                # migrate: self._openai.api_key sets openai.api_key, which no client you build reads: pass it to OpenAI(...)
                self._openai.api_key = key
                # migrate: self._openai.api_base sets openai.api_base, which no client you build reads: pass it to OpenAI(...)
                self._openai.api_base = base
                self._lib.api_key = key

            def run(self, messages):
                # migrate: self._openai.ChatCompletion is gone in openai>=1: use a client's .chat.completions
                return self._openai.ChatCompletion.create(model="m", messages=messages)
        """, id="OAI004-settings-through-the-module-stored-on-self-left-for-review",
        review=[("OAI004", 11, "self._openai holds the openai module: self._openai.api_key = ... sets openai.api_key"),
                ("OAI004", 13, "self._openai.api_base = ... sets openai.api_base"),
                ("OAI004", 18, "self._openai holds the openai module: self._openai.ChatCompletion is a 0.x API object")]),
    case("OAI004", """
        import openai


        class Model:
            def __init__(self, key):
                self._openai = openai
                self._openai.api_key = key

            def run(self, messages):
                return self._openai.chat.completions.create(model="m", messages=messages)
        """, None, id="OAI004-setting-through-the-stored-module-of-1x-code-no-note",
        review=[]),
    case("OAI004", """
        import openai
        import openai.version
        from openai.openai_object import OpenAIObject
        from openai import util
        from openai.types.chat import ChatCompletion

        try:
            from openai.embeddings_utils import cosine_similarity
        except ImportError:
            cosine_similarity = None


        def wrap(data):
            return openai.util.convert_to_openai_object(data), OpenAIObject, openai.version.VERSION
        """, """
        import openai
        import openai.version
        # migrate: openai.openai_object is gone in openai>=1: responses are pydantic models now (read attributes; .model_dump() gives a dict)
        from openai.openai_object import OpenAIObject
        # migrate: openai.util is gone in openai>=1: internal to 0.x: no counterpart (convert_to_openai_object: responses are pydantic models)
        from openai import util
        from openai.types.chat import ChatCompletion

        try:
            # migrate: openai.embeddings_utils is gone in openai>=1: call client.embeddings.create and compute distances yourself (numpy)
            from openai.embeddings_utils import cosine_similarity
        except ImportError:
            cosine_similarity = None


        def wrap(data):
            # migrate: openai.util is gone in openai>=1: internal to 0.x: no counterpart (convert_to_openai_object: responses are pydantic models)
            return openai.util.convert_to_openai_object(data), OpenAIObject, openai.version.VERSION
        """, id="OAI004-imports-of-0x-only-submodules-get-a-note",
        review=[("OAI004", 5, "openai.openai_object is a 0.x module that openai>=1 does not have"),
                ("OAI004", 7, "openai.util is a 0.x module"),
                ("OAI004", 12, "openai.embeddings_utils is a 0.x module"),
                ("OAI004", 19, "openai.util is a 0.x module")]),
    case("OAI004", """
        import openai


        async def complete(api_type, model_id, prompt):
            model_args = {}
            if api_type in ["azure", "azure_ad"]:
                model_args["engine"] = model_id
            else:
                model_args["model"] = model_id
            model_args["request_timeout"] = 30
            return await openai.Completion.acreate(**model_args, prompt=prompt)


        def embed(deployment, texts, extra):
            args = {"deployment_id": deployment, "headers": {"x": "1"}}
            args["model"] = "ada"
            first = openai.Embedding.create(**args, input=texts)
            options = dict(extra)
            return first, openai.Embedding.create(**options, input=texts)
        """, """
        import openai

        client = openai.OpenAI()
        async_client = openai.AsyncOpenAI()


        async def complete(api_type, model_id, prompt):
            model_args = {}
            if api_type in ["azure", "azure_ad"]:
                model_args["model"] = model_id
            else:
                model_args["model"] = model_id
            model_args["timeout"] = 30
            return await async_client.completions.create(**model_args, prompt=prompt)


        def embed(deployment, texts, extra):
            args = {"deployment_id": deployment, "headers": {"x": "1"}}
            args["model"] = "ada"
            # migrate: **args must not carry 0.x-only arguments (engine=, request_timeout=, api_key=, ...)
            first = client.embeddings.create(**args, input=texts)
            options = dict(extra)
            # migrate: **options must not carry 0.x-only arguments (engine=, request_timeout=, api_key=, ...)
            return first, client.embeddings.create(**options, input=texts)
        """, id="OAI004-a-local-dict-spread-into-a-0x-call-gets-the-current-keys",
        review=[("OAI004", 22, "**args may carry 0.x-only arguments"),
                ("OAI004", 25, "**options may carry 0.x-only arguments")]),
    case("OAI004", """
        def ask(prompt):
            try:
                import openai
            except ImportError:
                raise ImportError("pip install openai")
            return openai.ChatCompletion.create(model="m", messages=[{"role": "user", "content": prompt}])


        async def aembed(texts):
            import openai

            return await openai.Embedding.acreate(model="e", input=texts)
        """, """
        def ask(prompt):
            try:
                import openai
            except ImportError:
                raise ImportError("pip install openai")
            return openai.OpenAI().chat.completions.create(model="m", messages=[{"role": "user", "content": prompt}])


        async def aembed(texts):
            import openai

            return await openai.AsyncOpenAI().embeddings.create(model="e", input=texts)
        """, id="OAI004-openai-imported-only-inside-the-function-gets-a-client-at-the-call",
        review=[]),
    case("OAI004", """
        import json

        try:
            import openai as oa
        except (ImportError, OSError):
            oa = None


        def ask(prompt):
            if oa is None:
                raise RuntimeError("pip install openai")
            r = oa.ChatCompletion.create(model="m", messages=[{"role": "user", "content": prompt}])
            return json.dumps(r)


        async def aask(prompt):
            return await oa.ChatCompletion.acreate(model="m", messages=[{"role": "user", "content": prompt}])
        """, """
        import json

        try:
            import openai as oa
            client = oa.OpenAI()
            async_client = oa.AsyncOpenAI()
        except (ImportError, OSError):
            oa = None


        def ask(prompt):
            if oa is None:
                raise RuntimeError("pip install openai")
            r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": prompt}])
            return json.dumps(r)


        async def aask(prompt):
            return await async_client.chat.completions.create(model="m", messages=[{"role": "user", "content": prompt}])
        """, id="OAI004-openai-an-optional-import-clients-built-inside-its-try",
        review=[]),
    case("OAI004", """
        try:
            import openai
        except KeyError:
            pass


        def ask(prompt):
            return openai.Completion.create(model="m", prompt=prompt)
        """, """
        from openai import OpenAI

        try:
            import openai
        except KeyError:
            pass

        client = OpenAI()


        def ask(prompt):
            return client.completions.create(model="m", prompt=prompt)
        """, id="OAI004-a-try-that-does-not-catch-a-failed-import-is-no-guard",
        review=[]),
    # langchain-community 0.2.10's GooseAI wrapper sets the 0.x module endpoint to GooseAI: the advice names GooseAI
    case("OAI004", """
        def validate(values):
            import openai

            openai.api_key = values["gooseai_api_key"]
            openai.api_base = "https://api.goose.ai/v1"
            return values
        """, """
        def validate(values):
            import openai

            openai.api_key = values["gooseai_api_key"]
            # migrate: openai.api_base no longer configures anything: pass it to OpenAI(...)
            openai.api_base = "https://api.goose.ai/v1"
            return values
        """, id="OAI004-a-module-endpoint-of-another-provider-is-named-in-the-advice",
        review=[("OAI004", 7, "it points at GooseAI, not at OpenAI: pass that URL as base_url")]),
    # openai 0.28.1's own cli.py and llama-index 0.8.20's fine-tuning: 0.x named an object's id `id=` (the current
    # methods take it first, positionally) and sent any other keyword along (the current ones raise TypeError)
    case("OAI004", """
        import openai


        def upload(path):
            return openai.File.create(file=open(path, "rb"), purpose="fine-tune", user_provided_filename="train.jsonl")


        def job(job_id):
            status = openai.FineTuningJob.retrieve(id=job_id)
            model = openai.Model.retrieve(id="gpt-4o", request_timeout=5)
            return status, model
        """, """
        import openai

        client = openai.OpenAI()


        def upload(path):
            # migrate: user_provided_filename= is not a parameter of files.create in openai>=1 (TypeError): drop it or pass it in extra_body
            return client.files.create(file=open(path, "rb"), purpose="fine-tune", user_provided_filename="train.jsonl")


        def job(job_id):
            status = client.fine_tuning.jobs.retrieve(job_id)
            model = client.models.retrieve("gpt-4o", timeout=5)
            return status, model
        """, id="OAI004-id-becomes-the-positional-path-argument-and-unknown-keywords-are-flagged",
        review=[("OAI004", 9, "user_provided_filename=: not a parameter of files.create in openai>=1")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai004(c):
    check_case(c)
