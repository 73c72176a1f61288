"""OAI001 client-endpoint (JS/TS): openai-node clients and the AI SDK's OpenAI provider talk to the vLLM
endpoint named by the environment, with the same defaults as the Python rule.

    const client = new OpenAI();
->  const client = new OpenAI({
      baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
      apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
    });

    import { openai } from "@ai-sdk/openai";          import { createOpenAI } from "@ai-sdk/openai";
                                                 ->
                                                      const openai = createOpenAI({ baseURL: ..., apiKey: ... });

openai-edge's `new Configuration({...})` gets `basePath` and `apiKey` the same way (its v3 API stays). Calls to
endpoints vLLM does not serve go through a client kept on OpenAI (rules/_upstream.py).

Options already passed are kept (merged into the object literal, or the object a variable holds); an
OpenAI base URL (a literal api.openai.com URL, an OPENAI_*BASE* variable) is replaced, `process.env.OPENAI_API_KEY`
gets the "EMPTY" fallback. What a client talks to comes from the scan (migrate/catalog/providers.py): another
provider's or a gateway's client is never repointed and never given the OpenAI key (a review item says
whose it is); a local server's is already migrated; one whose endpoint the code computes, or whose options are
spread from elsewhere, is left for review.
"""

from __future__ import annotations

from migrate.catalog import javascript as js
from migrate.catalog.providers import Role
from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import (
    JsModule, arguments, has_spread, prop_value, properties, string_value, strip_wrappers,
)
from migrate.rewrite.javascript.objects import add_properties, give_options, new_object
from migrate.rewrite.javascript.rules import _upstream as upstream
from migrate.rewrite.javascript.rules._common import (
    api_key_expr, base_url_expr, beside_key, configured, env_name, env_object, env_prefix, env_read, is_openai_base_variable,
    is_openai_url, is_worker, lacks_process, reads, role_of, statement_end,
)
from migrate.scan.findings import Kind

RULE_ID = "OAI001"
# Clients this rule does not repoint, with what to do instead (the openai-node v3 -> v4 upgrade, OAI004, converts
# v3 clients when it runs, before this rule; an openai-edge client gets `basePath` here, see _point_edge, and this
# note only when its Configuration cannot be followed).
_NOT_HERE = {
    "openai-node-v3": "an openai-node v3 client (Configuration / OpenAIApi): upgrade it to openai@^4 (new OpenAI({ "
                      "baseURL, apiKey })), or set `basePath` from ${env}",
    "openai-edge": "an openai-edge client whose Configuration the rewrite cannot follow here: set its basePath from "
                   "${env} (v3's base URL, /v1 included) where it is built, or move to openai@^4 (new OpenAI({ "
                   "baseURL, apiKey }))",
    "azure-openai": "an @azure/openai OpenAIClient: it addresses Azure deployments; use openai@^4's new OpenAI({ "
                    "baseURL, apiKey }) pointed at ${env}",
}


