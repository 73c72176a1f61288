"""The openai 0.x module API: its call names, its removed classes and its module settings, and what replaced them.

One table for both sides: the scan judges `openai.ChatCompletion.acreate(...)` by the 1.x endpoint found here,
and OAI004 rewrites the call to that same endpoint. 0.x is not installed (and cannot be next to openai>=1), so
these are hand-written facts, checked where the installed SDK can check them: every target exists on the 1.x
client (tests/rewrite/test_sdk_names.py), and every 0.x symbol the SDK's own shims list
(`openai.lib._old_api.SYMBOLS`, the snapshot's `legacy_symbols`) is either a call resource or a removed class
here (tests/catalog/test_legacy.py).
"""

from __future__ import annotations

from dataclasses import dataclass

# The async twin of each 0.x method: openai 0.28's APIResource classes define `a<method>` next to `<method>`.
ASYNC_METHODS: dict[str, str] = {
    "create": "acreate", "list": "alist", "retrieve": "aretrieve", "delete": "adelete", "transcribe": "atranscribe",
    "translate": "atranslate", "create_edit": "acreate_edit", "create_variation": "acreate_variation",
    "cancel": "acancel", "list_events": "alist_events", "download": "adownload",
}

# (0.x resource, sync method) -> the 1.x endpoint (a client attribute path). Async twins are derived below.
CALLS: dict[tuple[str, str], str] = {
    ("ChatCompletion", "create"): "chat.completions.create",
    ("Completion", "create"): "completions.create",
    ("Embedding", "create"): "embeddings.create",
    ("Image", "create"): "images.generate",
    ("Image", "create_edit"): "images.edit",
    ("Image", "create_variation"): "images.create_variation",
    ("Moderation", "create"): "moderations.create",
    ("Audio", "transcribe"): "audio.transcriptions.create",
    ("Audio", "translate"): "audio.translations.create",
    ("Model", "list"): "models.list",
    ("Model", "retrieve"): "models.retrieve",
    ("Model", "delete"): "models.delete",
    ("File", "create"): "files.create",
    ("File", "list"): "files.list",
    ("File", "retrieve"): "files.retrieve",
    ("File", "delete"): "files.delete",
    ("File", "download"): "files.content",
    ("FineTuningJob", "create"): "fine_tuning.jobs.create",
    ("FineTuningJob", "list"): "fine_tuning.jobs.list",
    ("FineTuningJob", "retrieve"): "fine_tuning.jobs.retrieve",
    ("FineTuningJob", "cancel"): "fine_tuning.jobs.cancel",
    ("FineTuningJob", "list_events"): "fine_tuning.jobs.list_events",
}


@dataclass(frozen=True)
class LegacyCall:
    endpoint: str  # the 1.x endpoint: "chat.completions.create"
    is_async: bool  # the 0.x `a<method>` twin: an AsyncOpenAI client's method, awaited


# "ChatCompletion.acreate" -> LegacyCall("chat.completions.create", True): every 0.x call name, sync and async.
LEGACY_CALLS: dict[str, LegacyCall] = {}
for (_resource, _method), _endpoint in CALLS.items():
    LEGACY_CALLS[f"{_resource}.{_method}"] = LegacyCall(_endpoint, False)
    LEGACY_CALLS[f"{_resource}.{ASYNC_METHODS[_method]}"] = LegacyCall(_endpoint, True)

# "ChatCompletion.acreate" -> "chat.completions.create"
LEGACY_ENDPOINTS: dict[str, str] = {name: call.endpoint for name, call in LEGACY_CALLS.items()}
# 0.x resource -> its 1.x client attribute path ("ChatCompletion" -> "chat.completions")
RESOURCES: dict[str, str] = {resource: endpoint.rsplit(".", 1)[0] for (resource, _), endpoint in CALLS.items()}
# Every 0.x method name a call resource has, sync and async.
METHODS: frozenset[str] = frozenset(name.rsplit(".", 1)[1] for name in LEGACY_CALLS)

