"""Plain-text knowledge shared by the Python rules and the text-file rules (no LibCST here)."""

from __future__ import annotations

import re

OPENAI_MODEL = re.compile(
    r"^(?:gpt-[\w.\-]+|chatgpt-[\w.\-]+|o[1-9](?:-[\w.\-]+)?|text-(?:davinci|curie|babbage|ada|embedding|moderation|"
    r"search|similarity)-[\w.\-]+|(?:davinci|curie|babbage|ada)(?:-\d+)?|code-(?:davinci|cushman)-[\w.\-]+|"
    r"dall-e-[23]|whisper-1|tts-1(?:-hd)?(?:-[\w.\-]+)?|omni-moderation-[\w.\-]+|gpt-image-[\w.\-]+|"
    r"computer-use-[\w.\-]+|codex-[\w.\-]+|ft:[\w.\-:]+)$"
)
PARAMETER_ACTIONS = ("drop", "keep", "comment")  # [tool.migrate.rewrite.parameters] values (OAI008)
_URL = re.compile(r"^(?:https?://)?api\.openai\.com(?::443)?(?P<path>/[^\s\"'?#]*)?(?P<rest>[?#]\S*)?$")


def looks_like_openai_model(name: str) -> bool:
    """An OpenAI model name (gpt-4o, o3-mini, text-embedding-3-small, ft:..., ...)."""
    return bool(OPENAI_MODEL.match(name))


def split_url(url: str) -> str | None:
    """The part after the API root ("/chat/completions"), "" for the root itself, None if not an API URL."""
    hit = _URL.match(url.strip())
    if hit is None:
        return None
    path = (hit.group("path") or "").rstrip("/") if not hit.group("rest") else (hit.group("path") or "")
    if path == "/v1" or path.startswith("/v1/"):
        path = path[3:]
    return path + (hit.group("rest") or "")