def run(module: JsModule, context) -> RuleOutput:
    out = RuleOutput()
    default_provider = False
    clients = []
    for finding in module.findings:
        if finding.kind is Kind.CLIENT and finding.api == "openai" and finding.client == "OpenAI" and \
                role_of(finding)[0].migrates:
            node = module.node_at(finding.start_byte, finding.end_byte, ("new_expression",))
            if node is not None:
                clients.append((finding, node))
    split = upstream.plan(module, context, clients, upstream.unserved_calls(module, context, module.findings), out)
    for finding in module.findings:
        if finding.kind is Kind.CLIENT and finding.api == "openai" and finding.client == "OpenAI":
            node = module.node_at(finding.start_byte, finding.end_byte, ("new_expression",))
            if node is not None and node.start_byte not in split.pinned and \
                    not upstream.is_upstream(module, context, node):
                point(module, context, node, finding, out, "OpenAI client")
        elif finding.kind is Kind.CLIENT and finding.api == "ai-sdk" and finding.client in js.AI_SDK_PROVIDER_FACTORIES:
            node = module.node_at(finding.start_byte, finding.end_byte, ("call_expression",))
            if node is not None:
                point(module, context, node, finding, out, "AI SDK provider")
        elif finding.kind is Kind.CALL and finding.api == "ai-sdk" and finding.client == "openai":
            default_provider = True
        elif finding.kind is Kind.CLIENT and finding.api == "openai-edge" and role_of(finding)[0] is Role.OTHER:
            out.note(finding.start_byte, f"this openai-edge client talks to {role_of(finding)[1]}: not repointed, and "
                                         "not given the OpenAI key", comment=False)
        elif finding.kind is Kind.CLIENT and finding.api == "openai-edge" and role_of(finding)[0].migrates:
            node = module.node_at(finding.start_byte, finding.end_byte, ("new_expression",))
            if node is None or not _point_edge(module, context, node, out):
                out.note(finding.start_byte, _NOT_HERE[finding.api].replace("{env}", context.config.base_url_env))
        elif finding.kind is Kind.CLIENT and finding.api in _NOT_HERE and role_of(finding)[0].migrates:
            out.note(finding.start_byte, _NOT_HERE[finding.api].replace("{env}", context.config.base_url_env))
        if finding.kind is Kind.CALL and finding.api in ("openai", "ai-sdk") and _unserved(finding) and \
                _ours(finding, context) and finding.start_byte not in split.handled:
            out.note(finding.start_byte, _unsplit_note(module, context, finding))
    _note_resets(module, context, [node for finding, node in clients if node.start_byte not in split.pinned
                                   and not upstream.is_upstream(module, context, node)], out)
    _note_subclasses(module, context, out)
    if default_provider and not _default_provider(module, context, out):
        first = next(f for f in module.findings if f.kind is Kind.CALL and f.api == "ai-sdk" and f.client == "openai")
        out.note(first.start_byte, "the AI SDK's default `openai` provider is not imported here with an ES import: "
                                   "create the provider with createOpenAI({ baseURL, apiKey }) reading "
                                   f"${context.config.base_url_env} where it comes from")
    return out


def _point_edge(module: JsModule, context, node, out: RuleOutput) -> bool:
    """openai-edge keeps the v3 API (and its fetch Response, which the `ai` package's OpenAIStream reads): its
    `new Configuration({...})` gets `basePath` (v3's base URL, /v1 included) and `apiKey` from the configured
    variables, the calls stay as they are. False when the configuration is not a literal this module writes."""
    args = arguments(node)
    config = strip_wrappers(args[0]) if args else None
    if config is not None and config.type == "identifier":
        config = _declared_value(module, config)
    if config is None or config.type != "new_expression" or module.text(config.child_by_field_name("constructor")) \
            .rsplit(".", 1)[-1] != "Configuration":
        return False
    options = arguments(config)
    before = len(out.edits)
    base_argument = _edge_base_argument(module, node)
    if base_argument is not None:  # new OpenAIApi(config, basePath): a Configuration basePath would override it
        if not _replace_base(module, context, base_argument, out):
            out.note(node.start_byte, f"this openai-edge client's base URL is OpenAIApi's second argument "
                                      f"(`{module.snippet(base_argument)}`): set it from "
                                      f"${context.config.base_url_env} (a Configuration basePath would override it)")
            return True
    if options and strip_wrappers(options[0]).type == "object":
        who = _edge_role(module, strip_wrappers(options[0]))
        if not who.role.migrates:
            if who.role is not Role.LOCAL:
                out.note(node.start_byte, f"this openai-edge client talks to {who.describe()}: not repointed, and not "
                                          "given the OpenAI key", comment=who.role is Role.UNKNOWN)
            return True
    if not options:
        wanted = [("basePath", base_url_expr(module, context)), ("apiKey", api_key_expr(module, context))]
        give_options(module, config, wanted[1:] if base_argument is not None else wanted, out)
    else:
        literal = strip_wrappers(options[0])
        if literal.type != "object" or has_spread(literal):
            return False
        merge(module, context, literal, out, node.start_byte, "openai-edge client", base_key="basePath",
              base=base_argument is None)
    if len(out.edits) > before:
        _note_edge_unserved(module, context, out)
        out.note(node.start_byte, f"openai-edge now reads ${context.config.base_url_env} (basePath): it keeps the v3 "
                                  "API; openai-edge is deprecated: openai@^4 (new OpenAI({ baseURL, apiKey })) runs "
                                  "on the edge too, and the AI SDK's createOpenAI({ baseURL }) replaces OpenAIStream")
    return True


