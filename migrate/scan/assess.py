"""Give each finding its verdict against the target vLLM server, with the issues behind it.

A finding's verdict is the worst of its issues (ok when it has none). Issues come from the compatibility
catalog (migrate/catalog): whether vLLM serves the endpoint, how each keyword argument fares, whether the
model name can be served, and, for non-call findings (clients, settings, URLs, pins, wrappers, exception
classes), what has to change for the code to talk to vLLM.

`assess` only reads the raw fields the detector fills in (kind, api, endpoint, parameters, model, ...), so
it can run again on assessed findings, e.g. with a project's model map:

    from migrate.scan.assess import assess
    findings = assess(findings, config=load_config())
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Callable, Iterable

from migrate.catalog.values import DYNAMIC
from migrate.scan.findings import Finding, Issue, Kind, Verdict

if TYPE_CHECKING:
    from migrate.catalog import Catalog
    from migrate.catalog.values import ModelFacts
    from migrate.config import Config


def assess(findings: Iterable[Finding], *, catalog: "Catalog | None" = None, config: "Config | None" = None,
           target=None, model: "ModelFacts | None" = None) -> list[Finding]:
    """Return the findings with `verdict` and `issues` filled in from the compatibility catalog.

    `target`: a target profile (path or Profile) to judge against instead of the shipped default. `model`: what
    is known of the served model (migrate.serve.modelfacts.model_facts), which decides model-aware verdicts.
    """
    from migrate.catalog import load_catalog

    ctx = _Context(catalog or load_catalog(target=target), config)
    ctx.model = model
    findings = list(findings)
    ctx.module_endpoints = _module_endpoints(findings)
    return [_assess_one(f, ctx) for f in findings]


def _module_endpoints(findings: list[Finding]) -> dict[str, tuple[str, str]]:
    """File -> (role, description) of the server its module-level client is pointed at (`openai.base_url = ...`),
    where that is a local server or another provider: `openai.api_key` in the same file is judged with it."""
    from migrate.catalog import facts

    out = {}
    for f in findings:
        if f.kind is Kind.CONFIG and (role := _client_role(f)) and role[0] in ("local", "other-provider") and any(
                facts.SETTING_GROUPS.get(name) == "base_url" for name in f.parameters):
            out.setdefault(f.path, role)
    return out


class _Context:
    def __init__(self, catalog: "Catalog", config: "Config | None") -> None:
        from migrate import config as cfg

        self.catalog = catalog
        self.kinds: list[str] = []  # evidence kinds of the ok assessments behind the finding being assessed
        self.model: "ModelFacts | None" = None
        self.module_endpoints: dict[str, tuple[str, str]] = {}  # see _module_endpoints
        self.models = dict(config.models) if config is not None else {}
        base_url = config.base_url_default if config is not None else cfg.DEFAULT_BASE_URL
        self.base_url = base_url
        self.placeholders = {
            "base_url": base_url,
            "base_url_env": config.base_url_env if config is not None else cfg.DEFAULT_BASE_URL_ENV,
            "api_key_env": config.api_key_env if config is not None else cfg.DEFAULT_API_KEY_ENV,
        }

    def fill(self, text: str) -> str:
        for key, value in self.placeholders.items():
            text = text.replace("{" + key + "}", value)
        return text


def _assess_one(finding: Finding, ctx: _Context) -> Finding:
    assessor = _ASSESSORS.get(finding.kind, _assess_call)
    ctx.kinds = []
    if finding.language != "python":
        from migrate.scan.assess_javascript import ASSESSORS

        assessor = ASSESSORS.get(finding.kind, assessor)
    try:
        issues = assessor(finding, ctx)
    except Exception as e:  # noqa: BLE001 - one odd finding must not stop the scan
        issues = [
            Issue(
                Verdict.NEEDS_CHANGE,
                "assessment",
                f"migrate-kit could not assess this finding ({type(e).__name__}: {e})",
                "review it by hand, and please report the case to migrate-kit",
            )
        ]
    issues = _dedupe(issues)
    issues.sort(key=lambda i: -i.verdict.rank)  # stable: worst first, detection order within a verdict
    # Issues the catalog did not give come from the hand-written rules here and in facts.py.
    issues = [i if i.evidence_kind else dataclasses.replace(i, evidence_kind="fact") for i in issues]
    verdict = Verdict.worst(i.verdict for i in issues)
    return dataclasses.replace(finding, verdict=verdict, issues=tuple(issues),
                               evidence_kind=_evidence_kind(issues, ctx.kinds))


def _evidence_kind(issues: list[Issue], ok_kinds: list[str]) -> str | None:
    """The worst issue's evidence kind; for an ok finding, the weakest behind it (declared < fact < probed)."""
    if issues and issues[0].verdict is not Verdict.OK:
        return issues[0].evidence_kind
    kinds = set(ok_kinds) | {i.evidence_kind for i in issues if i.evidence_kind}
    # No catalog lookup at all (an env file, a 1.x exception class): the hand-written rules here decided.
    return next((k for k in ("declared", "fact", "probed") if k in kinds), "fact")


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for issue in issues:
        key = (issue.subject, issue.reason)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out


