"""The JS/TS rules: which rule ids have a JS/TS implementation, where it lives, and the order they run in.

Rule ids are the Python rules' ids (migrate/rewrite/registry.py RULES) where the concept is the same, so
`--select`, `--ignore`, reports and docs/rules/<id>.md stay one vocabulary; a JS/TS-only rule adds its RuleInfo
there as well. Each entry names a module of migrate.rewrite.javascript.rules, imported only when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JsRuleInfo:
    id: str  # a RuleInfo id of migrate/rewrite/registry.py
    module: str  # relative to migrate.rewrite.javascript.rules: a module with `run(module, context) -> RuleOutput`
    summary: str  # what the rule does to JS/TS code (docs/rules/<id>.md has a JavaScript section)


JS_RULES: tuple[JsRuleInfo, ...] = (
    # the openai-node upgrade (migrate/rewrite/javascript/upgrade/): request bodies first, while v3 calls are
    # still v3 calls everywhere (a client another module builds is read from disk, as it was), and model names
    # (OAI003) for the same reason; then v3 error reads, then the v3 calls themselves
    JsRuleInfo("OAI007", "oai007_functions", "functions / function_call become tools / tool_choice on chat requests; "
               "reads of message.function_call are left for review"),
    JsRuleInfo("OAI008", "oai008_parameters", "request fields vLLM ignores or rejects are dropped, kept or commented, "
               "per [tool.migrate.rewrite.parameters]"),
    JsRuleInfo("OAI003", "oai003_models", "model names sent to OpenAI (call bodies, AI SDK model ids, LangChain.js "
               "options, constants and defaults they come from, across modules) go through the model map"),
    JsRuleInfo("OAI005", "oai005_errors", "error.response.status / .data of openai-node v3 become APIError's "
               "status / error in the catch clauses around upgraded calls"),
    JsRuleInfo("OAI004", "oai004_legacy", "openai-node v3 (Configuration / OpenAIApi, response.data) becomes the "
               "current SDK: new OpenAI({...}), client.chat.completions.create(...), response.choices"),
    JsRuleInfo("OAI012", "oai012_wrappers", "LangChain.js ChatOpenAI / OpenAIEmbeddings get configuration.baseURL "
               "and apiKey from the configured environment variables"),
    JsRuleInfo("OAI002", "oai002_azure", "new AzureOpenAI(...) becomes new OpenAI(...); Azure-only options are "
               "dropped with a review item"),
    JsRuleInfo("OAI001", "oai001_endpoint", "new OpenAI(...), the AI SDK's openai provider and createOpenAI(...) "
               "read baseURL and apiKey from the configured environment variables; calls to endpoints vLLM does not "
               "serve go through a client kept on OpenAI"),
    JsRuleInfo("OAI009", "oai009_urls", "api.openai.com URLs sent to by fetch / axios / got / ky, and base-URL "
               "constants, read the configured base URL"),
)

BY_ID = {r.id: r for r in JS_RULES}
# Rules run in this order, each on the previous one's output (re-parsed): model names first (while the scan still
# sees the clients as OpenAI's), then wrappers; Azure clients become OpenAI clients before OAI001 points them.
JS_ORDER = tuple(r.id for r in JS_RULES)


def js_rules(active) -> tuple[JsRuleInfo, ...]:
    """The JS/TS rules among the active rule ids, in run order."""
    return tuple(r for r in JS_RULES if r.id in active)
