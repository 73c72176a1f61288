"""Libraries that call OpenAI underneath (LangChain, LlamaIndex, LiteLLM, instructor, DSPy): which of their classes
and functions do, and the keywords that set their endpoint and key.

One table for both sides: the scan reports these constructions (migrate/scan/detect) and OAI012 points them at
vLLM. Hand-written: the libraries are not dependencies of migrate-kit; the comments name the releases checked.
"""

from __future__ import annotations

# (module prefix, class name) -> (api, canonical class name). A module prefix matches the module and submodules.
WRAPPER_CLASSES: dict[tuple[str, str], tuple[str, str]] = {}
# A module prefix matches its submodules: "langchain" covers `from langchain import OpenAI` (the top-level export
# of LangChain < 0.1), langchain.llms.openai, langchain.chat_models.azure_openai, ...
for _module in ("langchain_openai", "langchain", "langchain_community"):
    for _cls in ("ChatOpenAI", "AzureChatOpenAI", "OpenAIEmbeddings", "AzureOpenAIEmbeddings", "OpenAI",
                 "AzureOpenAI", "OpenAIChat"):
        WRAPPER_CLASSES[(_module, _cls)] = ("langchain", _cls)
# llama_index covers llama_index.llms.openai, llama_index.core.llms.openai, llama_index.legacy.*, the 0.x top-level
# exports; gpt_index is LlamaIndex's name before 0.5 (gpt_index.embeddings.openai.OpenAIEmbedding).
for _module in ("llama_index", "gpt_index"):
    for _cls in ("OpenAI", "OpenAIEmbedding", "AzureOpenAI", "AzureOpenAIEmbedding", "OpenAIResponses",
                 "OpenAIMultiModal"):
        WRAPPER_CLASSES[(_module, _cls)] = ("llamaindex", _cls)
WRAPPER_CLASSES[("dspy", "OpenAI")] = ("dspy", "dspy.OpenAI")
WRAPPER_CLASSES[("dspy", "AzureOpenAI")] = ("dspy", "dspy.AzureOpenAI")
WRAPPER_CLASSES[("dsp", "GPT3")] = ("dspy", "dsp.GPT3")


def wrapper_class(name: str) -> tuple[str, str] | None:
    """(api, class) for the qualified name of a wrapper class: "langchain.llms.openai.OpenAI" -> ("langchain", "OpenAI")."""
    module, _, cls = name.rpartition(".")
    while module:
        hit = WRAPPER_CLASSES.get((module, cls))
        if hit is not None:
            return hit
        module = module.rpartition(".")[0]
    return None


# The keywords that set a wrapper's endpoint and key, as each library's own source names them (checked against
# langchain-openai 1.7, langchain 0.0.350, llama-index-llms-openai 0.8, llama-index 0.9, litellm 1.x, instructor
# 1.x from_provider, dspy 3.x LM and dspy-ai 2.4 GPT3): (base URL keywords, key keywords), the first of each is
# the one a rewrite adds, the others are aliases of the same setting. Keyed by the package the name comes from.
WRAPPER_ENDPOINT_KEYWORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "langchain_openai": (("base_url", "openai_api_base"), ("api_key", "openai_api_key")),
    # LangChain < 0.1 knows only the field names (the base_url/api_key aliases came later)
    "langchain": (("openai_api_base", "base_url"), ("openai_api_key", "api_key")),
    "langchain_community": (("openai_api_base", "base_url"), ("openai_api_key", "api_key")),
    "llama_index": (("api_base",), ("api_key",)),
    "litellm": (("api_base", "base_url"), ("api_key",)),
    "instructor": (("base_url",), ("api_key",)),
    "dspy": (("api_base", "base_url"), ("api_key",)),
}
# The model a wrapper class asks for when the code names none (langchain-openai 0.1-1.x and LangChain 0.0.x:
# ChatOpenAI's model_name and OpenAIEmbeddings' model fields; LlamaIndex's OpenAIEmbedding): OpenAI's names, which
# vLLM does not serve. (api, class) as WRAPPER_CLASSES gives it -> the default model.
WRAPPER_DEFAULT_MODELS: dict[tuple[str, str], str] = {
    ("langchain", "ChatOpenAI"): "gpt-3.5-turbo",
    ("langchain", "OpenAIEmbeddings"): "text-embedding-ada-002",
    ("llamaindex", "OpenAIEmbedding"): "text-embedding-ada-002",
}