def _edge_base_argument(module: JsModule, node):
    """The basePath argument of `new OpenAIApi(configuration, basePath, fetch)`, unless absent or `undefined`."""
    args = arguments(node)
    if len(args) < 2 or module.text(strip_wrappers(args[1])) == "undefined":
        return None
    return args[1]


def _note_edge_unserved(module: JsModule, context, out: RuleOutput) -> None:
    """The openai-edge calls of a module whose client now talks to vLLM, to endpoints vLLM does not serve
    (`openai.createImage(...)`: the scan cannot tie them to the client through a context or a parameter)."""
    from migrate.catalog import load_catalog

    catalog = load_catalog()
    for call in module.walk(("call_expression",)):
        func = call.child_by_field_name("function")
        prop = func.child_by_field_name("property") if func is not None and func.type == "member_expression" else None
        endpoint = js.V3_METHODS.get(module.text(prop)) if prop is not None else None
        served = catalog.endpoint(endpoint)
        if endpoint is None or served is None or served.served:
            continue
        out.note(call.start_byte, f"{module.text(prop)} ({endpoint}): this module's openai-edge client now talks to "
                                  f"${context.config.base_url_env}, and vLLM serves no such route: keep this call on "
                                  f"OpenAI through a client of its own (basePath from "
                                  f"${context.config.openai_upstream_base_url_env}, OpenAI's key)")


def _edge_role(module: JsModule, options):
    """What an openai-edge Configuration's `basePath` / `apiKey` say it talks to (catalog providers.py)."""
    from migrate.catalog.providers import Evidence, classify_client

    def evidence(prop):
        if prop is None or prop.type != "pair":
            return None
        value = strip_wrappers(prop_value(prop))
        literal = string_value(module, value)
        if literal is not None:
            return Evidence.of_literal(literal)
        read = env_read(module, value)
        if read is None and value.type == "binary_expression":
            read = env_read(module, value.child_by_field_name("left"))
            default = string_value(module, strip_wrappers(value.child_by_field_name("right")))
            return Evidence.of_env(read, default) if read else Evidence(opaque=module.text(value))
        return Evidence.of_env(read) if read else Evidence(opaque=module.text(value))

    props = properties(module, options)
    return classify_client(evidence(props.get("basePath")), evidence(props.get("apiKey")))


def _note_resets(module: JsModule, context, pointed: list, out: RuleOutput) -> None:
    """`client.baseURL = X` after a client this rule points at vLLM was built sets its endpoint again: the
    rewrite of the construction would not hold. Where X is not the configured endpoint, a note says so."""
    built = {node.start_byte for node in pointed}
    if not built:
        return
    variable = context.config.base_url_env
    for assignment in module.walk(("assignment_expression",)):
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        prop = left.child_by_field_name("property") if left is not None and left.type == "member_expression" else None
        if prop is None or module.text(prop) != "baseURL" or configured(module, right, variable):
            continue
        owner = strip_wrappers(left.child_by_field_name("object"))
        value = _declared_value(module, owner) if owner is not None and owner.type == "identifier" else None
        if value is not None and value.start_byte in built:
            out.note(assignment.start_byte, f"`{module.text(left)}` is set here after the client is built: it "
                                            f"overrides the vLLM endpoint the construction now reads; read "
                                            f"${variable} here too, or remove it")


_DOUBLE_WORDS = ("Spy", "Mock", "Fake", "Stub", "Dummy")


