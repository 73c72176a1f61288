"""What the detector knows about the OpenAI SDK and the libraries that wrap it.

Endpoint names come from the compatibility catalog (derived from the installed SDK); this module adds what
code cannot tell: names older SDK releases used, the 0.x module API, and which third-party classes and
functions send requests to OpenAI underneath. Plain data (it imports only the catalog's plain-data modules): it is on the scan's start-up path.
"""

from __future__ import annotations

import re

from migrate.catalog import clients as _clients
from migrate.catalog import endpoints as _endpoints
from migrate.catalog import facts as _facts
from migrate.catalog import legacy as _legacy
from migrate.catalog import providers as _providers
from migrate.catalog.wrappers import (
    INSTRUCTOR_FUNCTIONS,
    LANGCHAIN_INIT,
    LITELLM_FUNCTIONS,
    OPENAI_PROVIDERS,
    WRAPPER_BASE_KEYWORDS,
    WRAPPER_CLASSES,
    WRAPPER_ENDPOINT_KEYWORDS,
    WRAPPER_KEY_KEYWORDS,
    WRAPPER_MODEL_KEYWORDS,
    wrapper_class,
)

# Client classes, by every name the SDK exports them under: one table with the rewrite, derived from the SDK
# (migrate/catalog/clients.py).
client_class = _clients.client_class

# Resources and endpoint names, current and past: one table with the rewrite and the recorder
# (migrate/catalog/endpoints.py; current names derived from the SDK).
RESOURCES = _endpoints.resources()
HISTORICAL_ENDPOINTS = frozenset(_endpoints.HISTORICAL_ENDPOINTS)
# Methods of a client object itself, not requests.
CLIENT_METHODS_RETURNING_CLIENT = frozenset({"with_options", "copy"})
VARIANTS = frozenset({"with_raw_response", "with_streaming_response"})
GENERIC_RESOURCES = _endpoints.GENERIC_RESOURCES  # not reported on an object of unresolved type
LOOKALIKE_SDKS = _providers.LOOKALIKE_SDKS  # other providers' SDKs with the same call shape

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
ENV_NAME_RE = _facts.ENV_NAME_RE  # one pattern with the assessment (migrate/catalog/facts.py)
SECRET_NAME_RE = re.compile(r"KEY|TOKEN|SECRET|PASSWORD", re.IGNORECASE)
ENV_READERS = frozenset(
    {"os.getenv", "os.environ.get", "os.environ.setdefault", "os.environ.pop", "os.putenv", "os.getenvb",
     "decouple.config", "environ.get"}
)

# -- URLs and raw HTTP -------------------------------------------------------------------------------------------
OPENAI_HOST_RE = re.compile(r"\bapi\.openai\.com\b|\b[\w-]+\.openai\.azure\.com\b|\{[^}]*\}\.openai\.azure\.com")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "request", "stream", "send"})
HTTP_LIBRARIES = _facts.HTTP_LIBRARIES  # one list with OAI009 (migrate/catalog/facts.py)
# Client classes that take a base URL: name -> position of the base URL among the arguments (None: keyword only).
HTTP_CLIENT_CLASSES = {"httpx.Client": None, "httpx.AsyncClient": None, "aiohttp.ClientSession": 0}

# -- wrappers: one table with the rewrite (OAI012), kept in the catalog (migrate/catalog/wrappers.py), imported above

# Packages whose pin is worth reporting in requirement files.
REQUIREMENT_PACKAGES_RE = re.compile(
    r"^(?:openai|tiktoken|litellm|instructor|dspy|dspy-ai|langchain-openai|llama-index-llms-openai|"
    r"llama-index-embeddings-openai|llama-index-llms-azure-openai|llama-index-embeddings-azure-openai|"
    r"llama-index-multi-modal-llms-openai|openai-agents)$"
)

__all__ = ["INSTRUCTOR_FUNCTIONS", "LANGCHAIN_INIT", "LITELLM_FUNCTIONS", "OPENAI_PROVIDERS", "WRAPPER_BASE_KEYWORDS",
           "WRAPPER_CLASSES", "WRAPPER_ENDPOINT_KEYWORDS", "WRAPPER_KEY_KEYWORDS", "WRAPPER_MODEL_KEYWORDS", "wrapper_class"]
