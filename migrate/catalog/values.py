"""Value- and model-aware verdicts: a parameter whose fate on vLLM depends on its value, or on the served model.

vLLM declares `top_p`, `suffix`, `background`, `dimensions`, ... in its request models, so a name-keyed verdict
says `ok`; yet `top_p=0` is refused with HTTP 400, `suffix` works only for fill-in-the-middle models,
`background=True` needs an environment variable on the server, and `dimensions` needs a Matryoshka embedding
model. Each such case is one `ValueClass`: the parameter, a predicate over the call-site literal (and over
other literals of the same call where a combination decides), the verdict, reason, fix and evidence, a
`kind` (one of the five kinds of wrong `ok`), and an `example` request fragment that shows the class, so a
prober can send it as is.

Values are the JSON form of the call-site literal as the scanner records it (migrate/scan/detect/literals.py):
plain JSON, where a part the scanner could not evaluate is `{"$dynamic": "<source>"}`. A predicate answers
True, False, or None when a dynamic part decides ("depends on the value").

Model-aware classes also carry `model_ok`: given what is known of the served model (`ModelFacts`, filled by
`migrate serve` from the model's files), True when the model makes the value work, False when it does not,
None when the facts do not say ("depends on the model").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from migrate.catalog.facts import CHAT, COMPLETIONS, EMBEDDINGS, RESPONSES, evidence
from migrate.catalog.verdict import Verdict

DYNAMIC_KEY = "$dynamic"
# In a call's `others`: what the parameters the call does not name are (DYNAMIC when it passes **kwargs).
KWARGS = "**"
# The five kinds of wrong `ok` verdicts a name-keyed catalog gives (issue 10).
KINDS = {
    "refused": "declared by vLLM's request model but refused in code",
    "value": "fine with one value, fails or means something else with another",
    "flag": "works only when vLLM starts with a flag or an environment variable",
    "model": "depends on the served model",
    "differs": "accepted, but behaves differently from OpenAI",
}


class _Dynamic:
    """The value of a parameter the scan could not evaluate (a variable, a call, **kwargs)."""

    def __repr__(self) -> str:
        return "DYNAMIC"


DYNAMIC: Any = _Dynamic()
NOT_GIVEN: Any = type("_NotGiven", (), {"__repr__": lambda self: "NOT_GIVEN"})()


def dynamic(source: str = "") -> dict:
    """The JSON marker for a part of a literal the scan could not evaluate."""
    return {DYNAMIC_KEY: source}


def is_dynamic(value: Any) -> bool:
    return value is DYNAMIC or (isinstance(value, dict) and DYNAMIC_KEY in value)


@dataclass(frozen=True)
class ModelFacts:
    """What is known of the served model; None where it is not known."""

    name: str = ""
    generative: bool | None = None  # False for an embedding / pooling model
    multimodal: bool | None = None  # accepts image or audio content parts
    tools_in_template: bool | None = None  # the chat template renders `tools`
    system_role: bool | None = None  # the chat template accepts a system message
    fim: bool | None = None  # vLLM renders completion `suffix` for it (fill in the middle)
    matryoshka: bool | None = None  # embeddings can be shortened with `dimensions`
    reasoning: bool | None = None  # a reasoning model: its template reads reasoning_effort / enable_thinking
    max_model_len: int | None = None

    @property
    def label(self) -> str:
        return f"'{self.name}'" if self.name else "the served model"


UNKNOWN_MODEL = ModelFacts()

# -- predicate helpers (three-valued: None when a dynamic part decides) -------------------------------------------
def _scalar(test: Callable[[Any], bool]) -> Callable[[Any], bool | None]:
    def check(value: Any) -> bool | None:
        if is_dynamic(value):
            return None
        try:
            return bool(test(value))
        except (TypeError, ValueError):
            return False

    return check


def _any(items: Any, test: Callable[[Any], bool | None]) -> bool | None:
    """True if some item passes, False if none can, None if a dynamic item (or list) leaves it open."""
    if is_dynamic(items):
        return None
    if not isinstance(items, list):
        return False
    unknown = False
    for item in items:
        hit = None if is_dynamic(item) else test(item)
        if hit:
            return True
        unknown = unknown or hit is None
    return None if unknown else False


def _field(item: Any, *path: str) -> Any:
    for key in path:
        if is_dynamic(item):
            return item
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def _type_in(types: frozenset[str], *path: str) -> Callable[[Any], bool | None]:
    def check(item: Any) -> bool | None:
        value = _field(item, *path) if path else item
        if is_dynamic(value):
            return None
        return value in types

    return check


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_IMAGE_AUDIO_PARTS = frozenset({"image_url", "input_audio", "input_image", "input_audio_url", "audio_url", "video_url"})
_REFUSED_PARTS = frozenset({"file", "input_file"})
_BUILTIN_RESPONSES_TOOLS = frozenset({"web_search", "web_search_preview", "web_search_2025_08_26", "file_search",
                                      "code_interpreter", "computer_use_preview", "image_generation", "local_shell",
                                      "mcp"})
_HONOURED_INCLUDES = frozenset({"message.output_text.logprobs"})


def _content_parts(messages: Any, types: frozenset[str]) -> bool | None:
    """Whether some message has a content part of one of these types."""

    def message_has(message: Any) -> bool | None:
        content = _field(message, "content")
        if is_dynamic(content):
            return None
        if not isinstance(content, list):
            return False
        return _any(content, _type_in(types, "type"))

    return _any(messages, message_has)


def _roles(messages: Any, roles: frozenset[str]) -> bool | None:
    return _any(messages, _type_in(roles, "role"))


def _token_ids(value: Any) -> bool | None:
    """A prompt / input of token ids ([1, 2, 3] or [[1, 2], [3]]) rather than text."""
    if is_dynamic(value):
        return None
    if not isinstance(value, list) or not value:
        return False
    first = value[0]
    if is_dynamic(first):
        return None
    if isinstance(first, list):
        return _any(value, lambda row: isinstance(row, list) and bool(row) and _number(row[0]) if not is_dynamic(row) else None)
    return _number(first)


def _present(value: Any) -> bool | None:
    """Any value at all (a dynamic one too): the parameter's presence decides."""
    return value is not None


