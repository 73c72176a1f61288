"""Verdicts for JS/TS findings: the same catalog facts as Python's (assess.py), spoken in the JS SDKs' terms.

Calls, URLs, raw HTTP and environment reads are judged by assess.py itself (request bodies and routes are the
same REST names in every language); this module covers what differs: client options (camelCase), the v3
API of openai-node, npm pins, and LangChain.js / LlamaIndex.TS classes.
"""

from __future__ import annotations

from migrate.catalog import javascript as js
from migrate.scan.findings import Finding, Issue, Kind, Verdict

V3_APIS = ("openai-node-v3", "openai-edge")


def _v3_issue(f: Finding, ctx) -> Issue:
    reason, fix = js.V3_ISSUE
    return Issue(Verdict.NEEDS_CHANGE, "api", reason, ctx.fill(fix.replace("{endpoint}", f.endpoint or "chat.completions.create")))


def assess_call(f: Finding, ctx) -> list[Issue]:
    from migrate.scan import assess

    issues = assess._assess_call(f, ctx)
    if f.api in V3_APIS:
        issues.insert(0, _v3_issue(f, ctx))
    return issues


def assess_client(f: Finding, ctx) -> list[Issue]:
    from migrate.catalog import facts
    from migrate.scan import assess

    role = assess._client_role(f)
    if role is not None and role[0] in ("other-provider", "local", "unknown"):
        return assess._assess_client(f, ctx)
    names = {option: js.setting_name(option) for option in f.parameters}
    settings = set(names.values())
    issues: list[Issue] = []
    azure = "azure" in (f.client or "").lower() or f.api == "azure-openai" or bool(settings & {"azure_endpoint", "azure_deployment", "api_version"})
    if azure:
        fact = facts.SETTING_FACTS["azure"]
        issues.append(Issue(fact.verdict, "client", "Azure OpenAI addresses deployments (endpoint, apiVersion, "
                            "deployment names); vLLM speaks the plain OpenAI protocol",
                            ctx.fill("use new OpenAI({ baseURL, apiKey }) with the served model name instead")))
    else:
        option = "basePath" if f.api in V3_APIS else "baseURL"
        if "base_url" in settings:
            reason = f"{option} is set here; the value must be the vLLM server's URL"
        else:
            reason = f"no {option}: the client calls api.openai.com unless {ctx.placeholders['base_url_env']} is set"
        issues.append(Issue(Verdict.NEEDS_CHANGE, "client", f"{reason}; the API key must be the vLLM server's",
                            ctx.fill(js.CLIENT_FIX)))
    for option in sorted(names):
        fact = js.JS_ONLY_OPTIONS.get(option)
        if fact is not None:
            issues.append(Issue(fact.verdict, option, fact.reason, ctx.fill(fact.fix)))
            continue
        group = facts.SETTING_GROUPS.get(names[option])
        if group in (None, "base_url", "api_key", "azure"):
            continue
        issues.append(assess._setting_issue(option, group, ctx))
    if f.parameters_dynamic:
        issues.append(Issue(Verdict.NEEDS_CHANGE, "options", "client options not statically known (a spread or a "
                            "variable)", "check that baseURL and apiKey in them point at the vLLM server"))
    if f.api in V3_APIS:
        issues.insert(0, _v3_issue(f, ctx))
    return issues


def assess_requirement(f: Finding, ctx) -> list[Issue]:
    spec = f.parameters[0] if f.parameters else ""
    fact = js.npm_pin_fact(f.endpoint or "", spec)
    if fact is None or fact.verdict is Verdict.OK:
        return []
    return [Issue(fact.verdict, f.endpoint or "package", fact.reason, ctx.fill(fact.fix))]


def assess_wrapper(f: Finding, ctx) -> list[Issue]:
    from migrate.scan import assess

    fact = js.WRAPPER_FACTS.get(f"{f.api}:{f.client}") or js.WRAPPER_FACTS.get(f.api)
    if fact is None:
        return assess._assess_wrapper(f, ctx)
    role = assess._client_role(f)
    if role is not None and role[0] in ("other-provider", "local"):
        return [Issue(Verdict.OK, "client", f"points at {role[1]}", "nothing to do")]
    issues = [Issue(Verdict.NEEDS_CHANGE, "wrapper", f"{f.client or f.api}: {fact.reason}", ctx.fill(fact.fix))]
    issues.extend(assess._model_issues(f, ctx))
    return issues


ASSESSORS = {Kind.CALL: assess_call, Kind.CLIENT: assess_client, Kind.REQUIREMENT: assess_requirement,
             Kind.WRAPPER: assess_wrapper}
