"""The cheap tests every file goes through before it is parsed: do its bytes mention anything OpenAI?

Stage 1 (every file): a few substring searches on the lower-cased bytes, memchr-fast in CPython, about 200x
cheaper than parsing. Stage 2 (files that pass): the exact mentions, with those that cannot lead to a
finding thrown out, such as `vllm.entrypoints.openai` (a package path), `OpenAIServingChat` (another
library's class), `OpenAI-compatible` (prose), `OPENAI_CLIP_MEAN` (image constants named after CLIP).
`python_candidate` runs both and only looks for the stage-2 mentions whose stage-1 needle was found.

Every finding the detector can make needs a stage-2 match in its file:

- `openai` as a name or string (`import openai`, `"openai/gpt-4o"`, `api.openai.com`)
- the SDK's and wrappers' classes (`OpenAI`, `AsyncAzureOpenAI`, `ChatOpenAI`, `OpenAIEmbeddings`, ...)
- `OPENAI_...` environment variables, `litellm`
- `.completions.`, `embeddings.create`, `.responses.create`, `.audio.transcriptions.create`, `.images.generate`,
  `.moderations.create`: calls through a client imported from another module of the project or handed in by
  one, in files that never spell openai (docs/detection.md)

Speed (site-packages, 24k files, 308 MB): each needle costs one pass over the bytes (~0.14 s for all
files); lower-casing once (~0.1 s) folds `openai`/`OpenAI`/`OPENAI` into one pass, so stage 1 is five
passes instead of seven, and stage 2 no longer repeats searches for needles stage 1 did not find.
"""

from __future__ import annotations

NEEDLES: tuple[bytes, ...] = (b"openai", b"OpenAI", b"OPENAI", b"litellm", b"completions.", b"embeddings.",
                              b"responses.", b".audio.", b".images.", b".moderations.")
TEXT_NEEDLES: tuple[bytes, ...] = (*NEEDLES, b"Openai", b"tiktoken", b"instructor", b"dspy")
LOWER_NEEDLES: tuple[bytes, ...] = (b"openai", b"litellm", b"completions.", b"embeddings.", b"responses.")

_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NAME_BEFORE = _WORD | {ord("."), ord("/"), ord("-")}
_WORD_OR_HYPHEN = _WORD | {ord("-")}
_WORD_BYTES = frozenset(bytes([c]) for c in _WORD)
_OPENAI_SUFFIXES = (b"Embeddings", b"Embedding", b"Responses", b"MultiModal", b"Chat", b"Like")
_HOSTS = (b"api.openai.com", b"openai.azure.com")
_RESPONSES_CALLS = (b".responses.create", b".responses.parse", b".responses.stream")
# audio, images and moderations through a client handed in from elsewhere (aider's `Voice(client)`)
_MEDIA_CALLS = (b".audio.transcriptions.create", b".audio.translations.create", b".audio.speech.create",
                b".images.generate", b".images.edit", b".images.create_variation", b".moderations.create")


def python_candidate(data: bytes) -> bool:
    """Stages 1 and 2 for Python sources and notebooks: True when the file is worth parsing.

    The same answer as running stage 1 then stage 2 one after the other (tests/scan/test_scan_speed_paths.py
    keeps that reference and checks the two agree), in about two thirds of the time.
    """
    low = data.lower()
    if b"openai" in low and _openai_mention(data):
        return True
    if b"litellm" in low and b"litellm" in data:
        return True
    if b"completions." in low and b".completions." in data:
        return True
    if b"embeddings." in low and b"embeddings.create" in data:
        return True
    if b"responses." in low:
        for needle in _RESPONSES_CALLS:
            if needle in data:
                return True
    if b".audio." in data or b".images." in data or b".moderations." in data:
        for needle in _MEDIA_CALLS:
            if needle in data:
                return True
    return False


def _openai_mention(data: bytes) -> bool:
    """`openai` in any case, as something the detector can use (all of these contain it, case aside)."""
    for needle in _HOSTS:
        if needle in data:
            return True
    find = data.find
    i = find(b"OPENAI_")
    while i >= 0:  # `OPENAI_API_KEY` and friends; not `OPENAI_CLIP_MEAN` (image constants named after CLIP)
        if not data.startswith(b"CLIP_", i + 7):
            return True
        i = find(b"OPENAI_", i + 7)
    i = find(b"openai")
    while i >= 0:  # `openai` as a name or a string, not `pkg.openai` or `langchain_openai`
        if (i == 0 or data[i - 1] not in _NAME_BEFORE) and data[i + 6:i + 7] not in _WORD_BYTES:
            return True
        i = find(b"openai", i + 6)
    i = find(b"OpenAI")
    while i >= 0:  # `OpenAI`, `AsyncAzureOpenAI`, `ChatOpenAI`, `OpenAIEmbeddings`; not `OpenAIServingChat`
        rest = data[i + 6:i + 17]
        if not rest or rest[0] not in _WORD_OR_HYPHEN:  # `OpenAI-compatible`, `OpenAI-Beta`: prose and headers
            return True
        for suffix in _OPENAI_SUFFIXES:
            if rest.startswith(suffix) and rest[len(suffix):len(suffix) + 1] not in _WORD_BYTES:
                return True
        i = find(b"OpenAI", i + 6)
    return False


# A JS/TS module that imports the AI SDK may use an OpenAI model another module of the project builds.
_AI_SDK_IMPORTS = (b'from "ai"', b"from 'ai'", b'require("ai")', b"require('ai')")


def imports_lookalike(data: bytes) -> bool:
    """The source imports another provider's SDK whose clients have the OpenAI SDK's shape (providers.py)."""
    global _LOOKALIKE_IMPORT
    if _LOOKALIKE_IMPORT is None:
        import re

        from migrate.catalog.providers import LOOKALIKE_SDKS

        names = b"|".join(re.escape(n.encode()) for n in sorted(LOOKALIKE_SDKS))
        _LOOKALIKE_IMPORT = re.compile(rb"(?:^|[\n;\"])[ \t]*(?:from|import)[ \t]+(?:" + names + rb")\b")
    return _LOOKALIKE_IMPORT.search(data) is not None


_LOOKALIKE_IMPORT = None


def js_candidate(data: bytes) -> bool:
    """JS/TS sources: any needle of text files, or an import of the Vercel AI SDK."""
    if text_file_candidate(data):
        return True
    for needle in _AI_SDK_IMPORTS:
        if needle in data:
            return True
    return False


def text_file_candidate(data: bytes) -> bool:
    """.env files and dependency pins: any needle, plus the names of wrappers that may not spell openai."""
    for needle in TEXT_NEEDLES:
        if needle in data:
            return True
    return False