@dataclass(frozen=True)
class ValueClass:
    parameter: str
    name: str  # the value class, readable: "0", "True", "image or audio content parts", "0 with n > 1"
    routes: tuple[str, ...]
    kind: str  # a key of KINDS
    test: Callable[[Any], bool | None]  # the parameter's value -> in this class?
    example: Mapping[str, Any]  # a request fragment that shows the class (the parameter and any companions)
    verdict: Verdict
    reason: str
    fix: str
    evidence: str | None
    # Other parameters of the same call that must also hold, with their predicates; an absent parameter is None.
    companions: tuple[tuple[str, Callable[[Any], bool | None]], ...] = ()
    # Model-aware: True when the served model makes the value work, False when not, None when unknown.
    model_ok: Callable[[ModelFacts], bool | None] | None = None
    # The verdict while the served model is unknown ("depends on the model"); None: `verdict`.
    unknown_model: Verdict | None = None
    # Whether a value the scan cannot see raises this class (the conservative verdict). False for classes that
    # are rare among dynamic values (a dynamic `messages` list is the norm; file parts in it are not).
    flag_dynamic: bool = True

    @property
    def model_aware(self) -> bool:
        return self.model_ok is not None or self.key in _MODEL_LIMITS

    @property
    def probe_shows(self) -> bool:
        """Whether a probe of `example` can show how the class fares: not for the context-length classes (the
        call-site number, not the example's, decides) nor for those whose failure is silent (accepted and
        dropped, or accepted and not kept: an HTTP 200 proves nothing there)."""
        return self.key not in _MODEL_LIMITS and self.key not in _SILENT and self.kind != "differs" \
            and self.verdict is not Verdict.IGNORED

    @property
    def key(self) -> str:
        return f"{self.parameter}={self.name}"

    def matches(self, value: Any, others: Mapping[str, Any]) -> bool | None:
        """True / False / None (depends on a value the scan does not know)."""
        results = [self.test(value)]
        for name, test in self.companions:
            other = others.get(name, others.get(KWARGS))
            results.append(None if other is DYNAMIC else test(other))
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True


def _values(*classes: ValueClass) -> tuple[ValueClass, ...]:
    return classes


_GREEDY_N = evidence("test_greedy_sampling_refuses_n")
# Above this many tokens, a max_tokens literal is flagged while the served context length is unknown: open
# models are often served with 4k-32k windows (and `--max-model-len` lowers them further).
CONTEXT_GUESS = 4096
_MODEL_LIMITS = {"max_tokens=above the served context length", "max_completion_tokens=above the served context length"}


