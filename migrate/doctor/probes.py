"""One small real request per feature, through the real `openai` SDK, judged by what the server answers.

Each probe returns (status, detail, fix); an `openai.APIStatusError` escaping a probe becomes a FAIL that quotes
the server's own message. Requests are tiny (a few tokens) so a probe costs the server next to nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from migrate.doctor.causes import DOCTOR, ROUTE_FIXES, Cause, Hints, diagnose, embeddings_fix, fix_for, tool_flags_fix
from migrate.doctor.report import Status
from migrate.doctor.servers import display_name, is_validation_error

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
USER = [{"role": "user", "content": "Say hello."}]


@dataclass
class ProbeContext:
    client: Any  # openai.OpenAI on the endpoint
    model: str
    embeddings_client: Any = None
    embeddings_model: str | None = None
    tool_parser_hint: str | None = None  # the parser `migrate serve` would pick for this model, if known
    tool_family: Any = None  # migrate.catalog.model_families.FamilyParsers for the served model, if known
    max_tokens: int = 16
    extra: dict = field(default_factory=dict)
    hints: Hints = DOCTOR  # how the calling command words its fixes
    server: str | None = None  # the server software (migrate.doctor.servers.identify); None: not known

    @property
    def is_vllm(self) -> bool:
        """Fixes name vLLM's flags only for vLLM, or for a server that does not say what it is."""
        return self.server in (None, "vllm", "unknown")

    @property
    def server_name(self) -> str:
        return display_name(self.server) if self.server not in (None, "unknown") else "the server"


@dataclass(frozen=True)
class ProbeOutcome:
    status: Status
    detail: str
    fix: str | None = None
    server_error: str | None = None
    http_status: int | None = None
    cause: Cause | None = None  # why a request failed (migrate.doctor.causes); None for a behaviour finding


Probe = Callable[[ProbeContext], ProbeOutcome]