# -- calls ----------------------------------------------------------------------------------------------------
def _assess_call(f: Finding, ctx: _Context) -> list[Issue]:
    role = _client_role(f)
    if role is not None and role[0] == "other-provider":
        return [Issue(Verdict.OK, "client", f"through another provider's client: {role[1]}",
                      "nothing to do; `migrate rewrite` leaves it alone")]
    # A client already pointed at a local (vLLM) server needs no change, but what is sent through it is judged
    # against vLLM like any other call: an unserved endpoint or an OpenAI model name still fails there.
    issues: list[Issue] = []
    if f.api == "openai-legacy":
        issues.extend(_legacy_issues(f, ctx))
    name = _resolve_endpoint(f, ctx)
    if name is None:
        if f.endpoint and f.api != "openai-legacy":
            issues.append(_endpoint_issue(ctx.catalog.endpoint_verdict(f.endpoint), ctx))
        issues.extend(_model_issues(f, ctx))
        return issues
    endpoint_assessment = ctx.catalog.endpoint_verdict(name)
    ctx.kinds.append(endpoint_assessment.kind)
    if endpoint_assessment.verdict is not Verdict.OK:
        issues.append(_endpoint_issue(endpoint_assessment, ctx, name if name != f.endpoint else None))
    if endpoint_assessment.verdict is not Verdict.UNSUPPORTED:
        values = call_values(f)
        for parameter in f.parameters:
            if parameter == "model":
                continue  # judged by its value below
            a = ctx.catalog.parameter(name, parameter, values.get(parameter, DYNAMIC), others=values, model=ctx.model)
            ctx.kinds.append(a.kind)
            if a.verdict is not Verdict.OK:
                issues.append(Issue(a.verdict, parameter, a.reason, ctx.fill(a.fix), a.evidence, a.kind))
        if f.parameters_dynamic:
            issues.append(_dynamic_parameters_issue(name, ctx))
    issues.extend(_model_issues(f, ctx))
    return issues


def call_values(f: Finding) -> dict:
    """The call's parameters by their call-site values (JSON-decoded), DYNAMIC where the scan could not see the
    value; with **kwargs, the KWARGS key says that parameters the call does not name may be set too."""
    import json

    from migrate.catalog.values import DYNAMIC, KWARGS

    known = {}
    for name, text in f.values:
        try:
            known[name] = json.loads(text)
        except (TypeError, ValueError):
            known[name] = DYNAMIC
    out: dict = {KWARGS: DYNAMIC} if f.parameters_dynamic else {}
    for name in f.parameters:
        out[name] = known.get(name, DYNAMIC)
    return out