def _note_subclasses(module: JsModule, context, out: RuleOutput) -> None:
    """`class X extends OpenAI { constructor(o) { super({ ...o, baseURL: ... }) } }`: the scan does not see `new X()`
    as an OpenAI client, so nothing repoints it, here or where it is built; what its constructor passes to super()
    decides (a gateway's or another provider's baseURL must stay). A review item on the class says so. Test doubles
    (SpyOpenAI, MockOpenAI ...) are left alone."""
    names = _openai_class_names(module)
    if not names:
        return
    for cls in module.walk(("class_declaration", "class", "abstract_class_declaration")):
        heritage = next((c for c in cls.named_children if c.type == "class_heritage"), None)
        if heritage is None:
            continue
        extends = next((c for c in heritage.named_children if c.type == "extends_clause"), heritage)
        value = extends.child_by_field_name("value") or next(iter(extends.named_children), None)
        name = cls.child_by_field_name("name")
        label = module.text(name) if name is not None else "this class"
        if value is None or module.text(value) not in names or any(w in label for w in _DOUBLE_WORDS):
            continue
        out.note(cls.start_byte, f"`{label}` extends the OpenAI client: the rewrite does not repoint its constructions "
                                 f"(here or in other modules); check what its constructor passes to super() (another "
                                 f"provider's or a gateway's baseURL stays), else set baseURL from "
                                 f"${context.config.base_url_env}")


def _openai_class_names(module: JsModule) -> set[str]:
    """How this module names openai-node's client class: `OpenAI` (or its alias) of an import or require of
    "openai", its default import, `ns.OpenAI` / `ns.default` of a namespace, `openai_1.default` of compiled code."""
    names: set[str] = set()
    package = js.OPENAI_PACKAGE
    for statement in module.root.named_children:
        if statement.type == "import_statement":
            source = statement.child_by_field_name("source")
            if source is None or module.text(source).strip("'\"") != package:
                continue
            clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
            for part in clause.named_children if clause is not None else []:
                if part.type == "identifier":
                    names.add(module.text(part))
                elif part.type == "namespace_import":
                    names.update(f"{module.text(c)}.{n}" for c in part.named_children if c.type == "identifier"
                                 for n in ("OpenAI", "default"))
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type == "import_specifier" and module.text(spec.child_by_field_name("name")) == "OpenAI":
                            names.add(module.text(spec.child_by_field_name("alias") or spec.child_by_field_name("name")))
        elif statement.type in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.named_children:
                value = declarator.child_by_field_name("value") if declarator.type == "variable_declarator" else None
                text = module.text(value) if value is not None else ""
                if f'require("{package}")' not in text and f"require('{package}')" not in text:
                    continue
                target = declarator.child_by_field_name("name")
                if target is not None and target.type == "identifier":
                    local = module.text(target)
                    names.update({local, f"{local}.OpenAI", f"{local}.default"})
                elif target is not None and target.type == "object_pattern":
                    for prop in target.named_children:
                        if prop.type == "shorthand_property_identifier_pattern" and module.text(prop) == "OpenAI":
                            names.add("OpenAI")
                        elif prop.type == "pair_pattern" and module.text(prop.child_by_field_name("key")) == "OpenAI":
                            names.add(module.text(prop.child_by_field_name("value")))
    return names


def _declared_value(module: JsModule, ident):
    """The value of the only `const x = ...` declaration of `ident`'s name in this module, or None."""
    name = module.text(ident)
    found = []
    for declarator in module.walk(("variable_declarator",)):
        target = declarator.child_by_field_name("name")
        if target is not None and target.type == "identifier" and module.text(target) == name:
            found.append(strip_wrappers(declarator.child_by_field_name("value")))
    return found[0] if len(found) == 1 else None


