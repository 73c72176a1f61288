"""The OpenAI client classes, by every name code can import them under.

Derived from the installed SDK (the snapshot's `client_exports`, see derive/sdk.py): `openai.OpenAI`, its alias
`openai.Client`, and the defining modules (`from openai._client import OpenAI`, `from openai.lib.azure import
AzureOpenAI`). The scan finds client constructions with it and the rewrite converts them with it, so a name one
side knows the other knows too.
"""

from __future__ import annotations

from functools import lru_cache

# Azure client class -> the plain client class that replaces it against vLLM (each subclasses the other:
# tests/catalog/test_clients.py checks it against the installed SDK).
AZURE_TO_OPENAI: dict[str, str] = {"AzureOpenAI": "OpenAI", "AsyncAzureOpenAI": "AsyncOpenAI"}
ASYNC_CLASSES = frozenset({"AsyncOpenAI", "AsyncAzureOpenAI"})
# What an Azure client holds that the plain one it becomes does not (tests/catalog/test_clients.py checks them
# against the installed SDK): code that reads them off a converted client fails (AttributeError), and so does
# reading the api-version query parameter the Azure client adds (`client._custom_query["api-version"]`, KeyError).
AZURE_ONLY_ATTRIBUTES = frozenset({"_azure_endpoint", "_azure_deployment", "_azure_ad_token",
                                   "_azure_ad_token_provider", "_api_version"})
AZURE_QUERY = ("_custom_query", "api-version")


@lru_cache(maxsize=1)
def client_exports() -> dict[str, str]:
    """Qualified name -> client class: "openai._client.Client" -> "OpenAI"."""
    from migrate.catalog import load_catalog

    return dict(load_catalog().client_exports)


def client_class(qualified: str) -> str | None:
    """The client class a qualified name refers to, or None: "openai.lib.azure.AzureOpenAI" -> "AzureOpenAI"."""
    return client_exports().get(qualified)


def plain_clients() -> dict[str, str]:
    """Qualified names of the non-Azure client classes -> the class."""
    return {q: c for q, c in client_exports().items() if c not in AZURE_TO_OPENAI}


def azure_clients() -> dict[str, str]:
    """Qualified names of the Azure client classes -> the plain class that replaces it."""
    return {q: AZURE_TO_OPENAI[c] for q, c in client_exports().items() if c in AZURE_TO_OPENAI}