# The environment variables each wrapper reads its base URL from when the code passes none (LangChain's
# openai_api_base field defaults to $OPENAI_API_BASE, and the SDK underneath reads $OPENAI_BASE_URL; LiteLLM reads
# both; LlamaIndex's OpenAI reads $OPENAI_API_BASE): a base URL the rewrite adds wins over them.
WRAPPER_ENDPOINT_ENV: dict[str, tuple[str, ...]] = {
    "langchain_openai": ("OPENAI_API_BASE", "OPENAI_BASE_URL"),
    "langchain": ("OPENAI_API_BASE",),
    "langchain_community": ("OPENAI_API_BASE", "OPENAI_BASE_URL"),
    "llama_index": ("OPENAI_API_BASE",),
    "litellm": ("OPENAI_API_BASE", "OPENAI_BASE_URL"),
    "instructor": ("OPENAI_BASE_URL",),
    "dspy": ("OPENAI_API_BASE", "OPENAI_BASE_URL"),
}
WRAPPER_BASE_KEYWORDS = frozenset(k for base, _ in WRAPPER_ENDPOINT_KEYWORDS.values() for k in base)
WRAPPER_KEY_KEYWORDS = frozenset(k for _, key in WRAPPER_ENDPOINT_KEYWORDS.values() for k in key)
# The keywords that name the model of a wrapper's request (LangChain's model_name, Azure's deployment_name and
# azure_deployment, old LangChain's engine): the scan reads the model from them, OAI003 maps it.
WRAPPER_MODEL_KEYWORDS: tuple[str, ...] = ("model", "model_name", "deployment_name", "azure_deployment", "engine")

# Functions (qualified name) -> (api, endpoint, kind of model argument).
LITELLM_FUNCTIONS = frozenset(
    {"completion", "acompletion", "text_completion", "atext_completion", "embedding", "aembedding",
     "image_generation", "aimage_generation", "transcription", "atranscription", "speech", "aspeech",
     "moderation", "amoderation", "responses", "aresponses", "batch_completion"}
)
# Model providers in a "provider/model" string that mean OpenAI (or Azure OpenAI) underneath.
OPENAI_PROVIDERS = frozenset({"openai", "azure", "text-completion-openai", "azure_text", "chatgpt"})
LANGCHAIN_INIT = frozenset({"langchain.chat_models.init_chat_model", "langchain.chat_models.base.init_chat_model",
                            "langchain.embeddings.init_embeddings"})
# Packages whose model names are not LiteLLM's "provider/model" strings: a module that imports one of them beside
# litellm may hand a model name to either.
_OTHER_MODEL_USERS = frozenset({"openai", "langchain", "langchain_openai", "langchain_community", "llama_index",
                                "gpt_index", "dspy", "instructor"})


def routes_through_litellm(import_roots) -> bool:
    """A module whose model names go to LiteLLM (it imports litellm and no other package that takes model names):
    there a model is a "provider/model" string, and the served model is "openai/<served model>" (a bare
    "meta-llama/..." would make LiteLLM look for a provider of that name and raise)."""
    roots = set(import_roots)
    return "litellm" in roots and roots.isdisjoint(_OTHER_MODEL_USERS)


INSTRUCTOR_FUNCTIONS = frozenset({"from_openai", "patch", "apatch", "from_provider", "from_litellm"})
