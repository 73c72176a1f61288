"""Why a request to vLLM (or any OpenAI-compatible server) failed, and what fixes it: the one place that knows.

`migrate doctor` explains a refused probe with it and `migrate parity` groups a candidate's errors by it.
`diagnose` reads what came back (the HTTP status, the server's own message, the body's content type) or how
the connection failed, and names a `Cause`; `fix_for` says what to do about it. The server messages matched
here are vLLM's own, each shown on a real server (tests/server/test_facts.py, tests/parity/test_error_causes.py).

A fix names options of the command that shows it (parity's --model-map, doctor's --embeddings-base-url), so the
wording that differs between commands comes in as `Hints`; the knowledge stays here.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass


class Cause(str, enum.Enum):
    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_FAILED = "connection_failed"  # reset, DNS, a stream cut off
    TIMEOUT = "timeout"
    AUTH = "auth"
    MODEL_NOT_SERVED = "model_not_served"
    ROUTE_NOT_SERVED = "route_not_served"
    FLAG_MISSING = "flag_missing"
    CONTEXT_TOO_LONG = "context_too_long"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    INVALID_BODY = "invalid_body"
    BAD_REQUEST = "bad_request"
    INTERNAL = "internal"  # a bug of migrate-kit's, not the server's
    OTHER = "other"

    def __str__(self) -> str:
        return self.value

    @property
    def title(self) -> str:
        return TITLES[self]


TITLES: dict[Cause, str] = {
    Cause.CONNECTION_REFUSED: "connection refused",
    Cause.CONNECTION_FAILED: "connection failed",
    Cause.TIMEOUT: "timeout",
    Cause.AUTH: "auth refused",
    Cause.MODEL_NOT_SERVED: "model not served",
    Cause.ROUTE_NOT_SERVED: "endpoint not served",
    Cause.FLAG_MISSING: "flag missing",
    Cause.CONTEXT_TOO_LONG: "context too long",
    Cause.RATE_LIMITED: "rate limited",
    Cause.SERVER_ERROR: "server error (5xx)",
    Cause.INVALID_BODY: "invalid body",
    Cause.BAD_REQUEST: "request rejected",
    Cause.INTERNAL: "internal error",
    Cause.OTHER: "other error",
}

TOOL_PARSER_PLACEHOLDER = "<parser for your model family: llama3_json (Llama 3.x), hermes (Qwen), mistral, ...>"
TOOL_FLAGS = ("--enable-auto-tool-choice", "--tool-call-parser")


@dataclass(frozen=True)
class Hints:
    """How the command showing a fix spells its options; the defaults are `migrate doctor`'s."""

    map_models: str = "map them in [tool.migrate.models] and run `migrate rewrite`"
    api_key: str = "pass --api-key or set the key variable $OPENAI_API_KEY"
    embeddings_elsewhere: str = "pass --embeddings-base-url http://HOST:8001/v1 --embeddings-model NAME"
    slow: str = "raise --timeout if it is slow"
    tool_parser: str | None = None  # the parser `migrate serve` would pick for the served model, if known


DOCTOR = Hints()
PARITY = Hints(
    map_models="map them with --model-map OPENAI_NAME=SERVED_NAME (or in [tool.migrate.models])",
    api_key="set the key in $MIGRATE_CANDIDATE_API_KEY (or name another variable with --api-key-env)",
    embeddings_elsewhere="replay the embeddings recordings against that server (--candidate http://HOST:8001/v1)",
    slow="raise --timeout if it is slow, or lower --concurrency",
)


@dataclass(frozen=True)
class Diagnosis:
    cause: Cause
    subject: str | None = None  # what the cause is about: the model name, the flags, the endpoint, the limit
    served: tuple[str, ...] = ()  # model names the server says it serves (from its 404 message)

    @property
    def title(self) -> str:
        return self.cause.title


