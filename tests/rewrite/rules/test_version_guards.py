"""Version guards: the side of `if is_openai_v1(): ... else: ...` (and its kin) that runs only on openai<1 is left as
it is by every rule; the side that runs on openai>=1 is rewritten as any other code (migrate/rewrite/rules/
_legacy_only.py). Shapes from real libraries: pandasai 1.5 (a conditional expression on is_openai_v1()), dspy-ai
2.4 (OPENAI_LEGACY, an early return, functions only the 0.x side calls, a try around `import openai.error`)."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

RULES = "OAI001,OAI003,OAI004,OAI005,OAI006"

CASES = [
    case(RULES, """
        import openai
        from pandasai_helpers import is_openai_v1


        def ask(prompt):
            if is_openai_v1():
                client = openai.OpenAI()
                response = client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
                return response.choices[0].message.content
            else:
                response = openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
                return response["choices"][0]["message"]["content"]
        """, """
        import openai
        from pandasai_helpers import is_openai_v1
        import os


        def ask(prompt):
            if is_openai_v1():
                client = openai.OpenAI(
                    base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
                    api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
                )
                response = client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
                return response.choices[0].message.content
            else:
                response = openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
                return response["choices"][0]["message"]["content"]
        """, id="version-guard-if-else-on-a-version-helper",
         review=[("OAI003", 13, 'model \'gpt-4\' (model=) has no entry in the model map: add "g')]),
    case(RULES, """
        import openai
        from helpers import is_openai_v1


        class Chat:
            def __init__(self):
                self.client = openai.OpenAI().chat.completions if is_openai_v1() else openai.ChatCompletion
        """, """
        import openai
        from helpers import is_openai_v1
        import os


        class Chat:
            def __init__(self):
                self.client = openai.OpenAI(
                    base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
                    api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
                ).chat.completions if is_openai_v1() else openai.ChatCompletion
        """, id="version-guard-conditional-expression",
         review=[]),
    case(RULES, """
        import openai

        try:
            OPENAI_LEGACY = int(openai.version.__version__[0]) == 0
        except Exception:
            OPENAI_LEGACY = True

        try:
            import openai.error

            ERRORS = (openai.error.RateLimitError,)
        except Exception:
            ERRORS = (openai.RateLimitError,)


        def _legacy_request(**kwargs):
            return openai.ChatCompletion.create(**kwargs)


        def _legacy_request_cached(**kwargs):
            return _legacy_request(**kwargs)


        def chat_request(**kwargs):
            if OPENAI_LEGACY:
                return _legacy_request_cached(**kwargs)

            return openai.chat.completions.create(**kwargs).model_dump()
        """, """
        import openai
        import os

        openai.base_url = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")
        openai.api_key = os.environ.get("OPENAI_API_KEY", "EMPTY")

        try:
            OPENAI_LEGACY = int(openai.version.__version__[0]) == 0
        except Exception:
            OPENAI_LEGACY = True

        try:
            import openai.error

            ERRORS = (openai.error.RateLimitError,)
        except Exception:
            ERRORS = (openai.RateLimitError,)


        def _legacy_request(**kwargs):
            return openai.ChatCompletion.create(**kwargs)


        def _legacy_request_cached(**kwargs):
            return _legacy_request(**kwargs)


        def chat_request(**kwargs):
            if OPENAI_LEGACY:
                return _legacy_request_cached(**kwargs)

            return openai.chat.completions.create(**kwargs).model_dump()
        """, id="version-guard-early-return-and-functions-only-it-calls",
         review=[]),
    case(RULES, """
        try:
            from openai import RateLimitError
        except ImportError:
            from openai.error import RateLimitError


        def embed(text):
            import openai

            if openai.__version__.startswith("0."):
                return openai.Embedding.create(input=text, model="text-embedding-3-small")["data"][0]["embedding"]
            return openai.OpenAI().embeddings.create(input=text, model="text-embedding-3-small").data[0].embedding
        """, """
        import os

        try:
            from openai import RateLimitError
        except ImportError:
            from openai.error import RateLimitError


        def embed(text):
            import openai

            if openai.__version__.startswith("0."):
                return openai.Embedding.create(input=text, model="text-embedding-3-small")["data"][0]["embedding"]
            return openai.OpenAI(
                base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
                api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
            ).embeddings.create(input=text, model="text-embedding-3-small").data[0].embedding
        """, id="version-guard-import-fallback-and-startswith",
         review=[("OAI003", 15, "model 'text-embedding-3-small' (model=) has no entry in the ")]),
    case(RULES, """
        import openai


        def configure(api_version, key):
            if api_version:
                openai.api_type = "azure"
                openai.api_version = api_version
            openai.api_key = key


        def complete(prompt):
            if openai.__version__ < "0.27":
                return openai.Completion.create(model="gpt-4", prompt=prompt)["choices"][0]["text"]
            return openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
        """, """
        import openai
        import os

        client = openai.OpenAI(
            base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
            api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
        )


        def configure(api_version, key):
            if api_version:
                # migrate: openai.api_type no longer configures anything: pass it to OpenAI(...)
                openai.api_type = "azure"
                # migrate: openai.api_version no longer configures anything: pass it to OpenAI(...)
                openai.api_version = api_version
            # migrate: openai.api_key no longer configures anything: pass it to OpenAI(...)
            openai.api_key = key


        def complete(prompt):
            if openai.__version__ < "0.27":
                return openai.Completion.create(model="gpt-4", prompt=prompt)["choices"][0]["text"]
            return client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
        """, id="version-guard-azure-api-version-and-old-0x-threshold",
         review=[("OAI004", 14, 'openai.api_type set here no longer configures anything: this'),
                ("OAI004", 16, 'openai.api_version set here no longer configures anything: t'),
                ("OAI004", 18, 'openai.api_key set here no longer configures anything: this '),
                ("OAI003", 24, 'model \'gpt-4\' (model=) has no entry in the model map: add "g')]),
    case(RULES, """
        import openai


        def ask(prompt):
            try:
                response = openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
            except Exception:
                return None
            return response["choices"][0]["message"]["content"]
        """, """
        import openai
        import os

        client = openai.OpenAI(
            base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
            api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
        )


        def ask(prompt):
            try:
                response = client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
            except Exception:
                return None
            return response.choices[0].message.content
        """, id="a-try-around-a-0x-call-is-no-version-guard",
         review=[("OAI003", 13, "model 'gpt-4' (model=) has no entry in the model map")]),

    case(RULES, """
        import openai

        OPENAI_LEGACY = openai.version.VERSION.startswith("0.")


        def _legacy_request(**kwargs):
            return openai.ChatCompletion.create(**kwargs)


        def chat_request(**kwargs):
            if OPENAI_LEGACY:
                return _legacy_request(**kwargs)
            return openai.chat.completions.create(**kwargs).model_dump()


        def first_answer(**kwargs):
            answer = chat_request(**kwargs)
            return answer["choices"][0]["message"]["content"]
        """, """
        import openai
        import os

        openai.base_url = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")
        openai.api_key = os.environ.get("OPENAI_API_KEY", "EMPTY")

        OPENAI_LEGACY = openai.version.VERSION.startswith("0.")


        def _legacy_request(**kwargs):
            return openai.ChatCompletion.create(**kwargs)


        def chat_request(**kwargs):
            if OPENAI_LEGACY:
                return _legacy_request(**kwargs)
            return openai.chat.completions.create(**kwargs).model_dump()


        def first_answer(**kwargs):
            answer = chat_request(**kwargs)
            return answer["choices"][0]["message"]["content"]
        """, id="version-guard-0x-responses-do-not-reach-the-1x-path"),
    case(RULES, """
        try:
            import openai
            from openai.error import RateLimitError

            ERROR = None
        except ImportError:
            ERROR = ImportError("please install openai to use this module")
        """, """
        try:
            import openai
            from openai import RateLimitError

            ERROR = None
        except ImportError:
            ERROR = ImportError("please install openai to use this module")
        """, id="an-import-guard-whose-handler-only-names-openai-in-a-message-is-no-version-guard"),
    # chromadb 0.5.5: the version test is made once, into a flag, and the flag is what the methods test
    case(RULES, """
        import openai


        class Embedder:
            def __init__(self):
                self._v1 = openai.__version__.startswith("1.")
                self._client = openai.OpenAI(base_url="http://localhost:8000/v1").embeddings if self._v1 else openai.Embedding

            def __call__(self, texts):
                if self._v1:
                    return [e.embedding for e in self._client.create(input=texts, model="m").data]
                else:
                    data = self._client.create(input=texts, model="m")["data"]
                    return [e["embedding"] for e in sorted(data, key=lambda e: e["index"])]
        """, None, id="version-guard-through-a-flag-the-module-sets"),
    # dspy-ai 2.4.9 (pinecone_rm.py): the 0.x side assigns a response, the live side a dict (`.model_dump()`); what
    # the code then reads holds only the dict on openai>=1, and so do its items (the loop variable reuses the name):
    # no "looks like a response" item (the unguarded twin below, where a response may reach the read, keeps it)
    case(RULES, """
        import openai

        try:
            OPENAI_LEGACY = int(openai.version.__version__[0]) == 0
        except Exception:
            OPENAI_LEGACY = True


        def embed(queries):
            if OPENAI_LEGACY:
                embedding = openai.Embedding.create(input=queries, model="m")
            else:
                embedding = openai.embeddings.create(input=queries, model="m").model_dump()
            return [embedding["embedding"] for embedding in embedding["data"]]


        def embed_either(queries, dumped):
            if dumped:
                embedding = openai.embeddings.create(input=queries, model="m").model_dump()
            else:
                embedding = openai.embeddings.create(input=queries, model="m")
            return embedding["data"]
        """, """
        import openai
        import os

        openai.base_url = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")
        openai.api_key = os.environ.get("OPENAI_API_KEY", "EMPTY")

        try:
            OPENAI_LEGACY = int(openai.version.__version__[0]) == 0
        except Exception:
            OPENAI_LEGACY = True


        def embed(queries):
            if OPENAI_LEGACY:
                embedding = openai.Embedding.create(input=queries, model="m")
            else:
                embedding = openai.embeddings.create(input=queries, model="m").model_dump()
            return [embedding["embedding"] for embedding in embedding["data"]]


        def embed_either(queries, dumped):
            if dumped:
                embedding = openai.embeddings.create(input=queries, model="m").model_dump()
            else:
                embedding = openai.embeddings.create(input=queries, model="m")
            # migrate: dict access here may be on an SDK response object (openai>=1): use attribute access there
            return embedding["data"]
        """, id="a-dict-the-live-side-dumps-is-no-response-for-the-0x-side-assigning-one",
         review=[("OAI006", 28, '["data"]: this value is an SDK response on some paths')]),
]


@pytest.mark.parametrize("c", CASES)
def test_version_guard(c):
    check_case(c)
