"""Probe a live OpenAI-compatible endpoint parameter by parameter and write a target profile.

For each endpoint (chat, completions, embeddings, responses; models.list and moderations as routes only) the
prober sends a baseline request, then one request per SDK parameter with a representative value from
`VALUES`, through the real `openai` SDK, and records what came back (migrate.catalog.profile.Observation):
the status, the server's message when it refused, and, where the effect is observable (n, logprobs, echo,
max_tokens, stop, streaming, usage, the response's shape), whether the parameter changed the answer compared
to the baseline. The parameters come from the catalog (the SDK's own signature), never from a copy here.

Bounded: `budget` requests per endpoint (a few dozen; `max_tokens` tiny), fixed prompts ("Say hello."), never
the user's data. A probe that fails (connection, timeout, 5xx) is recorded as failed, not guessed. Nothing
here assumes vLLM: routes a server lacks come back as 404 and are recorded as refused.

    from migrate.doctor.profile import probe_profile
    profile = probe_profile(["http://127.0.0.1:8000/v1"], name="my-vllm")
    profile.save("target.json")
"""

from __future__ import annotations

import datetime
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from migrate.catalog.profile import (
    ACCEPTED,
    DEFAULT_VALUE_CLASS,
    CHANGED,
    FAILED,
    IGNORED,
    NOT_OBSERVABLE,
    NOT_PROBED,
    REFUSED,
    UNCHANGED,
    Configuration,
    ModelFacts,
    Observation,
    Profile,
)
from migrate.catalog.values import VALUE_CLASSES
from migrate.doctor.causes import Cause, diagnose
from migrate.doctor.probes import USER, WEATHER_TOOL, server_message
from migrate.doctor.servers import identify, is_validation_error

# "set the environment variable `VLLM_ENABLE_RESPONSES_API_STORE=1`": a server setting the message names.
_ENV_NAMED = re.compile(r"environment variable `?([A-Z][A-Z0-9_]{3,})")
DEFAULT_BUDGET = 48  # requests per endpoint and configuration
MAX_TOKENS = 4
PROMPT = "Say hello."
# A 1x1 transparent PNG: enough to ask whether the model takes images, and no user data.
PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5"
         "ErkJggg==")
RESPONSES_TOOL = {"type": "function", "name": "get_weather", "description": "Current weather for a city",
                  "parameters": WEATHER_TOOL["function"]["parameters"]}


@dataclass(frozen=True)
class Shot:
    """The observable shape of one answer, compared with the baseline's."""

    choices: int = 0
    text: str = ""
    finish: str | None = None
    completion_tokens: int | None = None
    logprobs: int = 0  # tokens with logprobs in the first choice
    top_logprobs: int = 0  # alternatives per token
    chunks: int = 0  # a streamed answer's chunks
    usage_chunk: bool = False
    tool_calls: int = 0
    vector: int | str | None = None  # embedding length, or "base64"
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Value:
    """A representative value for one parameter, what it needs beside it, and how its effect shows."""

    value: Any
    companions: dict = field(default_factory=dict)  # other parameters the value needs ({"tools": [...]})
    effect: Callable[[Shot, Shot], bool | None] | None = None  # (baseline, answer) -> changed?; None: not observable
    observed: str = ""  # what the effect check looks at, in words
    stream: bool = False


def _fewer_tokens(base: Shot, shot: Shot) -> bool | None:
    if shot.completion_tokens is None:
        return None
    return shot.completion_tokens == 1


def _stopped(base: Shot, shot: Shot) -> bool | None:
    return len(shot.text) < len(base.text) if base.text else None