def _resolve_endpoint(f: Finding, ctx: _Context) -> str | None:
    """The 1.x endpoint name for a finding: its own, the modern name of a 0.x call, or a URL's route."""
    from migrate.catalog import facts

    catalog = ctx.catalog
    candidates = [f.endpoint]
    if f.api == "openai-legacy":
        candidates.append(_modern_name_in(f.detail))
        if f.endpoint:
            short = f.endpoint.removeprefix("openai.")
            candidates.append(facts.LEGACY_ENDPOINTS.get(short))
    for candidate in candidates:
        if candidate and catalog.endpoint(candidate) is not None:
            return candidate
    for text in (f.endpoint, f.code, f.detail):
        route = _route_in(text)
        if route:
            hit = catalog.endpoint_for_route(_http_method(f), route)
            if hit is not None:
                return hit.name
    return None


def _modern_name_in(detail: str) -> str | None:
    match = re.search(r"\b([a-z_]+(?:\.[a-z_]+)+)\b", detail or "")
    return match.group(1) if match else None


_ROUTE_RE = re.compile(r"(?:https?://[^\s'\"]+)?(/v1/[A-Za-z0-9_./{}-]+|/openai/deployments/[^\s'\"]+)")


def _route_in(text: str | None) -> str | None:
    if not text:
        return None
    if text.startswith("/"):
        return text
    match = _ROUTE_RE.search(text)
    return match.group(0) if match else None


def _http_method(f: Finding) -> str | None:
    match = re.search(r"\.(get|post|put|delete|patch)\s*\(", f.code or "", re.IGNORECASE)
    if match:
        return match.group(1).upper()
    match = re.search(r"\b(GET|POST|PUT|DELETE|PATCH)\b", f.detail or "")
    return match.group(1) if match else None


def _endpoint_issue(a, ctx: _Context, modern: str | None = None) -> Issue:
    reason = a.reason if modern is None else f"{modern}: {a.reason}"
    return Issue(a.verdict, "endpoint", reason, ctx.fill(a.fix), a.evidence, a.kind)


def _dynamic_parameters_issue(name: str, ctx: _Context) -> Issue:
    risky = ctx.catalog.non_ok_parameters(name)
    watch = "; ".join(f"{verdict.value}: {', '.join(params)}" for verdict, params in sorted(risky.items(), key=lambda kv: -kv[0].rank))
    return Issue(
        Verdict.IGNORED,
        "**kwargs",
        "parameters not statically known: some keyword arguments come from **kwargs (or a dict), so the scan "
        "cannot tell which reach vLLM; any OpenAI-only one among them is dropped",
        f"check what the dict can hold{f' ({watch})' if watch else ''}, or pass the parameters explicitly",
    )


def _legacy_issues(f: Finding, ctx: _Context) -> list[Issue]:
    from migrate.catalog import facts

    symbol = (f.endpoint or "").removeprefix("openai.").split(".")[0]
    if symbol in facts.LEGACY_REMOVED:
        return [
            Issue(
                Verdict.UNSUPPORTED,
                "endpoint",
                f"openai.{symbol} belongs to the 0.x SDK and has no 1.x or vLLM counterpart: {facts.LEGACY_REMOVED[symbol]}",
                facts.LEGACY_REMOVED[symbol],
            )
        ]
    modern = _modern_name_in(f.detail) or facts.LEGACY_ENDPOINTS.get((f.endpoint or "").removeprefix("openai."))
    target = f"client.{modern}(...)" if modern else "the client API of openai>=1"
    removed = "raises APIRemovedInV1 on openai>=1" if symbol in ctx.catalog.legacy_symbols or not symbol else "is gone in openai>=1"
    return [
        Issue(
            Verdict.NEEDS_CHANGE,
            "api",
            f"the 0.x module API ({f.endpoint or 'openai.*'}) {removed}, and cannot be pointed at a vLLM server per client",
            f"port it to {target} on a client built with base_url (`migrate rewrite` ports it)",
        )
    ]


