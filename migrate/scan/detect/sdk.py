"""What the detector knows about the OpenAI SDK and the libraries that wrap it.

Endpoint names come from the compatibility catalog (derived from the installed SDK); this module adds what
code cannot tell: names older SDK releases used, the 0.x module API, and which third-party classes and
functions send requests to OpenAI underneath. Plain data (it imports only the catalog's plain-data modules): it is on the scan's start-up path.
"""

from __future__ import annotations

import re

from migrate.catalog import clients as _clients
from migrate.catalog import facts as _facts
from migrate.catalog import legacy as _legacy

# Client classes, by every name the SDK exports them under: one table with the rewrite, derived from the SDK
# (migrate/catalog/clients.py).
client_class = _clients.client_class

# Top-level resources of a client (and of the module-level client `openai.<resource>`), current and past.
RESOURCES = frozenset(
    {
        "admin", "audio", "batches", "beta", "chat", "completions", "containers", "content_provenance_checks",
        "conversations", "decisions", "embeddings", "evals", "files", "fine_tuning", "graders", "images", "live",
        "models", "moderations", "realtime", "responses", "safety", "skills", "uploads", "vector_stores", "videos",
        "webhooks",
    }
)
# Endpoints of past SDK releases that the current catalog no longer lists (they still appear in code).
HISTORICAL_ENDPOINTS = frozenset(
    {
        "beta.chat.completions.parse", "beta.chat.completions.stream", "beta.vector_stores.create",
        "beta.vector_stores.retrieve", "beta.vector_stores.update", "beta.vector_stores.list",
        "beta.vector_stores.delete", "beta.vector_stores.files.create", "beta.vector_stores.files.upload_and_poll",
        "beta.vector_stores.file_batches.upload_and_poll", "beta.vector_stores.file_batches.create_and_poll",
        "beta.realtime.connect", "files.retrieve_content", "fine_tunes.create", "fine_tunes.list",
    }
)
# Methods of a client object itself, not requests.
CLIENT_METHODS_RETURNING_CLIENT = frozenset({"with_options", "copy"})
VARIANTS = frozenset({"with_raw_response", "with_streaming_response"})
# Resources too generic to report on an object whose type the detector could not resolve.
GENERIC_RESOURCES = frozenset({"files", "models", "batches", "uploads", "containers", "conversations", "webhooks",
                               "evals", "videos", "skills", "admin", "safety", "decisions", "live", "graders"})

# -- the 0.x module API ------------------------------------------------------------------------------------------
# One table with the rewrite (OAI004), kept in the catalog: migrate/catalog/legacy.py.
LEGACY_CLASSES = _legacy.CLASSES
LEGACY_MODERN = _legacy.LEGACY_ENDPOINTS  # the 0.x name -> its 1.x endpoint, sync and async twins alike
LEGACY_MODEL_KEYWORDS = _legacy.MODEL_KEYWORDS
LEGACY_SETTINGS = frozenset(_legacy.SETTINGS)
LEGACY_ERRORS_MODULE = _legacy.ERRORS_MODULE
# openai.error.X names of 0.x (migrate/catalog/facts.py LEGACY_EXCEPTION_CLASSES). The 1.x module settings are
# the catalog snapshot's module_settings, derived from the installed SDK.
LEGACY_EXCEPTIONS = frozenset(_facts.LEGACY_EXCEPTION_CLASSES)

# -- environment -------------------------------------------------------------------------------------------------
ENV_NAME_RE = re.compile(r"^(?:AZURE_OPENAI_[A-Z0-9_]+|OPENAI_[A-Z0-9_]+)$")
SECRET_NAME_RE = re.compile(r"KEY|TOKEN|SECRET|PASSWORD", re.IGNORECASE)
ENV_READERS = frozenset(
    {"os.getenv", "os.environ.get", "os.environ.setdefault", "os.environ.pop", "os.putenv", "os.getenvb",
     "decouple.config", "environ.get"}
)

# -- URLs and raw HTTP -------------------------------------------------------------------------------------------
OPENAI_HOST_RE = re.compile(r"\bapi\.openai\.com\b|\b[\w-]+\.openai\.azure\.com\b|\{[^}]*\}\.openai\.azure\.com")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "request", "stream", "send"})
HTTP_LIBRARIES = ("requests", "httpx", "aiohttp", "urllib3", "urllib.request")
# Client classes that take a base URL: name -> position of the base URL among the arguments (None: keyword only).
HTTP_CLIENT_CLASSES = {"httpx.Client": None, "httpx.AsyncClient": None, "aiohttp.ClientSession": 0}

# -- wrappers ----------------------------------------------------------------------------------------------------
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
WRAPPER_BASE_KEYWORDS = frozenset(k for base, _ in WRAPPER_ENDPOINT_KEYWORDS.values() for k in base)
WRAPPER_KEY_KEYWORDS = frozenset(k for _, key in WRAPPER_ENDPOINT_KEYWORDS.values() for k in key)

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
INSTRUCTOR_FUNCTIONS = frozenset({"from_openai", "patch", "apatch", "from_provider", "from_litellm"})

# Packages whose pin is worth reporting in requirement files.
REQUIREMENT_PACKAGES_RE = re.compile(
    r"^(?:openai|tiktoken|litellm|instructor|dspy|dspy-ai|langchain-openai|llama-index-llms-openai|"
    r"llama-index-embeddings-openai|llama-index-llms-azure-openai|llama-index-embeddings-azure-openai|"
    r"llama-index-multi-modal-llms-openai|openai-agents)$"
)