_TWO = (lambda b, s: s.choices == 2, "2 choices")
_LOGPROBS = (lambda b, s: s.logprobs > 0, "token logprobs in the answer")
_TOP2 = (lambda b, s: s.top_logprobs == 2, "2 alternatives per token")
_ONE_TOKEN = (_fewer_tokens, "1 completion token instead of the baseline's")
_STOP = (_stopped, "text cut at the stop sequence")
_STREAM = (lambda b, s: s.chunks > 0, "an event stream")
_USAGE = (lambda b, s: s.usage_chunk, "a usage chunk at the end of the stream")
# "auto" lets the model decide, so no call is not proof of being ignored; a call is proof of being honoured.
_TOOL_CALL = (lambda b, s: True if s.tool_calls > 0 else None, "a get_weather tool call")


def _v(value, effect=None, stream=False, **companions) -> Value:
    check, words = effect or (None, "")
    return Value(value, companions, check, words, stream)


# Representative values per endpoint and parameter. A parameter of the SDK endpoint that is missing here is
# recorded as not probed ("no representative value"), so a newer SDK never gets a guessed verdict.
VALUES: dict[str, dict[str, Value]] = {
    "chat.completions.create": {
        "max_tokens": _v(1, _ONE_TOKEN),
        "max_completion_tokens": _v(1, _ONE_TOKEN),
        "n": _v(2, _TWO, temperature=1.0),  # with greedy sampling (the baseline's temperature 0) vLLM wants n=1
        "logprobs": _v(True, _LOGPROBS),
        "top_logprobs": _v(2, _TOP2, logprobs=True),
        "stop": _v("STOP_FROM_BASELINE", _STOP),
        "stream": _v(True, _STREAM, stream=True),
        "stream_options": _v({"include_usage": True}, _USAGE, stream=True),
        "temperature": _v(0.5),
        "top_p": _v(0.5),
        "presence_penalty": _v(0.5),
        "frequency_penalty": _v(0.5),
        "seed": _v(7),
        "logit_bias": _v({"1": -100}),
        "response_format": _v({"type": "json_object"}),
        "tools": _v([WEATHER_TOOL]),
        "tool_choice": _v("auto", _TOOL_CALL, tools=[WEATHER_TOOL]),
        "parallel_tool_calls": _v(False, tools=[WEATHER_TOOL]),
        "reasoning_effort": _v("low"),
        "user": _v("migrate-kit-probe"),
        "safety_identifier": _v("migrate-kit-probe"),
        "prompt_cache_key": _v("migrate-kit-probe"),
        "store": _v(True),
        "metadata": _v({"probe": "migrate-kit"}),
        "service_tier": _v("auto"),
        "modalities": _v(["text"]),
        "verbosity": _v("low"),
        "prediction": _v({"type": "content", "content": "Hello"}),
        "web_search_options": _v({}),
        "prompt_cache_retention": _v("24h"),
        "prompt_cache_options": _v({"mode": "implicit"}),
        "moderation": _v({"model": "omni-moderation-latest"}),
        "audio": _v({"voice": "alloy", "format": "wav"}),
        "functions": _v([WEATHER_TOOL["function"]]),
        "function_call": _v("auto", functions=[WEATHER_TOOL["function"]]),
    },
    "completions.create": {
        "max_tokens": _v(1, _ONE_TOKEN),
        "n": _v(2, _TWO, temperature=1.0),
        "best_of": _v(2),
        "echo": _v(True, (lambda b, s: s.text.startswith(PROMPT), "the text starts with the prompt")),
        "logprobs": _v(2, _LOGPROBS),
        "stop": _v("STOP_FROM_BASELINE", _STOP),
        "stream": _v(True, _STREAM, stream=True),
        "stream_options": _v({"include_usage": True}, _USAGE, stream=True),
        "suffix": _v("!"),
        "temperature": _v(0.5),
        "top_p": _v(0.5),
        "presence_penalty": _v(0.5),
        "frequency_penalty": _v(0.5),
        "seed": _v(7),
        "logit_bias": _v({"1": -100}),
        "user": _v("migrate-kit-probe"),
    },
    "embeddings.create": {
        "dimensions": _v(8, (lambda b, s: s.vector == 8, "an 8-dimensional vector")),
        "encoding_format": _v("base64", (lambda b, s: s.vector == "base64", "a base64 string instead of floats")),
        "user": _v("migrate-kit-probe"),
    },
    "responses.create": {
        "instructions": _v("Be brief."),
        "max_output_tokens": _v(8, (lambda b, s: (s.completion_tokens <= 8 if s.completion_tokens is not None and
                                                  (b.completion_tokens or 0) > 8 else None),
                                    "at most 8 output tokens (the baseline allows 16)")),
        "temperature": _v(0.5),
        "top_p": _v(0.5),
        "store": _v(False),
        "metadata": _v({"probe": "migrate-kit"}),
        "tools": _v([RESPONSES_TOOL]),
        "tool_choice": _v("auto", tools=[RESPONSES_TOOL]),
        "parallel_tool_calls": _v(False, tools=[RESPONSES_TOOL]),
        "text": _v({"format": {"type": "text"}}),
        "truncation": _v("auto"),
        "user": _v("migrate-kit-probe"),
        "safety_identifier": _v("migrate-kit-probe"),
        "prompt_cache_key": _v("migrate-kit-probe"),
        "service_tier": _v("auto"),
        "reasoning": _v({"effort": "low"}),
        "include": _v(["message.output_text.logprobs"]),
        "top_logprobs": _v(2, include=["message.output_text.logprobs"]),
        "max_tool_calls": _v(1),
        "stream": _v(True, _STREAM, stream=True),
        "stream_options": _v({"include_obfuscation": False}, _STREAM, stream=True),
        "prompt_cache_retention": _v("24h"),
        "background": _v(True),
    },
}
# Parameters every request carries (judged by the baseline), and those only meaningful with state the prober
# does not create (an earlier response, a stored prompt, a conversation).
BASELINE = {"model", "messages", "prompt", "input"}
STATEFUL = {"previous_response_id": "needs an earlier stored response", "conversation": "needs a stored conversation",
            "prompt": "needs a stored prompt template"}


