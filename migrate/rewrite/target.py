"""The catalog the rewrite judges parameters against: the plan's target profile (`plan_rewrite(target=FILE)`, the
CLI's `--target`), else the profile named by $MIGRATE_TARGET_PROFILE (a user's override), else the shipped one.

Rules read it from their options (`options["target"]`, set by plan_rewrite), so worker processes get it with
the rest of the plan's options; loaded once per process and profile.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any


def judged_catalog(options: Mapping[str, Any] | None):
    """The catalog for these rule options, or None when none can be loaded (the rules fall back to their lists)."""
    from migrate.catalog import TARGET_ENV

    target = (options or {}).get("target") or os.environ.get(TARGET_ENV) or None
    return _catalog_for(str(target) if target else None)


@lru_cache(maxsize=4)
def _catalog_for(target: str | None):
    try:
        from migrate.catalog import load_catalog

        return load_catalog(target=target)
    except Exception:  # noqa: BLE001 - no catalog: the rules' fallback lists are used
        return None


# How a parameter the target does not honour is judged, for the Python rule (OAI008) and the JS/TS one alike.

# Used only when the catalog cannot be loaded: the OpenAI-only chat parameters seen on openai 3.54 / vLLM 0.32
# (docs in /work/shared/VLLM_ON_CPU.md); vLLM accepts and drops them.
FALLBACK_IGNORED = frozenset({"metadata", "modalities", "moderation", "prediction", "prompt_cache_key",
                              "prompt_cache_options", "prompt_cache_retention", "safety_identifier", "service_tier",
                              "store", "verbosity", "web_search_options"})
FALLBACK_REJECTED = frozenset({"audio", "logit_bias"})
LOGIT_BIAS_NOTE = ("logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute "
                   "them with its tokenizer (vLLM POST /tokenize) or remove the bias")


def assess_value(endpoint: str, parameter: str, value=None, others=None, options=None):
    """(verdict, reason, fix, value_class) for a parameter vLLM does not honour, or None when it is fine;
    value_class names the value class (migrate/catalog/values.py) that decided, None when the parameter's name
    did. `value` and `others` are the call's literals (rules/oai008_parameters.call_literals); without them the
    value is unknown. `options`: the rules' options (their "target" is the profile judged against)."""
    catalog = judged_catalog(options)
    if catalog is None:
        if parameter in FALLBACK_IGNORED:
            return "ignored-by-vllm", f"vLLM ignores `{parameter}`", "remove it", None
        if parameter in FALLBACK_REJECTED:
            return "needs-change", f"vLLM cannot honour `{parameter}`", "remove or replace it", None
        return None
    known = catalog.endpoints.get(endpoint)
    if known is None or parameter not in known.sdk_params:
        return None  # not an OpenAI parameter of this endpoint (a 0.x-only or vLLM-only one): not this rule's business
    from migrate.catalog.values import DYNAMIC

    a = catalog.parameter(endpoint, parameter, DYNAMIC if value is None else value, others=others or {})
    if a.value_class is not None and a.verdict.value != "ok":
        return a.verdict.value, a.reason, a.fix, a.value_class
    if a.verdict.value in ("ignored-by-vllm", "needs-change", "unsupported"):
        return a.verdict.value, a.reason, a.fix, None
    return None


def default_action(verdict: str, parameter: str) -> str:
    return "drop" if verdict == "ignored-by-vllm" and parameter != "logit_bias" else "comment"
