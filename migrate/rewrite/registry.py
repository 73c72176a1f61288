"""The rewrite rules: stable ids, names, one-line summaries, and the order they run in.

Plain data, so listing rules (`migrate rewrite --list-rules`, docs, `migrate pr`) imports no LibCST.
Each rule's implementation is a module of `migrate.rewrite.rules`, imported only when the rule runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    id: str
    name: str
    summary: str
    target: str  # "python" (LibCST codemod on .py and notebook code cells) or "text" (env, requirement files)
    module: str  # implementation, relative to migrate.rewrite.rules

    @property
    def doc(self) -> str:
        return f"docs/rules/{self.id}.md"


RULES: tuple[RuleInfo, ...] = (
    RuleInfo("OAI001", "client-endpoint", "OpenAI client constructions and module-level config read base_url and "
             "api_key from the configured environment variables", "python", "oai001_endpoint"),
    RuleInfo("OAI002", "azure-to-openai", "AzureOpenAI clients become OpenAI clients pointed at vLLM; Azure-only "
             "arguments are dropped with a note", "python", "oai002_azure"),
    RuleInfo("OAI003", "model-map", "Model names at call sites, module constants and default arguments are mapped "
             "through the model map; unmapped OpenAI models are left for review", "python", "oai003_models"),
    RuleInfo("OAI004", "legacy-calls", "openai 0.x calls (openai.ChatCompletion.create, ...) become calls on a "
             "client constructed once per module", "python", "oai004_legacy"),
    RuleInfo("OAI005", "legacy-errors", "openai.error.* exceptions become the current SDK's exception classes",
             "python", "oai005_errors"),
    RuleInfo("OAI006", "response-attributes", "Dict-style access on responses (r[\"choices\"][0], .get(...)) "
             "becomes attribute access", "python", "oai006_responses"),
    RuleInfo("OAI007", "function-calling", "Legacy functions=/function_call= become tools=/tool_choice=, and "
             "message.function_call reads become tool_calls reads where safe", "python", "oai007_functions"),
    RuleInfo("OAI008", "vllm-parameters", "Request parameters vLLM ignores or rejects are dropped, kept or "
             "commented, per [tool.migrate.rewrite.parameters]; logit_bias always gets a note", "python",
             "oai008_parameters"),
    RuleInfo("OAI009", "hardcoded-urls", "Hard-coded api.openai.com URLs read the configured base URL instead",
             "python", "oai009_urls"),
    RuleInfo("OAI010", "env-files", ".env files point OPENAI_BASE_URL / OPENAI_API_BASE at vLLM and map model "
             "names", "text", "oai010_env"),
    RuleInfo("OAI011", "requirement-pins", "The openai requirement is raised to the current SDK when the 0.x "
             "upgrade runs (requirements*.txt, pyproject.toml, setup.py, setup.cfg, Pipfile)", "text",
             "oai011_requirements"),
    RuleInfo("OAI012", "wrapper-endpoint", "LangChain, LlamaIndex, LiteLLM, instructor and DSPy constructions read "
             "their base URL and key from the configured environment variables; provider-routed model strings become "
             "\"openai/<served model>\"", "python", "oai012_wrappers"),
)

BY_ID = {r.id: r for r in RULES}

# Python rules run in this order on each file. Each later rule sees the previous one's output:
# exceptions first; legacy calls become client calls; then response access and request arguments are fixed on
# the current-SDK call shapes; wrappers get the endpoint and their provider-routed model strings (before OAI003,
# which would map "gpt-4o" to a name LiteLLM cannot route); model names are mapped (engine= became model= by
# then); Azure clients become
# OpenAI clients; and finally every client construction, including the ones added above, gets the endpoint.
PYTHON_ORDER = ("OAI005", "OAI004", "OAI006", "OAI007", "OAI008", "OAI012", "OAI003", "OAI002", "OAI001", "OAI009")
TEXT_ORDER = ("OAI010", "OAI011")
# The rules that make up the openai 0.x -> current SDK upgrade (OAI011 raises the pin only when one ran).
LEGACY_UPGRADE = frozenset({"OAI004", "OAI005"})


class UnknownRuleError(ValueError):
    pass


def parse_rule_ids(values) -> tuple[str, ...]:
    """'OAI001,OAI003' and ['OAI001', 'oai3'] alike -> ('OAI001', 'OAI003'); names work too ('model-map')."""
    out: list[str] = []
    by_name = {r.name: r.id for r in RULES}
    for value in values or ():
        for part in str(value).replace(" ", ",").split(","):
            part = part.strip()
            if not part:
                continue
            key = part.upper()
            if key in BY_ID:
                out.append(key)
            elif part.lower() in by_name:
                out.append(by_name[part.lower()])
            elif key.startswith("OAI") and key[3:].isdigit():
                # a prefix selects a group, as linters do: OAI00 is OAI001..OAI009, OAI01 is OAI010 and OAI011
                matches = [r.id for r in RULES if r.id.startswith(key)]
                if not matches:
                    raise UnknownRuleError(_unknown(part))
                out.extend(matches)
            else:
                raise UnknownRuleError(_unknown(part))
    return tuple(dict.fromkeys(out))


def _unknown(part: str) -> str:
    known = ", ".join(r.id for r in RULES)
    return f"unknown rule {part!r}: the rules are {known} (see `migrate rewrite --list-rules`)"


def active_rules(select=(), ignore=()) -> frozenset[str]:
    selected = set(parse_rule_ids(select)) if select else set(BY_ID)
    return frozenset(selected - set(parse_rule_ids(ignore)))