# Value classes whose example is no small request (on a hosted API it would cost real money).
NOT_SENT = {"prompt=more than 1024 prompts"}


class Budget:
    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0

    def take(self) -> bool:
        if self.used >= self.limit:
            return False
        self.used += 1
        return True


# -- sending ---------------------------------------------------------------------------------------------------
def _send(client, endpoint: str, model: str, params: dict, stream: bool) -> Shot:
    if endpoint == "chat.completions.create":
        body = {"messages": USER, "max_tokens": MAX_TOKENS, "temperature": 0, **params}
        if "max_completion_tokens" in params:
            body.pop("max_tokens")
        answer = client.chat.completions.create(model=model, **body)
        return _chat_shot(answer, stream)
    if endpoint == "completions.create":
        body = {"prompt": PROMPT, "max_tokens": MAX_TOKENS, "temperature": 0, **params}
        return _completion_shot(client.completions.create(model=model, **body), stream)
    if endpoint == "embeddings.create":
        answer = client.embeddings.create(model=model, input=["hello world"], **params)
        vector = answer.data[0].embedding
        return Shot(choices=len(answer.data), vector="base64" if isinstance(vector, str) else len(vector))
    if endpoint == "responses.create":
        body = {"input": PROMPT, "max_output_tokens": 16, **params}
        answer = client.responses.create(model=model, **body)
        if stream:
            return Shot(chunks=sum(1 for _ in answer))
        text = getattr(answer, "output_text", "") or ""
        usage = getattr(answer, "usage", None)
        return Shot(choices=1, text=text, completion_tokens=getattr(usage, "output_tokens", None),
                    tool_calls=sum(1 for item in answer.output if item.type == "function_call"),
                    keys=tuple(sorted(item.type for item in answer.output)))
    if endpoint == "models.list":
        return Shot(choices=len(client.models.list().data))
    if endpoint == "moderations.create":
        answer = client.moderations.create(model=model, input="hello")
        return Shot(choices=len(answer.results))
    raise ValueError(f"no prober for {endpoint}")