def _unsplit_note(module: JsModule, context, finding) -> str:
    """What to do with a call vLLM cannot serve that the split (rules/_upstream.py) could not move: its client is
    not one this module builds once from an options literal (another module's, `this.client`, a parameter)."""
    upstream_env = context.config.openai_upstream_base_url_env
    call = module.node_at(finding.start_byte, finding.end_byte, ("call_expression",))
    target = upstream.receiver(call, finding.endpoint) if call is not None and finding.api == "openai" else None
    through = f"`{module.snippet(target, 40)}`" if target is not None else "the client"
    return (f"{finding.endpoint}: vLLM serves no such route: if {through} points at vLLM, keep this call on OpenAI "
            f"through a client of its own (baseURL from ${upstream_env}, OpenAI's key); not split automatically: "
            "the rewrite cannot prove which client this is where it is built")


def _unserved(finding) -> bool:
    from migrate.rewrite.javascript.rules.oai003_models import unserved

    return unserved(finding)


def _ours(finding, context) -> bool:
    from migrate.rewrite.javascript.rules.oai003_models import _ours as ours

    return ours(finding, context)


def point(module: JsModule, context, node, finding, out: RuleOutput, what: str) -> None:
    """Point one construction (`new OpenAI(...)`, `createOpenAI(...)`) at the configured endpoint."""
    role, why = role_of(finding)
    if role in (Role.OTHER,):
        out.note(node.start_byte, f"this {what} talks to {why}: not repointed, and not given the OpenAI key",
                 comment=False)
        return
    if role is Role.LOCAL:
        return
    if role is Role.UNKNOWN and _falls_back_to_vllm(module, context, node):
        return  # `baseURL: options.baseURL ?? (process.env.OPENAI_BASE_URL ?? ...)`: this rule's own output
    if role is Role.UNKNOWN:
        endpoints = upstream.only_unserved(module, node) if node.type == "new_expression" else []
        if endpoints:  # pointing it at vLLM would break every call it makes
            out.note(node.start_byte, f"this {what} talks to {why}: left as it is; it only calls what vLLM does not "
                                      f"serve ({', '.join(endpoints)}): keep it on OpenAI, not on "
                                      f"${context.config.base_url_env}")
            return
        out.note(node.start_byte, f"this {what} talks to {why}: left as it is; "
                                  f"point it at ${context.config.base_url_env} if it reaches OpenAI")
        return
    args = arguments(node)
    wanted = [("baseURL", base_url_expr(module, context)), ("apiKey", api_key_expr(module, context))]
    if not args:
        give_options(module, node, wanted, out)
        return
    options = strip_wrappers(args[0])
    if options.type == "identifier":
        options = _declared_object(module, options)
        if options is None:
            out.note(node.start_byte, f"this {what}'s options come from `{module.text(args[0])}`: set baseURL from "
                                      f"${context.config.base_url_env} and apiKey from ${context.config.api_key_env} "
                                      "there")
            return
    if options.type != "object":
        out.note(node.start_byte, f"this {what}'s options are `{module.snippet(args[0])}`: set baseURL from "
                                  f"${context.config.base_url_env} and apiKey from ${context.config.api_key_env}")
        return
    if has_spread(options):
        out.note(node.start_byte, f"this {what}'s options are spread from another object: check it sets no other "
                                  f"provider's baseURL or key, then set baseURL from ${context.config.base_url_env}")
        return
    merge(module, context, options, out, node.start_byte, what)
    props = properties(module, options)
    if "dangerouslyAllowBrowser" in props and out.edits:
        fact = js.JS_ONLY_OPTIONS["dangerouslyAllowBrowser"]
        out.note(node.start_byte, f"dangerouslyAllowBrowser: {fact.reason}; {fact.fix}{_bundler_note(module, context)}")


