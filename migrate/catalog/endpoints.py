"""Endpoint names of the SDK, current and past, and the REST resources they live under.

One table for every reader: the scan finds `client.<resource>.<method>(...)` calls with it, the rewrite picks the
endpoints its rules act on from it, and the recorder cuts a request URL down to `/v1/<resource>...` with it.
Current names are derived from the installed SDK (the snapshot's `endpoints`, see derive/sdk.py); what the
installed SDK cannot tell (names of past releases, judgement calls) is hand-written here, each with why.
"""

from __future__ import annotations

from functools import lru_cache

# Endpoint names of past SDK releases (code written against them is still around), each with the current endpoint
# that replaced it, or None where none did. Hand-written: only the installed release can be inspected. Some are
# still kept by the installed SDK as aliases (beta.chat.completions.parse, files.retrieve_content); they stay
# listed so the scan and the rewrite know them whichever SDK release the snapshot was generated from.
HISTORICAL_ENDPOINTS: dict[str, str | None] = {
    # moved out of `beta` in openai 1.x/2.0
    "beta.chat.completions.parse": "chat.completions.parse",
    "beta.chat.completions.stream": "chat.completions.stream",
    "beta.vector_stores.create": "vector_stores.create",
    "beta.vector_stores.retrieve": "vector_stores.retrieve",
    "beta.vector_stores.update": "vector_stores.update",
    "beta.vector_stores.list": "vector_stores.list",
    "beta.vector_stores.delete": "vector_stores.delete",
    "beta.vector_stores.files.create": "vector_stores.files.create",
    "beta.vector_stores.files.upload_and_poll": "vector_stores.files.upload_and_poll",
    "beta.vector_stores.file_batches.upload_and_poll": "vector_stores.file_batches.upload_and_poll",
    "beta.vector_stores.file_batches.create_and_poll": "vector_stores.file_batches.create_and_poll",
    "beta.realtime.connect": "realtime.connect",
    # renamed
    "files.retrieve_content": "files.content",
    # legacy fine-tunes (early 1.x `client.fine_tunes`): retired, fine_tuning.jobs is a different API
    "fine_tunes.create": None,
    "fine_tunes.list": None,
}

# Client resources that have no request method of their own, so the snapshot's endpoint list cannot show them:
# `client.graders` only holds `grader_models` (types, no requests). Code that reaches them is still OpenAI code.
RESOURCES_WITHOUT_ENDPOINTS = frozenset({"graders"})

# Resource names too generic to report on an object whose type the scan could not resolve (`storage.files.list()`
# is more often someone else's API than OpenAI's). A judgement call, so hand-written; each is a resource above
# (tests/catalog/test_endpoints.py).
GENERIC_RESOURCES = frozenset({"files", "models", "batches", "uploads", "containers", "conversations", "webhooks",
                               "evals", "videos", "skills", "admin", "safety", "decisions", "live", "graders"})

# The model-call endpoints the rewrite's rules act on (model names, parameters, responses): the inference
# endpoints, as opposed to the management ones (files, batches, vector stores, ...). Each is a catalog endpoint.
MODEL_CALL_ENDPOINTS = (
    "chat.completions.create", "chat.completions.parse", "chat.completions.stream", "completions.create",
    "embeddings.create", "moderations.create", "images.generate", "images.edit", "images.create_variation",
    "audio.transcriptions.create", "audio.translations.create", "audio.speech.create", "responses.create",
    "responses.parse", "responses.stream",
)

# First segments of REST paths that a gateway or proxy mount point uses as a word of its own (`/live/v1/...`,
# `/projects/acme/v1/...`): never taken for the start of an OpenAI path when a URL is cut down to `/v1/<resource>`.
PATH_PREFIX_WORDS = frozenset({"organization", "projects", "live", "safety", "decisions", "skills", "agents",
                               "vaults", "chatkit"})


@lru_cache(maxsize=1)
def current_endpoints() -> frozenset[str]:
    """Every endpoint of the installed SDK: "chat.completions.create", ..."""
    from migrate.catalog import load_catalog

    return frozenset(load_catalog(target=False).endpoints)


@lru_cache(maxsize=1)
def resources() -> frozenset[str]:
    """Top-level resources of a client (and of the module client `openai.<resource>`), current and past."""
    names = current_endpoints() | HISTORICAL_ENDPOINTS.keys()
    return frozenset(name.split(".", 1)[0] for name in names) | RESOURCES_WITHOUT_ENDPOINTS


@lru_cache(maxsize=1)
def model_call_tails() -> dict[tuple[str, ...], str]:
    """The attribute-chain tails of the model-call endpoints, past spellings included -> the current endpoint:
    ("beta", "chat", "completions", "parse") -> "chat.completions.parse"."""
    tails = {tuple(name.split(".")): name for name in MODEL_CALL_ENDPOINTS}
    tails.update({tuple(old.split(".")): new for old, new in HISTORICAL_ENDPOINTS.items()
                  if new in MODEL_CALL_ENDPOINTS})
    return tails


@lru_cache(maxsize=1)
def rest_resources() -> frozenset[str]:
    """First segments of the SDK's REST paths ("chat" of /chat/completions), less PATH_PREFIX_WORDS."""
    from migrate.catalog import load_catalog

    firsts = {e.path.lstrip("/").split("/", 1)[0].split("?", 1)[0] for e in load_catalog(target=False).endpoints.values()
              if e.path}
    return frozenset(firsts - PATH_PREFIX_WORDS - {""})


def current_name(endpoint: str) -> str:
    """The current endpoint a name stands for: a 0.x call ("ChatCompletion.acreate" -> "chat.completions.create"),
    a past SDK name ("beta.chat.completions.parse" -> "chat.completions.parse"), or the name itself."""
    from migrate.catalog import legacy

    if call := legacy.legacy_call(endpoint):
        return call.endpoint
    return HISTORICAL_ENDPOINTS.get(endpoint) or endpoint
