"""OAI008 vllm-parameters: request parameters vLLM ignores or rejects are dropped, kept or commented.

What vLLM does with each parameter comes from the compatibility catalog (derived from the SDK's request
types and vLLM's request models, see docs/catalog.md). The default action per verdict:

    ignored-by-vllm  (store, metadata, service_tier, user, ...)   drop  (a `comment` when the value has
                                                                          side effects, a call say)
    needs-change     (audio, ...)                                   comment
    logit_bias                                                      comment, and never silently: `drop` and
                                                                    `keep` still leave a `# migrate:` note

Value-aware: a parameter whose fate depends on its value (top_p=0, temperature=0 with n > 1,
background=True, suffix=..., see the value classes in migrate/catalog/values.py) is never dropped. A literal
that fails on vLLM gets a `# migrate:` comment; a value that only may fail (one the code computes) or that
needs a server flag or environment variable gets a review item.

Override per parameter in `[tool.migrate.rewrite.parameters]`: `store = "keep"`, `user = "comment"`, ...
"""

from __future__ import annotations

import re
from functools import lru_cache

import libcst as cst

from migrate.catalog.legacy import ONLY_KEYWORDS, qualified_calls
from migrate.rewrite.patterns import PARAMETER_ACTIONS
from migrate.rewrite.target import (
    FALLBACK_IGNORED,
    FALLBACK_REJECTED,
    LOGIT_BIAS_NOTE,
    assess_value,
    default_action,
    judged_catalog,
)
from migrate.rewrite.rules._prune import words_pattern
from migrate.rewrite.rules._roles import foreign_client
from migrate.rewrite.rules._base import (
    ENDPOINT_TAILS,
    RuleTransformer,
    endpoint_of,
    is_simple_value,
    remove_args,
)

ACTIONS = PARAMETER_ACTIONS
_HANDLED_BY_OAI007 = frozenset({"functions", "function_call"})
# The 0.x calls whose parameters this rule checks (names from the catalog: migrate/catalog/legacy.py).
_LEGACY_ENDPOINTS = qualified_calls({"chat.completions.create", "completions.create", "embeddings.create"})
# What to pass instead of a 0.x-only argument left in a current call (OAI004 converts those of the 0.x calls).
_LEGACY_ONLY_FIXES = {
    "engine": "pass model= (the served model name)",
    "deployment_id": "pass model= (the served model name)",
    "request_timeout": "pass timeout=",
    "headers": "pass extra_headers=",
}
_CLIENT_SIDE_FIX = "the client carries it now (client.with_options(...) for this call)"


_CALL = re.compile(r"\.(?:create|parse|stream|acreate)\s*\(")


def wanted(source: str, state) -> bool:
    if not _CALL.search(source):
        return False
    return bool(_parameter_pattern(state.options).search(source)) or "embeddings" in source or "Embedding" in source


def _parameter_pattern(options=None) -> re.Pattern:
    return _parameter_pattern_for(judged_catalog(options))


@lru_cache(maxsize=4)
def _parameter_pattern_for(catalog) -> re.Pattern:
    """Any keyword argument some endpoint's verdict is not ok for (cheap pre-filter before parsing)."""
    names = set(FALLBACK_IGNORED | FALLBACK_REJECTED)
    if catalog is not None:
        from migrate.catalog.values import VALUE_CLASSES

        names.update(vc.parameter for vc in VALUE_CLASSES)
        for endpoint in set(_LEGACY_ENDPOINTS.values()) | {"chat.completions.parse", "responses.create"}:
            for params in catalog.non_ok_parameters(endpoint).values():
                names.update(params)
    names.update(ONLY_KEYWORDS)
    alternatives = "|".join(sorted(map(re.escape, names)))
    return re.compile(rf"\b(?:{alternatives})\s*=")


def call_literals(call: cst.Call) -> dict:
    """The call's keyword arguments by their literal values (JSON form, as the scan records them; parts that are
    not literals are dynamic markers)."""
    import ast

    from migrate.scan.detect.literals import literal

    out: dict = {}
    for arg in call.args:
        if arg.keyword is None:
            continue
        try:
            node = ast.parse(cst.Module([]).code_for_node(arg.value).strip(), mode="eval").body
        except SyntaxError:
            continue
        out[arg.keyword.value] = literal(node)
    return out


