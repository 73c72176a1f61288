"""OAI008 vllm-parameters: request parameters vLLM ignores or rejects are dropped, kept or commented.

What vLLM does with each parameter comes from the compatibility catalog (derived from the SDK's request
types and vLLM's request models, see docs/catalog.md). The default action per verdict:

    ignored-by-vllm  (store, metadata, service_tier, user, ...)   drop  (a `comment` when the value has
                                                                          side effects, a call say)
    needs-change     (audio, ...)                                   comment
    logit_bias                                                      comment, and never silently: `drop` and
                                                                    `keep` still leave a `# migrate:` note

Override per parameter in `[tool.migrate.rewrite.parameters]`: `store = "keep"`, `user = "comment"`, ...
"""

from __future__ import annotations

import re
from functools import lru_cache

import libcst as cst

from migrate.rewrite.patterns import PARAMETER_ACTIONS
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
# Used only when the catalog cannot be loaded: the OpenAI-only chat parameters seen on openai 3.54 / vLLM 0.32
# (docs in /work/shared/VLLM_ON_CPU.md); vLLM accepts and drops them.
FALLBACK_IGNORED = frozenset({"metadata", "modalities", "moderation", "prediction", "prompt_cache_key",
                              "prompt_cache_options", "prompt_cache_retention", "safety_identifier", "service_tier",
                              "store", "verbosity", "web_search_options"})
FALLBACK_REJECTED = frozenset({"audio", "logit_bias"})
_HANDLED_BY_OAI007 = frozenset({"functions", "function_call"})
_LOGIT_BIAS_NOTE = ("logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute "
                    "them with its tokenizer (vLLM POST /tokenize) or remove the bias")
_LEGACY_ENDPOINTS = {"openai.ChatCompletion.create": "chat.completions.create",
                     "openai.ChatCompletion.acreate": "chat.completions.create",
                     "openai.Completion.create": "completions.create", "openai.Completion.acreate": "completions.create",
                     "openai.Embedding.create": "embeddings.create", "openai.Embedding.acreate": "embeddings.create"}


_CALL = re.compile(r"\.(?:create|parse|stream|acreate)\s*\(")


def wanted(source: str, state) -> bool:
    if not _CALL.search(source):
        return False
    return bool(_parameter_pattern().search(source)) or "embeddings" in source or "Embedding" in source


@lru_cache(maxsize=1)
def _catalog():
    try:
        from migrate.catalog import load_catalog

        return load_catalog()
    except Exception:  # noqa: BLE001 - no catalog: the fallback list in this module is used
        return None


@lru_cache(maxsize=1)
def _parameter_pattern() -> re.Pattern:
    """Any keyword argument some endpoint's verdict is not ok for (cheap pre-filter before parsing)."""
    names = set(FALLBACK_IGNORED | FALLBACK_REJECTED)
    catalog = _catalog()
    if catalog is not None:
        for endpoint in set(_LEGACY_ENDPOINTS.values()) | {"chat.completions.parse", "responses.create"}:
            for params in catalog.non_ok_parameters(endpoint).values():
                names.update(params)
    alternatives = "|".join(sorted(map(re.escape, names)))
    return re.compile(rf"\b(?:{alternatives})\s*=")


def assess(endpoint: str, parameter: str) -> tuple[str, str, str] | None:
    """(verdict, reason, fix) for a parameter vLLM does not honour, or None when it is fine."""
    catalog = _catalog()
    if catalog is None:
        if parameter in FALLBACK_IGNORED:
            return "ignored-by-vllm", f"vLLM ignores `{parameter}`", "remove it"
        if parameter in FALLBACK_REJECTED:
            return "needs-change", f"vLLM cannot honour `{parameter}`", "remove or replace it"
        return None
    known = catalog.endpoints.get(endpoint)
    if known is None or parameter not in known.sdk_params:
        return None  # not an OpenAI parameter of this endpoint (a 0.x-only or vLLM-only one): not this rule's business
    a = catalog.parameter(endpoint, parameter)
    if a.verdict.value in ("ignored-by-vllm", "needs-change"):
        return a.verdict.value, a.reason, a.fix
    return None


def default_action(verdict: str, parameter: str) -> str:
    return "drop" if verdict == "ignored-by-vllm" and parameter != "logit_bias" else "comment"


class Transformer(RuleTransformer):
    RULE_ID = "OAI008"

    def statement_filter(self):
        # The one hook acts on calls of an endpoint method, current (by the attribute chain's tail) or 0.x.
        return words_pattern({tail[-1] for tail in ENDPOINT_TAILS} | {q.rsplit(".", 1)[1] for q in _LEGACY_ENDPOINTS})

    def _endpoint_note(self, original: cst.Call, endpoint: str) -> None:
        """Endpoints vLLM serves only with another model or not at all: reported, the code is left as it is."""
        catalog = _catalog()
        if catalog is None:
            return
        verdict = catalog.endpoint_verdict(endpoint)
        if verdict.verdict.value in ("needs-server-flag", "unsupported"):
            self.review(original, f"{endpoint}: {verdict.reason}; {verdict.fix}", comment=False)

    def _has_work(self, original: cst.Call, endpoint: str) -> bool:
        """Whether the call gets a note or a parameter edit, before asking whose client it is (following the
        client's values costs a scope analysis of the module; most calls need nothing from this rule)."""
        catalog = _catalog()
        if catalog is not None and catalog.endpoint_verdict(endpoint).verdict.value in ("needs-server-flag",
                                                                                          "unsupported"):
            return True
        return any(arg.keyword is not None and not (arg.keyword.value in _HANDLED_BY_OAI007 and "OAI007" in
                                                    self.state.active) and assess(endpoint, arg.keyword.value)
                   for arg in original.args)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        endpoint = endpoint_of(original)
        if endpoint is None:
            legacy = self.qname_in(original.func, _LEGACY_ENDPOINTS)
            endpoint = _LEGACY_ENDPOINTS.get(legacy) if legacy else None
        if endpoint is None or not self._has_work(original, endpoint):
            return updated
        if foreign_client(self, original) is not None:
            return updated  # another provider's call: its parameters are that provider's
        catalog = _catalog()
        if catalog is not None and "OAI001" in self.state.active and endpoint in catalog.endpoints \
                and not catalog.endpoints[endpoint].served:
            return updated  # OAI001 keeps this call on OpenAI (and says so): its parameters are OpenAI's
        self._endpoint_note(original, endpoint)
        policy: dict[str, str] = self.state.options.get("parameters", {})
        drop: set[str] = set()
        for arg in original.args:
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            if name in _HANDLED_BY_OAI007 and "OAI007" in self.state.active:
                continue
            found = assess(endpoint, name)
            if found is None:
                continue
            verdict, reason, fix = found
            action = policy.get(name) or default_action(verdict, name)
            if name == "logit_bias":
                self.review(original, f"{_LOGIT_BIAS_NOTE} ({reason})", note=_LOGIT_BIAS_NOTE)
                if action == "drop":
                    drop.add(name)
                continue
            if action == "drop" and policy.get(name) != "drop" and not is_simple_value(arg.value):
                action = "comment"  # dropping would also drop the side effects of computing the value
            if action == "drop":
                drop.add(name)
            elif action == "comment":
                short = (f"vLLM ignores {name}=: it has no effect there" if verdict == "ignored-by-vllm"
                         else f"{name}= does not work on vLLM: {fix}")
                self.review(original, f"{name}=: {reason}; {fix}", note=short)
        if drop:
            self.edited(len(drop))
            return remove_args(updated, drop)
        return updated