def server_message(error: Exception) -> str:
    """The server's own words from an SDK error: the JSON body's message when there is one."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        for key in ("message", "detail", "error"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if value:
                return str(value)
    message = getattr(error, "message", None) or str(error)
    return str(message)


def _chat(ctx: ProbeContext, **kwargs):
    kwargs.setdefault("messages", USER)
    kwargs.setdefault("max_tokens", ctx.max_tokens)
    return ctx.client.chat.completions.create(model=ctx.model, **kwargs)


def probe_chat(ctx: ProbeContext) -> ProbeOutcome:
    answer = _chat(ctx)
    choice = answer.choices[0]
    return ProbeOutcome(Status.PASS, f"answered ({answer.usage.completion_tokens if answer.usage else '?'} tokens, "
                        f"finish_reason {choice.finish_reason})")


def probe_roles(ctx: ProbeContext) -> ProbeOutcome:
    import openai

    refused = []
    for role in ("system", "developer"):
        try:
            _chat(ctx, messages=[{"role": role, "content": "Be brief."}, *USER], max_tokens=2)
        except openai.BadRequestError as e:
            refused.append((role, e))
        except openai.InternalServerError as e:
            if not is_validation_error(e.status_code, server_message(e)):
                raise
            refused.append((role, e))  # llama-cpp-python answers a role its request model lacks with HTTP 500
    if not refused:
        return ProbeOutcome(Status.PASS, "system and developer messages accepted by the chat template")
    roles = " and ".join(r for r, _ in refused)
    first = refused[0][1]
    return ProbeOutcome(
        Status.FAIL, f"{roles} role refused",
        fix=(f"the model's chat template rejects the {roles} role: serve it with --chat-template FILE (a template "
             "that renders system/developer turns), or move those instructions into the first user message"
             if ctx.is_vllm else f"{ctx.server_name} refuses the {roles} role: send those instructions as a system "
             "message (or in the first user message)"),
        server_error=server_message(first), http_status=first.status_code)


def probe_stream(ctx: ProbeContext) -> ProbeOutcome:
    chunks = list(_chat(ctx, stream=True, stream_options={"include_usage": True}))
    text = "".join((c.choices[0].delta.content or "") for c in chunks if c.choices)
    usage = chunks[-1].usage if chunks else None
    if usage is None:
        return ProbeOutcome(Status.FAIL, f"{len(chunks)} chunks, but no usage chunk at the end",
                            fix="upgrade vLLM (stream_options.include_usage needs vLLM >= 0.5), or start it with "
                                "--enable-force-include-usage" if ctx.is_vllm else
                                f"{ctx.server_name} does not read stream_options.include_usage: count the streamed "
                                "tokens in the code, or make a non-streamed call where usage is needed")
    return ProbeOutcome(Status.PASS, f"{len(chunks)} chunks, {len(text)} characters, usage in the last chunk "
                        f"({usage.completion_tokens} completion tokens)")


# A forced tool call's JSON, cut at max_tokens before the parser could read it ('[{"name": "get_weather", ...').
_CUT_CALL = re.compile(r'^\s*[\[{].*"(?:name|function)"', re.S)
TOOLS_MAX_TOKENS = 96


def probe_tools(ctx: ProbeContext) -> ProbeOutcome:
    """tool_choice auto, required and a named function: accepted, and a forced choice answered with a tool call.

    A forced choice ("required", or a named function) that comes back without a get_weather call fails, with
    one exception: an answer cut at max_tokens whose text is the start of a tool call's JSON (the server was
    forcing the call; the budget ran out before the parser could read it). Plain text under a forced choice is
    proof the server does not enforce it, whether or not max_tokens cut it (llama.cpp answers `required` so).
    """
    import openai

    choices: list[tuple[str, Any]] = [
        ("auto", "auto"),
        ("required", "required"),
        ("named", {"type": "function", "function": {"name": "get_weather"}}),
    ]
    passed, failed, unforced, cut = [], [], [], []
    for label, choice in choices:
        try:
            answer = _chat(ctx, messages=[{"role": "user", "content": "Weather in Paris?"}], tools=[WEATHER_TOOL],
                           tool_choice=choice, max_tokens=TOOLS_MAX_TOKENS)
        except openai.BadRequestError as e:
            failed.append((label, e))
            continue
        choice_made = answer.choices[0]
        calls = choice_made.message.tool_calls or []
        if label == "auto" or any(c.function.name == "get_weather" for c in calls):
            passed.append(label)
        elif choice_made.finish_reason == "length" and _CUT_CALL.match(choice_made.message.content or ""):
            passed.append(label)
            cut.append(label)
        else:
            failed.append((label, None))
            unforced.append((label, choice_made))
    if not failed:
        accepted = "tool_choice auto, required and named accepted"
        if cut:
            accepted += (f" ({', '.join(cut)}: a tool call's JSON cut at max_tokens={TOOLS_MAX_TOKENS}, so the "
                         "parsed call was not seen)")
        return check_tool_parser(ctx, accepted)
    parser = ctx.tool_parser_hint
    refused = [(label, e) for label, e in failed if e is not None]
    if refused:
        detail = "refused: " + ", ".join(label for label, _ in refused)
        if passed:
            detail += "; accepted: " + ", ".join(passed)
        first = refused[0][1]
        return ProbeOutcome(Status.FAIL, detail,
                            fix=tool_flags_fix(parser) if ctx.is_vllm else
                            f"{ctx.server_name} refuses tool calling for this model: see its message",
                            server_error=server_message(first), http_status=first.status_code)
    said = "; ".join(f"tool_choice={label} came back with no get_weather call (finish_reason "
                     f"{made.finish_reason}, {'text' if made.message.content else 'no text'})"
                     for label, made in unforced)
    detail = f"{said}: the server accepts a forced tool_choice but does not enforce it"
    if passed:
        detail += "; answered as asked: " + ", ".join(passed)
    if ctx.is_vllm:
        fix = f"check that --tool-call-parser {parser or 'P'} matches the model's tool-call format"
    else:
        fix = (f"{ctx.server_name} does not force a tool call for " + " or ".join(label for label, _ in unforced)
               + ": name the function in tool_choice where the code needs a call, or handle a plain-text answer")
    return ProbeOutcome(Status.FAIL, detail, fix=fix)


def check_tool_parser(ctx: ProbeContext, accepted: str) -> ProbeOutcome:
    """Does the server's active tool parser read the served model family's tool calls?

    The family's canary (its own text for get_weather(city="Paris"), migrate.catalog.model_families) is forced as
    the model's output with vLLM's structured outputs, under tool_choice auto, so the parser sees exactly what a
    model of that family writes: a parser that reads the format returns a tool call, any other leaves the text in
    message.content. A server that ignores `structured_outputs` (not vLLM) makes the check inconclusive.
    """
    import openai

    from migrate.catalog.model_families import CANARY_ARGUMENTS, CANARY_TOOL

    row = ctx.tool_family
    if row is None or not row.canary:
        why = (f"no canary for the {row.family} format in the catalog" if row is not None
               else "the served model's family is not known")
        return ProbeOutcome(Status.PASS, f"{accepted}; which parser is active was not checked ({why})")
    try:
        answer = _chat(ctx, messages=[{"role": "user", "content": "Weather in Paris?"}], tools=[WEATHER_TOOL],
                       tool_choice="auto", max_tokens=160, temperature=0,
                       extra_body={"structured_outputs": {"regex": re.escape(row.canary)}})
    except openai.BadRequestError as e:
        return ProbeOutcome(Status.PASS, f"{accepted}; which parser is active was not checked (the server refused "
                            f"structured outputs: {server_message(e)[:120]})")
    choice = answer.choices[0]
    calls = [(c.function.name, c.function.arguments) for c in choice.message.tool_calls or []]
    if any(name == CANARY_TOOL and _json_or_none(args) == CANARY_ARGUMENTS for name, args in calls):
        return ProbeOutcome(Status.PASS, f"{accepted}; the active tool parser reads {row.family} tool calls (a "
                            f"{row.tool_parser}-format call came back as a get_weather tool call)")
    content = choice.message.content or ""
    if row.canary in content:
        return ProbeOutcome(
            Status.FAIL, f"{accepted}, but the server's tool parser does not read {row.family} tool calls: a "
            f"{row.tool_parser}-format call came back as plain text in message.content, so the code would see no "
            "tool_calls", fix=f"restart vLLM with --enable-auto-tool-choice --tool-call-parser {row.tool_parser} "
            f"(the parser for {row.family} models; `migrate serve --dry-run` derives it)")
    return ProbeOutcome(Status.PASS, f"{accepted}; which parser is active was not checked (the server did not "
                        "follow structured_outputs: not vLLM, or an older one)")


def _json_or_none(text: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _json_probe(ctx: ProbeContext, response_format: dict, what: str) -> ProbeOutcome:
    answer = _chat(ctx, response_format=response_format, max_tokens=64, seed=0)
    choice = answer.choices[0]
    content = choice.message.content or ""
    if choice.finish_reason == "stop":
        try:
            json.loads(content)
        except ValueError:
            return ProbeOutcome(Status.WARN, f"{what} accepted, but the answer is not JSON: {content[:60]!r}",
                                fix="the server is not enforcing response_format: check its structured-outputs backend "
                                    "(--structured-outputs-config)")
        return ProbeOutcome(Status.PASS, f"{what} accepted; the answer parses as JSON")
    return ProbeOutcome(Status.PASS, f"{what} accepted (answer cut at max_tokens, starts {content.lstrip()[:1]!r})")


def probe_json_object(ctx: ProbeContext) -> ProbeOutcome:
    return _json_probe(ctx, {"type": "json_object"}, "json_object")


def probe_json_schema(ctx: ProbeContext) -> ProbeOutcome:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"],
              "additionalProperties": False}
    return _json_probe(ctx, {"type": "json_schema", "json_schema": {"name": "doctor", "strict": True, "schema": schema}},
                       "json_schema")


def probe_n(ctx: ProbeContext) -> ProbeOutcome:
    answer = _chat(ctx, n=2, max_tokens=4)
    if len(answer.choices) != 2:
        return ProbeOutcome(Status.FAIL, f"n=2 returned {len(answer.choices)} choice(s)",
                            fix="the server ignores n: make one request per sample")
    return ProbeOutcome(Status.PASS, "n=2 returned 2 choices")


def probe_logprobs(ctx: ProbeContext) -> ProbeOutcome:
    answer = _chat(ctx, logprobs=True, top_logprobs=2, max_tokens=4)
    content = (answer.choices[0].logprobs.content if answer.choices[0].logprobs else None) or []
    if not content:
        return ProbeOutcome(Status.FAIL, "logprobs=True returned no token logprobs",
                            fix="start vLLM with a --max-logprobs at least the top_logprobs the code asks for"
                            if ctx.is_vllm else f"{ctx.server_name} returned no logprobs for logprobs=True with "
                            "top_logprobs=2: check what it supports before relying on them")
    return ProbeOutcome(Status.PASS, f"{len(content)} tokens with logprobs, {len(content[0].top_logprobs)} alternatives each")


def probe_embeddings(ctx: ProbeContext) -> ProbeOutcome:
    import openai

    client = ctx.embeddings_client or ctx.client
    model = ctx.embeddings_model or ctx.model
    try:
        answer = client.embeddings.create(model=model, input=["hello world"])
    except openai.NotFoundError as e:
        # A 404 naming the model is an unserved name; FastAPI's bare 404 is a server without the route.
        found = diagnose(status=e.status_code, message=server_message(e), endpoint="/v1/embeddings", model=model)
        fix = (fix_for(found.cause, [model], served=found.served, hints=ctx.hints) if found.cause == Cause.MODEL_NOT_SERVED
               else embeddings_fix(ctx.hints))
        return ProbeOutcome(Status.FAIL, f"/v1/embeddings answered 404 for model {model}", fix=fix,
                            server_error=server_message(e), http_status=e.status_code)
    vector = answer.data[0].embedding
    return ProbeOutcome(Status.PASS, f"{model}: a {len(vector)}-dimensional vector")


def probe_completions(ctx: ProbeContext) -> ProbeOutcome:
    answer = ctx.client.completions.create(model=ctx.model, prompt="Hello", max_tokens=4)
    return ProbeOutcome(Status.PASS, f"answered (finish_reason {answer.choices[0].finish_reason})")


def probe_responses(ctx: ProbeContext) -> ProbeOutcome:
    response = ctx.client.responses.create(model=ctx.model, input="Say hello.", max_output_tokens=16)
    kinds = sorted({item.type for item in response.output})
    return ProbeOutcome(Status.PASS, f"response {response.status}, output items: {', '.join(kinds) or 'none'}")


PROBES: dict[str, Probe] = {
    "chat": probe_chat,
    "roles": probe_roles,
    "stream": probe_stream,
    "tools": probe_tools,
    "json_object": probe_json_object,
    "json_schema": probe_json_schema,
    "n": probe_n,
    "logprobs": probe_logprobs,
    "embeddings": probe_embeddings,
    "completions": probe_completions,
    "responses": probe_responses,
}

# Fixes for a plain HTTP refusal of a whole feature (the probe itself raised): migrate.doctor.causes knows them.
FIX_ON_ERROR = ROUTE_FIXES