def _chat_shot(answer, stream: bool) -> Shot:
    if stream:
        chunks = list(answer)
        text = "".join((c.choices[0].delta.content or "") for c in chunks if c.choices)
        return Shot(choices=1, text=text, chunks=len(chunks), usage_chunk=bool(chunks and chunks[-1].usage))
    first = answer.choices[0]
    content = (first.logprobs.content if first.logprobs else None) or []
    return Shot(choices=len(answer.choices), text=first.message.content or "", finish=first.finish_reason,
                completion_tokens=answer.usage.completion_tokens if answer.usage else None,
                logprobs=len(content), top_logprobs=len(content[0].top_logprobs) if content else 0,
                tool_calls=len(first.message.tool_calls or []))


def _completion_shot(answer, stream: bool) -> Shot:
    if stream:
        chunks = list(answer)
        text = "".join(c.choices[0].text for c in chunks if c.choices)
        return Shot(choices=1, text=text, chunks=len(chunks), usage_chunk=bool(chunks and chunks[-1].usage))
    first = answer.choices[0]
    tokens = (first.logprobs.tokens if first.logprobs else None) or []
    return Shot(choices=len(answer.choices), text=first.text or "", finish=first.finish_reason,
                completion_tokens=answer.usage.completion_tokens if answer.usage else None, logprobs=len(tokens))


def _attempt(config: str, client, endpoint: str, model: str, params: dict, stream: bool,
             value: str | None = None) -> tuple[Observation, Shot | None]:
    """Send one request; the observation without the effect, and the answer's shape when it came back."""
    import openai

    try:
        shot = _send(client, endpoint, model, params, stream)
        return Observation(config, ACCEPTED, value=value, status=200), shot
    except openai.APIStatusError as e:
        message = server_message(e)
        if e.status_code >= 500 and not is_validation_error(e.status_code, message):
            return Observation(config, FAILED, value=value, status=e.status_code, message=message,
                               note="the server failed on the request (5xx)"), None
        found = diagnose(status=e.status_code, message=message)
        needs = tuple(found.subject.split()) if found.cause == Cause.FLAG_MISSING and found.subject else ()
        needs += tuple(f"{name}=1" for name in dict.fromkeys(_ENV_NAMED.findall(message)))
        note = ("the server reports a failed request validation as a 5xx" if e.status_code >= 500 else None)
        return Observation(config, REFUSED, value=value, status=e.status_code, message=message, needs=needs,
                           note=note), None
    except openai.APITimeoutError:
        return Observation(config, FAILED, value=value, note="no answer within the timeout"), None
    except openai.APIConnectionError as e:
        return Observation(config, FAILED, value=value, note=f"connection failed: {str(e.__cause__ or e)[:200]}"), None
    except Exception as e:  # noqa: BLE001 - an answer the SDK cannot read is a finding, not a crash
        return Observation(config, FAILED, value=value, status=200,
                           note=f"unreadable answer: {type(e).__name__}: {str(e)[:200]}"), None


# -- probing one configuration -------------------------------------------------------------------------------
ENDPOINTS = ("chat.completions.create", "completions.create", "embeddings.create", "responses.create")
ROUTE_ONLY = ("models.list", "moderations.create")


