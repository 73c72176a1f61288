"""Which server software answers: read from what the server itself says, never assumed to be vLLM.

`/v1/models` carries an `owned_by` per model card. vLLM writes "vllm"; llama-cpp-python's server writes "me"
(its default in llama_cpp/server/app.py) and llama.cpp's own C++ server "llamacpp". A value not listed here is
shown as the server wrote it, and an empty or mixed one as "unknown".
"""

from __future__ import annotations

import re
from typing import Iterable

OWNED_BY = {"vllm": "vllm", "me": "llama.cpp", "llamacpp": "llama.cpp"}
# The words a fix uses for a server ("start vLLM with ..."); a server not listed is "the server".
DISPLAY = {"vllm": "vLLM", "llama.cpp": "llama.cpp"}
# A request-validation failure reported as a 5xx: llama-cpp-python answers pydantic's errors with HTTP 500
# ("7 validation errors: {'type': 'literal_error', 'loc': ('body', 'messages', 0, ...")).
_VALIDATION = re.compile(r"\bvalidation errors?\b.*'loc': \('body'", re.S)


def identify(owned_by: Iterable[str | None]) -> str:
    """The server software behind a model listing's `owned_by` values ("vllm", "llama.cpp", or as written)."""
    owners = {o for o in owned_by if o}
    if "vllm" in owners:
        return "vllm"
    if len(owners) != 1:
        return "unknown"
    (owner,) = owners
    return OWNED_BY.get(owner.lower(), owner)


def display_name(server: str | None) -> str:
    """How a fix names the server: "vLLM", "llama.cpp", or "the server" when it is not known."""
    return DISPLAY.get(server or "", "the server")


def is_validation_error(status: int | None, message: str | None) -> bool:
    """A 5xx that is the server refusing the request's shape, in its own words, rather than failing on it."""
    return bool(status and status >= 500 and message and _VALIDATION.search(message))
