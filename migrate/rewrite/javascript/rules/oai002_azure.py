"""OAI002 azure-to-openai (JS/TS): `new AzureOpenAI(...)` of openai-node becomes `new OpenAI(...)`, which OAI001
then points at vLLM.

    import { AzureOpenAI } from "openai";                 import { OpenAI } from "openai";
    const client = new AzureOpenAI({                 ->   const client = new OpenAI({
      endpoint: process.env.AZURE_OPENAI_ENDPOINT,          baseURL: process.env.OPENAI_BASE_URL ?? "...",
      apiVersion: "2024-10-21",                             apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
      deployment: "gpt-4o",                               });
    });

The import is fixed (the specifier renamed, or dropped when OpenAI is already imported; every other use of
the name, types included, follows). Azure-only options (endpoint, apiVersion, deployment, the Azure key and
AD token provider) are dropped, each with a review item: the deployment named the model, which requests now
name in their body. A client whose options are not an object literal is left for review. Clients that talk
to another provider are never converted. A file that only receives an Azure client (`constructor(private
azure: AzureOpenAI)`, built in another module, where it becomes `new OpenAI`) gets the type renamed the same way,
as the Python rule renames annotations; the client itself is left to the module that builds it.
"""

from __future__ import annotations

from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import JsModule, arguments, has_spread, prop_value, properties, strip_wrappers
from migrate.rewrite.javascript.objects import remove_property
from migrate.rewrite.javascript.rules._common import env_read, role_of
from migrate.scan.findings import Kind

RULE_ID = "OAI002"
AZURE_ONLY = {
    "endpoint": "the Azure resource URL (the client now reads the vLLM base URL)",
    "apiVersion": "Azure's API version (vLLM has none)",
    "deployment": "the Azure deployment (requests name the model in their body: map it with [models])",
    "azureADTokenProvider": "an Azure AD token provider (vLLM takes a plain API key)",
    "azureAdTokenProvider": "an Azure AD token provider (vLLM takes a plain API key)",
}


def run(module: JsModule, context) -> RuleOutput:
    out = RuleOutput()
    constructors = []
    for finding in module.findings:
        if finding.kind is not Kind.CLIENT or finding.api != "openai" or finding.client != "AzureOpenAI":
            continue
        node = module.node_at(finding.start_byte, finding.end_byte, ("new_expression",))
        if node is None:
            continue
        role, why = role_of(finding)
        if not role.migrates:
            out.note(node.start_byte, f"this AzureOpenAI client talks to {why}: left as it is", comment=False)
            continue
        args = arguments(node)
        options = strip_wrappers(args[0]) if args else None
        if options is not None and (options.type != "object" or has_spread(options)):
            shape = "spread from another object" if options.type == "object" else "not an object literal"
            out.note(node.start_byte, f"AzureOpenAI options `{module.snippet(args[0])}` are {shape}: drop endpoint / "
                                      "apiVersion / deployment / the Azure key by hand and use new OpenAI(...)")
            continue
        constructors.append(node)
        if options is not None:
            _drop_azure_options(module, options, out, node.start_byte)
    if constructors:
        _rename(module, constructors, out)
    elif not any(f.kind is Kind.CLIENT and f.client == "AzureOpenAI" for f in module.findings) and \
            any(f.kind is Kind.CALL and f.api == "openai" and f.client == "AzureOpenAI" for f in module.findings):
        _rename_injected(module, out)  # no Azure client is built here: the calls go through one passed in
    return out


def _drop_azure_options(module: JsModule, options, out: RuleOutput, where: int) -> None:
    for name, prop in properties(module, options).items():
        value = prop_value(prop)
        variable = env_read(module, value) if name == "apiKey" else None
        if name in AZURE_ONLY:
            out.note(where, f"dropped {name}: `{module.snippet(value)}`: {AZURE_ONLY[name]}")
            remove_property(module, options, prop, out)
        elif name == "apiKey" and variable is not None and "AZURE" in variable.upper():
            out.note(where, f"dropped apiKey from ${variable}: an Azure key is not the vLLM server's "
                            "(OAI001 reads the configured key)")
            remove_property(module, options, prop, out)