def _bundler_note(module: JsModule, context) -> str:
    """What a browser client's module must define for the variables the rewrite reads (bundlers expose only the
    variables with their prefix: catalog providers.FRAMEWORK_ENV_PREFIXES)."""
    from migrate.catalog.providers import FRAMEWORK_ENV_PREFIXES

    prefix = env_prefix(module)
    base = env_name(module, context.config.base_url_env)
    if prefix:
        return (f"; browser code reads only the variables its bundler exposes ({FRAMEWORK_ENV_PREFIXES[prefix]}: "
                f"{prefix}*), so the rewrite reads {base}: define it for the build")
    if env_object(module) == "import.meta.env":
        return (f"; browser code reads only the variables its bundler exposes (Vite: VITE_*): define "
                f"{context.config.base_url_env} for it, or read it with the bundler's prefix")
    if lacks_process(module):
        return (f"; the rewrite reads {base} through globalThis.process, which a browser bundle may not define "
                f"(then the default URL applies, where `process.env` would throw): set the URL for the build with "
                f"the bundler's prefix (VITE_, NEXT_PUBLIC_, ...)")
    return ""


def merge(module: JsModule, context, options, out: RuleOutput, where: int, what: str,
          base_key: str = "baseURL", key_keys: tuple[str, ...] = ("apiKey",), base: bool = True) -> None:
    """Set `base_key` and the API key in an options object literal, keeping what the user passed (base=False:
    the key only, the base URL is set elsewhere)."""
    props = properties(module, options)
    config = context.config
    add: list[tuple[str, str]] = []
    base = props.get(base_key) if base else False
    if base is None:
        given = next((props[k] for k in key_keys if k in props), None)
        key_value = prop_value(given) if given is not None and given.type == "pair" else None
        beside = beside_key(module, key_value, config) if key_value is not None else None
        add.append((base_key, base_url_expr(module, context) if beside is None
                    else f"{beside} ?? {module.string(config.base_url_default)}"))
        if beside is None and lacks_process(module) and is_worker(module):
            out.note(where, f"this {what}'s {base_key} is read through globalThis.process, which a Worker does not "
                            f"have (the default URL applies there): read it off the Worker's env binding "
                            f"(env.{config.base_url_env}, a var in wrangler.toml and a field of its Env type)")
        if beside is not None:
            holder = beside.rsplit(".", 1)[0]
            out.note(where, f"this {what}'s {base_key} is read from `{holder}`, where its key is read (not from "
                            f"process.env, which a Worker or browser may not have): define "
                            f"{beside.rsplit('.', 1)[1]} there (a Worker: a var in wrangler.toml and a field of its "
                            f"Env type)")
    elif base is False:
        pass
    else:
        value = prop_value(base)
        if base.type == "shorthand_property_identifier" or not _replace_base(module, context, value, out):
            if not configured(module, value, config.base_url_env) and value is not None:
                out.note(where, f"this {what}'s {base_key} comes from `{module.snippet(value)}`, which reaches "
                                f"OpenAI: point it at ${config.base_url_env} by hand")
    key = next((props[k] for k in key_keys if k in props), None)
    if key is None and key_keys:  # no key_keys: the caller sets the key elsewhere
        add.append((key_keys[0], api_key_expr(module, context)))
    elif key is not None and key.type == "pair":
        value = prop_value(key)
        if reads(module, value, config.api_key_env) and not configured(module, value, config.api_key_env):
            out.edit(value.start_byte, value.end_byte, api_key_expr(module, context))
    add_properties(module, options, add, out)


def _replace_base(module: JsModule, context, value, out: RuleOutput) -> bool:
    """Replace a base URL value that is OpenAI's (literal or variable); True when handled or already configured."""
    config = context.config
    if configured(module, value, config.base_url_env):
        return True
    inner = strip_wrappers(value)
    if is_openai_url(module, inner) or is_openai_base_variable(env_read(module, inner)) or \
            _openai_fallback(module, inner):
        out.edit(value.start_byte, value.end_byte, base_url_expr(module, context))
        return True
    fallback = _fallback(module, inner)
    if fallback is not None and is_openai_url(module, fallback):
        # `options.baseURL ?? "https://api.openai.com/v1"`: the caller's URL when given, else vLLM's (not OpenAI's)
        out.edit(fallback.start_byte, fallback.end_byte, f"({base_url_expr(module, context)})")
        return True
    return fallback is not None and configured(module, fallback, config.base_url_env)


