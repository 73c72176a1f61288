"""The cheap tests every file goes through before it is parsed: do its bytes mention anything OpenAI?

Stage 1 (every file): a few substring searches, memchr-fast in CPython, about 200x cheaper than parsing.
Stage 2 (files that pass): one regular expression that throws out mentions that cannot lead to a finding,
such as `vllm.entrypoints.openai` (a package path) or `OpenAIServingChat` (another library's class).

Every finding the detector can make needs a stage-2 match in its file:

- `openai` as a name or string (`import openai`, `"openai/gpt-4o"`, `api.openai.com`)
- the SDK's and wrappers' classes (`OpenAI`, `AsyncAzureOpenAI`, `ChatOpenAI`, `OpenAIEmbeddings`, ...)
- `OPENAI_...` environment variables, `litellm`
- `.completions.`, `embeddings.create`, `.responses.create`: calls through a client imported from another
  module of the project, in files that never spell openai (docs/detection.md lists this limit)
"""

from __future__ import annotations

NEEDLES: tuple[bytes, ...] = (b"openai", b"OpenAI", b"OPENAI", b"litellm", b"completions.", b"embeddings.",
                              b"responses.")
TEXT_NEEDLES: tuple[bytes, ...] = (*NEEDLES, b"Openai", b"tiktoken", b"instructor", b"dspy")

_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NAME_BEFORE = _WORD | {ord("."), ord("/"), ord("-")}
_WORD_BYTES = frozenset(bytes([c]) for c in _WORD)
_OPENAI_SUFFIXES = (b"Embeddings", b"Embedding", b"Responses", b"MultiModal", b"Chat", b"Like")
_SPECIFIC = (b"OPENAI_", b"litellm", b"api.openai.com", b"openai.azure.com", b".completions.", b"embeddings.create",
             b".responses.create", b".responses.parse", b".responses.stream")


def might_use_openai(data: bytes) -> bool:
    """Stage 1: True when the bytes mention any needle."""
    for needle in NEEDLES:
        if needle in data:
            return True
    return False


def worth_parsing(data: bytes) -> bool:
    """Stage 2 for Python sources and notebooks (after stage 1)."""
    for needle in _SPECIFIC:
        if needle in data:
            return True
    find = data.find
    i = find(b"openai")
    while i >= 0:  # `openai` as a name or a string, not `pkg.openai` or `langchain_openai`
        if (i == 0 or data[i - 1] not in _NAME_BEFORE) and data[i + 6:i + 7] not in _WORD_BYTES:
            return True
        i = find(b"openai", i + 6)
    i = find(b"OpenAI")
    while i >= 0:  # `OpenAI`, `AsyncAzureOpenAI`, `ChatOpenAI`, `OpenAIEmbeddings`; not `OpenAIServingChat`
        rest = data[i + 6:i + 17]
        if not rest or rest[0] not in _WORD:
            return True
        for suffix in _OPENAI_SUFFIXES:
            if rest.startswith(suffix) and rest[len(suffix):len(suffix) + 1] not in _WORD_BYTES:
                return True
        i = find(b"OpenAI", i + 6)
    return False


def text_file_candidate(data: bytes) -> bool:
    """.env files and dependency pins: any needle, plus the names of wrappers that may not spell openai."""
    for needle in TEXT_NEEDLES:
        if needle in data:
            return True
    return False
