"""OAI012 wrapper-endpoint: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import ENV_BASE, ENV_KEY, case, check_case

CASES = [
    # scrapegraphai 1.0.0 subclasses ChatOpenAI: super().__init__(...) constructs the wrapper
    case("OAI012", """
        from langchain_openai import ChatOpenAI


        class OpenAILLM(ChatOpenAI):
            def __init__(self, cfg: dict):
                super().__init__(**cfg)


        class Fixed(ChatOpenAI):
            def __init__(self):
                super().__init__(model="gpt-4o", temperature=0)
        """, f"""
        from langchain_openai import ChatOpenAI
        import os


        class OpenAILLM(ChatOpenAI):
            def __init__(self, cfg: dict):
                # migrate: ChatOpenAI arguments come from **kwargs: make sure they set the endpoint and key from $OPENAI_BASE_URL / $OPENAI_API_KEY
                super().__init__(**cfg)


        class Fixed(ChatOpenAI):
            def __init__(self):
                super().__init__(
                    model="gpt-4o",
                    temperature=0,
                    base_url={ENV_BASE},
                    api_key={ENV_KEY},
                )
        """, id="OAI012-a-subclass-of-a-wrapper-constructs-it-in-super-init",
        review=[('OAI012', 9, "ChatOpenAI arguments come from **kwargs: make sure they set the endpoint and key")]),
    # scrapegraphai 1.0.0: no model named, so LangChain asks for its default, an OpenAI name: the map's served model
    # is passed explicitly, or a note says what to map
    case("OAI012", """
        from langchain_openai import ChatOpenAI, OpenAIEmbeddings

        llm = ChatOpenAI(temperature=0)
        emb = OpenAIEmbeddings(check_embedding_ctx_length=False)
        """, f"""
        from langchain_openai import ChatOpenAI, OpenAIEmbeddings
        import os

        llm = ChatOpenAI(
            temperature=0,
            base_url={ENV_BASE},
            api_key={ENV_KEY},
            model="tiny-llama",
        )
        # migrate: OpenAIEmbeddings names no model, so it asks for its default 'text-embedding-ada-002', which vLLM does not serve (HTTP 404): pass model= with the served model, or map "text-embedding-ada-002" in [tool.migrate.models]
        emb = OpenAIEmbeddings(
            check_embedding_ctx_length=False,
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-a-wrapper-without-a-model-gets-its-default-mapped",
        review=[('OAI012', 12, "OpenAIEmbeddings names no model, so it asks for its default 'text-embedding-ada-002'")]),
    # crewai 0.30's docs point LangChain at Ollama through $OPENAI_API_BASE; a module that sets it itself says so
    case("OAI012", """
        import os
        from langchain_openai import ChatOpenAI

        os.environ["OPENAI_API_BASE"] = "http://localhost:11434/v1"
        os.environ["OPENAI_API_KEY"] = "ollama"
        llm = ChatOpenAI(model="llama3")
        """, None, id="OAI012-a-wrapper-the-module-points-elsewhere-through-the-environment"),
    # -- LangChain ------------------------------------------------------------------------------------------------
    case("OAI012", """
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(model="gpt-4o", temperature=0)
        """, f"""
        from langchain_openai import ChatOpenAI
        import os

        llm = ChatOpenAI(
            model="gpt-4o",
            temperature=0,
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-langchain-chat-gets-endpoint"),
    case("OAI012", """
        import os
        from langchain import OpenAI

        llm = OpenAI(temperature=0, openai_api_key=os.environ["OPENAI_API_KEY"])
        """, f"""
        import os
        from langchain import OpenAI

        llm = OpenAI(
            temperature=0,
            openai_api_key={ENV_KEY},
            openai_api_base={ENV_BASE},
        )
        """, id="OAI012-langchain-legacy-top-level-field-names"),
    case("OAI012", """
        from langchain_community.chat_models import ChatOpenAI

        llm = ChatOpenAI(openai_api_base="https://api.openai.com/v1", streaming=True)
        """, f"""
        from langchain_community.chat_models import ChatOpenAI
        import os

        llm = ChatOpenAI(
            openai_api_base={ENV_BASE},
            streaming=True,
            openai_api_key={ENV_KEY},
            model_name="tiny-llama",
        )
        """, id="OAI012-langchain-community-openai-base-replaced"),
    case("OAI012", """
        import os
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(
            model="gpt-4o",
            openai_api_key=os.getenv("OPENAI_API_KEY")
        )
        llm2 = ChatOpenAI(
            model="gpt-4o",
            temperature=0,  # deterministic
        )
        """, f"""
        import os
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(
            model="gpt-4o",
            openai_api_key={ENV_KEY},
            openai_api_base={ENV_BASE}
        )
        llm2 = ChatOpenAI(
            model="gpt-4o",
            temperature=0,  # deterministic
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-langchain-multiline-layouts-and-spelling-kept"),
    case("OAI012", """
        import os
        from langchain_openai import ChatOpenAI

        def make(provider, **kwargs):
            if provider == "deepseek":
                return ChatOpenAI(openai_api_base="https://api.deepseek.com",
                                  openai_api_key=os.environ["DEEPSEEK_API_KEY"], **kwargs)
            if provider == "vllm_openai":
                return ChatOpenAI(openai_api_key=os.environ["VLLM_OPENAI_API_KEY"],
                                  openai_api_base=os.environ["VLLM_OPENAI_API_BASE"], **kwargs)
            return ChatOpenAI(**kwargs)
        """, """
        import os
        from langchain_openai import ChatOpenAI

        def make(provider, **kwargs):
            if provider == "deepseek":
                return ChatOpenAI(openai_api_base="https://api.deepseek.com",
                                  openai_api_key=os.environ["DEEPSEEK_API_KEY"], **kwargs)
            if provider == "vllm_openai":
                return ChatOpenAI(openai_api_key=os.environ["VLLM_OPENAI_API_KEY"],
                                  openai_api_base=os.environ["VLLM_OPENAI_API_BASE"], **kwargs)
            # migrate: ChatOpenAI arguments come from **kwargs: make sure they set the endpoint and key from $OPENAI_BASE_URL / $OPENAI_API_KEY
            return ChatOpenAI(**kwargs)
        """, id="OAI012-provider-factory-only-the-openai-branch",
        review=[("OAI012", 13, "come from **kwargs")]),
    case("OAI012", """
        from langchain_openai import OpenAIEmbeddings

        emb = OpenAIEmbeddings(model="text-embedding-3-small")
        """, f"""
        from langchain_openai import OpenAIEmbeddings
        import os

        # migrate: LangChain's OpenAIEmbeddings sends tiktoken token ids, which mean other words to the served model's tokenizer: pass check_embedding_ctx_length=False
        emb = OpenAIEmbeddings(
            model="text-embedding-3-small",
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-langchain-embeddings-token-ids-review",
        review=[("OAI012", 6, "check_embedding_ctx_length=False")]),
    case("OAI012", """
        import os
        from langchain_openai import ChatOpenAI

        router = ChatOpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])
        local = ChatOpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")
        groq = ChatOpenAI(openai_api_key=os.getenv("GROQ_API_KEY"), model="llama3-70b")
        """, None, id="OAI012-langchain-other-providers-and-local-untouched"),
    case("OAI012", """
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(base_url=settings.llm_url, model="gpt-4o")
        """, """
        from langchain_openai import ChatOpenAI

        # migrate: ChatOpenAI gets its endpoint from `settings.llm_url`: make sure it is the vLLM endpoint ($OPENAI_BASE_URL)
        llm = ChatOpenAI(base_url=settings.llm_url, model="gpt-4o")
        """, id="OAI012-langchain-computed-endpoint-review",
        review=[("OAI012", 5, "gets its endpoint from `settings.llm_url`")]),
    case("OAI012", """
        from langchain_openai import AzureChatOpenAI

        llm = AzureChatOpenAI(azure_deployment="chat", api_version="2024-06-01")
        """, """
        from langchain_openai import AzureChatOpenAI

        # migrate: AzureChatOpenAI talks to Azure OpenAI deployments, which vLLM does not have: construct ChatOpenAI with the vLLM endpoint ($OPENAI_BASE_URL) instead
        llm = AzureChatOpenAI(azure_deployment="chat", api_version="2024-06-01")
        """, id="OAI012-langchain-azure-review",
        review=[("OAI012", 5, "construct ChatOpenAI")]),
    case("OAI012", """
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(**settings)
        """, """
        from langchain_openai import ChatOpenAI

        # migrate: ChatOpenAI arguments come from **kwargs: make sure they set the endpoint and key from $OPENAI_BASE_URL / $OPENAI_API_KEY
        llm = ChatOpenAI(**settings)
        """, id="OAI012-star-kwargs-review",
        review=[("OAI012", 5, "come from **kwargs")]),
    case("OAI012", """
        from langchain.chat_models import init_chat_model
        from langchain.embeddings import init_embeddings

        llm = init_chat_model("openai:gpt-4o", temperature=0)
        fast = init_chat_model("gpt-3.5-turbo", model_provider="openai")
        emb = init_embeddings("openai:text-embedding-3-small")
        claude = init_chat_model("anthropic:claude-3-5-sonnet-latest")
        """, f"""
        from langchain.chat_models import init_chat_model
        from langchain.embeddings import init_embeddings
        import os

        llm = init_chat_model(
            "openai:meta-llama/Llama-3.1-8B-Instruct",
            temperature=0,
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        fast = init_chat_model(
            "tiny-llama",
            model_provider="openai",
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        emb = init_embeddings(
            "openai:text-embedding-3-small",
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        claude = init_chat_model("anthropic:claude-3-5-sonnet-latest")
        """, id="OAI012-langchain-init-chat-model-and-embeddings",
        review=[("OAI012", 18, 'add "text-embedding-3-small"')]),
    # -- LlamaIndex -----------------------------------------------------------------------------------------------
    case("OAI012", """
        from llama_index.embeddings.openai import OpenAIEmbedding

        embed_model = OpenAIEmbedding(model="text-embedding-3-small", api_key="sk-abc")
        """, f"""
        from llama_index.embeddings.openai import OpenAIEmbedding
        import os

        embed_model = OpenAIEmbedding(
            model="text-embedding-3-small",
            api_key={ENV_KEY},
            api_base={ENV_BASE},
        )
        """, id="OAI012-llamaindex-embedding-literal-key-replaced"),
    case("OAI012", """
        from llama_index.llms.openai import OpenAI

        llm = OpenAI(model="gpt-4o")
        """, f"""
        from llama_index.llms.openai import OpenAI
        import os

        # migrate: LlamaIndex's OpenAI accepts OpenAI model names only (ValueError: Unknown model): serve the model under that name (vllm serve --served-model-name) or use llama_index.llms.openai_like.OpenAILike(model=..., api_base=..., api_key=..., is_chat_model=True)
        llm = OpenAI(
            model="gpt-4o",
            api_base={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-llamaindex-llm-endpoint-and-model-check-review",
        review=[("OAI012", 6, "OpenAILike")]),
    case("OAI012", """
        from gpt_index.embeddings.openai import OpenAIEmbedding

        embed = OpenAIEmbedding()
        """, """
        from gpt_index.embeddings.openai import OpenAIEmbedding

        # migrate: gpt_index (OpenAIEmbedding) predates LlamaIndex's api_base setting: upgrade to llama_index and point it at the vLLM endpoint ($OPENAI_BASE_URL)
        embed = OpenAIEmbedding()
        """, id="OAI012-gpt-index-review",
        review=[("OAI012", 5, "upgrade to llama_index")]),
    # -- LiteLLM --------------------------------------------------------------------------------------------------
    case("OAI012", """
        import litellm

        r = litellm.completion(model="gpt-4o", messages=msgs)
        """, f"""
        import litellm
        import os

        r = litellm.completion(
            model="openai/meta-llama/Llama-3.1-8B-Instruct",
            messages=msgs,
            api_base={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-litellm-routes-mapped-model-through-openai"),
    case("OAI012", """
        from litellm import acompletion

        async def ask(msgs):
            return await acompletion("openai/gpt-4.1", messages=msgs)
        """, f"""
        from litellm import acompletion
        import os

        async def ask(msgs):
            return await acompletion(
                "openai/gpt-4.1",
                messages=msgs,
                api_base={ENV_BASE},
                api_key={ENV_KEY},
            )
        """, id="OAI012-litellm-unmapped-prefixed-model-review",
        review=[("OAI012", 6, 'add "gpt-4.1"')]),
    case("OAI012", """
        import litellm

        a = litellm.completion(model="anthropic/claude-3-5-sonnet", messages=[])
        b = litellm.completion(model="claude-3-5-sonnet", messages=[])
        c = litellm.completion(model="gpt-4o", messages=[], api_base="https://openrouter.ai/api/v1")
        d = litellm.completion(model="openai/gpt-4o", messages=[], api_base="http://localhost:8000/v1")
        """, None, id="OAI012-litellm-other-providers-untouched"),
    case("OAI012", """
        import litellm

        r = litellm.completion(model=model_name, messages=[])
        """, """
        import litellm

        # migrate: the model of litellm.completion is `model_name`: it routes by its provider prefix, so it must be "openai/<served model>" (with api_base set to the vLLM endpoint) for the request to reach vLLM
        r = litellm.completion(model=model_name, messages=[])
        """, id="OAI012-litellm-dynamic-model-review",
        review=[("OAI012", 5, "routes by its provider prefix")]),
    # mem0ai 0.1.30 (mem0/llms/litellm.py): the model is a default the module sets, and LiteLLM routes by its
    # spelling, so the served model is written "openai/<served model>" wherever the module names it; a capability
    # lookup in LiteLLM's model table will not know it
    case("OAI012,OAI003", """
        import litellm

        DEFAULT = "gpt-4o"


        class LiteLLM:
            def __init__(self, config):
                self.config = config
                if not self.config.model:
                    self.config.model = "gpt-4o"

            def generate(self, messages):
                if not litellm.supports_function_calling(self.config.model):
                    raise ValueError("no function calling")
                return litellm.completion(model=self.config.model, messages=messages)


        def ask(messages):
            return litellm.completion(model=DEFAULT, messages=messages)
        """, f"""
        import litellm
        import os

        DEFAULT = "openai/meta-llama/Llama-3.1-8B-Instruct"


        class LiteLLM:
            def __init__(self, config):
                self.config = config
                if not self.config.model:
                    self.config.model = "openai/meta-llama/Llama-3.1-8B-Instruct"

            def generate(self, messages):
                # migrate: litellm.supports_function_calling(self.config.model): the model may now be the served one, which LiteLLM's table of models does not list: the lookup answers False or raises; register the served model (litellm.register_model) or drop the check
                if not litellm.supports_function_calling(self.config.model):
                    raise ValueError("no function calling")
                # migrate: the model of litellm.completion is `self.config.model`: it routes by its provider prefix, so it must be "openai/<served model>" (with api_base set to the vLLM endpoint) for the request to reach vLLM
                return litellm.completion(model=self.config.model, messages=messages)


        def ask(messages):
            return litellm.completion(
                model=DEFAULT,
                messages=messages,
                api_base={ENV_BASE},
                api_key={ENV_KEY},
            )
        """, id="OAI012-litellm-model-constant-spelled-for-litellm",
        review=[("OAI003", 16, "LiteLLM's table of models"), ("OAI012", 19, "routes by its provider prefix")]),
    # beside the OpenAI SDK a name may go to either: mapped as the SDK spells it, and the LiteLLM call reviewed
    case("OAI012", """
        import litellm
        import openai

        DEFAULT = "gpt-4o-mini"
        r = litellm.completion(model=DEFAULT, messages=[])
        """, """
        import litellm
        import openai

        DEFAULT = "gpt-4o-mini"
        # migrate: the model of litellm.completion is `DEFAULT`: it routes by its provider prefix, so it must be "openai/<served model>" (with api_base set to the vLLM endpoint) for the request to reach vLLM
        r = litellm.completion(model=DEFAULT, messages=[])
        """, id="OAI012-litellm-model-constant-beside-the-sdk-review",
        review=[("OAI012", 7, "routes by its provider prefix")]),
    case("OAI012", """
        import litellm

        r = litellm.completion(model="azure/my-deployment", messages=[])
        """, """
        import litellm

        # migrate: model "azure/my-deployment" routes to an Azure OpenAI deployment: use "openai/<served model>" with the vLLM endpoint instead
        r = litellm.completion(model="azure/my-deployment", messages=[])
        """, id="OAI012-litellm-azure-route-review",
        review=[("OAI012", 5, "Azure OpenAI deployment")]),
    case("OAI012", """
        from litellm import Router

        router = Router(model_list=[{"model_name": "gpt", "litellm_params": {"model": "gpt-4o"}}])
        """, """
        from litellm import Router

        # migrate: each OpenAI entry of the Router's model_list must route to vLLM: litellm_params model "openai/<served model>", api_base from $OPENAI_BASE_URL, api_key from $OPENAI_API_KEY
        router = Router(model_list=[{"model_name": "gpt", "litellm_params": {"model": "gpt-4o"}}])
        """, id="OAI012-litellm-router-review",
        review=[("OAI012", 5, "model_list")]),
    # -- instructor and DSPy --------------------------------------------------------------------------------------
    case("OAI012", """
        import instructor

        client = instructor.from_provider("openai/gpt-4o")
        """, f"""
        import instructor
        import os

        client = instructor.from_provider(
            "openai/meta-llama/Llama-3.1-8B-Instruct",
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-instructor-from-provider"),
    case("OAI012", """
        import instructor
        from openai import OpenAI

        client = instructor.from_openai(OpenAI())
        other = instructor.from_provider("anthropic/claude-3-5-sonnet")
        """, None, id="OAI012-instructor-from-openai-is-oai001s-and-other-provider-untouched"),
    case("OAI012", """
        import dspy

        lm = dspy.LM("openai/gpt-4o-mini", max_tokens=1000)
        dspy.configure(lm=lm)
        """, f"""
        import dspy
        import os

        lm = dspy.LM(
            "openai/gpt-4o-mini",
            max_tokens=1000,
            api_base={ENV_BASE},
            api_key={ENV_KEY},
        )
        dspy.configure(lm=lm)
        """, id="OAI012-dspy-lm",
        review=[("OAI012", 5, 'add "gpt-4o-mini"')]),
    case("OAI012", """
        import dspy

        turbo = dspy.OpenAI(model="gpt-3.5-turbo", max_tokens=250)
        """, f"""
        import dspy
        import os

        # migrate: dspy.OpenAI picks chat or text completions from the model name: pass model_type="chat" for a chat model served by vLLM
        turbo = dspy.OpenAI(
            model="gpt-3.5-turbo",
            max_tokens=250,
            api_base={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-dspy-openai-model-type-review",
        review=[("OAI012", 6, 'model_type="chat"')]),
    case("OAI012", """
        import dspy

        lm = dspy.LM("ollama_chat/llama3.2", api_base="http://localhost:11434")
        """, None, id="OAI012-dspy-other-provider-untouched"),
    # -- with the other rules ----------------------------------------------------------------------------------------
    case("OAI012,OAI003,OAI001", """
        import litellm
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(model="gpt-4o")
        r = litellm.completion(model="gpt-3.5-turbo", messages=[])
        """, f"""
        import litellm
        from langchain_openai import ChatOpenAI
        import os

        llm = ChatOpenAI(
            model="meta-llama/Llama-3.1-8B-Instruct",
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        r = litellm.completion(
            model="openai/tiny-llama",
            messages=[],
            api_base={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI012-with-model-map-rules"),
]


@pytest.mark.parametrize("c", CASES)
def test_oai012(c):
    check_case(c)
