"""What a codebase needs from the server, read off its scan findings.

Both `migrate serve` (which flags to start vLLM with) and `migrate doctor` (which features to probe on a live
endpoint) start here. A need carries the finding locations behind it, so every flag and every probe can say
which lines of code asked for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from migrate.catalog.endpoints import current_name
from migrate.scan.findings import Finding, Kind, ScanResult

# Features, in the order they are reported. Each is one probe in `migrate doctor`.
FEATURES: dict[str, str] = {
    "models": "the model names the code sends are served",
    "chat": "chat completions",
    "roles": "system and developer roles in the chat template",
    "stream": "streaming with usage (stream_options.include_usage)",
    "tools": "tool calling: tool_choice auto / required / named",
    "json_object": "response_format json_object",
    "json_schema": "response_format json_schema (structured outputs)",
    "n": "several choices per request (n > 1)",
    "logprobs": "logprobs / top_logprobs",
    "embeddings": "embeddings",
    "completions": "legacy text completions (/v1/completions)",
    "responses": "the Responses API (/v1/responses)",
}

# By current endpoint name; 0.x and past SDK names are mapped to it by the catalog (endpoints.current_name).
_CHAT_ENDPOINTS = {"chat.completions.create", "chat.completions.parse", "chat.completions.stream"}
_PARSE_ENDPOINTS = {"chat.completions.parse", "chat.completions.stream", "responses.parse"}
_STREAM_ENDPOINTS = {"chat.completions.stream", "responses.stream"}
_EMBEDDING_ENDPOINTS = {"embeddings.create"}
_COMPLETION_ENDPOINTS = {"completions.create"}
# Wrapper classes and functions (LangChain, LlamaIndex, LiteLLM, DSPy) by what they call underneath.
_WRAPPER_CHAT = ("ChatOpenAI", "AzureChatOpenAI", "OpenAI", "litellm.completion", "litellm.acompletion",
                 "dspy.LM", "instructor")
_WRAPPER_EMBED = ("OpenAIEmbeddings", "AzureOpenAIEmbeddings", "OpenAIEmbedding", "litellm.embedding",
                  "litellm.aembedding")

_TOOL_PARAMS = {"tools", "tool_choice", "parallel_tool_calls", "functions", "function_call"}


@dataclass(frozen=True)
class CodeNeeds:
    """Features and model names a codebase uses, each with the locations ("path:line") that use it."""

    features: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    chat_models: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # literal names sent to chat/completions
    embedding_models: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    dynamic_models: tuple[str, ...] = ()  # locations whose model is only known at run time
    dynamic_parameters: tuple[str, ...] = ()  # locations passing **kwargs: features may be missing
    legacy_functions: tuple[str, ...] = ()  # locations using functions= / function_call=

    def uses(self, feature: str) -> bool:
        return feature in self.features

    def where(self, feature: str) -> tuple[str, ...]:
        return self.features.get(feature, ())

    @classmethod
    def everything(cls) -> "CodeNeeds":
        """Every feature, with no locations: `migrate doctor --all`."""
        return cls(features={name: () for name in FEATURES})


def needs_from_findings(findings: ScanResult | Iterable[Finding]) -> CodeNeeds:
    if isinstance(findings, ScanResult):
        findings = findings.findings
    features: dict[str, list[str]] = {}
    chat_models: dict[str, list[str]] = {}
    embedding_models: dict[str, list[str]] = {}
    dynamic_models: list[str] = []
    dynamic_parameters: list[str] = []
    legacy_functions: list[str] = []

    def add(feature: str, where: str) -> None:
        locations = features.setdefault(feature, [])
        if where not in locations:
            locations.append(where)

    for f in findings:
        # Wrapper calls that go through an SDK endpoint (an instructor-patched client) need the same server.
        if f.kind != Kind.CALL and not (f.kind == Kind.WRAPPER and f.endpoint and "." in f.endpoint):
            continue
        where = f.location
        kind = _endpoint_kind(f)
        if kind is None:
            continue
        params = set(f.parameters)
        add("models", where)
        if f.model == "dynamic":
            dynamic_models.append(where)
        elif f.model:
            target = embedding_models if kind == "embeddings" else chat_models
            target.setdefault(f.model, []).append(where)
        if f.parameters_dynamic:
            dynamic_parameters.append(where)
        if kind == "embeddings":
            add("embeddings", where)
            continue
        if kind == "responses":
            add("responses", where)
        elif kind == "completions":
            add("completions", where)
        else:
            add("chat", where)
            add("roles", where)
        endpoint = current_name(f.endpoint or "")
        if "stream" in params or "stream_options" in params or endpoint in _STREAM_ENDPOINTS \
                or f.variant == "with_streaming_response":
            add("stream", where)
        if params & _TOOL_PARAMS:
            add("tools", where)
            if params & {"functions", "function_call"}:
                legacy_functions.append(where)
        if endpoint in _PARSE_ENDPOINTS or "text_format" in params:
            add("json_schema", where)
        elif "response_format" in params or "text" in params and kind == "responses":
            # The value is not in the finding: json_object and json_schema are both possible.
            add("json_object", where)
            add("json_schema", where)
        if "n" in params:
            add("n", where)
        if params & {"logprobs", "top_logprobs"}:
            add("logprobs", where)

    def freeze(d: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {k: tuple(v) for k, v in d.items()}

    ordered = {name: tuple(features[name]) for name in FEATURES if name in features}
    return CodeNeeds(ordered, freeze(chat_models), freeze(embedding_models), tuple(dynamic_models),
                     tuple(dynamic_parameters), tuple(legacy_functions))


def _endpoint_kind(f: Finding) -> str | None:
    """"chat", "completions", "embeddings", "responses", or None for endpoints the server plan ignores."""
    endpoint = current_name(f.endpoint or "")
    if endpoint in _CHAT_ENDPOINTS:
        return "chat"
    if endpoint in _EMBEDDING_ENDPOINTS:
        return "embeddings"
    if endpoint in _COMPLETION_ENDPOINTS:
        return "completions"
    if endpoint.startswith("responses."):
        return "responses" if endpoint.split(".")[-1] in ("create", "parse", "stream") else None
    if f.api not in ("openai", "openai-legacy"):
        if endpoint.startswith(_WRAPPER_EMBED) or "embed" in endpoint.lower():
            return "embeddings"
        if endpoint.startswith(_WRAPPER_CHAT) or f.api in ("langchain", "llamaindex", "litellm", "instructor", "dspy"):
            return "chat"
    return None