class Transformer(RuleTransformer):
    RULE_ID = "OAI008"

    def statement_filter(self):
        # The one hook acts on calls of an endpoint method, current (by the attribute chain's tail) or 0.x.
        return words_pattern({tail[-1] for tail in ENDPOINT_TAILS} | {q.rsplit(".", 1)[1] for q in _LEGACY_ENDPOINTS})

    def _endpoint_note(self, original: cst.Call, endpoint: str) -> None:
        """Endpoints vLLM serves only with another model or not at all: reported, the code is left as it is."""
        catalog = judged_catalog(self.state.options)
        if catalog is None:
            return
        verdict = catalog.endpoint_verdict(endpoint)
        if verdict.verdict.value in ("needs-server-flag", "unsupported"):
            self.review(original, f"{endpoint}: {verdict.reason}; {verdict.fix}", comment=False)

    def _has_work(self, original: cst.Call, endpoint: str) -> bool:
        """Whether the call gets a note or a parameter edit, before asking whose client it is (following the
        client's values costs a scope analysis of the module; most calls need nothing from this rule)."""
        catalog = judged_catalog(self.state.options)
        if catalog is not None and catalog.endpoint_verdict(endpoint).verdict.value in ("needs-server-flag",
                                                                                          "unsupported"):
            return True
        literals = None
        for arg in original.args:
            if arg.keyword is None or (arg.keyword.value in _HANDLED_BY_OAI007 and "OAI007" in self.state.active):
                continue
            if self._legacy_only(endpoint, arg.keyword.value):
                return True
            if literals is None:
                literals = call_literals(original)
            if assess_value(endpoint, arg.keyword.value, literals.get(arg.keyword.value), literals,
                            self.state.options):
                return True
        return False

    def _legacy_only(self, endpoint: str, name: str) -> bool:
        """A 0.x-only argument (engine=, request_timeout=, api_key=, ...) that the current SDK's method does not
        take: the call raises TypeError before any request is sent."""
        if name not in ONLY_KEYWORDS:
            return False
        catalog = judged_catalog(self.state.options)
        known = catalog.endpoints.get(endpoint) if catalog is not None else None
        return known is None or name not in known.sdk_params

    def _legacy_only_note(self, original: cst.Call, name: str) -> None:
        fix = _LEGACY_ONLY_FIXES.get(name, _CLIENT_SIDE_FIX)
        self.review(original, f"{name}= is a 0.x argument: openai>=1 raises TypeError on it; {fix}",
                    note=f"{name}= is a 0.x argument (TypeError in openai>=1): {fix}")

    def _value_note(self, original: cst.Call, name: str, verdict: str, reason: str, fix: str,
                    policy: dict[str, str]) -> bool:
        """A verdict decided by the value (top_p=0, background=True, suffix=...): the parameter's name alone is
        fine, so the value is never dropped; a certain failure gets a `# migrate:` comment, a value that only
        may fail (one the code computes, or one that needs a server flag) a review item. True when the
        configured policy asks for the usual handling instead."""
        if name in policy:
            return True
        certain = not reason.startswith("depends on the value")
        if certain and verdict == "needs-change":
            self.review(original, f"{name}=: {reason}; {fix}", note=f"{name}= fails on vLLM with this value: {fix}")
        else:
            self.review(original, f"{name}=: {reason}; {fix}", comment=False)
        return False

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        endpoint = endpoint_of(original)
        if endpoint is None:
            legacy = self.qname_in(original.func, _LEGACY_ENDPOINTS)
            endpoint = _LEGACY_ENDPOINTS.get(legacy) if legacy else None
        if endpoint is None or not self._has_work(original, endpoint):
            return updated
        if foreign_client(self, original) is not None:
            return updated  # another provider's call: its parameters are that provider's
        catalog = judged_catalog(self.state.options)
        if catalog is not None and "OAI001" in self.state.active and endpoint in catalog.endpoints \
                and not catalog.endpoints[endpoint].served:
            return updated  # OAI001 keeps this call on OpenAI (and says so): its parameters are OpenAI's
        self._endpoint_note(original, endpoint)
        policy: dict[str, str] = self.state.options.get("parameters", {})
        drop: set[str] = set()
        literals = call_literals(original)
        for arg in original.args:
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            if name in _HANDLED_BY_OAI007 and "OAI007" in self.state.active:
                continue
            if self._legacy_only(endpoint, name):
                self._legacy_only_note(original, name)
                continue
            found = assess_value(endpoint, name, literals.get(name), literals, self.state.options)
            if found is None:
                continue
            verdict, reason, fix, value_class = found
            if value_class is not None and not self._value_note(original, name, verdict, reason, fix, policy):
                continue
            action = policy.get(name) or default_action(verdict, name)
            if name == "logit_bias":
                self.review(original, f"{LOGIT_BIAS_NOTE} ({reason})", note=LOGIT_BIAS_NOTE)
                if action == "drop":
                    drop.add(name)
                continue
            if action == "drop" and policy.get(name) != "drop" and not is_simple_value(arg.value):
                action = "comment"  # dropping would also drop the side effects of computing the value
            if action == "drop":
                drop.add(name)
            elif action == "comment":
                short = (f"vLLM ignores {name}=: it has no effect there" if verdict == "ignored-by-vllm"
                         else f"{name}= is refused by vLLM: {fix}" if verdict == "unsupported"
                         else f"{name}= does not work on vLLM: {fix}")
                self.review(original, f"{name}=: {reason}; {fix}", note=short)
        if drop:
            self.edited(len(drop))
            return remove_args(updated, drop)
        return updated
