"""What code cannot tell: hand-written compatibility facts, each with the reason, the fix and its evidence.

The snapshot (derived from the installed SDK and vLLM, see derive/) says which endpoints vLLM serves and which
parameters its request models declare. These facts refine that where behaviour, not declarations, decides:
a parameter vLLM declares but needs a server flag for (`tools`), one it declares but that cannot carry over
(`logit_bias` ids belong to OpenAI's tokenizer), one it drops that code depends on (`functions`).

`evidence` is the pytest node id of the test that shows the fact on a real vLLM server, or, where no request
can show it, the vLLM source file that does ("vllm:<path>"). tests/catalog/test_facts.py checks that every
evidence test exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrate.catalog import legacy as _legacy
from migrate.catalog import providers as _providers
from migrate.catalog.verdict import Verdict

SERVER_FACTS = "tests/server/test_facts.py"


def evidence(test_name: str) -> str:
    return f"{SERVER_FACTS}::{test_name}"


CHAT = "POST /v1/chat/completions"
COMPLETIONS = "POST /v1/completions"
RESPONSES = "POST /v1/responses"
EMBEDDINGS = "POST /v1/embeddings"

TOOL_FLAGS = "--enable-auto-tool-choice --tool-call-parser <parser>"


@dataclass(frozen=True)
class ParameterFact:
    parameter: str
    verdict: Verdict
    reason: str
    fix: str
    evidence: str | None
    routes: tuple[str, ...]  # vLLM routes ("POST /v1/chat/completions") whose SDK endpoints it applies to


def _facts(parameters: tuple[str, ...], verdict: Verdict, reason: str, fix: str, evidence_: str | None, routes: tuple[str, ...]):
    return [ParameterFact(p, verdict, reason.format(p=p), fix.format(p=p), evidence_, routes) for p in parameters]


_IGNORED = evidence("test_ignored_parameters_accepted")
# The chat parameters that test sends to a real server and shows accepted and dropped; a fact or a derived
# verdict cites it only for these (tests/catalog/test_facts.py keeps the two lists equal).
IGNORED_PROVEN = frozenset(
    {"store", "metadata", "service_tier", "user", "safety_identifier", "prompt_cache_key", "verbosity",
     "prediction", "web_search_options", "modalities"}
)

PARAMETER_FACTS: tuple[ParameterFact, ...] = (
    *_facts(
        ("tools", "tool_choice"),
        Verdict.SERVER_FLAG,
        "vLLM turns model output into tool calls only when started with {flags}; without them a request "
        "with tools and tool_choice 'auto', 'required' or a named function is rejected with HTTP 400".replace("{flags}", TOOL_FLAGS),
        "start vLLM with `--enable-auto-tool-choice --tool-call-parser` and the parser that matches the model's "
        "chat template (llama3_json for Llama 3.x, hermes for Qwen, mistral for Mistral); `migrate serve --for .` "
        "picks them",
        evidence("test_tool_choice_required_needs_parser"),
        (CHAT, RESPONSES),
    ),
    *_facts(
        ("functions", "function_call"),
        Verdict.NEEDS_CHANGE,
        "`{p}` is OpenAI's legacy function calling: vLLM's request model does not declare it, so the field is "
        "dropped and the model never sees the functions (no error, no function call)",
        "rewrite to tools=[{{\"type\": \"function\", \"function\": ...}}] and tool_choice (`migrate rewrite` does "
        "it), then serve with the tool-calling flags",
        evidence("test_legacy_functions_ignored"),
        (CHAT,),
    ),
    ParameterFact(
        "logit_bias",
        Verdict.NEEDS_CHANGE,
        "logit_bias keys are token ids of OpenAI's tokenizer; the served model numbers its tokens differently, "
        "so vLLM rejects out-of-vocabulary ids with HTTP 400 and biases unrelated tokens otherwise",
        "recompute the ids with the served model's tokenizer (vLLM's POST /tokenize, or transformers' "
        "AutoTokenizer), or replace the bias with structured outputs or stop sequences",
        evidence("test_logit_bias_openai_ids_rejected"),
        (CHAT, COMPLETIONS),
    ),
    ParameterFact(
        "response_format",
        Verdict.OK,
        "json_object and json_schema run through vLLM's structured outputs",
        "",
        evidence("test_json_schema_accepted"),
        (CHAT,),
    ),
    ParameterFact(
        "user",
        Verdict.IGNORED,
        "vLLM's request model declares `user` but never reads it for generation (the Responses API only echoes "
        "it back): no per-user tracking or abuse monitoring",
        "nothing to change; keep your own per-user logging if you relied on OpenAI's",
        _IGNORED,
        (CHAT, COMPLETIONS, EMBEDDINGS, RESPONSES),
    ),
    ParameterFact(
        "store",
        Verdict.IGNORED,
        "vLLM keeps no stored chat completions: nothing shows up in a dashboard and chat.completions.retrieve/list "
        "have no vLLM route",
        "remove it, and log requests and answers yourself if you need them (`migrate record` captures them)",
        _IGNORED,
        (CHAT,),
    ),
    ParameterFact(
        "metadata",
        Verdict.IGNORED,
        "metadata only tags stored completions in OpenAI's dashboard; vLLM drops it",
        "remove it, or put the tags in your own request log",
        _IGNORED,
        (CHAT,),
    ),
    ParameterFact(
        "service_tier",
        Verdict.IGNORED,
        "vLLM has no service tiers; the field is dropped",
        "remove it; for request priorities start vLLM with `--scheduling-policy priority` and send `priority` "
        "in extra_body",
        _IGNORED,
        (CHAT,),
    ),
    ParameterFact(
        "prediction",
        Verdict.IGNORED,
        "Predicted Outputs are an OpenAI feature; vLLM drops the prediction and answers at normal speed",
        "remove it; vLLM's speculative decoding (`--speculative-config`) speeds up decoding server-side",
        _IGNORED,
        (CHAT,),
    ),
    ParameterFact(
        "audio",
        Verdict.NEEDS_CHANGE,
        "audio output is an OpenAI model feature; vLLM drops the `audio` request and answers with text only, so "
        "message.audio is None",
        "generate speech outside vLLM (a TTS service) from the text answer",
        None,
        (CHAT,),
    ),
    ParameterFact(
        "modalities",
        Verdict.IGNORED,
        "vLLM's chat endpoint produces text only; `modalities` is dropped (an 'audio' modality yields no audio)",
        "remove it; see `audio` if the code expects spoken answers",
        _IGNORED,
        (CHAT,),
    ),
    ParameterFact(
        "web_search_options",
        Verdict.IGNORED,
        "no web search happens on vLLM: the model answers from its weights alone",
        "run the search in your code and put the results in the prompt (or expose search as a tool)",
        _IGNORED,
        (CHAT,),
    ),
    *(
        ParameterFact(
            p,
            Verdict.IGNORED,
            f"`{p}` steers OpenAI's prompt cache; vLLM caches shared prefixes by itself (automatic prefix caching) "
            "and drops the field",
            "remove it; nothing replaces it",
            _IGNORED if p in IGNORED_PROVEN else None,
            (CHAT,),
        )
        for p in ("prompt_cache_key", "prompt_cache_retention", "prompt_cache_options")
    ),
    ParameterFact(
        "safety_identifier",
        Verdict.IGNORED,
        "safety_identifier feeds OpenAI's abuse monitoring; vLLM has none and drops it",
        "remove it; keep your own abuse monitoring if you need one",
        _IGNORED,
        (CHAT,),
    ),
    ParameterFact(
        "verbosity",
        Verdict.IGNORED,
        "verbosity is an OpenAI model hint; vLLM drops it",
        "ask for the length you want in the prompt and cap it with max_tokens",
        _IGNORED,
        (CHAT,),
    ),
    ParameterFact(
        "moderation",
        Verdict.IGNORED,
        "OpenAI's inline moderation does not run on vLLM; the field is dropped and no moderation result comes back",
        "serve a safety classifier (e.g. Llama Guard) and check inputs and outputs yourself",
        None,
        (CHAT, RESPONSES),
    ),
)


@dataclass(frozen=True)
class TaskRequirement:
    what: str  # the kind of model vLLM must serve for the route to exist
    fix: str


# vLLM registers some routes only for models of a given task (derived: snapshot "vllm_tasks"); what that means.
TASK_REQUIREMENTS: dict[str, TaskRequirement] = {
    "generate": TaskRequirement("a generative (chat) model", "serve a generative model"),
    "embed": TaskRequirement(
        "an embedding model: a server running a generative model answers HTTP 404",
        "serve an embedding model in its own vLLM server (`--runner pooling`, e.g. --model BAAI/bge-small-en-v1.5; "
        "a generative checkpoint needs `--convert embed`) and send these calls to it; map the model name in "
        "[tool.migrate.models]",
    ),
    "transcription": TaskRequirement(
        "a speech-to-text model (e.g. openai/whisper-large-v3): a chat model's server has no audio routes",
        "serve a speech-to-text model in its own vLLM server (`pip install vllm[audio]`) and send audio calls to it",
    ),
    "realtime": TaskRequirement(
        "a realtime speech-to-text model",
        "serve a realtime-capable speech-to-text model in its own vLLM server",
    ),
}
EMBEDDINGS_EVIDENCE = evidence("test_embeddings_on_generative_model_404")


@dataclass(frozen=True)
class EndpointFact:
    verdict: Verdict | None  # None: keep the derived verdict, only explain it
    reason: str
    fix: str
    evidence: str | None = None


# Most specific prefix wins. Endpoints vLLM does not serve are derived; these say what to do instead.
ENDPOINT_FACTS: dict[str, EndpointFact] = {
    "realtime.connect": EndpointFact(
        Verdict.UNSUPPORTED,
        "vLLM's /v1/realtime websocket is realtime transcription only (audio in, text deltas out); OpenAI's "
        "Realtime API (speech-to-speech sessions, tool calls, response events) has no vLLM counterpart",
        "for voice agents chain speech-to-text, chat.completions and a TTS service; for live transcription "
        "follow vLLM's realtime protocol against a realtime speech-to-text model",
        "vllm:vllm/entrypoints/speech_to_text/realtime/api_router.py",
    ),
    "beta.realtime.connect": EndpointFact(
        Verdict.UNSUPPORTED,
        "vLLM's /v1/realtime websocket is realtime transcription only; OpenAI's beta Realtime API has no vLLM "
        "counterpart",
        "chain speech-to-text, chat.completions and a TTS service",
        "vllm:vllm/entrypoints/speech_to_text/realtime/api_router.py",
    ),
    "images": EndpointFact(
        None,
        "vLLM serves language, embedding and speech-to-text models, not image generation",
        "keep image calls on OpenAI, or move them to an image-generation service (e.g. a diffusers server)",
    ),
    "beta.assistants": EndpointFact(
        None,
        "the Assistants API (server-side assistants, threads, runs, file search) has no vLLM counterpart",
        "rebuild on chat.completions with tools, keeping threads and state in your application",
    ),
    "beta.threads": EndpointFact(
        None,
        "Assistants threads and runs have no vLLM counterpart",
        "keep the conversation in your application and call chat.completions (with tools) for each turn",
    ),
    "vector_stores": EndpointFact(
        None,
        "vLLM has no vector store or file search",
        "use a vector database (pgvector, Qdrant, FAISS) filled with embeddings from a vLLM embedding server",
    ),
    "fine_tuning": EndpointFact(
        None,
        "vLLM serves models; it does not train them",
        "fine-tune the open model offline (e.g. TRL or PEFT) and serve the result; LoRA adapters load with "
        "`--enable-lora --lora-modules name=path`",
    ),
    "batches": EndpointFact(
        None,
        "vLLM has no Batch API endpoint",
        "run the same JSONL offline with vLLM's batch runner: `python -m vllm.entrypoints.openai.run_batch "
        "-i batch.jsonl -o results.jsonl --model <model>` (same request lines, one result line each)",
    ),
    "files": EndpointFact(
        None,
        "vLLM has no file store; files feed batches, assistants and fine-tuning, none of which vLLM serves",
        "read the files locally (for batches: pass the JSONL to vLLM's run_batch)",
    ),
    "uploads": EndpointFact(None, "vLLM has no file store", "read the files locally"),
    "moderations": EndpointFact(
        None,
        "vLLM has no moderation endpoint",
        "serve a safety classifier (e.g. Llama Guard) and call it through chat.completions, or keep moderation on "
        "OpenAI",
    ),
    "audio.speech": EndpointFact(None, "vLLM does not serve text-to-speech", "use a TTS service for spoken output"),
    "models": EndpointFact(
        None,
        "vLLM serves only GET /v1/models (the list)",
        "call models.list() and pick the model by id",
    ),
    "chat.completions": EndpointFact(
        None,
        "vLLM does not store chat completions, so there is nothing to retrieve, list, update or delete",
        "log requests and answers yourself (`migrate record` captures them)",
    ),
    "responses": EndpointFact(
        None,
        "vLLM's Responses API serves create, retrieve and cancel only",
        "keep input items and token counts in your application",
    ),
    "conversations": EndpointFact(
        None,
        "the Conversations API has no vLLM counterpart",
        "keep the history in your application and send it as messages (or Responses input)",
    ),
}
GENERIC_UNSERVED_FIX = "keep this call on OpenAI, or replace the feature with your own service"

# Names of OpenAI's hosted models. A literal model name that matches must change (or be served under that name).
# The scan judges model names with it and the rewrite (OAI003, OAI010, OAI012) decides what to report with it.
# Open models named like them are not OpenAI's API: EleutherAI's gpt-neo / gpt-neox / gpt-j (GooseAI serves
# gpt-neo-20b), gpt2, AI Sweden's gpt-sw3, gpt4all, and the open-weight gpt-oss (vLLM serves it).
_OPENAI_MODEL = r"""(?:ft:)?(?:
        gpt-(?!neo|j-|sw3|oss)|chatgpt-|o\d(?:-|(?![\w.]))|text-embedding-|text-moderation-|omni-moderation-|dall-e-|
        whisper-\d|tts-\d|
        text-(?:davinci|curie|babbage|ada|search|similarity)-|code-(?:davinci|cushman)-|
        (?:davinci|curie|babbage|ada)(?:-|(?![\w.]))|computer-use-|codex-|sora-|gpt-image-|gpt(?!2(?!\d)|4all)\d
    )"""
OPENAI_MODEL_RE = re.compile(f"^{_OPENAI_MODEL}", re.VERBOSE | re.IGNORECASE)
# A quoted literal in source text that starts with such a name (a cheap pre-filter before parsing).
OPENAI_MODEL_LITERAL_RE = re.compile(f"[\"']{_OPENAI_MODEL}", re.VERBOSE | re.IGNORECASE)
UNKNOWN_MODEL_EVIDENCE = evidence("test_unknown_model_404")


def is_openai_model(name: str) -> bool:
    return bool(OPENAI_MODEL_RE.match(name.strip()))


# The 0.x module API (call names, removed classes, settings) is one table in migrate/catalog/legacy.py; these
# names stay for the code that reads them from here.
LEGACY_ENDPOINTS = _legacy.LEGACY_ENDPOINTS  # "ChatCompletion.acreate" -> "chat.completions.create"
LEGACY_REMOVED = _legacy.REMOVED  # 0.x classes with no 1.x counterpart -> why, and what to do
LEGACY_SETTINGS = _legacy.SETTING_REASONS  # 0.x module settings 1.x dropped or renamed -> what to do


# Attributes 0.x response objects had besides the fields the server sent (OpenAIObject, openai 0.27/0.28's
# openai_object.py: set from the request and its headers). openai>=1 response models carry only the server's
# fields: reading one of these raises AttributeError. The value: what to use instead ("" for openai_id, which
# OAI006 converts: it was the `id` field under another name).
LEGACY_RESPONSE_ATTRIBUTES: dict[str, str] = {
    "openai_id": "",
    "response_ms": "the server's processing time (its openai-processing-ms header): read it from "
                   "client.<resource>.with_raw_response.create(...).headers, or time the call yourself",
    "organization": "the organization that served the request (its openai-organization header): read it from "
                    "client.<resource>.with_raw_response.create(...).headers",
    "api_key": "the key the request was made with: the client's api_key",
    "api_version": "the Azure API version the request was made with: gone (the client has no API version)",
    "api_type": "the API type the request was made with: gone (the client talks to one endpoint)",
    "typed_api_type": "the API type the request was made with: gone (the client talks to one endpoint)",
    "api_base_override": "the base URL the request was made with: the client's base_url",
    "engine": "the 0.x engine the request named: the model that answered is response.model",
}

@dataclass(frozen=True)
class ExceptionFact:
    """A 0.x exception class (openai.error.X) and the openai>=1 class that replaces it."""

    current: str  # the class, exported by `openai`
    # the openai>=1 constructor's required arguments; () when it takes anything (`Cls("message")` still works).
    # tests/rewrite/test_sdk_names.py checks them against the installed SDK.
    required: tuple[str, ...] = ()
    note: str = ""


# The 0.x classes map by the HTTP status they were raised for (api_requestor.handle_error_response in
# openai 0.28): 400/404/415 InvalidRequestError, 409 TryAgain, 503 ServiceUnavailableError.
_STATUS = ("message", "response", "body")
LEGACY_EXCEPTION_CLASSES: dict[str, ExceptionFact] = {
    "OpenAIError": ExceptionFact("OpenAIError"),
    "APIError": ExceptionFact("APIError", ("message", "request", "body")),
    "Timeout": ExceptionFact("APITimeoutError", ("request",)),
    "TryAgain": ExceptionFact("ConflictError", _STATUS, "the client retries by itself: max_retries"),
    "APIConnectionError": ExceptionFact("APIConnectionError", ("request",)),
    "InvalidRequestError": ExceptionFact("BadRequestError", _STATUS, "404s: openai.NotFoundError"),
    "AuthenticationError": ExceptionFact("AuthenticationError", _STATUS),
    "PermissionError": ExceptionFact("PermissionDeniedError", _STATUS),
    "RateLimitError": ExceptionFact("RateLimitError", _STATUS),
    "ServiceUnavailableError": ExceptionFact("InternalServerError", _STATUS),
    "InvalidAPIType": ExceptionFact("OpenAIError"),
    "SignatureVerificationError": ExceptionFact("InvalidWebhookSignatureError"),
}
# 0.x exported these from the top-level package too (`from openai import InvalidRequestError`, openai 0.28's
# openai/__init__.py).
LEGACY_TOP_LEVEL_EXCEPTIONS = frozenset({"APIError", "InvalidRequestError", "OpenAIError"})
# 0.x exception names that openai>=1 exports for something else (`openai.Timeout` is httpx's timeout setting).
LEGACY_EXCEPTION_NAMES_REUSED = frozenset({"Timeout"})
# 0.x OpenAIError attributes (openai 0.28's error.py) -> the current APIError / APIStatusError attribute.
LEGACY_ERROR_ATTRIBUTES: dict[str, str] = {"http_status": "status_code", "json_body": "body", "user_message": "message",
                                           "_message": "message",  # private in 0.x, read by callers all the same
                                           "http_body": "body", "headers": "response.headers"}

# openai.error.X (0.x) -> the 1.x exception that replaces it, in words.
LEGACY_EXCEPTIONS: dict[str, str] = {
    name: f"openai.{fact.current}" + (f" ({fact.note})" if fact.note else "")
    for name, fact in LEGACY_EXCEPTION_CLASSES.items()
}

@dataclass(frozen=True)
class SettingFact:
    verdict: Verdict
    reason: str
    fix: str


# Settings (client keywords, module attributes, environment variables), by what they control.
# {base_url} and {api_key} are filled from the project's configuration.
SETTING_FACTS: dict[str, SettingFact] = {
    "base_url": SettingFact(
        Verdict.NEEDS_CHANGE,
        "requests go to OpenAI until the base URL points at the vLLM server",
        "point it at the vLLM server ({base_url}); `migrate rewrite` reads it from {base_url_env}",
    ),
    "api_key": SettingFact(
        Verdict.NEEDS_CHANGE,
        "the OpenAI key must not be sent to another server, and vLLM checks its own key only when started with "
        "--api-key",
        "use the vLLM server's key (any non-empty value when it runs without --api-key), from {api_key_env}",
    ),
    "organization": SettingFact(
        Verdict.IGNORED,
        "sent as the OpenAI-Organization header, which vLLM ignores",
        "remove it when the code no longer talks to OpenAI",
    ),
    "project": SettingFact(
        Verdict.IGNORED,
        "sent as the OpenAI-Project header, which vLLM ignores",
        "remove it when the code no longer talks to OpenAI",
    ),
    "azure": SettingFact(
        Verdict.NEEDS_CHANGE,
        "Azure OpenAI addresses deployments (azure_endpoint, api_version, deployment names); vLLM speaks the plain "
        "OpenAI protocol",
        "use OpenAI(base_url=..., api_key=...) with the served model name instead of the Azure settings "
        "(`migrate rewrite` converts the client)",
    ),
    "admin": SettingFact(
        Verdict.UNSUPPORTED,
        "OpenAI's admin API keys manage an OpenAI organisation; vLLM has no counterpart",
        "keep organisation administration on OpenAI",
    ),
    "webhook_secret": SettingFact(
        Verdict.UNSUPPORTED,
        "vLLM sends no webhooks",
        "poll or await the results instead",
    ),
    "model": SettingFact(
        Verdict.NEEDS_CHANGE,
        "the model name must be one the vLLM server serves",
        "set it to the served model name (or serve the model under this name with --served-model-name)",
    ),
}
# Which fact each setting name falls under; settings not listed are transport details (timeout, retries, ...)
# that work unchanged against vLLM.
SETTING_GROUPS: dict[str, str] = {
    "base_url": "base_url",
    "api_base": "base_url",
    "websocket_base_url": "base_url",
    "OPENAI_BASE_URL": "base_url",
    "OPENAI_API_BASE": "base_url",
    "OPENAI_API_HOST": "base_url",
    "api_key": "api_key",
    "OPENAI_API_KEY": "api_key",
    "OPENAI_KEY": "api_key",
    "organization": "organization",
    "OPENAI_ORG_ID": "organization",
    "OPENAI_ORGANIZATION": "organization",
    "project": "project",
    "OPENAI_PROJECT_ID": "project",
    "api_type": "azure",
    "api_version": "azure",
    "azure_endpoint": "azure",
    "azure_deployment": "azure",
    "azure_ad_token": "azure",
    "azure_ad_token_provider": "azure",
    "OPENAI_API_TYPE": "azure",
    "OPENAI_API_VERSION": "azure",
    "AZURE_OPENAI_ENDPOINT": "azure",
    "AZURE_OPENAI_API_KEY": "azure",
    "AZURE_OPENAI_KEY": "azure",
    "AZURE_OPENAI_AD_TOKEN": "azure",
    "admin_api_key": "admin",
    "OPENAI_ADMIN_KEY": "admin",
    "webhook_secret": "webhook_secret",
    "OPENAI_WEBHOOK_SECRET": "webhook_secret",
    "OPENAI_MODEL": "model",
    "OPENAI_MODEL_NAME": "model",
    "OPENAI_CHAT_MODEL": "model",
    "OPENAI_EMBEDDING_MODEL": "model",
}

# Environment variables that hold the address of the OpenAI (or Azure OpenAI) API in existing code and config
# files; the rewrite points them at vLLM (OAI010), the scan reports them (group base_url, or azure).
ENDPOINT_ENV: frozenset[str] = frozenset(
    {name for name, group in SETTING_GROUPS.items() if name.isupper() and group == "base_url"} | {"AZURE_OPENAI_ENDPOINT"}
)

# The names of OpenAI's environment variables (the SDK's own, snapshot `sdk_env`, and the conventions code builds
# on them: OPENAI_MODEL, AZURE_OPENAI_DEPLOYMENT, ...): a whole name (ENV_NAME_RE, the scan's detectors) or one
# inside a line of code (ENV_NAME_IN_TEXT_RE, the scan's assessment). Also as browser code reads them, behind a
# bundler's prefix (VITE_OPENAI_API_KEY, NEXT_PUBLIC_OPENAI_BASE_URL: providers.FRAMEWORK_ENV_PREFIXES).
_FRAMEWORK = "|".join(sorted((re.escape(p) for p in _providers.FRAMEWORK_ENV_PREFIXES), key=len, reverse=True))
ENV_NAME = rf"(?:{_FRAMEWORK})?(?:AZURE_)?OPENAI_[A-Z0-9_]+"
ENV_NAME_RE = re.compile(rf"^{ENV_NAME}$")
ENV_NAME_IN_TEXT_RE = re.compile(rf"\b({ENV_NAME})\b")

# HTTP client libraries whose requests to an OpenAI URL are raw REST calls (the scan reports them, OAI009 points
# their URLs at vLLM), by the first part of the name code calls them by (`urllib.request.urlopen` -> "urllib").
HTTP_LIBRARIES: tuple[str, ...] = ("requests", "httpx", "aiohttp", "urllib", "urllib3", "urllib.request", "tornado",
                                   "treq")


@dataclass(frozen=True)
class WrapperFact:
    reason: str
    fix: str


# Libraries that call OpenAI underneath, keyed by the detector's `api`; optional per-class entries as
# "api:Class" win over the library's entry.
WRAPPER_FACTS: dict[str, WrapperFact] = {
    "langchain": WrapperFact(
        "LangChain's OpenAI classes talk to api.openai.com unless given a base URL",
        "ChatOpenAI(base_url=\"{base_url}\", api_key=..., model=\"<served model>\") from langchain_openai; "
        "tools via bind_tools need the vLLM tool-calling flags",
    ),
    "langchain:AzureChatOpenAI": WrapperFact(
        "AzureChatOpenAI addresses Azure deployments, not an OpenAI-compatible base URL",
        "replace it with ChatOpenAI(base_url=\"{base_url}\", api_key=..., model=\"<served model>\")",
    ),
    "langchain:OpenAIEmbeddings": WrapperFact(
        "OpenAIEmbeddings talks to OpenAI, and by default tokenizes input with tiktoken before sending token ids",
        "OpenAIEmbeddings(base_url=<vLLM embedding server>, model=\"<served embedding model>\", "
        "check_embedding_ctx_length=False) so that text, not OpenAI token ids, is sent",
    ),
    "llamaindex": WrapperFact(
        "llama_index.llms.openai.OpenAI looks the model up in OpenAI's model table and rejects other names",
        "use llama_index.llms.openai_like.OpenAILike(api_base=\"{base_url}\", model=\"<served model>\", "
        "is_chat_model=True, is_function_calling_model=<True with the tool flags>)",
    ),
    "litellm": WrapperFact(
        "LiteLLM routes by model prefix; an OpenAI model name goes to OpenAI",
        "call it with model=\"hosted_vllm/<served model>\" and api_base=\"{base_url}\"",
    ),
    "instructor": WrapperFact(
        "instructor patches an OpenAI client and, by default, extracts structures through tool calls",
        "instructor.from_openai(OpenAI(base_url=\"{base_url}\", api_key=...), mode=instructor.Mode.JSON_SCHEMA) "
        "uses vLLM's structured outputs; Mode.TOOLS needs the tool-calling flags",
    ),
    "dspy": WrapperFact(
        "DSPy's LM goes through LiteLLM; an OpenAI model name goes to OpenAI",
        "dspy.LM(\"hosted_vllm/<served model>\", api_base=\"{base_url}\", api_key=...)",
    ),
}
GENERIC_WRAPPER = WrapperFact(
    "this library calls OpenAI underneath",
    "configure its base URL ({base_url}), API key and model name for the vLLM server",
)

# Requirement pins of packages other than openai that matter on vLLM.
REQUIREMENT_FACTS: dict[str, SettingFact] = {
    "tiktoken": SettingFact(
        Verdict.NEEDS_CHANGE,
        "tiktoken counts tokens with OpenAI's tokenizers; the served model's tokenizer splits text differently, "
        "so budgets, truncation and cost estimates drift",
        "count with the served model's tokenizer (transformers AutoTokenizer, or vLLM's POST /tokenize)",
    ),
}
