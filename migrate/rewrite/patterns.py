"""Plain-text knowledge shared by the Python rules and the text-file rules (no LibCST here)."""

from __future__ import annotations

import re

from migrate.catalog.facts import OPENAI_MODEL_RE, is_openai_model

# One pattern with the scan, in the catalog: which model names are OpenAI's hosted models.
OPENAI_MODEL = OPENAI_MODEL_RE
PARAMETER_ACTIONS = ("drop", "keep", "comment")  # [tool.migrate.rewrite.parameters] values (OAI008)
_URL = re.compile(r"^(?:https?://)?api\.openai\.com(?::443)?(?P<path>/[^\s\"'?#]*)?(?P<rest>[?#]\S*)?$")


def looks_like_openai_model(name: str) -> bool:
    """An OpenAI model name (gpt-4o, o3-mini, text-embedding-3-small, ft:..., ...)."""
    return is_openai_model(name)


def split_url(url: str) -> str | None:
    """The part after the API root ("/chat/completions"), "" for the root itself, None if not an API URL."""
    hit = _URL.match(url.strip())
    if hit is None:
        return None
    path = (hit.group("path") or "").rstrip("/") if not hit.group("rest") else (hit.group("path") or "")
    if path == "/v1" or path.startswith("/v1/"):
        path = path[3:]
    return path + (hit.group("rest") or "")