def _context_limit(parameter: str, routes: tuple[str, ...]) -> "ValueClass":
    return ValueClass(
        parameter, "above the served context length", routes, "model",
        _scalar(_number), {parameter: 1_000_000},
        Verdict.NEEDS_CHANGE,
        f"vLLM refuses {parameter} larger than the server's max_model_len with HTTP 400 (\"cannot be greater than "
        "max_model_len\"); OpenAI's models have 128k-token windows, an open model is often served with less",
        "lower it, or serve with `--max-model-len` at least prompt + this many tokens",
        evidence("test_max_tokens_above_context_refused"),
        unknown_model=Verdict.SERVER_FLAG,
        flag_dynamic=False,
    )
_STORE_ENV = "VLLM_ENABLE_RESPONSES_API_STORE=1"
# Accepted without the setting, and nothing is kept: an HTTP 200 to the example is no evidence.
_SILENT = {"store=True"}

VALUE_CLASSES: tuple[ValueClass, ...] = _values(
    # -- chat and completions ---------------------------------------------------------------------------------
    ValueClass(
        "temperature", "0 with n > 1", (CHAT, COMPLETIONS), "value",
        _scalar(lambda v: _number(v) and v == 0), {"temperature": 0, "n": 2},
        Verdict.NEEDS_CHANGE,
        "vLLM treats temperature 0 as greedy sampling and refuses several choices with it: HTTP 400 "
        "'n must be 1 when using greedy sampling' (OpenAI returns n samples)",
        "use n=1 with temperature 0, or a small positive temperature (e.g. 0.01) when you need several choices",
        _GREEDY_N,
        companions=(("n", _scalar(lambda v: _number(v) and v > 1)),),
    ),
    ValueClass(
        "top_p", "0", (CHAT, COMPLETIONS), "value",
        _scalar(lambda v: _number(v) and v <= 0), {"top_p": 0},
        Verdict.NEEDS_CHANGE,
        "vLLM requires top_p in (0, 1] and refuses top_p=0 with HTTP 400 'top_p must be in (0, 1]' (OpenAI "
        "accepts 0 and samples greedily)",
        "for greedy decoding use temperature=0 (and drop top_p), or a small positive top_p such as 0.01",
        evidence("test_top_p_zero_refused"),
    ),
    ValueClass(
        "response_format", "json_schema", (CHAT,), "value",
        _scalar(lambda v: isinstance(v, dict) and v.get("type") == "json_schema"),
        {"response_format": {"type": "json_schema", "json_schema": {"name": "city", "schema": {
            "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}},
        Verdict.OK,
        "vLLM decodes the answer against the JSON schema with its structured outputs (other OpenAI-compatible "
        "servers may take json_object only: llama.cpp's answers HTTP 500 \"Input should be 'text' or "
        "'json_object'\")",
        "",
        evidence("test_json_schema_accepted"),
    ),
    ValueClass(
        "tool_choice", "'none'", (CHAT,), "value",
        _scalar(lambda v: v == "none"), {"tool_choice": "none"},
        Verdict.OK,
        "tool_choice='none' only renders the tools into the prompt; vLLM accepts it without the tool-calling flags",
        "",
        evidence("test_tool_choice_none_without_parser"),
    ),
    ValueClass(
        "tool_choice", "allowed_tools or custom", (CHAT,), "refused",
        _scalar(lambda v: isinstance(v, dict) and v.get("type") in ("allowed_tools", "custom")),
        {"tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
         "tool_choice": {"type": "allowed_tools", "allowed_tools": {"mode": "auto", "tools": [
             {"type": "function", "function": {"name": "get_weather"}}]}}},
        Verdict.NEEDS_CHANGE,
        "vLLM's chat endpoint knows only 'none', 'auto', 'required' and a named function: an allowed_tools or "
        "custom tool_choice is refused with HTTP 400 (\"Invalid value for `function`\")",
        "pass only the allowed tools in `tools` with tool_choice='auto', or name one function",
        evidence("test_tool_choice_allowed_tools_refused"),
        flag_dynamic=False,
    ),
    ValueClass(
        "tools", "custom tools", (CHAT,), "refused",
        lambda v: _any(v, _type_in(frozenset({"custom"}), "type")),
        {"tools": [{"type": "custom", "custom": {"name": "run_sql"}}]},
        Verdict.NEEDS_CHANGE,
        "vLLM's chat endpoint takes function tools only: a `custom` (free-form) tool is refused with HTTP 400 "
        "(\"Input should be 'function'\")",
        "declare the tool as a function with a single string argument",
        evidence("test_custom_tools_refused_in_chat"),
        flag_dynamic=False,
    ),
    ValueClass(
        "tools", "with tool_choice 'none'", (CHAT,), "value",
        _present,
        {"tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
         "tool_choice": "none"},
        Verdict.OK,
        "with tool_choice='none' the tools are only rendered into the prompt; vLLM accepts them without the "
        "tool-calling flags",
        "",
        evidence("test_tool_choice_none_without_parser"),
        companions=(("tool_choice", _scalar(lambda v: v == "none")),),
    ),
    ValueClass(
        "modalities", "with 'audio'", (CHAT,), "differs",
        lambda v: _any(v, _scalar(lambda m: m == "audio")), {"modalities": ["text", "audio"]},
        Verdict.NEEDS_CHANGE,
        "vLLM answers with text only: asking for the 'audio' modality is accepted and dropped, so message.audio "
        "is None where the code expects speech",
        "generate speech outside vLLM (a TTS service) from the text answer, and drop modalities",
        evidence("test_audio_modality_answers_text_only"),
    ),
    ValueClass(
        "messages", "file content parts", (CHAT,), "refused",
        lambda v: _content_parts(v, _REFUSED_PARTS),
        {"messages": [{"role": "user", "content": [{"type": "file", "file": {"file_id": "file-abc"}}]}]},
        Verdict.NEEDS_CHANGE,
        "vLLM has no file store and refuses `file` content parts with HTTP 400 (\"Unsupported chat content part "
        "type: 'file'\")",
        "extract the file's text (or render its pages as images for a vision model) and send that instead",
        evidence("test_file_content_part_refused"),
        flag_dynamic=False,
    ),
    ValueClass(
        "messages", "image or audio content parts", (CHAT,), "model",
        lambda v: _content_parts(v, _IMAGE_AUDIO_PARTS),
        {"messages": [{"role": "user", "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"
                                                       "AAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}}]}]},
        Verdict.NEEDS_CHANGE,
        "image and audio content parts need a multimodal model: a text-only model answers HTTP 400 "
        "(\"<model> is not a multimodal model\")",
        "serve a vision (or audio) model for these calls, e.g. Qwen2.5-VL or Llama 3.2 Vision, and map the model "
        "name in [tool.migrate.models]",
        evidence("test_image_part_needs_multimodal_model"),
        model_ok=lambda m: m.multimodal,
        unknown_model=Verdict.SERVER_FLAG,
        flag_dynamic=False,
    ),
    ValueClass(
        "messages", "system or developer role", (CHAT,), "model",
        lambda v: _roles(v, frozenset({"system", "developer"})),
        {"messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "hi"}]},
        Verdict.NEEDS_CHANGE,
        "some chat templates (Gemma, early Mistral) refuse a system message and the request fails with HTTP 400; "
        "vLLM renders `developer` as `system`",
        "fold the system prompt into the first user message, or serve with a chat template that takes a system "
        "role (`--chat-template`)",
        evidence("test_developer_and_system_roles_rendered"),
        model_ok=lambda m: m.system_role,
        unknown_model=Verdict.OK,
        flag_dynamic=False,
    ),
    ValueClass(
        "tools", "function tools", (CHAT,), "model",
        lambda v: _any(v, _type_in(frozenset({"function"}), "type")),
        {"tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]},
        Verdict.NEEDS_CHANGE,
        "the model's chat template does not render `tools`: the model never sees the tool definitions, so it "
        "cannot call them even with the tool-calling flags",
        "serve a model trained for tool calling (Llama 3.1+, Qwen2.5, Mistral, Hermes), or pass a tool-aware "
        "template with `--chat-template`",
        None,
        model_ok=lambda m: m.tools_in_template,
        unknown_model=Verdict.OK,
        flag_dynamic=False,
    ),
    ValueClass(
        "reasoning_effort", "any value", (CHAT,), "model",
        _present, {"reasoning_effort": "low"},
        Verdict.IGNORED,
        "vLLM passes reasoning_effort to the chat template (and turns thinking on or off with it); a model "
        "without reasoning ignores it",
        "serve a reasoning model (with its --reasoning-parser) if the effort matters, or remove it",
        evidence("test_reasoning_effort_accepted_without_reasoning_model"),
        model_ok=lambda m: m.reasoning,
    ),
    *(_context_limit(p, routes) for p, routes in (("max_tokens", (CHAT, COMPLETIONS)), ("max_completion_tokens", (CHAT,)))),
    # -- completions ------------------------------------------------------------------------------------------
    ValueClass(
        "suffix", "any text", (COMPLETIONS,), "model",
        _present, {"suffix": "\n    return result"},
        Verdict.NEEDS_CHANGE,
        "vLLM renders `suffix` only for models with fill-in-the-middle completion rendering; for others "
        "(Llama, Qwen, Mistral chat models) it answers HTTP 400 'suffix is only supported for models with FIM "
        "completion rendering'",
        "build the fill-in-the-middle prompt yourself with the model's FIM tokens (e.g. <|fim_prefix|>... for "
        "Qwen2.5-Coder) and send it as the prompt, or drop suffix",
        evidence("test_suffix_needs_fim_model"),
        model_ok=lambda m: m.fim,
    ),
    ValueClass(
        "best_of", "greater than 1", (COMPLETIONS,), "differs",
        _scalar(lambda v: _number(v) and v > 1), {"best_of": 3},
        Verdict.IGNORED,
        "vLLM's completions request model does not declare best_of: the field is dropped and one sample comes "
        "back, not the best of several",
        "request n samples and pick the best yourself (e.g. by logprobs), or remove best_of",
        evidence("test_best_of_dropped"),
    ),
    ValueClass(
        "prompt", "token ids", (COMPLETIONS,), "differs",
        _token_ids, {"prompt": [50256, 15496]},
        Verdict.NEEDS_CHANGE,
        "a prompt of token ids is read in the served model's vocabulary: ids from OpenAI's tokenizer (tiktoken) "
        "mean other tokens there, and ids beyond its vocabulary are refused with HTTP 400",
        "send text, or token ids from the served model's tokenizer (vLLM's POST /tokenize)",
        evidence("test_prompt_token_ids_read_in_served_vocabulary"),
        flag_dynamic=False,
    ),
    ValueClass(
        "prompt", "more than 1024 prompts", (COMPLETIONS,), "flag",
        _scalar(lambda v: isinstance(v, list) and len(v) > 1024 and not _number(v[0])), {"prompt": ["a"] * 1025},
        Verdict.SERVER_FLAG,
        "vLLM refuses a prompt list longer than 1024 with HTTP 400 unless the server raises "
        "VLLM_MAX_COMPLETION_PROMPTS",
        "start vLLM with VLLM_MAX_COMPLETION_PROMPTS set above the batch size, or send smaller batches",
        evidence("test_prompt_list_limit"),
        flag_dynamic=False,
    ),
    # -- embeddings ------------------------------------------------------------------------------------------
    ValueClass(
        "dimensions", "any value", (EMBEDDINGS,), "model",
        _present, {"dimensions": 256},
        Verdict.NEEDS_CHANGE,
        "vLLM shortens embeddings only for Matryoshka models; for others it answers HTTP 400 (\"does not support "
        "Matryoshka embeddings; dimensions must be unset\")",
        "serve a Matryoshka embedding model (e.g. nomic-embed-text-v1.5, jina-embeddings-v3) or drop dimensions "
        "and truncate (then re-normalise) the vectors yourself",
        "vllm:vllm/pooling_params.py",
        model_ok=lambda m: m.matryoshka,
    ),
    ValueClass(
        "input", "token ids", (EMBEDDINGS,), "differs",
        _token_ids, {"input": [50256, 15496]},
        Verdict.NEEDS_CHANGE,
        "token-id input is read in the served model's vocabulary: ids from OpenAI's tokenizer (tiktoken, as "
        "LangChain's OpenAIEmbeddings sends by default) embed other tokens",
        "send text (LangChain: check_embedding_ctx_length=False), or ids from the served model's tokenizer",
        "vllm:vllm/entrypoints/pooling/embed/protocol.py",
        flag_dynamic=False,
    ),
    # -- responses -------------------------------------------------------------------------------------------
    ValueClass(
        "background", "True", (RESPONSES,), "flag",
        _scalar(lambda v: v is True), {"background": True},
        Verdict.SERVER_FLAG,
        f"background responses need a response store, which vLLM keeps only when started with {_STORE_ENV}; "
        "otherwise HTTP 400",
        f"start vLLM with the environment variable {_STORE_ENV}, or run the request in the foreground",
        evidence("test_background_needs_store_env"),
    ),
    ValueClass(
        "store", "True", (RESPONSES,), "flag",
        _scalar(lambda v: v is True), {"store": True},
        Verdict.SERVER_FLAG,
        f"vLLM stores responses only when started with {_STORE_ENV}: otherwise `store` is accepted but nothing "
        "is kept, and responses.retrieve or previous_response_id answer HTTP 404",
        f"start vLLM with {_STORE_ENV} (kept in memory, lost on restart), or keep the history in your application",
        evidence("test_responses_not_stored_without_env"),
    ),
    ValueClass(
        "previous_response_id", "any id", (RESPONSES,), "flag",
        _present, {"previous_response_id": "resp_abc"},
        Verdict.SERVER_FLAG,
        f"vLLM finds earlier responses only when started with {_STORE_ENV}; otherwise every id is unknown "
        "(HTTP 404 \"Response with id ... not found\")",
        f"start vLLM with {_STORE_ENV}, or send the earlier turns again in `input`",
        evidence("test_responses_not_stored_without_env"),
    ),
    ValueClass(
        "prompt", "a prompt template", (RESPONSES,), "refused",
        _present, {"prompt": {"id": "pmpt_abc"}},
        Verdict.NEEDS_CHANGE,
        "OpenAI's stored prompt templates do not exist on vLLM: `prompt` is refused with HTTP 400 ('prompt "
        "template is not supported')",
        "render the template's text yourself and send it as instructions / input",
        evidence("test_responses_prompt_template_refused"),
    ),
    ValueClass(
        "tools", "built-in tools", (RESPONSES,), "differs",
        lambda v: _any(v, _type_in(_BUILTIN_RESPONSES_TOOLS, "type")),
        {"tools": [{"type": "web_search"}]},
        Verdict.NEEDS_CHANGE,
        "OpenAI's hosted tools (web search, file search, code interpreter, ...) do not run on vLLM: without a "
        "--tool-server they are accepted and never called, and file_search has no counterpart at all",
        "run the tool in your code and expose it as a function tool (or start vLLM with --tool-server for the "
        "gpt-oss browser and python tools)",
        evidence("test_responses_builtin_tools_never_run"),
        flag_dynamic=False,
    ),
    ValueClass(
        "include", "anything but output logprobs", (RESPONSES,), "differs",
        lambda v: _any(v, _scalar(lambda item: item not in _HONOURED_INCLUDES)),
        {"include": ["reasoning.encrypted_content"]},
        Verdict.IGNORED,
        "vLLM honours only include=['message.output_text.logprobs']; other entries (encrypted reasoning, search "
        "results, image URLs) are accepted and nothing is added to the response",
        "remove the other entries",
        evidence("test_responses_include_other_than_logprobs_ignored"),
    ),
    *(
        ValueClass(
            parameter, "any value", (RESPONSES,), "differs",
            _present, {parameter: example},
            Verdict.IGNORED,
            f"vLLM's Responses API declares `{parameter}` but never reads it: {what}",
            fix,
            evidence("test_responses_declared_fields_never_read"),
        )
        for parameter, example, what, fix in (
            ("metadata", {"team": "search"}, "it is echoed back and kept nowhere (no dashboard, no stored response)",
             "keep the tags in your own request log"),
            ("prompt_cache_key", "cache-1", "vLLM caches shared prefixes by itself (automatic prefix caching)",
             "remove it; nothing replaces it"),
            ("max_tool_calls", 1, "no limit is applied to the model's tool calls",
             "count tool calls in your agent loop and stop it yourself"),
        )
    ),
    ValueClass(
        "service_tier", "any value", (RESPONSES,), "differs",
        _present, {"service_tier": "flex"},
        Verdict.IGNORED,
        "vLLM has no service tiers: the Responses API echoes service_tier back and never reads it",
        "remove it; for request priorities start vLLM with `--scheduling-policy priority`",
        evidence("test_responses_service_tier_echoed_not_used"),
    ),
)

_BY_ROUTE: dict[tuple[str, str], list[ValueClass]] = {}
for _vc in VALUE_CLASSES:
    for _route in _vc.routes:
        _BY_ROUTE.setdefault((_route, _vc.parameter), []).append(_vc)


def classes_for(route: str | None, parameter: str) -> list[ValueClass]:
    return list(_BY_ROUTE.get((route or "", parameter), ()))


def model_verdict(vc: ValueClass, value: Any, model: ModelFacts | None) -> bool | None:
    """Whether the served model makes this class's value work: True, False, None (unknown)."""
    if vc.key in _MODEL_LIMITS:
        limit = model.max_model_len if model else None
        if not _number(value):
            return None
        if limit is None:
            return True if value <= CONTEXT_GUESS else None
        return value < limit
    if vc.model_ok is None or model is None:
        return None
    return vc.model_ok(model)


@dataclass(frozen=True)
class Refinement:
    """What a value class makes of one parameter at one call; the catalog turns it into an Assessment."""

    verdict: Verdict
    reason: str
    fix: str
    evidence: str | None
    value_class: str  # ValueClass.key, or several joined by ", " for a value the scan cannot see


def effective(vc: ValueClass, value: Any, model: ModelFacts | None) -> tuple[Verdict, str]:
    """The class's verdict and reason once the served model is taken into account."""
    if not vc.model_aware:
        return vc.verdict, vc.reason
    fits = model_verdict(vc, value, model)
    who = model.label if model is not None and model.name else "the served model"
    if fits is True:
        return Verdict.OK, f"{who} supports it ({vc.reason})"
    if fits is False:
        return vc.verdict, f"{vc.reason}; {who} does not"
    return vc.unknown_model or vc.verdict, f"depends on the model: {vc.reason}"


def refine(route: str | None, parameter: str, value: Any, others: Mapping[str, Any], model: ModelFacts | None,
           base: Verdict) -> Refinement | None:
    """The value class verdict for `parameter=value`, or None when no class applies (the name-keyed verdict
    stands). `value` is the call-site literal in JSON form, DYNAMIC when the scan cannot see it, NOT_GIVEN when
    the caller does not say; `others` holds the call's other parameters the same way (absent ones are missing)."""
    classes = classes_for(route, parameter)
    if not classes:
        return None
    if value is NOT_GIVEN:
        value = DYNAMIC
    open_: list[ValueClass] = []
    for vc in classes:
        hit = vc.matches(value, others)
        if hit is False:
            continue
        if hit is None:
            if vc.flag_dynamic:
                open_.append(vc)
            continue
        verdict, reason = effective(vc, value, model)
        if vc.verdict is Verdict.OK:  # a value that works where the name alone says otherwise
            return Refinement(verdict, reason, vc.fix, vc.evidence, vc.key)
        if verdict is Verdict.OK and base is Verdict.OK:
            return Refinement(verdict, reason, "", vc.evidence, vc.key)  # the served model makes it work
        if verdict is Verdict.OK or verdict.rank < base.rank:
            continue  # the model makes it work, or the name-keyed verdict is already worse
        shown = f"{parameter}={describe(value)}" if not isinstance(value, (list, dict)) else f"{parameter} ({vc.name})"
        return Refinement(verdict, f"{shown}: {reason}", vc.fix, vc.evidence, vc.key)
    worst: tuple[Verdict, ValueClass, str] | None = None
    for vc in open_:
        verdict, reason = effective(vc, value, model)
        if verdict.rank > base.rank and (worst is None or verdict.rank > worst[0].rank):
            worst = (verdict, vc, reason)
    if worst is None:
        return None
    verdict, vc, reason = worst
    classes_text = ", ".join(f"`{c.parameter}` {c.name}" for c in open_)
    return Refinement(
        verdict,
        f"depends on the value ({describe(value) if not is_dynamic(value) else 'not known statically'}): "
        f"{classes_text} — {reason}",
        vc.fix,
        vc.evidence,
        ", ".join(c.key for c in open_),
    )


def describe(value: Any, width: int = 40) -> str:
    """A short rendering of a call-site value for reasons: 0, 'none', [...], <dynamic>."""
    import json

    if is_dynamic(value):
        return "a value known only at run time"
    if value is None or isinstance(value, (bool, str)):
        text = repr(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = ["Refinement", "refine", "effective", "ValueClass", "VALUE_CLASSES", "ModelFacts", "UNKNOWN_MODEL", "KINDS", "DYNAMIC", "NOT_GIVEN",
           "DYNAMIC_KEY", "KWARGS", "dynamic", "is_dynamic", "classes_for", "model_verdict", "describe"]
