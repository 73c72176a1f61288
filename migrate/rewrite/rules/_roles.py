"""What a client construction talks to, decided from the values its base_url and api_key can take.

Every combination of the values `Flow` finds is classified by `migrate.catalog.providers`; the client moves
to vLLM only when every combination is OpenAI's (or Azure's). One that is another provider's, a local
server, or a mix (`base_url = X if provider == "openrouter" else None`) is left alone: a wrong move would
send the OpenAI key to a third party, or break a client that works.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import libcst as cst

from migrate.catalog.providers import Classification, Evidence, Role, classify_client, classify_name
from migrate.rewrite.rules._values import DictValue, Env, Flow, Lit, NoneValue, Opaque, Value

MAX_COMBINATIONS = 32


@dataclass(frozen=True)
class Decision:
    found: tuple[Classification, ...]  # one per combination of values, deduplicated

    @property
    def roles(self) -> set[Role]:
        return {c.role for c in self.found}

    @property
    def migrates(self) -> bool:
        return bool(self.found) and all(c.role.migrates for c in self.found)

    @property
    def mixed(self) -> bool:
        return any(c.role.migrates for c in self.found) and not self.migrates

    def first(self, *roles: Role) -> Classification | None:
        return next((c for c in self.found if c.role in roles), None)

    @property
    def verdict(self) -> Classification:
        """The one classification that decides: another provider, then local, then unknown, then OpenAI."""
        for role in (Role.OTHER, Role.LOCAL, Role.UNKNOWN, Role.AZURE, Role.OPENAI):
            hit = self.first(role)
            if hit is not None:
                return hit
        return Classification(Role.OPENAI, "OpenAI", "no base_url: the SDK's default endpoint")

    def names(self) -> list[str]:
        """Who the values point at, each once: "OpenRouter", "OpenAI", "an endpoint the code computes"."""
        words = {Role.OPENAI: "OpenAI", Role.AZURE: "Azure OpenAI", Role.LOCAL: "a local server",
                 Role.OTHER: "another endpoint", Role.UNKNOWN: "an endpoint the code computes"}
        return list(dict.fromkeys(c.provider or words[c.role] for c in self.found))

    def describe_mix(self) -> str:
        """"OpenRouter or OpenAI (the URL is https://openrouter.ai/api/v1)": who, then why for the first other."""
        other = next((c for c in self.found if not c.role.migrates and c.because), None)
        return " or ".join(self.names()) + (f" ({other.because})" if other else "")


def decide(flow: Flow, base_url: cst.BaseExpression | None, api_key: cst.BaseExpression | None) -> Decision:
    bases = flow.values(base_url) if base_url is not None else []
    keys = flow.values(api_key) if api_key is not None else []
    return decide_values(bases, keys)


def decide_values(bases: list[Value], keys: list[Value], extra: tuple[Classification, ...] = ()) -> Decision:
    """As `decide`, for values already followed (module-level settings gathered from several statements)."""
    found: list[Classification] = list(extra)
    for base, key in itertools.islice(itertools.product(bases or [NoneValue()], keys or [NoneValue()]), MAX_COMBINATIONS):
        hints = [h for h in (_hint(base, "base_url"), _hint(key, "api_key")) if h is not None]
        got = hints[0] if hints else classify_client(evidence(base), evidence(key))
        if got not in found:
            found.append(got)
    return Decision(tuple(found))


def environment_settings(flow: Flow, state, module: cst.Module, base_vars: tuple[str, ...],
                         key_vars: tuple[str, ...] = ("OPENAI_API_KEY",)) -> tuple[list[Value], list[Value]] | None:
    """The values the module puts in the environment variables a client without base_url / api_key reads
    (`os.environ["OPENAI_BASE_URL"] = "https://api.groq.com/openai/v1"` before `OpenAI()`, an Ollama URL in
    $OPENAI_API_BASE before LangChain's `ChatOpenAI()`), followed to what they are: (base URLs, keys), or None when
    the module sets none of them. `state`: the rules' FileState of `module` (its text skips the walk where it
    names none of the variables)."""
    from migrate.rewrite.rules._base import env_settings

    source = state.source
    if source is not None and not any(var in source for var in (*base_vars, *key_vars)):
        return None
    settings = env_settings(state.nodes(module, (cst.Assign, cst.Call)), (*base_vars, *key_vars))
    bases = [v for var, expr in settings if var in base_vars for v in flow.values(expr)]
    keys = [v for var, expr in settings if var in key_vars for v in flow.values(expr)]
    return (bases, keys) if bases or keys else None


def decide_in_environment(flow: Flow, base_url: cst.BaseExpression | None, api_key: cst.BaseExpression | None,
                          environment: tuple[list[Value], list[Value]]) -> Decision:
    """As `decide`, for a client that reads what it is not given from the environment the module sets
    (`environment`, from environment_settings)."""
    bases = flow.values(base_url) if base_url is not None else environment[0]
    keys = flow.values(api_key) if api_key is not None else environment[1]
    return decide_values(bases, keys)


def evidence(value: Value) -> Evidence | None:
    if isinstance(value, NoneValue):
        return None
    if isinstance(value, Lit):
        return Evidence.of_literal(value.value)
    if isinstance(value, Env):
        return Evidence.of_env(value.var, value.default)
    if isinstance(value, DictValue):
        return Evidence(opaque="a dict")
    return Evidence(opaque=value.source)


def _hint(value: Value, what: str) -> Classification | None:
    if isinstance(value, Opaque) and value.hint:
        return classify_name(value.hint, what)
    return None


def foreign_client(rule, call: cst.Call) -> Classification | None:
    """Another provider's (or a local server's) client behind `client.chat.completions.create(...)`, when every
    binding of the receiver is one such construction: the call is not OpenAI's, so its model names and
    parameters stay as they are. None when the call is OpenAI's, or its client cannot be followed here."""
    from migrate.rewrite.rules._base import (CLIENT_CLASSES, ENDPOINT_TAILS, request_receiver, request_tail,
                                             strip_variants)

    tail = request_tail(call.func)
    size = next((n for n in (4, 3, 2) if len(tail) > n and tuple(tail[-n:]) in ENDPOINT_TAILS), None)
    if size is None:
        return None
    receiver = strip_variants(request_receiver(call.func, size))
    index = rule.state.import_index()
    if index is not None and index.never_spells(CLIENT_CLASSES):
        return None  # no client is built here: nothing below could find one (and it costs a scope analysis)
    flow = getattr(rule, "_client_flow", None) or Flow(rule)
    rule._client_flow = flow
    if isinstance(receiver, cst.Name):
        values = [flow.assigned_expr(t) for t in flow.referents(receiver)]
    elif isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name) and receiver.value.value == "self":
        values = flow.class_assignments(receiver)
    else:
        return None
    if not values or not all(isinstance(v, cst.Call) and rule.qname_in(v.func, CLIENT_CLASSES, called_by=v) for v in values):
        return None
    found = []
    for construction in values:
        base = next((a.value for a in construction.args if a.keyword and a.keyword.value == "base_url"), None)
        key = next((a.value for a in construction.args if a.keyword and a.keyword.value == "api_key"), None)
        decision = decide(flow, base, key)
        if decision.migrates or decision.mixed or decision.verdict.role not in (Role.OTHER, Role.LOCAL):
            return None
        found.append(decision.verdict)
    return found[0]