def _fallback(module: JsModule, node):
    """The right side of `x ?? y` / `x || y`, else None."""
    if node is None or node.type != "binary_expression":
        return None
    operator = node.child_by_field_name("operator")
    return strip_wrappers(node.child_by_field_name("right")) if operator is not None and \
        module.text(operator) in ("??", "||") else None


def _falls_back_to_vllm(module: JsModule, context, node) -> bool:
    """The construction's options literal sets baseURL to a value whose `??` / `||` fallback reads the configured
    variable (what _replace_base writes for an OpenAI URL fallback)."""
    args = arguments(node)
    options = strip_wrappers(args[0]) if args else None
    if options is None or options.type != "object":
        return False
    base = properties(module, options).get("baseURL")
    if base is None or base.type != "pair":
        return False
    fallback = _fallback(module, strip_wrappers(prop_value(base)))
    return fallback is not None and configured(module, fallback, context.config.base_url_env)


def _openai_fallback(module: JsModule, node) -> bool:
    """`process.env.OPENAI_BASE_URL ?? "https://api.openai.com/v1"`: an OpenAI variable with OpenAI's URL."""
    if node is None or node.type != "binary_expression":
        return False
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    return is_openai_base_variable(env_read(module, left)) and (right is None or is_openai_url(module, right))


def _declared_object(module: JsModule, ident):
    """The object literal a `const options = {...}` declaration of this module binds `ident` to, if that is the
    only declaration of the name."""
    value = _declared_value(module, ident)
    return value if value is not None and value.type == "object" else None


# -- the AI SDK's default provider ------------------------------------------------------------------------------
def _default_provider(module: JsModule, context, out: RuleOutput) -> bool:
    """`import { openai } from "@ai-sdk/openai"` -> a provider of the same name made with createOpenAI (False: no
    such import here)."""
    for statement in module.root.named_children:
        if statement.type != "import_statement":
            continue
        source = statement.child_by_field_name("source")
        if source is None or module.text(source).strip("'\"") != js.AI_SDK_PROVIDER_PACKAGE:
            continue
        if any(not c.is_named and c.type == "type" for c in statement.children):
            continue
        specs = [s for s in module.walk(("import_specifier",), statement)]
        provider = next((s for s in specs if module.text(s.child_by_field_name("name")) in js.AI_SDK_PROVIDER_EXPORTS),
                        None)
        if provider is None:
            continue
        local = module.text(provider.child_by_field_name("alias") or provider.child_by_field_name("name"))
        factory = next((s for s in specs if module.text(s.child_by_field_name("name")) == "createOpenAI"), None)
        factory_name = module.text(factory.child_by_field_name("alias") or factory.child_by_field_name("name")) \
            if factory is not None else "createOpenAI"
        if factory is None:
            out.edit(provider.start_byte, provider.end_byte, "createOpenAI")
        else:
            _remove_specifier(module, provider, out)
        last_import = [s for s in module.root.named_children if s.type == "import_statement"][-1]
        semi = statement_end(module, statement)
        wanted = [("baseURL", base_url_expr(module, context)), ("apiKey", api_key_expr(module, context))]
        declaration = f"const {local} = {factory_name}({new_object(module, wanted, last_import.start_byte)}){semi}"
        out.edit(last_import.end_byte, last_import.end_byte, module.newline * 2 + declaration)
        return True
    return False


def _remove_specifier(module: JsModule, spec, out: RuleOutput) -> None:
    source = module.source
    end = spec.end_byte
    rest = source[end:]
    stripped = rest.lstrip(b" \t\n")
    if stripped.startswith(b","):
        end += len(rest) - len(stripped) + 1
        end += len(source[end:]) - len(source[end:].lstrip(b" \t"))
        out.edit(spec.start_byte, end, "")
        return
    before = source[:spec.start_byte]
    comma = before.rstrip(b" \t\n")
    if comma.endswith(b","):
        out.edit(len(comma) - 1, spec.end_byte, "")
    else:
        out.edit(spec.start_byte, spec.end_byte, "")
