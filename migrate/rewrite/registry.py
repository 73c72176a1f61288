"""The rewrite rules: stable ids, names, one-line summaries, and the order they run in.

Plain data, so listing rules (`migrate rewrite --list-rules`, docs, `migrate pr`) imports no LibCST.
Each rule's implementation is a module of `migrate.rewrite.rules`, imported only when the rule runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase


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

    @property
    def resolves(self) -> tuple["Claim", ...]:
        """The scan issues this rule fixes (see Claim)."""
        return RESOLVES.get(self.id, ())

    @property
    def introduces(self) -> tuple["Claim", ...]:
        """The scan issues this rule's output brings in on purpose (the env reads it writes, a client it adds)."""
        return INTRODUCES.get(self.id, ())


# A Claim subject that matches any request parameter (a keyword argument of a call), not the finding-level
# subjects below.
PARAMETER = "<parameter>"
_NOT_PARAMETERS = frozenset({"endpoint", "model", "api", "client", "config", "url", "wrapper", "assessment", "**kwargs"})
ALL_VERDICTS = ("needs-change", "unsupported", "needs-server-flag", "ignored-by-vllm")


@dataclass(frozen=True)
class Claim:
    """Scan issues a rule answers for: an issue of a finding of `kind` (a migrate.scan.findings.Kind value) whose
    subject matches one of `subjects` (fnmatch patterns, or PARAMETER) at one of `verdicts`.

    In RESOLVES, after the rule ran on a file, no such issue is left there beyond the review items the rewrite
    left in that file (each unfixed one gets a `# migrate:` note instead). In INTRODUCES, such issues may appear.
    `noted`: the claim holds only where the rule left a review item in the file (calls it keeps on OpenAI).
    `promise`: False for what a rule fixes only in some shapes (OAI012 maps provider-routed model strings, not a
    model= keyword): such issues may change or go, and may also stay.
    tests/contract/test_scan_rewrite_scan.py holds the rules to their claims.
    """

    kind: str
    subjects: tuple[str, ...]
    verdicts: tuple[str, ...] = ALL_VERDICTS
    noted: bool = False
    promise: bool = True

    def matches(self, kind: str, subject: str, verdict: str) -> bool:
        if kind != self.kind or verdict not in self.verdicts:
            return False
        return any(subject not in _NOT_PARAMETERS if s == PARAMETER else fnmatchcase(subject, s) for s in self.subjects)


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
             "upgrade runs (requirements*.txt, pyproject.toml, setup.py, setup.cfg, Pipfile; package.json above "
             "code upgraded from openai-node v3)", "text",
             "oai011_requirements"),
    RuleInfo("OAI012", "wrapper-endpoint", "LangChain, LlamaIndex, LiteLLM, instructor and DSPy constructions read "
             "their base URL and key from the configured environment variables; provider-routed model strings become "
             "\"openai/<served model>\"", "python", "oai012_wrappers"),
)

BY_ID = {r.id: r for r in RULES}

# calls an Azure client cannot move to vLLM stay on Azure through a client of their own (with a note)
_KEPT_ON_AZURE = Claim("call", ("endpoint", "model", "**kwargs", PARAMETER), noted=True, promise=False)
# What each rule fixes, in the scan's terms (the contract the scan -> rewrite -> scan test checks).
RESOLVES: dict[str, tuple[Claim, ...]] = {
    # points clients and module config at vLLM (a base URL literal moves to an environment variable)
    "OAI001": (Claim("client", ("client", "base_url", "api_key", "organization", "project", "**kwargs")),
               Claim("config", ("base_url", "api_base", "api_key", "config")), Claim("url", ("url",)),
               Claim("env", ("*",), promise=False)),
    "OAI002": (Claim("client", ("*",)), Claim("env", ("AZURE_*",)), _KEPT_ON_AZURE),
    "OAI003": (Claim("call", ("model",), ("needs-change",)), Claim("wrapper", ("model",), ("needs-change",)),
               Claim("http", ("model",), ("needs-change",))),
    # 0.x calls become client calls; 0.x-only arguments are renamed or dropped; module settings fold into the
    # client construction
    "OAI004": (Claim("call", ("api", "engine", "deployment_id", "request_timeout", "headers", "api_key", "api_base",
                              "api_type", "api_version", "organization")),
               Claim("config", ("*",)),
               # engine= dropped next to model= (with a note): the scan's model for the call changes
               Claim("call", ("model",), noted=True, promise=False)),
    "OAI005": (Claim("exception", ("*",)),),
    "OAI007": (Claim("call", ("functions", "function_call")),),
    "OAI008": (Claim("call", (PARAMETER,), ("ignored-by-vllm", "needs-change")),),
    "OAI009": (Claim("url", ("*",)), Claim("http", ("*",))),
    # endpoint variables point at vLLM; model values are mapped (the scan judges a model variable by its name, so
    # it stays); keys are left alone
    "OAI010": (Claim("env", ("*BASE*", "*HOST*", "*ENDPOINT*")), Claim("env", ("*MODEL*",), promise=False),
               Claim("url", ("*",))),
    "OAI011": (Claim("requirement", ("openai",)),),
    "OAI012": (Claim("wrapper", ("wrapper",)), Claim("wrapper", ("model",), ("needs-change",), promise=False),
               Claim("url", ("url",))),
}
_ENV_READS = Claim("env", ("*",), ("needs-change",))  # the rewritten code reads the configured variables
INTRODUCES: dict[str, tuple[Claim, ...]] = {
    "OAI001": (_ENV_READS, Claim("client", ("client",), noted=True), Claim("url", ("url",), noted=True),
               Claim("config", ("base_url", "api_key"), noted=True)),
    "OAI002": (_ENV_READS,),
    # the client construction it adds (OAI001 points it at vLLM), the model of a 0.x call that passed it by
    # position (`Audio.transcribe("whisper-1", f)`), which becomes `model=` and so visible to the scan, and
    # `openai.base_url` where a module pointed at another provider keeps the module-level client (api_base renamed,
    # for OAI001 to judge)
    "OAI004": (_ENV_READS, Claim("client", ("*",)), Claim("call", ("model",)), Claim("config", ("base_url",))),
    "OAI007": (Claim("call", ("tools", "tool_choice"), ("needs-server-flag",)),),
    "OAI009": (_ENV_READS,),
    "OAI010": (_ENV_READS,),
    "OAI012": (_ENV_READS,),
}

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