# vLLM's words (vllm/entrypoints/serve/engine/serving.py, renderers/params.py, renderers/online_renderer.py).
_MODEL_MISSING = re.compile(r"[Tt]he model `(?P<model>[^`]*)` does not exist(?:\. Valid aliases: (?P<served>[^\n]*?)\.?$)?", re.M)
_OPENAI_MODEL_MISSING = re.compile(r"[Tt]he model [`'\"](?P<model>[^`'\"]+)[`'\"] does not exist")
_CONTEXT = re.compile(r"maximum context length|context length \(\d+\)|greater than max_model_len|context_length_exceeded"
                      r"|prompt is too long|too many tokens", re.I)
_CONTEXT_LIMIT = re.compile(r"maximum context length is (\d+)|max_model_len=(\d+)|maximum context length \((\d+)\)")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")
_FLAG_SENTENCE = re.compile(r"requires? (?:--|[\w\s,]*?--)|to be set|start(?:ed)? (?:the server |vLLM )?with --", re.I)
_REFUSED = re.compile(r"connection refused|connect call failed|errno 111|econnrefused|actively refused", re.I)
_NOT_FOUND_BODIES = {"not found", '{"detail":"not found"}', "{'detail': 'not found'}"}


def diagnose(*, status: int | None = None, message: str | None = "", kind: str | None = None, reason: str | None = None,
             content_type: str | None = None, endpoint: str | None = None, model: str | None = None) -> Diagnosis:
    """The cause of one failed request.

    `kind` is how it failed before any status: "connection", "timeout", "stream_cut", "malformed" (a body that is
    not the API's JSON), "internal"; "stream_error" for an error event inside a stream; None or "http" when the
    server answered `status` with `message`. `reason` is
    the connection failure's kind when known ("refused", "reset", "dns"). `endpoint` and `model` are what the
    request asked for.
    """
    text = message or ""
    if kind == "internal":
        return Diagnosis(Cause.INTERNAL)
    if kind == "connection" or (kind is None and status is None and reason):
        if reason == "refused" or (reason is None and _REFUSED.search(text)):
            return Diagnosis(Cause.CONNECTION_REFUSED)
        return Diagnosis(Cause.CONNECTION_FAILED, reason)
    if kind == "stream_cut":
        return Diagnosis(Cause.CONNECTION_FAILED, "stream cut")
    if kind == "timeout" or status == 408:
        return Diagnosis(Cause.TIMEOUT)
    if kind == "malformed":
        return Diagnosis(Cause.INVALID_BODY, _body_kind(content_type, text))
    if kind == "stream_error":
        status = None  # the stream began with 200; only the error event's message tells
    # The server answered: its message says more than its status.
    if found := _MODEL_MISSING.search(text) or _OPENAI_MODEL_MISSING.search(text):
        served = tuple(s.strip() for s in (found.groupdict().get("served") or "").split(",") if s.strip())
        return Diagnosis(Cause.MODEL_NOT_SERVED, found.group("model") or model, served)
    if _CONTEXT.search(text):
        limit = _CONTEXT_LIMIT.search(text)
        return Diagnosis(Cause.CONTEXT_TOO_LONG, next((g for g in limit.groups() if g), None) if limit else None)
    if (status is None or 400 <= status < 500) and _FLAG_SENTENCE.search(text) and (flags := _FLAG.findall(text)):
        return Diagnosis(Cause.FLAG_MISSING, " ".join(dict.fromkeys(flags)))
    if status in (401, 403):
        return Diagnosis(Cause.AUTH, str(status))
    if status == 429:
        return Diagnosis(Cause.RATE_LIMITED)
    if status == 404:
        if " ".join(text.split()).lower() in _NOT_FOUND_BODIES or not text:
            return Diagnosis(Cause.ROUTE_NOT_SERVED, endpoint)
        return Diagnosis(Cause.MODEL_NOT_SERVED, model) if "model" in text.lower() else Diagnosis(Cause.ROUTE_NOT_SERVED, endpoint)
    if status is not None and status >= 500:
        return Diagnosis(Cause.SERVER_ERROR, str(status))
    if status is not None and 200 <= status < 300:
        return Diagnosis(Cause.INVALID_BODY, _body_kind(content_type, text))
    if status is not None and 400 <= status < 500:
        return Diagnosis(Cause.BAD_REQUEST, str(status))
    if kind == "stream_error":
        return Diagnosis(Cause.SERVER_ERROR, "error event in a stream")
    return Diagnosis(Cause.OTHER)