def _model_issues(f: Finding, ctx: _Context) -> list[Issue]:
    from migrate.catalog import facts

    model = f.model
    if not model:
        return []
    origin = f" ({f.model_origin})" if f.model_origin and f.model_origin != "literal" else ""
    mapped = ctx.models.get(model)
    if model == "dynamic":
        return [
            Issue(
                Verdict.SERVER_FLAG,
                "model",
                f"the model name is not statically known{origin}; at run time it must be a name the vLLM server "
                "serves, or the request fails with HTTP 404",
                "make the value resolve to the served model name, or serve the model under the name the code "
                "sends (`--served-model-name <name>`)",
                facts.UNKNOWN_MODEL_EVIDENCE,
            )
        ]
    if not mapped and model in ctx.models.values():
        return []  # a served name from the project's model map (what `migrate rewrite` writes)
    if mapped:
        return [
            Issue(
                Verdict.NEEDS_CHANGE,
                "model",
                f"'{model}'{origin} is mapped to '{mapped}' in the project's model map; vLLM answers HTTP 404 for "
                "names it does not serve",
                f"use '{mapped}' (`migrate rewrite` applies the model map)",
                facts.UNKNOWN_MODEL_EVIDENCE,
            )
        ]
    if facts.is_openai_model(model):
        return [
            Issue(
                Verdict.NEEDS_CHANGE,
                "model",
                f"'{model}'{origin} is an OpenAI model name; vLLM answers HTTP 404 for a model it does not serve",
                f"map it to the served model in [tool.migrate.models] (`migrate rewrite` replaces it), or serve "
                f"under this name with `--served-model-name {model}`",
                facts.UNKNOWN_MODEL_EVIDENCE,
            )
        ]
    if "/" in model:
        return []  # a Hugging Face id: vLLM serves a model under its id unless told otherwise
    profile = ctx.catalog.profile if not ctx.catalog.profile_generic else None
    if profile is not None and any(m.name == model for c in profile.configurations for m in c.models):
        return []  # the profiled target lists this name (`migrate scan --target`)
    return [
        Issue(
            Verdict.SERVER_FLAG,
            "model",
            f"vLLM answers HTTP 404 unless it serves a model named '{model}'{origin}",
            f"serve the model under this name (`--served-model-name {model}`), or map it in [tool.migrate.models]",
            facts.UNKNOWN_MODEL_EVIDENCE,
        )
    ]


# -- clients, settings, environment, URLs -----------------------------------------------------------------------
def _setting_issue(name: str, group: str, ctx: _Context, subject: str | None = None, where: str = "") -> Issue:
    from migrate.catalog import facts

    fact = facts.SETTING_FACTS[group]
    return Issue(fact.verdict, subject or name, f"{where}{fact.reason}", ctx.fill(fact.fix))


_ENDPOINT_RE = re.compile(r"\bendpoint: (other-provider|local|unknown|openai|azure-openai): ([^;]*)")


def _client_role(f: Finding) -> tuple[str, str] | None:
    """(role, description) the detector wrote for a client construction (see migrate/catalog/providers.py)."""
    hit = _ENDPOINT_RE.search(f.detail or "")
    return (hit.group(1), hit.group(2).strip()) if hit else None