def probe_configuration(config: str, client, *, chat_model: str | None, embed_model: str | None,
                        sdk_params: dict[str, Sequence[str]], budget: int = DEFAULT_BUDGET,
                        endpoints: Sequence[str] = ENDPOINTS, log: Callable[[str], None] | None = None,
                        value_classes: dict[str, Sequence] | None = None,
                        ) -> tuple[dict[str, dict[str, list[Observation]]], int]:
    """Observations per endpoint and parameter for one server, and the number of requests sent.

    `value_classes`: endpoint -> the value classes (migrate.catalog.values.ValueClass) of its route; after the
    parameters, each class's `example` fragment is sent as is and recorded under its parameter with
    `value_class=vc.key`, within the same budget."""
    out: dict[str, dict[str, list[Observation]]] = {}
    sent = 0
    for endpoint in (*endpoints, *ROUTE_ONLY):
        model = embed_model if endpoint in ("embeddings.create", "moderations.create") else chat_model
        model = model or chat_model or embed_model or ""
        spend = Budget(budget)
        spend.take()
        base_obs, base = _attempt(config, client, endpoint, model, {}, False)
        sent += 1
        found: dict[str, list[Observation]] = {"": [base_obs]}
        out[endpoint] = found
        if log:
            log(f"{config}: {endpoint} baseline -> {base_obs.status or base_obs.outcome}")
        if endpoint in ROUTE_ONLY:
            continue
        table = VALUES.get(endpoint, {})
        for parameter in sorted(sdk_params.get(endpoint, ())):
            if parameter in BASELINE and parameter not in table:
                continue
            if base is None:
                why = ("the endpoint itself was refused in this configuration" if base_obs.outcome == REFUSED
                       else "the baseline request failed")
                found[parameter] = [Observation(config, NOT_PROBED, note=why)]
                continue
            if parameter in STATEFUL:
                found[parameter] = [Observation(config, NOT_PROBED, note=STATEFUL[parameter])]
                continue
            spec = table.get(parameter)
            if spec is None:
                found[parameter] = [Observation(config, NOT_PROBED, note="no representative value in migrate-kit's table")]
                continue
            if not spend.take():
                found[parameter] = [Observation(config, NOT_PROBED, note=f"budget of {budget} requests spent")]
                continue
            value = spec.value
            if value == "STOP_FROM_BASELINE":
                value = [base.text[2:4]] if len(base.text) >= 4 else ["\n"]
            params = {**spec.companions, parameter: value}
            if spec.stream:
                params["stream"] = True
            shown = json.dumps(value, ensure_ascii=False)[:120]
            obs, shot = _attempt(config, client, endpoint, model, params, spec.stream, shown)
            sent += 1
            if shot is not None:
                obs = _with_effect(obs, spec, base, shot)
            found[parameter] = [obs]
            if log:
                log(f"{config}: {endpoint} {parameter}={shown} -> {obs.status or obs.outcome} {obs.effect or ''}")
        if base is not None:
            sent += _probe_value_classes(config, client, endpoint, model, (value_classes or {}).get(endpoint, ()),
                                         found, spend, budget, log)
    return out, sent


def _probe_value_classes(config: str, client, endpoint: str, model: str, classes: Sequence,
                         found: dict[str, list[Observation]], spend: Budget, budget: int,
                         log: Callable[[str], None] | None) -> int:
    """Send each value class's example fragment (fixed data from migrate.catalog.values, never the user's)."""
    from dataclasses import replace

    sent = 0
    for vc in classes:
        if not vc.probe_shows or vc.parameter in STATEFUL or vc.key in NOT_SENT:
            continue  # an HTTP 200 would prove nothing, the class needs state the prober does not create, or too big
        shown = json.dumps(vc.example[vc.parameter], ensure_ascii=False)[:120]
        if not spend.take():
            obs = Observation(config, NOT_PROBED, value=shown, note=f"budget of {budget} requests spent")
        else:
            obs, _ = _attempt(config, client, endpoint, model, dict(vc.example), False, shown)
            sent += 1
        found.setdefault(vc.parameter, []).append(replace(obs, value_class=vc.key))
        if log:
            log(f"{config}: {endpoint} [{vc.key}] -> {obs.status or obs.outcome}")
    return sent


def _with_effect(obs: Observation, spec: Value, base: Shot, shot: Shot) -> Observation:
    from dataclasses import replace

    if spec.effect is None:
        return replace(obs, effect=NOT_OBSERVABLE)
    changed = spec.effect(base, shot)
    if changed is None:
        return replace(obs, effect=NOT_OBSERVABLE, observed=f"{spec.observed}: not measurable on this answer")
    if changed:
        return replace(obs, effect=CHANGED, observed=spec.observed)
    return replace(obs, outcome=IGNORED, effect=UNCHANGED, observed=f"expected {spec.observed}; the answer looked "
                   "like the baseline")


