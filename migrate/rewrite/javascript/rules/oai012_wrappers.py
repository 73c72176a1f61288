"""OAI012 wrapper-endpoint (JS/TS): LangChain.js's OpenAI classes talk to the vLLM endpoint named by the
environment.

    new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0 })
->  new ChatOpenAI({
      model: "gpt-4o-mini",
      temperature: 0,
      configuration: { baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1" },
      apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
    })

ChatOpenAI, OpenAIEmbeddings and OpenAI (the completions model) of @langchain/openai (and `langchain/...`)
take their base URL in `configuration` (the openai-node options they pass on): an existing `configuration`
object gets `baseURL`, an existing `apiKey` / `openAIApiKey` is kept. A repointed OpenAIEmbeddings gets a review
item: vLLM serves embeddings only from a server that runs an embedding model. A project on `langchain` below
0.0.141 (openai-node v3 inside) gets v3's names: `configuration: { basePath }` and `openAIApiKey`. A class that talks to another provider
is left alone, with a review item. Azure classes (AzureChatOpenAI, ...) and LlamaIndex.TS classes are left
for review with the change to make: their options address Azure deployments or differ per version.
"""

from __future__ import annotations

import json
import os
import re

from migrate.catalog import javascript as js
from migrate.catalog.providers import Role
from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import JsModule, arguments, has_spread, prop_value, properties, strip_wrappers
from migrate.rewrite.javascript.objects import add_properties, give_options
from migrate.rewrite.javascript.rules._common import api_key_expr, base_url_expr, role_of
from migrate.rewrite.javascript.rules.oai001_endpoint import merge
from migrate.rewrite.javascript.upgrade.pins import package_json_for
from migrate.scan.findings import Kind

RULE_ID = "OAI012"
LANGCHAIN_CLASSES = frozenset({"ChatOpenAI", "OpenAIEmbeddings", "OpenAI", "OpenAIChat"})
# LangChain.js before 0.0.141 is built on openai-node v3: its `configuration` is v3's (basePath, not baseURL) and
# its key option is openAIApiKey; there the v4 names are ignored without a word and the class still calls OpenAI.
FIRST_V4_LANGCHAIN = (0, 0, 141)
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_PINNED_0_0 = re.compile(r"[\^=]?\s*v?(0)\.(0)\.(\d+)")


def run(module: JsModule, context) -> RuleOutput:
    out = RuleOutput()
    for finding in module.findings:
        if finding.kind is not Kind.WRAPPER:
            continue
        node = module.node_at(finding.start_byte, finding.end_byte, ("new_expression",))
        if node is None:
            continue
        role, why = role_of(finding)
        if role is Role.LOCAL:
            continue
        if not role.migrates:
            out.note(node.start_byte, f"this {finding.client} talks to {why}: not repointed, and not given the "
                                      "OpenAI key", comment=False)
            continue
        if finding.api != "langchain" or finding.client not in LANGCHAIN_CLASSES:
            fact = js.WRAPPER_FACTS.get(f"{finding.api}:{finding.client}") or js.WRAPPER_FACTS.get(finding.api)
            fix = fact.fix.replace("{base_url}", context.config.base_url_default) if fact else "point it at vLLM"
            out.note(node.start_byte, f"{finding.client} ({finding.api}) is not rewritten automatically: {fix}")
            continue
        before = len(out.edits)
        _point(module, context, node, finding.client, out)
        if finding.client == "OpenAIEmbeddings" and len(out.edits) > before:
            out.note(node.start_byte, _embeddings_note(module, node, context))
    return out


def _embeddings_note(module: JsModule, node, context) -> str:
    """What an OpenAIEmbeddings pointed at the vLLM endpoint needs (the catalog's answer for embeddings.create: a
    server of an embedding model, which the chat model's server is not), and the model it sends."""
    from migrate.catalog import load_catalog

    verdict = load_catalog().endpoint_verdict("embeddings.create")
    args = arguments(node)
    options = strip_wrappers(args[0]) if args else None
    named = options is not None and options.type == "object" and \
        bool({"model", "modelName"} & set(properties(module, options)))
    model = "" if named else ("; it sends LangChain's default model, an OpenAI embedding model name, until `model` "
                              "names the served one")
    return f"OpenAIEmbeddings now calls ${context.config.base_url_env}: {verdict.reason}; {verdict.fix}{model}"


def _point(module: JsModule, context, node, cls: str, out: RuleOutput) -> None:
    args = arguments(node)
    config = context.config
    base_key, key_key = ("basePath", "openAIApiKey") if v3_langchain(module) else ("baseURL", "apiKey")
    base = ("configuration", "{ " + base_key + ": " + base_url_expr(module, context) + " }")
    key = (key_key, api_key_expr(module, context))
    if not args:
        give_options(module, node, [base, key], out)
        return
    options = strip_wrappers(args[0])
    if options.type != "object" or has_spread(options):
        out.note(node.start_byte, f"{cls}'s options are `{module.snippet(args[0])}`: set configuration.baseURL "
                                  f"from ${config.base_url_env} and apiKey from ${config.api_key_env}")
        return
    props = properties(module, options)
    nested = props.get("configuration")
    add = []
    has_key = bool({"apiKey", "openAIApiKey"} & set(props))
    if nested is None:
        add.append(base)
    else:
        inner = strip_wrappers(prop_value(nested))
        if inner is None or inner.type != "object" or has_spread(inner):
            out.note(node.start_byte, f"{cls}'s configuration is `{module.snippet(prop_value(nested))}`: set its "
                                      f"baseURL from ${config.base_url_env}")
            return
        has_key = has_key or "apiKey" in properties(module, inner)
        merge(module, context, inner, out, node.start_byte, cls, base_key=base_key, key_keys=())
    if not has_key:
        add.append(key)
    add_properties(module, options, add, out)


def v3_langchain(module: JsModule) -> bool:
    """The project's `langchain` is below 0.0.141 (and it has no @langchain/openai): the openai-node v3 era. The
    installed version decides when node_modules has it, else a package.json spec that allows one 0.0.x version
    only (`0.0.121`, `^0.0.121`: a caret on 0.0.x pins the patch); a wider range is not guessed."""
    root = module.path[: -len(module.rel)] if module.path.endswith(module.rel) else "/"
    manifest = package_json_for(module.path, root or "/")
    specs = _dependencies(_read_json(manifest)) if manifest else {}
    if "@langchain/openai" in specs or not isinstance(specs.get("langchain"), str):
        return False
    installed = _read_json(os.path.join(os.path.dirname(manifest), "node_modules", "langchain", "package.json"))
    version = installed.get("version") if isinstance(installed.get("version"), str) else None
    match = _VERSION.fullmatch(version) if version else _PINNED_0_0.fullmatch(specs["langchain"].strip())
    return match is not None and tuple(map(int, match.groups())) < FIRST_V4_LANGCHAIN


def _read_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _dependencies(manifest: dict) -> dict:
    specs = {}
    for section in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(manifest.get(section), dict):
            specs.update(manifest[section])
    return specs