def _assess_client(f: Finding, ctx: _Context) -> list[Issue]:
    from migrate.catalog import facts

    role = _client_role(f)
    if role is not None and role[0] in ("other-provider", "local"):
        # Another provider's client, or one already pointed at a local server: nothing to migrate.
        what = "another provider's client" if role[0] == "other-provider" else "already points at a local server"
        return [Issue(Verdict.OK, "client", f"{what}: {role[1]}",
                      "nothing to do; `migrate rewrite` leaves it alone and never changes its key")]
    if role is not None and role[0] == "unknown":
        return [Issue(Verdict.NEEDS_CHANGE, "client", f"the endpoint is computed by the project: {role[1]}",
                      ctx.fill("make sure it is the vLLM server's URL ({base_url_env}) where this should move"))]
    client = f.client or ""
    params = set(f.parameters)
    issues: list[Issue] = []
    azure = "azure" in client.lower() or bool(params & {"azure_endpoint", "azure_deployment", "api_version"})
    if azure:
        issues.append(_setting_issue(client or "AzureOpenAI", "azure", ctx, subject="client"))
    else:
        if "base_url" in params:
            reason = "base_url is set here; the value must be the vLLM server's URL"
        else:
            reason = f"no base_url: the client calls api.openai.com unless {ctx.placeholders['base_url_env']} is set"
        issues.append(
            Issue(
                Verdict.NEEDS_CHANGE,
                "client",
                f"{reason}; the API key must be the vLLM server's",
                ctx.fill(
                    "pass base_url (default {base_url}) and api_key from {base_url_env} / {api_key_env} "
                    "(`migrate rewrite` does it), or set those variables where the code runs"
                ),
            )
        )
    for name in sorted(params):
        group = facts.SETTING_GROUPS.get(name)
        if group in (None, "base_url", "api_key", "azure"):
            continue
        issues.append(_setting_issue(name, group, ctx))
    if f.parameters_dynamic:
        issues.append(
            Issue(
                Verdict.NEEDS_CHANGE,
                "**kwargs",
                "client settings not statically known: some come from **kwargs (or a dict)",
                "check that base_url and api_key in that dict point at the vLLM server",
            )
        )
    return issues


_ATTR_RE = re.compile(r"\bopenai\.([a-z_][a-z0-9_]*)\s*(?:=|:)", re.IGNORECASE)


def _assess_config(f: Finding, ctx: _Context) -> list[Issue]:
    from migrate.catalog import facts

    names = list(f.parameters) or _ATTR_RE.findall(f.code or "") or _ATTR_RE.findall(f.detail or "")
    if not names and f.endpoint:
        names = [f.endpoint.removeprefix("openai.")]
    issues: list[Issue] = []
    for name in names:
        if name in facts.LEGACY_SETTINGS and name not in ctx.catalog.module_settings:
            issues.append(
                Issue(
                    Verdict.NEEDS_CHANGE,
                    name,
                    f"`openai.{name}` is a 0.x setting: {facts.LEGACY_SETTINGS[name]}",
                    ctx.fill(f"{facts.LEGACY_SETTINGS[name]}; `migrate rewrite` ports module settings to a client"),
                )
            )
            continue
        group = facts.SETTING_GROUPS.get(name)
        role = _client_role(f)
        if group == "base_url" and role is not None and role[0] in ("local", "other-provider"):
            issues.append(Issue(Verdict.OK, name, f"`openai.{name}` already points at {role[1]}", "nothing to do"))
        elif group == "api_key" and (module := ctx.module_endpoints.get(f.path)):
            # The key goes where the module client sends its requests, set in this file: judged with it.
            issues.append(Issue(Verdict.OK, name, f"`openai.{name}` is sent to the module client's server, which this "
                                f"file points at {module[1]}", "nothing to do; it must be that server's key"))
        elif group is not None:
            issues.append(_setting_issue(name, group, ctx, where=f"`openai.{name}`: "))
        elif name not in ctx.catalog.module_settings:
            issues.append(
                Issue(
                    Verdict.IGNORED,
                    name,
                    f"`openai.{name}` is not a setting of openai {ctx.catalog.openai_version}: assigning it has no effect",
                    "remove it",
                )
            )
    if not names:
        issues.append(
            Issue(
                Verdict.NEEDS_CHANGE,
                "config",
                "module-level OpenAI configuration",
                ctx.fill("point it at the vLLM server ({base_url})"),
            )
        )
    return issues


_OPENAI_KEY_RE = re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")


def _env_group(name: str) -> str | None:
    from migrate.catalog import facts
    from migrate.catalog.providers import strip_framework_prefix

    name = strip_framework_prefix(name)  # VITE_OPENAI_API_KEY is OPENAI_API_KEY as browser code reads it
    if name in facts.SETTING_GROUPS:
        return facts.SETTING_GROUPS[name]
    upper = name.upper()
    if upper.startswith("AZURE_"):
        return "azure"
    for needle, group in (("MODEL", "model"), ("DEPLOYMENT", "model"), ("URL", "base_url"), ("BASE", "base_url"),
                          ("ENDPOINT", "base_url"), ("HOST", "base_url"), ("KEY", "api_key"), ("TOKEN", "api_key"),
                          ("ORG", "organization"), ("PROJECT", "project")):
        if needle in upper:
            return group
    return None


