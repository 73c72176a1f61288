"""OAI003 model-map: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
    # embedchain 0.1.50: a default model used only by a call that stays on OpenAI (vLLM serves no assistants) keeps
    # OpenAI's name, as the call's own literal does
    case("OAI001,OAI003", """
        from openai import OpenAI

        client = OpenAI()


        def make_assistant(model="gpt-4o"):
            return client.beta.assistants.create(model=model, instructions="Be brief.")


        def make_thread():
            return client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        """, """
        from openai import OpenAI
        import os

        # migrate: this client only calls what vLLM does not serve (beta.assistants.create): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
        client = OpenAI(
            base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
            api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
        )


        def make_assistant(model="gpt-4o"):
            return client.beta.assistants.create(model=model, instructions="Be brief.")


        def make_thread():
            return client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        """, id="OAI003-a-model-only-a-call-kept-on-openai-uses-keeps-its-name",
        review=[('OAI001', 6, "this client only calls what vLLM does not serve (beta.assistants.create)")]),
    # mem0ai 0.1.20 sets its default model on the config object inside __init__: an attribute named like a model
    case("OAI003", """
        from openai import OpenAI


        class LLM:
            def __init__(self, config):
                self.config = config
                if not self.config.model:
                    self.config.model = "gpt-4o-mini"
                self.model = "gpt-4o"
                self.client = OpenAI()
        """, """
        from openai import OpenAI


        class LLM:
            def __init__(self, config):
                self.config = config
                if not self.config.model:
                    self.config.model = "gpt-4o-mini"
                self.model = "meta-llama/Llama-3.1-8B-Instruct"
                self.client = OpenAI()
        """, id="OAI003-model-names-assigned-to-attributes",
        review=[('OAI003', 9, "model 'gpt-4o-mini' (model) has no entry in the model map")]),
    # a mapped name that reaches tiktoken would raise KeyError there: the lookup keeps OpenAI's name where that is
    # the name's one value, a note where a caller may pass another; a lookup that handles KeyError is left alone
    case("OAI003", """
        import tiktoken
        from openai import OpenAI

        MODEL = "gpt-4o"
        client = OpenAI()


        def count(text, model=MODEL):
            return len(tiktoken.encoding_for_model(model).encode(text))


        def safe_count(text):
            try:
                enc = tiktoken.encoding_for_model(MODEL)
            except KeyError:
                enc = tiktoken.get_encoding("cl100k_base")
            return len(enc.encode(text))


        def ask(q):
            enc = tiktoken.encoding_for_model(MODEL)
            print(len(enc.encode(q)))
            return client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
        """, """
        import tiktoken
        from openai import OpenAI

        MODEL = "meta-llama/Llama-3.1-8B-Instruct"
        client = OpenAI()


        def count(text, model=MODEL):
            # migrate: tiktoken.encoding_for_model(model): model may now name the served model, which tiktoken does not know (KeyError): look up OpenAI's name, or count with the served model's tokenizer (vLLM's POST /tokenize)
            return len(tiktoken.encoding_for_model(model).encode(text))


        def safe_count(text):
            try:
                enc = tiktoken.encoding_for_model(MODEL)
            except KeyError:
                enc = tiktoken.get_encoding("cl100k_base")
            return len(enc.encode(text))


        def ask(q):
            # migrate: tiktoken.encoding_for_model(MODEL): MODEL now names the served model, which tiktoken does not know (KeyError): the lookup keeps 'gpt-4o', OpenAI's tokenizer as before; the served model splits text differently (its tokenizer, or vLLM's POST /tokenize, counts exactly)
            enc = tiktoken.encoding_for_model("gpt-4o")
            print(len(enc.encode(q)))
            return client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
        """, id="OAI003-a-mapped-name-that-reaches-tiktoken",
        review=[('OAI003', 11, "tiktoken.encoding_for_model(model): model may now name the served model"),
                ('OAI003', 24, "tiktoken.encoding_for_model(MODEL): MODEL now names the served model, which "
                               "tiktoken does not know (KeyError): the lookup keeps 'gpt-4o'")]),
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
    # langroid 0.10.0: a variable only compared against names a model some setting holds, not one a request sends
    case("OAI003", """
        import openai


        def set_chat_model(config):
            MODEL_GPT4 = "gpt-4o"
            if config.model_name == MODEL_GPT4:
                return "large"
            return "small"
        """, None, id="OAI003-a-name-only-compared-against-is-left-alone"),
    # two Enum members mapped to one served model would become one member (the second an alias of the first)
    case("OAI003", """
        from enum import Enum

        import openai


        class ChatModel(str, Enum):
            GPT4o = "gpt-4o"
            TURBO = "gpt-3.5-turbo"
            PROD = "prod-gpt4"
        """, """
        from enum import Enum

        import openai


        class ChatModel(str, Enum):
            GPT4o = "meta-llama/Llama-3.1-8B-Instruct"
            TURBO = "gpt-3.5-turbo"
            PROD = "prod-gpt4"
        """, id="OAI003-enum-members-are-not-mapped-into-one-value",
        review=[("OAI003", 9, "TURBO: mapping 'gpt-3.5-turbo' would give it the value of PROD"),
                ("OAI003", 10, "an Enum member with another's value is that member (an alias)")]),
    # langchain-community 0.2.10's GooseAI: open models named gpt-* are not OpenAI's (no "add it to the map" item)
    case("OAI003", """
        import openai

        GOOSE_MODEL = "gpt-neo-20b"
        LOCAL = {"model": "gpt-j-6b", "fallback": "gpt2"}
        OPEN_WEIGHTS = "gpt-oss-20b"
        """, None, id="OAI003-open-models-named-gpt-are-not-openais"),
    # guardrails-ai 0.4.5 (llm_providers.py): LiteLLM imported where it is called, beside the project's own OpenAI
    # client; each parameter default is spelled for the call its function hands it to
    case("OAI003", """
        from myapp.openai_utils import OpenAIClient


        class OpenAIChatCallable:
            def _invoke_llm(self, text, model: str = "gpt-4o", **kwargs):
                client = OpenAIClient()
                return client.create_chat_completion(model=model, messages=[{"role": "user", "content": text}])


        class LiteLLMCallable:
            def _invoke_llm(self, text, model: str = "gpt-4o", **kwargs):
                from litellm import completion

                return completion(model=model, messages=[{"role": "user", "content": text}], **kwargs)


        class Stored:
            def __init__(self, model: str = "gpt-4o"):
                self.model = model
        """, """
        from myapp.openai_utils import OpenAIClient


        class OpenAIChatCallable:
            def _invoke_llm(self, text, model: str = "meta-llama/Llama-3.1-8B-Instruct", **kwargs):
                client = OpenAIClient()
                return client.create_chat_completion(model=model, messages=[{"role": "user", "content": text}])


        class LiteLLMCallable:
            def _invoke_llm(self, text, model: str = "openai/meta-llama/Llama-3.1-8B-Instruct", **kwargs):
                from litellm import completion

                return completion(model=model, messages=[{"role": "user", "content": text}], **kwargs)


        class Stored:
            def __init__(self, model: str = "openai/meta-llama/Llama-3.1-8B-Instruct"):
                self.model = model
        """, id="OAI003-a-default-handed-to-the-projects-own-client-is-not-spelled-for-litellm"),
]


@pytest.mark.parametrize("c", CASES)
def test_oai003(c):
    check_case(c)
