"""What the scanner knows about the JavaScript/TypeScript side of OpenAI: npm packages, their exports, and how
their names map onto the catalog's endpoint and setting names.

The catalog's endpoints are the REST API's resources with the Python SDK's spelling (`fine_tuning.jobs.create`);
openai-node spells the same resources in camelCase (`fineTuning.jobs.create`), so a JS call's path goes through
`endpoint_name` and lands on the same catalog entry, with the same verdict. Request bodies are the REST field
names in both SDKs; only client options differ (`baseURL` / `base_url`), mapped by CLIENT_OPTIONS.
Plain data: it is on the scan's start-up path (checked against openai 7.59, openai 3.3, openai-edge 1.2,
ai 7.0 with @ai-sdk/openai 4.0, @langchain/openai 1.6, llamaindex 0.x).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from migrate.catalog.facts import SettingFact
from migrate.catalog.verdict import Verdict

# -- openai-node (v4 and later) ------------------------------------------------------------------------------
OPENAI_PACKAGE = "openai"
# Exports of the `openai` package that construct a client; the default export is OpenAI itself.
CLIENT_CLASSES = {"OpenAI": "OpenAI", "AzureOpenAI": "AzureOpenAI", "default": "OpenAI"}
# Subpaths of the package a client class may be imported from.
CLIENT_MODULES = ("openai", "openai/index", "openai/client", "openai/azure", "openai/index.mjs", "openai/index.js")
# Methods on a call's promise that change what it returns, not what it sends.
RESPONSE_VARIANTS = {"withResponse": "withResponse", "asResponse": "asResponse"}
# Helpers whose request is another endpoint's: runTools sends chat.completions.create requests in a loop.
HELPER_ENDPOINTS = {
    "chat.completions.run_tools": "chat.completions.create",
    "beta.chat.completions.run_tools": "chat.completions.create",
    "chat.completions.run_functions": "chat.completions.create",
    "beta.chat.completions.run_functions": "chat.completions.create",
}
# Client options (camelCase, openai-node) -> the setting name the catalog uses for it.
CLIENT_OPTIONS = {
    "baseURL": "base_url",
    "apiKey": "api_key",
    "organization": "organization",
    "project": "project",
    "defaultHeaders": "default_headers",
    "defaultQuery": "default_query",
    "timeout": "timeout",
    "maxRetries": "max_retries",
    "fetch": "http_client",
    "fetchOptions": "http_client",
    "httpAgent": "http_client",
    "apiVersion": "api_version",
    "endpoint": "azure_endpoint",
    "deployment": "azure_deployment",
    "azureADTokenProvider": "azure_ad_token_provider",
    "adminApiKey": "admin_api_key",
    "webhookSecret": "webhook_secret",
    "websocketBaseURL": "websocket_base_url",
}


# A JS-only client option is judged like a Python setting: verdict, reason, fix.
OptionFact = SettingFact


# Options that only exist in the JS SDK, with what they mean on vLLM.
JS_ONLY_OPTIONS: dict[str, OptionFact] = {
    "dangerouslyAllowBrowser": OptionFact(
        Verdict.NEEDS_CHANGE,
        "the client runs in the browser: users' browsers then call the vLLM server directly, which needs CORS "
        "(vLLM's --allowed-origins) and exposes its API key to every visitor",
        "call vLLM from a server route instead, or start vLLM with --allowed-origins for the site's origin and "
        "give it a key that may be public",
    ),
}

# -- openai-node v3 and openai-edge (the same API shape) ------------------------------------------------------
V3_PACKAGES = {"openai": "openai-node-v3", "openai-edge": "openai-edge"}
V3_CLASSES = frozenset({"Configuration", "OpenAIApi"})
# OpenAIApi methods -> the endpoint of the current SDK that sends the same request.
V3_METHODS = {
    "createChatCompletion": "chat.completions.create",
    "createCompletion": "completions.create",
    "createEmbedding": "embeddings.create",
    "createImage": "images.generate",
    "createImageEdit": "images.edit",
    "createImageVariation": "images.create_variation",
    "createModeration": "moderations.create",
    "createTranscription": "audio.transcriptions.create",
    "createTranslation": "audio.translations.create",
    "listModels": "models.list",
    "retrieveModel": "models.retrieve",
    "deleteModel": "models.delete",
    "createFile": "files.create",
    "listFiles": "files.list",
    "retrieveFile": "files.retrieve",
    "deleteFile": "files.delete",
    "downloadFile": "files.content",
    "createFineTune": "fine_tunes.create",
    "listFineTunes": "fine_tunes.list",
    "createEdit": "edits.create",
    "listEngines": "engines.list",
}
V3_CONFIGURATION_OPTIONS = {"apiKey": "api_key", "basePath": "base_url", "organization": "organization",
                            "baseOptions": "default_headers"}
# The v3 methods that take their request as positional arguments (openai 3.3 api.ts), in order: v4+ takes one
# body object with these REST fields. An AxiosRequestConfig may follow them.
V3_POSITIONAL = {
    "createTranscription": ("file", "model", "prompt", "response_format", "temperature", "language"),
    "createTranslation": ("file", "model", "prompt", "response_format", "temperature"),
    "createImageEdit": ("image", "prompt", "mask", "n", "size", "response_format", "user"),
    "createImageVariation": ("image", "n", "size", "response_format", "user"),
    "createFile": ("file", "purpose"),
}
# The v3 methods whose one positional argument stays positional in v4+ (a path parameter): retrieveModel(model).
V3_PATH_ARGUMENT = frozenset({"retrieveModel", "deleteModel", "retrieveFile", "deleteFile", "downloadFile"})
# Body fields of V3_POSITIONAL that are uploads (v4+ takes an fs.ReadStream, File, Response or toFile(...)).
V3_UPLOAD_FIELDS = frozenset({"file", "image", "mask"})
# Configuration options -> the v4+ client option (None: no equivalent; the rewrite leaves a review item).
V3_CLIENT_OPTIONS = {"apiKey": "apiKey", "organization": "organization", "basePath": "baseURL",
                     "baseOptions": None, "username": None, "password": None, "accessToken": None,
                     "formDataCtor": None}
# AxiosRequestConfig keys a v3 call may pass that v4+ RequestOptions also take, with the same meaning.
V3_REQUEST_OPTIONS = frozenset({"timeout", "headers", "signal", "maxRetries"})
# Properties of a v3 AxiosResponse other than `data` (the body): v4+ returns the body itself.
V3_RESPONSE_META = frozenset({"status", "statusText", "headers", "config", "request"})
# v3 type exports -> the v4+ type, as a member of the OpenAI namespace (openai 7.59: `OpenAI.ChatCompletion`).
V3_TYPES = {
    "ChatCompletionRequestMessage": "ChatCompletionMessageParam",
    "ChatCompletionResponseMessage": "ChatCompletionMessage",
    "ChatCompletionRequestMessageRoleEnum": "ChatCompletionRole",
    "ChatCompletionFunctions": "FunctionDefinition",
    "CreateChatCompletionRequest": "ChatCompletionCreateParamsNonStreaming",
    "CreateChatCompletionResponse": "ChatCompletion",
    "CreateCompletionRequest": "CompletionCreateParamsNonStreaming",
    "CreateCompletionResponse": "Completion",
    "CreateEmbeddingRequest": "EmbeddingCreateParams",
    "CreateEmbeddingResponse": "CreateEmbeddingResponse",
    "CreateImageRequest": "ImageGenerateParams",
    "ImagesResponse": "ImagesResponse",
    "CreateModerationRequest": "ModerationCreateParams",
    "CreateModerationResponse": "ModerationCreateResponse",
}
# v3 enum objects used as values: `ChatCompletionRequestMessageRoleEnum.User` -> "user".
V3_ENUMS = {"ChatCompletionRequestMessageRoleEnum": {"System": "system", "User": "user", "Assistant": "assistant",
                                                     "Function": "function"}}
# v3 error reads (`error.response.<path>`) -> the APIError member of v4+ that holds the same thing, and whether
# the meaning changes (a review item says how).
V3_ERROR_READS = {
    ("status",): ("status", None),
    ("data", "error"): ("error", None),
    ("data", "error", "code"): ("code", None),
    ("data", "error", "type"): ("type", None),
    ("data", "error", "param"): ("param", None),
    ("data", "error", "message"): ("message", "v4+'s APIError.message starts with the HTTP status ('400 ...'); "
                                   "the API's own message alone is its .error?.message"),
    ("data",): ("error", "v3's error.response.data was the whole JSON body ({ error: {...} }); v4+'s "
                "APIError.error is its `error` member"),
    ("headers",): ("headers", "v4+'s APIError.headers is a fetch Headers object: read it with .get(name)"),
}
# The current major of openai-node a package.json pin is raised to when the v3 code was upgraded
# (the npm corpus and the type-check proof use openai 7.59).
CURRENT_NPM_OPENAI = "^7.59.0"

# -- @azure/openai (the deprecated Azure SDK): a client class of its own ------------------------------------------
AZURE_PACKAGE = "@azure/openai"
AZURE_CLASSES = frozenset({"OpenAIClient"})
AZURE_METHODS = {"getChatCompletions": "chat.completions.create", "streamChatCompletions": "chat.completions.create",
                 "getCompletions": "completions.create", "getEmbeddings": "embeddings.create",
                 "getImages": "images.generate", "getAudioTranscription": "audio.transcriptions.create"}

# -- Vercel AI SDK ---------------------------------------------------------------------------------------------
AI_SDK_PROVIDER_PACKAGE = "@ai-sdk/openai"
AI_SDK_PROVIDER_EXPORTS = frozenset({"openai"})  # the default provider instance
AI_SDK_PROVIDER_FACTORIES = frozenset({"createOpenAI"})
AI_SDK_AZURE = ("@ai-sdk/azure", frozenset({"azure"}), frozenset({"createAzure"}))
# Model constructors on a provider -> endpoint. Calling the provider itself builds a Responses model (AI SDK 5+).
AI_SDK_MODEL_METHODS = {
    "": "responses.create",
    "responses": "responses.create",
    "languageModel": "responses.create",
    "chat": "chat.completions.create",
    "completion": "completions.create",
    "embedding": "embeddings.create",
    "textEmbedding": "embeddings.create",
    "textEmbeddingModel": "embeddings.create",
    "embeddingModel": "embeddings.create",
    "image": "images.generate",
    "imageModel": "images.generate",
    "transcription": "audio.transcriptions.create",
    "speech": "audio.speech.create",
}
# AI SDK functions (package `ai`) that send a request through the model in their `model` option.
AI_SDK_PACKAGE = "ai"
AI_SDK_FUNCTIONS = frozenset({"generateText", "streamText", "generateObject", "streamObject", "embed", "embedMany",
                              "experimental_generateImage", "generateImage", "experimental_transcribe",
                              "transcribe", "experimental_generateSpeech", "generateSpeech"})
# Their call options -> the REST body field each becomes.
AI_SDK_OPTIONS = {
    "maxTokens": "max_tokens", "maxOutputTokens": "max_tokens", "temperature": "temperature", "topP": "top_p",
    "topK": "top_k", "presencePenalty": "presence_penalty", "frequencyPenalty": "frequency_penalty",
    "stopSequences": "stop", "seed": "seed", "tools": "tools", "toolChoice": "tool_choice",
    "schema": "response_format", "output": "response_format", "n": "n",
}
OPENAI_EDGE_PACKAGE = "openai-edge"

# -- LangChain.js and LlamaIndex.TS -------------------------------------------------------------------------------
# Module prefix -> (api, classes). A prefix matches subpaths: "langchain/chat_models/openai".
WRAPPER_MODULES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("@langchain/openai", "langchain", frozenset({"ChatOpenAI", "OpenAIEmbeddings", "AzureChatOpenAI",
                                                  "AzureOpenAIEmbeddings", "OpenAI", "AzureOpenAI"})),
    ("langchain", "langchain", frozenset({"ChatOpenAI", "OpenAIEmbeddings", "AzureChatOpenAI", "OpenAI",
                                          "OpenAIChat"})),
    ("@langchain/azure-openai", "langchain", frozenset({"AzureChatOpenAI", "AzureOpenAIEmbeddings"})),
    ("@llamaindex/openai", "llamaindex", frozenset({"OpenAI", "OpenAIEmbedding", "OpenAIResponses"})),
    ("llamaindex", "llamaindex", frozenset({"OpenAI", "OpenAIEmbedding", "OpenAIResponses", "OpenAIAgent"})),
)
WRAPPER_ENDPOINTS = {"ChatOpenAI": "chat.completions.create", "AzureChatOpenAI": "chat.completions.create",
                     "OpenAIEmbeddings": "embeddings.create", "AzureOpenAIEmbeddings": "embeddings.create",
                     "OpenAIEmbedding": "embeddings.create", "OpenAI": "chat.completions.create",
                     "OpenAIChat": "chat.completions.create", "AzureOpenAI": "completions.create",
                     "OpenAIResponses": "responses.create"}
WRAPPER_MODEL_OPTIONS = ("model", "modelName", "azureOpenAIApiDeploymentName")


def wrapper_class(module: str, name: str) -> tuple[str, str] | None:
    """(api, class) when `name` imported from `module` is a LangChain.js / LlamaIndex.TS OpenAI class."""
    for prefix, api, classes in WRAPPER_MODULES:
        if (module == prefix or module.startswith(prefix + "/")) and name in classes:
            return api, name
    return None


# -- raw HTTP ---------------------------------------------------------------------------------------------------
HTTP_PACKAGES = {"axios": "axios", "got": "got", "ky": "ky", "node-fetch": "fetch", "undici": "fetch",
                 "cross-fetch": "fetch", "isomorphic-fetch": "fetch"}
HTTP_FUNCTIONS = frozenset({"fetch"})  # globals
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "request", "head"})

# -- npm pins ---------------------------------------------------------------------------------------------------
NPM_PACKAGES = ("openai", "@ai-sdk/openai", "ai", "@langchain/openai", "@azure/openai", "openai-edge")
DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")

# -- environment -------------------------------------------------------------------------------------------------
# The objects JS/TS code reads environment variables off: Node's, Vite's, Bun's, and the guarded read the rewrite
# writes into code that may run where no `process` exists (a browser bundle, a Worker): there `process.env.X` throws
# a ReferenceError at run time (and `tsc` without Node's types rejects it), `globalThis.process?.env?.X` is undefined.
ENV_OBJECTS = ("process.env", "import.meta.env", "Bun.env", "globalThis.process?.env", "(globalThis as any).process?.env")

_CAMEL_RE = re.compile(r"(?<=[a-z0-9])([A-Z])")


@lru_cache(maxsize=4096)
def snake(name: str) -> str:
    """openai-node's camelCase resource and method names in the catalog's spelling: fineTuning -> fine_tuning."""
    return _CAMEL_RE.sub(r"_\1", name).lower()


def endpoint_name(path: tuple[str, ...] | list[str]) -> str:
    """A call path through a client (`beta.vectorStores.files.createAndPoll`) as a catalog endpoint name."""
    return ".".join(snake(p) for p in path)


_MAJOR_RE = re.compile(r"(\d+)")


def pin_major(spec: str) -> int | None:
    """The lowest major version a package.json range allows: "^3.3.0" -> 3, "~4.2" -> 4, "latest" -> None."""
    spec = spec.strip()
    if not spec or spec in ("*", "latest", "next") or spec.startswith(("file:", "link:", "git", "http", "workspace:")):
        return None
    match = _MAJOR_RE.search(spec)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class PinFact:
    verdict: Verdict
    reason: str
    fix: str


def npm_pin_fact(package: str, spec: str) -> PinFact | None:
    """What a package.json pin of an OpenAI package means on vLLM (None: nothing to change)."""
    major = pin_major(spec)
    if package == "openai":
        if major is not None and major < 4:
            return PinFact(Verdict.NEEDS_CHANGE, f"pins openai-node v3 ({spec}): Configuration/OpenAIApi cannot take the "
                           "options a vLLM client needs the way v4+ does, and its response shape differs",
                           "upgrade to openai@^4 or later and port the calls (new OpenAI({ baseURL, apiKey }), "
                           "openai.chat.completions.create, response.choices instead of response.data.choices)")
        return None
    if package == "openai-edge":
        return PinFact(Verdict.NEEDS_CHANGE, "openai-edge is the deprecated v3-shaped client for edge runtimes",
                       "replace it with openai@^4 (which runs on edge runtimes) pointed at the vLLM server")
    if package == "@azure/openai":
        if major is not None and major < 2:
            return PinFact(Verdict.NEEDS_CHANGE, "@azure/openai 1.x has its own client (OpenAIClient) addressing Azure "
                           "deployments, not an OpenAI-compatible base URL",
                           "use openai@^4 (new OpenAI({ baseURL, apiKey })) pointed at the vLLM server")
        return PinFact(Verdict.NEEDS_CHANGE, "@azure/openai 2.x only adds Azure types to openai's AzureOpenAI client, "
                       "which addresses Azure deployments", "use the plain OpenAI client pointed at the vLLM server")
    if package == "@ai-sdk/openai":
        return PinFact(Verdict.OK, "the AI SDK's OpenAI provider works with vLLM when created with createOpenAI({ baseURL })",
                       "nothing to change in the pin")
    return None


@dataclass(frozen=True)
class WrapperFact:
    reason: str
    fix: str


# LangChain.js / LlamaIndex.TS classes, keyed "api:Class" (then "api"), with the JS spelling of the fix.
WRAPPER_FACTS: dict[str, WrapperFact] = {
    "langchain": WrapperFact(
        "LangChain.js's OpenAI classes talk to api.openai.com unless given a base URL",
        "new ChatOpenAI({ model: \"<served model>\", apiKey: ..., configuration: { baseURL: \"{base_url}\" } }); "
        "tools via bindTools need the vLLM tool-calling flags",
    ),
    "langchain:AzureChatOpenAI": WrapperFact(
        "AzureChatOpenAI addresses Azure deployments, not an OpenAI-compatible base URL",
        "replace it with new ChatOpenAI({ model: \"<served model>\", configuration: { baseURL: \"{base_url}\" } })",
    ),
    "langchain:OpenAIEmbeddings": WrapperFact(
        "OpenAIEmbeddings talks to OpenAI",
        "new OpenAIEmbeddings({ model: \"<served embedding model>\", configuration: { baseURL: <vLLM embedding "
        "server> } })",
    ),
    "llamaindex": WrapperFact(
        "LlamaIndex.TS's OpenAI class checks model names against OpenAI's table",
        "new OpenAI({ model: \"<served model>\", additionalSessionOptions: { baseURL: \"{base_url}\" } }), or "
        "OpenAILike-style settings of your LlamaIndex.TS version",
    ),
}
V3_ISSUE = (
    "the v3 API of openai-node (Configuration / OpenAIApi, response.data.*) is gone in openai-node v4+, and its "
    "axios-based client is not maintained",
    "upgrade to openai@^4 or later: new OpenAI({ baseURL, apiKey }), client.{endpoint}(...), and read "
    "response.x instead of response.data.x",
)
CLIENT_FIX = ("pass baseURL (default {base_url}) and apiKey from process.env.{base_url_env} / "
              "process.env.{api_key_env}, or set those variables where the code runs")


def setting_name(option: str) -> str:
    """The catalog's setting name of a JS client option: "baseURL" -> "base_url", "configuration.baseURL" too."""
    option = option.removeprefix("configuration.")
    return CLIENT_OPTIONS.get(option) or V3_CONFIGURATION_OPTIONS.get(option) or {"openAIApiKey": "api_key"}.get(option, option)