def _assess_env(f: Finding, ctx: _Context) -> list[Issue]:
    from migrate.catalog.facts import ENV_NAME_IN_TEXT_RE as env_name

    names = [p for p in f.parameters if p.isupper()] or env_name.findall(f.code or "") or env_name.findall(f.detail or "")
    issues: list[Issue] = []
    for name in dict.fromkeys(names):
        group = _env_group(name)
        if group is not None:
            issues.append(_setting_issue(name, group, ctx, where=f"{name}: "))
        elif name not in ctx.catalog.sdk_env:
            issues.append(
                Issue(
                    Verdict.NEEDS_CHANGE,
                    name,
                    f"{name} is an OpenAI setting of this project (the SDK does not read it)",
                    "set it to the value the vLLM deployment needs",
                )
            )
    # The detector masks secret values in `code`; it says so in `detail` when a real key was written.
    if _OPENAI_KEY_RE.search(f.code or "") or "API key (sk-" in (f.detail or ""):
        issues.append(
            Issue(
                Verdict.NEEDS_CHANGE,
                "secret",
                "an OpenAI API key is written in this file",
                "revoke the key on OpenAI's dashboard and load keys from the environment or a secret store",
            )
        )
    if not issues and not names:
        issues.append(
            Issue(
                Verdict.NEEDS_CHANGE,
                "env",
                "OpenAI configuration from the environment",
                ctx.fill("set {base_url_env} and {api_key_env} for the vLLM server"),
            )
        )
    return issues


def _assess_url(f: Finding, ctx: _Context) -> list[Issue]:
    text = f"{f.code} {f.detail}".lower()
    if "azure" in text:
        issues = [_setting_issue("url", "azure", ctx, subject="url")]
    else:
        issues = [
            Issue(
                Verdict.NEEDS_CHANGE,
                "url",
                "a hard-coded OpenAI URL: requests go to OpenAI",
                ctx.fill("read the base URL from {base_url_env} (default {base_url}) instead"),
            )
        ]
    name = _resolve_endpoint(f, ctx)
    if name is not None:
        a = ctx.catalog.endpoint_verdict(name)
        if a.verdict is not Verdict.OK:
            issues.append(_endpoint_issue(a, ctx, name))
    return issues


def _assess_http(f: Finding, ctx: _Context) -> list[Issue]:
    """A raw HTTP request to the REST API: the URL, then the endpoint, body keys and model like an SDK call."""
    return _assess_url(f, ctx)[:1] + _assess_call(f, ctx)


# -- pins, wrappers, exceptions -----------------------------------------------------------------------------------
# "openai==0.28.1", "openai[aiohttp]>=1.40", 'openai = "^0.28"' (Poetry/Pipfile), '"openai<1",' (PEP 621)
_REQ_RE = re.compile(r"""^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?["']?\s*(?:=\s*(?=["'{]))?(.*)$""")
_CLAUSE_RE = re.compile(r"(===|==|~=|<=|>=|!=|<|>|\^|~)\s*v?(\d+)(?:\.(\d+))?")


def requirement_allows_only_0x(spec: str) -> bool:
    """True when a version spec pins the 0.x SDK: "==0.28.1", "<1", ">=0.27,<0.28", "^0.28", "~=0.27"."""
    if re.search(r"""["']\s*v?0\.""", spec):  # Poetry's bare version: 'openai = "0.28"' or {version = "0.28"}
        return True
    for op, major, minor in _CLAUSE_RE.findall(spec):
        major_i = int(major)
        if op in ("==", "===", "~=", "^", "~", "<=") and major_i == 0:
            return True
        if op == "<" and (major_i == 0 or (major_i == 1 and int(minor or 0) == 0)):
            return True
    return False