def connection_reason(e: BaseException) -> str | None:
    """"refused", "reset" or "dns" from anywhere in the exception chain (the HTTP backends wrap the OS error)."""
    import socket

    seen: set[int] = set()
    node: BaseException | None = e
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        if isinstance(node, ConnectionRefusedError):
            return "refused"
        if isinstance(node, socket.gaierror):
            return "dns"
        if isinstance(node, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            return "reset"
        node = node.__cause__ or node.__context__
    return None


def _body_kind(content_type: str | None, text: str) -> str:
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "text/html" or "<html" in text.lower() or "<!doctype html" in text.lower():
        return "an HTML page"
    if media and media != "application/json":
        return f"{media}, not JSON"
    return "not the endpoint's JSON"


def tool_parser_hint(model: str | None, root: str | None = None) -> str | None:
    """The --tool-call-parser `migrate serve` would pick for a served model (its root path first), if it can tell."""
    row = expected_family(model, root)
    return row.tool_parser if row else None


def expected_family(model: str | None, root: str | None = None):
    """The catalog's family row (migrate.catalog.model_families) for a served model: its root path (the model
    directory or hub name vLLM loaded) first, then the served name. None when the family is unknown."""
    from migrate.catalog.model_families import by_family
    from migrate.serve.family import inspect_model

    for candidate in (root, model):
        if candidate:
            info = inspect_model(candidate)
            if info.tool_parser:
                return by_family(info.family)
    return None


# -- fixes -------------------------------------------------------------------------------------------------------
def unreachable_fix() -> str:
    return "Is the server running? (`migrate serve --for . --model ...` starts one; check the URL's host and port)"


def auth_fix(hints: Hints = DOCTOR) -> str:
    return f"{hints.api_key} to the key the server was started with (vLLM's --api-key)"


def models_fix(missing: Iterable[str], served: Iterable[str], hints: Hints = DOCTOR) -> str:
    missing, served = list(dict.fromkeys(missing)), list(dict.fromkeys(served))
    names = ", ".join(missing) or "them"
    serves = f"the server serves {', '.join(served)}; " if served else ""
    return (f"{serves}requests naming {names} get HTTP 404 (test_unknown_model_404): {hints.map_models}, or add the "
            f"names to the server (--served-model-name {' '.join([*served, *missing]) or 'NAME ...'})")


def tool_flags_fix(parser: str | None = None) -> str:
    return (f"start vLLM with --enable-auto-tool-choice --tool-call-parser {parser or TOOL_PARSER_PLACEHOLDER} "
            "(`migrate serve --dry-run` derives both)")


def flags_fix(flags: str | None, hints: Hints = DOCTOR) -> str:
    if not flags or any(flag in flags for flag in TOOL_FLAGS):
        return tool_flags_fix(hints.tool_parser)
    return f"start vLLM with {flags} (the server's message names the flag it needs; `migrate serve --dry-run` shows them)"


def embeddings_fix(hints: Hints = DOCTOR) -> str:
    return ("a generative model serves no embeddings: start an embedding model as its own server "
            "(python -m vllm.entrypoints.openai.api_server --model <embedding model> --runner pooling --port 8001) "
            f"and {hints.embeddings_elsewhere}")


# Fixes for a whole feature's route refused by the server (404 on the route itself).
ROUTE_FIXES = {
    "responses": "this vLLM does not serve /v1/responses: upgrade vLLM, or move the calls to chat.completions",
    "completions": "this server does not serve /v1/completions for the model: move the calls to chat.completions",
    "chat": "the model cannot chat: serve an instruct model, or pass --chat-template FILE if it has no template",
}


def route_fix(endpoint: str | None, hints: Hints = DOCTOR) -> str:
    path = (endpoint or "").rstrip("/")
    if path.endswith("/embeddings") or path == "embeddings":
        return embeddings_fix(hints)
    for name in ("responses", "chat", "completions"):
        if path.endswith(f"/{name}") or path.endswith(f"/{name}/completions") or path == name:
            return ROUTE_FIXES[name]
    return (f"the server has no {endpoint or 'such'} route (HTTP 404): check the base URL (vLLM's ends in /v1) and that "
            "the served model's task offers the endpoint")


def context_fix(limit: str | None = None) -> str:
    within = f" ({limit} tokens)" if limit else ""
    return (f"the prompt plus max_tokens does not fit the served model's context{within}: start vLLM with a larger "
            "--max-model-len (up to what the model supports) or serve a model with a longer context; or lower "
            "max_tokens in the requests")


def timeout_fix(hints: Hints = DOCTOR) -> str:
    return f"the server is overloaded or stuck: check its log; {hints.slow}"


def fix_for(cause: Cause, subjects: Iterable[str] = (), *, served: Iterable[str] = (), hints: Hints = DOCTOR) -> str:
    """What to do about `cause`; `subjects` are the `Diagnosis.subject`s seen for it (model names, flags, ...)."""
    subjects = [s for s in dict.fromkeys(subjects) if s]
    first = subjects[0] if subjects else None
    if cause == Cause.CONNECTION_REFUSED:
        return "nothing listens at the URL. " + unreachable_fix()
    if cause == Cause.CONNECTION_FAILED:
        return "the connection broke before a complete answer: check the server's log (it may have crashed or restarted) and the network path"
    if cause == Cause.TIMEOUT:
        return timeout_fix(hints)
    if cause == Cause.AUTH:
        return auth_fix(hints)
    if cause == Cause.MODEL_NOT_SERVED:
        return models_fix(subjects, served, hints)
    if cause == Cause.ROUTE_NOT_SERVED:
        return route_fix(first, hints)
    if cause == Cause.FLAG_MISSING:
        return flags_fix(" ".join(subjects), hints)
    if cause == Cause.CONTEXT_TOO_LONG:
        return context_fix(first)
    if cause == Cause.RATE_LIMITED:
        return "the server (or a gateway in front of it) answered 429: lower --concurrency or set --rate; retries honour Retry-After"
    if cause == Cause.SERVER_ERROR:
        return ("the server failed on the request: look at its log around that time (an out-of-memory error or an engine "
                "crash shows there); 5xx answers are retried up to --max-retries")
    if cause == Cause.INVALID_BODY:
        what = f" ({first})" if first else ""
        return (f"the answer is not the OpenAI API's JSON{what}: the URL probably reaches something else (a web page, a "
                "proxy's or load balancer's error page, a login page): use the server's OpenAI base URL, ending in /v1")
    if cause == Cause.BAD_REQUEST:
        return ("the server rejected the request as sent: its message names the parameter; `migrate scan` and "
                "`migrate doctor` show what this vLLM does not accept")
    if cause == Cause.INTERNAL:
        return "a bug in migrate-kit, not the server: please report it with the failing line of the run file"
    return "see the message; `migrate doctor --base-url URL --all` probes the server feature by feature"


__all__ = ["DOCTOR", "PARITY", "ROUTE_FIXES", "TITLES", "Cause", "Diagnosis", "Hints", "auth_fix", "connection_reason", "context_fix",
           "diagnose", "embeddings_fix", "fix_for", "flags_fix", "models_fix", "route_fix", "timeout_fix",
           "tool_flags_fix", "tool_parser_hint", "expected_family", "unreachable_fix"]