def model_facts(config: str, client, cards: list, chat_ok: dict[str, bool], embed_ok: dict[str, bool],
                tools: bool | None = None) -> tuple[ModelFacts, ...]:
    """What each served model is, from its model card and a few tiny requests (roles, images)."""
    import openai

    facts = []
    for card in cards:
        name = card.id
        kind = "generative" if chat_ok.get(name) else "pooling" if embed_ok.get(name) else "unknown"
        roles: dict[str, bool] = {}
        multimodal = None
        if kind == "generative":
            for role in ("system", "developer"):
                try:
                    client.chat.completions.create(model=name, max_tokens=1,
                                                   messages=[{"role": role, "content": "Be brief."}, *USER])
                    roles[role] = True
                except openai.BadRequestError:
                    roles[role] = False
                except openai.APIStatusError as e:
                    if is_validation_error(e.status_code, server_message(e)):
                        roles[role] = False  # llama-cpp-python: the role fails validation, answered as HTTP 500
                except openai.APIError:
                    pass
            try:
                client.chat.completions.create(model=name, max_tokens=1, messages=[{"role": "user", "content": [
                    {"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": PIXEL}}]}])
                multimodal = True
            except openai.BadRequestError:
                multimodal = False
            except openai.APIError:
                pass
        root = getattr(card, "root", None)
        if root and root.startswith("/"):
            root = root.rstrip("/").rsplit("/", 1)[-1]  # a local path says nothing to another machine
        facts.append(ModelFacts(name=name, kind=kind, root=root,
                                max_model_len=getattr(card, "max_model_len", None), multimodal=multimodal,
                                roles=roles, tools=tools if kind == "generative" else None))
    return tuple(facts)


@dataclass(frozen=True)
class Target:
    """One server to probe, and what is known about how it was started."""

    base_url: str
    name: str = "target"
    flags: tuple[str, ...] | None = None
    env: dict[str, str] | None = None
    description: str = ""
    api_key: str = "EMPTY"


def probe_profile(targets: Sequence[Target | str], *, name: str = "target", budget: int = DEFAULT_BUDGET,
                  timeout_s: float = 30.0, probed_by: str | None = None, catalog=None,
                  log: Callable[[str], None] | None = None) -> Profile:
    """Probe each target (a configuration of the profile) and return the profile.

    Raises migrate.doctor.run.DoctorError when a target cannot be reached at all or lists no models; every
    other failure is recorded in the profile.
    """
    import openai

    from migrate import __version__
    from migrate.catalog import load_catalog
    from migrate.doctor.run import DoctorError, _server_version, list_models, reach

    catalog = catalog or load_catalog(target=False)
    sdk_params = {ep: sorted(catalog.endpoints[ep].sdk_params) for ep in ENDPOINTS if ep in catalog.endpoints}
    classes = {ep: [vc for vc in VALUE_CLASSES if catalog.endpoints[ep].vllm_route in vc.routes]
               for ep in sdk_params}
    configurations, endpoints = [], {}
    started = datetime.datetime.now(datetime.timezone.utc)
    for t in targets:
        t = Target(base_url=t, name=name if len(targets) == 1 else f"target{len(configurations) + 1}") \
            if isinstance(t, str) else t
        base_url = t.base_url.rstrip("/")
        reach(base_url, timeout_s)
        client = openai.OpenAI(base_url=base_url, api_key=t.api_key or "EMPTY", timeout=timeout_s, max_retries=0)
        cards = list_models(client, base_url)
        if not cards:
            raise DoctorError(f"{base_url} lists no models: nothing to probe with")
        chat_ok = {c.id: _works(client, "chat.completions.create", c.id) for c in cards}
        chat_model = next((n for n, ok in chat_ok.items() if ok), None)
        embed_ok = {c.id: _works(client, "embeddings.create", c.id) for c in cards if not chat_ok[c.id]}
        embed_model = next((n for n, ok in embed_ok.items() if ok), None)
        t0 = time.monotonic()
        found, sent = probe_configuration(t.name, client, chat_model=chat_model or cards[0].id, embed_model=embed_model,
                                          sdk_params=sdk_params, budget=budget, log=log, value_classes=classes)
        tool_obs = found.get("chat.completions.create", {}).get("tool_choice", [])
        tools = (tool_obs[0].outcome == ACCEPTED) if tool_obs and tool_obs[0].outcome in (ACCEPTED, REFUSED) else None
        models = model_facts(t.name, client, cards, chat_ok, embed_ok, tools)
        version = _server_version(base_url, timeout_s)
        server = identify(getattr(c, "owned_by", None) for c in cards)
        configurations.append(Configuration(
            name=t.name, base_url=base_url, server=server, version=version, flags=t.flags, env=t.env, models=models,
            requests=sent + len(cards) + len(embed_ok) + 3 * sum(1 for m in models if m.kind == "generative"),
            description=t.description or f"probed in {time.monotonic() - t0:.0f} s"))
        for ep, params in found.items():
            for p, obs in params.items():
                endpoints.setdefault(ep, {}).setdefault(p, []).extend(obs)
    return Profile(name=name, probed_at=started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   probed_by=probed_by or f"migrate-kit {__version__} (migrate doctor --save-profile)",
                   configurations=tuple(configurations), endpoints=endpoints, budget=budget)