def _assess_requirement(f: Finding, ctx: _Context) -> list[Issue]:
    from migrate.catalog import facts

    match = _REQ_RE.match(f.code or "")
    package = (match.group(1) if match else (f.endpoint or f.detail or "")).lower().replace("_", "-")
    spec = (match.group(3) if match else "") or f.detail
    if package == "openai":
        if requirement_allows_only_0x(spec):
            return [
                Issue(
                    Verdict.NEEDS_CHANGE,
                    "openai",
                    f"pins the 0.x SDK ({spec.strip()}): its module API cannot be pointed at a vLLM server per client, "
                    "and current tooling (structured outputs helpers, tools) needs openai>=1",
                    "require openai>=1 and port the calls (`migrate rewrite` ports them)",
                )
            ]
        return []
    fact = facts.REQUIREMENT_FACTS.get(package)
    if fact is not None:
        return [Issue(fact.verdict, package, fact.reason, ctx.fill(fact.fix))]
    return []


def _assess_wrapper(f: Finding, ctx: _Context) -> list[Issue]:
    from migrate.catalog import facts

    fact = facts.WRAPPER_FACTS.get(f"{f.api}:{f.client}") or facts.WRAPPER_FACTS.get(f.api) or facts.GENERIC_WRAPPER
    what = f.client or f.api
    role = _client_role(f)
    if role is not None and role[0] == "other-provider":
        return [Issue(Verdict.OK, "wrapper", f"{what}: another provider's endpoint: {role[1]}", "nothing to do")]
    if role is not None and role[0] == "local":
        # given the vLLM server's URL (what `migrate rewrite` writes): the requests are judged, not the wrapper
        issues = [Issue(Verdict.OK, "wrapper", f"{what}: already points at a local server: {role[1]}", "nothing to do")]
    else:
        issues = [Issue(Verdict.NEEDS_CHANGE, "wrapper", f"{what}: {fact.reason}", ctx.fill(fact.fix))]
    if f.endpoint and ctx.catalog.endpoint(f.endpoint) is not None:
        a = ctx.catalog.endpoint_verdict(f.endpoint)
        if a.verdict is not Verdict.OK:
            issues.append(_endpoint_issue(a, ctx))
    issues.extend(_model_issues(f, ctx))
    return issues


_EXC_RE = re.compile(r"\bopenai\.error\.([A-Za-z_]+)")


def _assess_exception(f: Finding, ctx: _Context) -> list[Issue]:
    from migrate.catalog import facts

    names = _EXC_RE.findall(f.code or "") or _EXC_RE.findall(f.detail or "") or _EXC_RE.findall(f.endpoint or "")
    legacy = bool(names) or f.api == "openai-legacy"
    if not legacy:
        return []  # 1.x exception classes: the SDK raises the same ones for vLLM's error responses
    if not names:
        names = [n for n in f.parameters] or [(f.endpoint or "").rsplit(".", 1)[-1]]
    issues = []
    for name in dict.fromkeys(n for n in names if n):
        replacement = facts.LEGACY_EXCEPTIONS.get(name, "the matching openai.* exception of openai>=1")
        issues.append(
            Issue(
                Verdict.NEEDS_CHANGE,
                name,
                f"openai.error.{name} belongs to the 0.x SDK; the openai.error module is gone in openai>=1",
                f"catch {replacement} (`migrate rewrite` ports it)",
            )
        )
    return issues


_ASSESSORS: dict[Kind, Callable[[Finding, _Context], list[Issue]]] = {
    Kind.CALL: _assess_call,
    Kind.CLIENT: _assess_client,
    Kind.CONFIG: _assess_config,
    Kind.ENV: _assess_env,
    Kind.URL: _assess_url,
    Kind.HTTP: _assess_http,
    Kind.REQUIREMENT: _assess_requirement,
    Kind.WRAPPER: _assess_wrapper,
    Kind.EXCEPTION: _assess_exception,
}