def _rename(module: JsModule, constructors, out: RuleOutput) -> None:
    """`new AzureOpenAI` -> `new OpenAI`, with the import of the name fixed."""
    for node in constructors:
        ctor = node.child_by_field_name("constructor")
        if ctor is not None and ctor.type == "member_expression":  # new openai.AzureOpenAI(...)
            prop = ctor.child_by_field_name("property")
            out.edit(prop.start_byte, prop.end_byte, "OpenAI")
    names = [c.child_by_field_name("constructor") for c in constructors]
    local = {module.text(n) for n in names if n is not None and n.type == "identifier"}
    for name in local:
        spec = _import_of(module, name)
        if spec is None:
            out.note(constructors[0].start_byte, f"{name} is not imported by name from openai here: replace it "
                                                 "with OpenAI by hand")
            continue
        _rename_name(module, name, spec, out)


def _rename_name(module: JsModule, name: str, spec, out: RuleOutput) -> None:
    """Every use of `name` (AzureOpenAI as imported by `spec`) becomes OpenAI, and the import follows."""
    existing = _openai_binding(module)
    target = existing or "OpenAI"
    for ident in module.walk(("identifier", "type_identifier")):
        if module.text(ident) == name and not _within(ident, spec):
            out.edit(ident.start_byte, ident.end_byte, target)
    if existing is None:
        out.edit(spec.start_byte, spec.end_byte, "OpenAI")
    else:
        _drop_specifier(module, spec, out)


def _rename_injected(module: JsModule, out: RuleOutput) -> None:
    """Calls through an AzureOpenAI client that is passed in: the names openai's AzureOpenAI is imported under here
    (types included) become OpenAI, so the type matches the plain client the building module now makes."""
    local = set()
    for spec in module.walk(("import_specifier",)):
        name = spec.child_by_field_name("name")
        if name is not None and module.text(name) == "AzureOpenAI" and _source(module, spec) == "openai":
            local.add(module.text(spec.child_by_field_name("alias") or name))
    for name in local:
        _rename_name(module, name, _import_of(module, name), out)


def _drop_specifier(module: JsModule, spec, out: RuleOutput) -> None:
    """Remove an import specifier; `import OpenAI, { AzureOpenAI }` loses the whole `, { ... }`."""
    from migrate.rewrite.javascript.rules.oai001_endpoint import _remove_specifier

    named = spec.parent
    if named is not None and named.type == "named_imports" and len(named.named_children) == 1:
        clause = named.parent
        default = next((c for c in clause.named_children if c.type == "identifier"), None) if clause else None
        if default is not None:
            out.edit(default.end_byte, named.end_byte, "")
            return
    _remove_specifier(module, spec, out)


def _within(node, container) -> bool:
    return container.start_byte <= node.start_byte and node.end_byte <= container.end_byte


def _import_of(module: JsModule, name: str):
    """The import specifier (or require-destructuring property) that binds `name` to openai's AzureOpenAI."""
    for spec in module.walk(("import_specifier", "shorthand_property_identifier_pattern", "pair_pattern")):
        if spec.type == "import_specifier":
            alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
            if module.text(alias) == name and module.text(spec.child_by_field_name("name")) == "AzureOpenAI" and \
                    _source(module, spec) == "openai":
                return spec
        elif spec.type == "shorthand_property_identifier_pattern" and module.text(spec) == name == "AzureOpenAI" \
                and _source(module, spec) == "openai":
            return spec
    return None


def _source(module: JsModule, node) -> str | None:
    """The module an import specifier or a `require(...)` destructuring pattern comes from."""
    while node is not None and node.type not in ("import_statement", "variable_declarator"):
        node = node.parent
    if node is None:
        return None
    if node.type == "import_statement":
        source = node.child_by_field_name("source")
        return module.text(source).strip("'\"`") if source is not None else None
    value = strip_wrappers(node.child_by_field_name("value"))
    if value is not None and value.type == "call_expression" and module.text(value.child_by_field_name("function")) == "require":
        args = arguments(value)
        return module.text(args[0]).strip("'\"`") if args else None
    return None


def _openai_binding(module: JsModule) -> str | None:
    """The local name OpenAI is already imported under from "openai" (default or named), if any."""
    for statement in module.root.named_children:
        if statement.type != "import_statement" or _source(module, statement.named_children[-1]) != "openai":
            continue
        for clause in statement.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    return module.text(part)
                if part.type == "named_imports":
                    for spec in part.named_children:
                        name = spec.child_by_field_name("name")
                        if name is not None and module.text(name) == "OpenAI":
                            return module.text(spec.child_by_field_name("alias") or name)
    return None