def _works(client, endpoint: str, model: str) -> bool:
    import openai

    try:
        _send(client, endpoint, model, {"max_tokens": 1} if endpoint == "chat.completions.create" else {}, False)
        return True
    except openai.APIError:
        return False


__all__ = ["probe_profile", "probe_configuration", "summarize", "Target", "VALUES", "DEFAULT_BUDGET"]


def summarize(profile: Profile) -> list[str]:
    """A few lines for the terminal: what was probed, and every parameter that is not simply accepted."""
    from migrate.catalog.profile import NEEDS_FLAG

    lines = []
    for c in profile.configurations:
        models = ", ".join(f"{m.name} ({m.kind})" for m in c.models)
        lines.append(f"{c.base_url}: {c.server} {c.version or '(version unknown)'}, {models}; {c.requests} requests")
    counts: dict[str, int] = {}
    for ep, params in sorted(profile.endpoints.items()):
        route = profile.judge_route(ep)
        if route is not None and route.outcome == REFUSED:
            lines.append(f"  {ep}: not served (HTTP {route.status})")
            continue
        for p in sorted(params):
            if not p:
                continue
            if all(o.value_class != DEFAULT_VALUE_CLASS for o in params[p]):  # only value classes (messages)
                _class_lines(profile, ep, p, lines)
                continue
            j = profile.judge_parameter(ep, p)
            outcome = j.outcome if j else (FAILED if any(o.outcome == FAILED for o in params[p]) else NOT_PROBED)
            counts[outcome] = counts.get(outcome, 0) + 1
            if j is not None and j.outcome in (REFUSED, NEEDS_FLAG, IGNORED):
                lines.append(f"  {ep} {p}: {j.outcome}: {j.reason}")
            elif outcome == FAILED:
                note = next(o.note or o.message for o in params[p] if o.outcome == FAILED)
                lines.append(f"  {ep} {p}: probe failed: {note}")
            _class_lines(profile, ep, p, lines)
    lines.append("parameters: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return lines


def _class_lines(profile: Profile, endpoint: str, parameter: str, lines: list[str]) -> None:
    """A line for each probed value class the server does not simply accept."""
    for key in profile.value_classes(endpoint, parameter):
        j = profile.judge_value_class(endpoint, key)
        if j is not None and j.outcome != ACCEPTED:
            lines.append(f"  {endpoint} [{key}]: {j.outcome}: {j.reason}")