# 0.x classes whose API OpenAI removed before 1.0: no 1.x or vLLM counterpart at all.
REMOVED: dict[str, str] = {
    "Edit": "the Edits endpoint was retired by OpenAI; use chat.completions.create with an instruction",
    "Engine": "engines were replaced by models; pass model= and list models with client.models.list()",
    "FineTune": "legacy fine-tunes were retired; use client.fine_tuning.jobs",
    "Deployment": "Azure deployments are not managed through the SDK any more; call the vLLM server with the "
    "served model name",
    "Customer": "not part of the public API; no current-SDK counterpart",
    "ErrorObject": "no current-SDK counterpart; read the error from the exception (e.body, e.status_code)",
}
# 0.x submodules of `openai` that openai>=1 does not have (importing one raises ModuleNotFoundError), and what
# replaced them. openai.error is OAI005's; openai.cli and openai.version exist in both.
REMOVED_MODULES: dict[str, str] = {
    "openai_object": "responses are pydantic models now (read attributes; .model_dump() gives a dict)",
    "openai_response": "responses are pydantic models now; client.<resource>.with_raw_response gives the HTTP response",
    "api_requestor": "internal to 0.x: call the client's methods (or client.post/get for a raw request)",
    "api_resources": "the resources are a client's attributes now (client.chat.completions, client.embeddings, ...)",
    "util": "internal to 0.x: no counterpart (convert_to_openai_object: responses are pydantic models)",
    "embeddings_utils": "call client.embeddings.create and compute distances yourself (numpy)",
    "datalib": "internal to 0.x: import numpy / pandas yourself",
    "object_classes": "internal to 0.x: no counterpart",
    "upload_progress": "internal to 0.x: no counterpart",
    "validators": "the 0.x fine-tune data validators are gone: no counterpart",
    "wandb_logger": "log fine-tuning jobs with wandb's own integration",
}
# Every 0.x class name of the module API: call resources and removed classes.
CLASSES: frozenset[str] = frozenset({*RESOURCES, *REMOVED})


@dataclass(frozen=True)
class LegacySetting:
    reason: str  # what happened to it in 1.x, and what to do
    client_argument: str = ""  # the 1.x client keyword it becomes ("" when it is dropped)


# 0.x module settings (`openai.api_base = ...`) that 1.x dropped or renamed. The 1.x module-client settings are
# derived: the snapshot's module_settings.
SETTINGS: dict[str, LegacySetting] = {
    "api_base": LegacySetting(
        "renamed base_url in 1.x: point it at the vLLM server (`openai.base_url = \"http://vllm:8000/v1\"`)",
        "base_url",
    ),
    "api_key_path": LegacySetting("removed in 1.x: read the key yourself and pass api_key"),
    "proxy": LegacySetting("removed in 1.x: pass http_client=httpx.Client(proxy=...)"),
    "requestssession": LegacySetting("removed in 1.x: pass http_client=httpx.Client(...)"),
    "aiosession": LegacySetting("removed in 1.x: pass http_client=httpx.AsyncClient(...)"),
    "app_info": LegacySetting("removed in 1.x"),
    "enable_telemetry": LegacySetting("removed in 1.x"),
    "debug": LegacySetting("removed in 1.x: set OPENAI_LOG=debug"),
    "log": LegacySetting("removed in 1.x: set OPENAI_LOG=debug"),
    "verify_ssl_certs": LegacySetting("removed in 1.x: pass http_client=httpx.Client(verify=...)"),
    "ca_bundle_path": LegacySetting("removed in 1.x: pass http_client=httpx.Client(verify=\"/path/to/ca.pem\")"),
}
# openai.X (0.x setting) -> what happened to it, in words (the scan's reason and fix).
SETTING_REASONS: dict[str, str] = {name: s.reason for name, s in SETTINGS.items()}

# Per-request 0.x keyword arguments: renamed in 1.x, or moved to the client.
RENAMED_KEYWORDS: dict[str, str] = {"request_timeout": "timeout", "headers": "extra_headers"}
CLIENT_KEYWORDS: tuple[str, ...] = ("api_key", "api_base", "api_type", "api_version", "organization")
# Model keywords of 0.x calls (Azure named the deployment).
MODEL_KEYWORDS: tuple[str, ...] = ("model", "engine", "deployment_id")
ONLY_KEYWORDS: frozenset[str] = frozenset({"engine", "deployment_id", *RENAMED_KEYWORDS, *CLIENT_KEYWORDS})

ERRORS_MODULE = "openai.error"


def legacy_call(name: str) -> LegacyCall | None:
    """The 1.x endpoint of a 0.x call name: "ChatCompletion.acreate" or "openai.ChatCompletion.acreate"."""
    return LEGACY_CALLS.get(name.removeprefix("openai."))


def qualified_calls(endpoints=None) -> dict[str, str]:
    """"openai.ChatCompletion.create" -> "chat.completions.create", for all 0.x calls or those of `endpoints`."""
    return {f"openai.{name}": call.endpoint for name, call in LEGACY_CALLS.items()
            if endpoints is None or call.endpoint in endpoints}
