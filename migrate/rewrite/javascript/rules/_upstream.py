"""OAI001's split for JS/TS: calls to endpoints vLLM does not serve keep going to OpenAI through a client of their
own, as the Python rule does (migrate/rewrite/rules/oai001_endpoint.py, `_plan_unserved`).

    const client = new OpenAI();                     const client = new OpenAI({ baseURL: <vLLM>, apiKey: ... });
    await client.chat.completions.create(...)   ->   // migrate: openaiClient keeps talking to OpenAI for what ...
    await client.images.generate(...)                const openaiClient = new OpenAI({
                                                       baseURL: process.env.OPENAI_UPSTREAM_BASE_URL ?? "https://api.openai.com/v1",
                                                       apiKey: process.env.OPENAI_UPSTREAM_API_KEY ?? process.env.OPENAI_API_KEY,
                                                     });
                                                     await client.chat.completions.create(...)
                                                     // migrate: images.generate stays on OpenAI (...): it goes through `openaiClient`, ...
                                                     await openaiClient.images.generate(...)

The catalog says which endpoints vLLM serves. The split is made only where it is provably right: the client is
a `const` / `let` / `var` of this module bound once (no other binding of the name anywhere in the module, never
reassigned), built from an options object literal (or none) that OAI001 repoints, and the call's receiver is
that name. A client that is used for nothing but such calls (and not exported) stays on OpenAI as a whole,
pinned to $OPENAI_UPSTREAM_BASE_URL; so does a client a class keeps in a field (`this.client = new OpenAI()` in
its constructor) when every `this.client` of the class is such a call's receiver. Anything else (a client another module exports, `this.client`, a
parameter, options spread from elsewhere) keeps its call as it is with a review comment saying what to do.
A client whose baseURL reads $OPENAI_UPSTREAM_BASE_URL is one of these (written here or by hand): never
repointed, and its calls need nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import JsModule, arguments, has_spread, prop_value, properties, strip_wrappers
from migrate.rewrite.javascript.objects import give_options, new_object
from migrate.rewrite.javascript.rules._common import configured, env_expr, env_name, env_read, statement_end
from migrate.scan.findings import Kind

# Nodes that bind the identifier under them (a second binding of the client's name makes the receiver unprovable)
_BINDERS = frozenset({"variable_declarator", "required_parameter", "optional_parameter", "formal_parameters",
                      "function_declaration", "generator_function_declaration", "class_declaration",
                      "import_specifier", "import_clause", "namespace_import", "catch_clause", "arrow_function",
                      "function_expression", "pair_pattern", "array_pattern", "object_pattern", "rest_pattern",
                      "assignment_pattern", "function", "class"})
_DECLARATIONS = ("lexical_declaration", "variable_declaration")


@dataclass
class Split:
    """What the split decided for one module: constructions OAI001 must not repoint (pinned here instead), and
    the unserved calls it handled (no generic note for them)."""

    pinned: set[int] = field(default_factory=set)  # start_byte of constructions kept on OpenAI as a whole
    handled: set[int] = field(default_factory=set)  # start_byte of call findings moved or pinned


def is_upstream(module: JsModule, context, node) -> bool:
    """A construction whose baseURL reads the upstream variable: pinned to OpenAI on purpose."""
    args = arguments(node)
    options = strip_wrappers(args[0]) if args else None
    if options is None or options.type != "object":
        return False
    base = properties(module, options).get("baseURL")
    return base is not None and base.type == "pair" and \
        configured(module, prop_value(base), context.config.openai_upstream_base_url_env)


def receiver(call, endpoint: str):
    """`client` of `client.images.generate(...)` (the callee less the endpoint's parts), or None."""
    node = call.child_by_field_name("function")
    for _ in endpoint.split("."):
        node = strip_wrappers(node)
        if node is None or node.type != "member_expression":
            return None
        node = node.child_by_field_name("object")
    return strip_wrappers(node)


def plan(module: JsModule, context, constructions: list, calls: list, out: RuleOutput) -> Split:
    """`constructions`: (finding, new_expression node) of the OpenAI clients OAI001 repoints; `calls`: (finding,
    call node) of this module's calls to endpoints vLLM does not serve through clients that migrate."""
    split = Split()
    if not calls:
        return split
    by_name: dict[str, list] = {}
    for finding, call in calls:
        target = receiver(call, finding.endpoint)
        if target is not None and target.type == "identifier":
            by_name.setdefault(module.text(target), []).append((finding, call, target))
    for finding, node in constructions:
        bound = _binding(module, node)
        if bound is None:
            _plan_field(module, context, node, calls, split, out)
            continue
        name_node, statement = bound
        name = module.text(name_node)
        scope = statement.parent  # the program or the block that declares the client: its calls are inside
        moved = [m for m in by_name.get(name, []) if scope.start_byte <= m[1].start_byte < scope.end_byte]
        if not moved or len(moved) != len(by_name.get(name, [])) or not _bound_once(module, name, name_node):
            continue
        if is_upstream(module, context, node):  # already on OpenAI: its calls need nothing
            split.handled.update(f.start_byte for f, _, _ in moved)
            continue
        if not _repointable(module, node):
            continue
        receivers = {t.id for _, _, t in moved}
        uses = [n for n in _uses(module, name) if n.id != name_node.id]
        endpoints = sorted({f.endpoint for f, _, _ in moved})
        split.handled.update(f.start_byte for f, _, _ in moved)
        if uses and all(u.id in receivers for u in uses) and not _exported(statement):
            split.pinned.add(node.start_byte)
            _pin(module, context, node, endpoints, out)
            continue
        new = _fresh_name(module, name)
        _sibling(module, context, node, statement, new, endpoints, out)
        from migrate.catalog import load_catalog

        catalog = load_catalog()
        for f, call, target in moved:
            out.edit(target.start_byte, target.end_byte, new)
            out.note(call.start_byte, f"{f.endpoint} stays on OpenAI (vLLM {catalog.vllm_version} serves no "
                                      f"{_route(catalog, f.endpoint)} route): it goes through `{new}`, pinned to "
                                      f"${context.config.openai_upstream_base_url_env}")
    return split


def _plan_field(module: JsModule, context, node, calls: list, split: Split, out: RuleOutput) -> None:
    """A client a class keeps in a field (`this.client = new OpenAI(...)` in its constructor, or a field
    declaration `client = new OpenAI(...)`) that the class uses for nothing but calls vLLM does not serve is
    pinned to OpenAI as a whole: every `this.client` of the class body is the receiver of such a call, the field
    is set once, and no other code of the module reads a property of that name. (Splitting a field that also
    serves vLLM's routes would need a second field the class declares: left to the generic review note.)"""
    field = _field_of(module, node)
    if field is None or not _repointable(module, node):
        return
    name, body = field
    moved = []
    for finding, call in calls:
        target = receiver(call, finding.endpoint)
        if target is not None and body.start_byte <= call.start_byte < body.end_byte and _this_member(module, target) == name:
            moved.append((finding, target))
    if not moved:
        return
    if _field_uses(module, name, node, [t for _, t in moved]):
        return  # another read or write of the field (a getter, a reassignment, `other.client`): unprovable
    endpoints = sorted({f.endpoint for f, _ in moved})
    split.handled.update(f.start_byte for f, _ in moved)
    if is_upstream(module, context, node):
        return
    split.pinned.add(node.start_byte)
    _pin(module, context, node, endpoints, out)


def _field_of(module: JsModule, node, fallback: bool = False):
    """(field name, class body) of `this.name = new OpenAI(...)` as a statement of a class's method, or of a field
    declaration `name = new OpenAI(...)`; None otherwise. fallback=True: also the default of an injected client,
    `this.name = opts.client || new OpenAI(...)` (the field then holds one or the other)."""
    current = node
    while current.parent is not None and current.parent.type in ("parenthesized_expression", "as_expression",
                                                                  "satisfies_expression", "non_null_expression"):
        current = current.parent
    parent = current.parent
    if fallback and parent is not None and parent.type == "binary_expression" and \
            parent.child_by_field_name("right") is not None and parent.child_by_field_name("right").id == current.id \
            and module.text(parent.child_by_field_name("operator")) in ("||", "??"):
        current = parent
    parent = current.parent
    if parent is None:
        return None
    if parent.type in ("field_definition", "public_field_definition"):
        value = parent.child_by_field_name("value")
        key = parent.child_by_field_name("property") or parent.child_by_field_name("name")
        if value is None or value.id != current.id or key is None or key.type not in ("property_identifier",
                                                                                       "private_property_identifier"):
            return None
        body = parent.parent
        return (module.text(key), body) if body is not None and body.type == "class_body" else None
    if parent.type != "assignment_expression" or parent.child_by_field_name("right") is None or \
            parent.child_by_field_name("right").id != current.id:
        return None
    name = _this_member(module, parent.child_by_field_name("left"))
    if name is None or parent.parent is None or parent.parent.type != "expression_statement":
        return None
    body = parent.parent
    while body is not None and body.type != "class_body":
        if body.type in ("function_declaration", "function_expression", "function", "generator_function_declaration"):
            return None  # `this` of a function nested in the method is another object
        body = body.parent
    return (name, body) if body is not None else None


def _field_uses(module: JsModule, name: str, node, receivers: list) -> list:
    """The `x.<name>` of the module other than the call receivers given and the assignment that builds the client
    (`node`); a member of a receiver's call chain (`this.speech.audio.speech` over `this.speech`) is none."""
    ids = {t.id for t in receivers}
    out = []
    for member in module.walk(("member_expression",)):
        prop = member.child_by_field_name("property")
        if prop is None or module.text(prop) != name or member.id in ids or _assigned_by(member, node):
            continue
        if any(member.start_byte <= t.start_byte and t.end_byte <= member.end_byte for t in receivers):
            continue
        out.append(member)
    return out


def _this_member(module: JsModule, node) -> str | None:
    """`client` of `this.client` (`this.#client`), else None."""
    node = strip_wrappers(node)
    if node is None or node.type != "member_expression":
        return None
    obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
    if obj is None or obj.type != "this" or prop is None:
        return None
    return module.text(prop)


def _assigned_by(member, node) -> bool:
    """`member` is the left side of the assignment whose right side is the construction `node`."""
    parent = member.parent
    return parent is not None and parent.type == "assignment_expression" and \
        parent.child_by_field_name("left") is not None and parent.child_by_field_name("left").id == member.id and \
        parent.start_byte <= node.start_byte < parent.end_byte


def only_unserved(module: JsModule, node) -> list[str]:
    """The endpoints of a client's calls when every use of it in this module is a call vLLM does not serve (a
    `const` bound once, or a class field as _plan_field reads it): such a client must stay on OpenAI whatever
    it talks to now. [] when it has another use, a served call, or none."""
    from migrate.rewrite.javascript.rules.oai003_models import unserved

    calls = [(f, module.node_at(f.start_byte, f.end_byte, ("call_expression",))) for f in module.findings
             if f.kind is Kind.CALL and f.api == "openai" and f.endpoint]
    calls = [(f, c) for f, c in calls if c is not None]
    bound = _binding(module, node)
    if bound is not None:
        name_node, statement = bound
        name = module.text(name_node)
        scope = statement.parent  # the block that declares it: a name bound once there means this client
        inside = [n for n in _identifiers(module, name) if scope.start_byte <= n.start_byte < scope.end_byte]
        if any(_is_binding(n) or _assigned(n) for n in inside if n.id != name_node.id):
            return []
        if scope.type == "program" and not _bound_once(module, name, name_node):
            return []
        mine = [(f, t) for f, c in calls if (t := receiver(c, f.endpoint)) is not None and t.type == "identifier"
                and module.text(t) == name and scope.start_byte <= c.start_byte < scope.end_byte]
        uses = {n.id for n in inside if n.id != name_node.id}
    else:
        field = _field_of(module, node, fallback=True)
        if field is None:
            return []
        name, body = field
        mine = [(f, t) for f, c in calls if (t := receiver(c, f.endpoint)) is not None and
                _this_member(module, t) == name and body.start_byte <= c.start_byte < body.end_byte]
        if not mine or _field_uses(module, name, node, [t for _, t in mine]):
            return []
        uses = {t.id for _, t in mine}
    if not mine or uses != {t.id for _, t in mine} or not all(unserved(f) for f, _ in mine):
        return []
    return sorted({f.endpoint for f, _ in mine})


def _route(catalog, name: str) -> str:
    endpoint = catalog.endpoint(name)
    if endpoint is None or not endpoint.path:
        return name
    return f"{endpoint.method} /v1{endpoint.path}"


def _binding(module: JsModule, node):
    """(name identifier, statement) of `const name = new OpenAI(...)` as a statement of its own (one declarator;
    the statement is the `export ...` around it when there is one), else None."""
    current = node
    while current.parent is not None and current.parent.type in ("parenthesized_expression", "as_expression",
                                                                  "satisfies_expression", "non_null_expression"):
        current = current.parent
    declarator = current.parent
    if declarator is None or declarator.type != "variable_declarator" or \
            declarator.child_by_field_name("value") is None or declarator.child_by_field_name("value").id != current.id:
        return None
    name = declarator.child_by_field_name("name")
    declaration = declarator.parent
    if name is None or name.type != "identifier" or declaration is None or declaration.type not in _DECLARATIONS:
        return None
    if sum(1 for c in declaration.named_children if c.type == "variable_declarator") != 1:
        return None
    statement = declaration.parent if declaration.parent is not None and \
        declaration.parent.type == "export_statement" else declaration
    if statement.parent is None or statement.parent.type not in ("program", "statement_block"):
        return None
    return name, statement


def _repointable(module: JsModule, node) -> bool:
    """Whether OAI001 writes this construction's options (none, or an object literal without a spread)."""
    args = arguments(node)
    if not args:
        return True
    options = strip_wrappers(args[0])
    return options is not None and options.type == "object" and not has_spread(options)


def _identifiers(module: JsModule, name: str):
    encoded = name.encode()
    for node in module.walk(("identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern")):
        if module.source[node.start_byte:node.end_byte] == encoded:
            yield node


def _is_binding(node) -> bool:
    parent = node.parent
    if node.type == "shorthand_property_identifier_pattern":
        return True
    if parent is None:
        return False
    if parent.type == "variable_declarator":
        return parent.child_by_field_name("name") is not None and parent.child_by_field_name("name").id == node.id
    if parent.type == "assignment_pattern":
        return parent.child_by_field_name("left") is not None and parent.child_by_field_name("left").id == node.id
    if parent.type == "pair_pattern":
        return parent.child_by_field_name("value") is not None and parent.child_by_field_name("value").id == node.id
    if parent.type in ("arrow_function", "function_expression", "function"):
        fields = (parent.child_by_field_name("parameter"), parent.child_by_field_name("name"))
        return any(f is not None and f.id == node.id for f in fields)
    return parent.type in _BINDERS


def _bound_once(module: JsModule, name: str, name_node) -> bool:
    """No other binding of `name` in the module, and no assignment to it."""
    for node in _identifiers(module, name):
        if node.id == name_node.id:
            continue
        if _is_binding(node):
            return False
        parent = node.parent
        if parent is not None and parent.type in ("assignment_expression", "augmented_assignment_expression") and \
                parent.child_by_field_name("left") is not None and parent.child_by_field_name("left").id == node.id:
            return False
        if parent is not None and parent.type == "update_expression":
            return False
    return True


def _assigned(node) -> bool:
    parent = node.parent
    if parent is not None and parent.type in ("assignment_expression", "augmented_assignment_expression"):
        left = parent.child_by_field_name("left")
        return left is not None and left.id == node.id
    return parent is not None and parent.type == "update_expression"


def _uses(module: JsModule, name: str) -> list:
    return [n for n in _identifiers(module, name) if not _is_binding(n)]


def _exported(statement) -> bool:
    """`export const client = ...`: other modules may make any call through it (`export { client }` and
    `module.exports = client` are uses of the name other than the moved calls: they keep it whole too)."""
    return statement.type == "export_statement"


def _fresh_name(module: JsModule, name: str) -> str:
    base = f"{name}Upstream" if "openai" in name.lower() else f"openai{name[:1].upper()}{name[1:]}"
    candidate = base
    while any(True for _ in _identifiers(module, candidate)):
        candidate += "Upstream"
    return candidate


def _upstream_props(module: JsModule, context, node) -> list[tuple[str, str]]:
    """baseURL and apiKey pinned to OpenAI, then the other options the construction passes, as written."""
    config = context.config
    args = arguments(node)
    options = strip_wrappers(args[0]) if args else None
    props = properties(module, options) if options is not None else {}
    key = props.get("apiKey")
    key_value = prop_value(key) if key is not None and key.type == "pair" else None
    read = env_read(module, key_value) if key_value is not None else None
    if key_value is not None and read is None and strip_wrappers(key_value).type != "string":
        key_expr = module.text(key_value)  # the project's own expression for the key
    else:
        fallback = _env_var(module, read or env_name(module, "OPENAI_API_KEY"))
        key_expr = f"{_env_var(module, env_name(module, config.openai_upstream_api_key_env))} ?? {fallback}"
    out = [("baseURL", env_expr(module, config.openai_upstream_base_url_env, config.openai_upstream_base_url_default)),
           ("apiKey", key_expr)]
    for prop_name, prop in props.items():
        if prop_name not in ("baseURL", "apiKey"):
            out.append((prop_name, module.text(prop_value(prop)) if prop.type == "pair" else prop_name))
    return out


def _env_var(module: JsModule, name: str) -> str:
    from migrate.rewrite.javascript.rules._common import env_var

    return env_var(module, name)


def _sibling(module: JsModule, context, node, statement, new: str, endpoints: list[str], out: RuleOutput) -> None:
    """`const <new> = new OpenAI({ <pinned to OpenAI> })` after the client's statement, with its note."""
    ctor = module.text(node.child_by_field_name("constructor"))
    nl = module.newline
    indent = module.indent_at(statement.start_byte)
    declaration = statement.named_children[-1] if statement.type == "export_statement" else statement
    keyword = "const"
    semi = statement_end(module, declaration)
    text = (f"{nl}{indent}// migrate: {new} keeps talking to OpenAI for what vLLM does not serve: {', '.join(endpoints)}"
            f"{nl}{indent}{keyword} {new} = new {ctor}({new_object(module, _upstream_props(module, context, node), statement.start_byte)}){semi}")
    out.edit(statement.end_byte, statement.end_byte, text)


def _pin(module: JsModule, context, node, endpoints: list[str], out: RuleOutput) -> None:
    """A client used only for what vLLM does not serve: its baseURL and key pinned to OpenAI's upstream variables."""
    from migrate.rewrite.javascript.objects import add_properties

    config = context.config
    out.note(node.start_byte, f"this client only calls what vLLM does not serve ({', '.join(endpoints)}): it stays "
                              f"on OpenAI, pinned to ${config.openai_upstream_base_url_env}")
    wanted = _upstream_props(module, context, node)[:2]
    args = arguments(node)
    if not args:
        give_options(module, node, wanted, out)
        return
    options = strip_wrappers(args[0])
    props = properties(module, options)
    add = []
    for key, value in wanted:
        prop = props.get(key)
        if prop is None:
            add.append((key, value))
        elif prop.type == "pair" and not (key == "apiKey" and value == module.text(prop_value(prop))):
            current = prop_value(prop)
            out.edit(current.start_byte, current.end_byte, value)
        elif prop.type != "pair":  # shorthand `{ apiKey }`
            out.edit(prop.start_byte, prop.end_byte, f"{key}: {value}")
    add_properties(module, options, add, out)


def unserved_calls(module: JsModule, context, findings) -> list:
    """(finding, call node) of the module's calls through the openai SDK to endpoints vLLM does not serve."""
    from migrate.rewrite.javascript.rules.oai003_models import _ours, unserved

    out = []
    for finding in findings:
        if finding.kind is Kind.CALL and finding.api == "openai" and finding.endpoint and unserved(finding) and \
                _ours(finding, context):
            call = module.node_at(finding.start_byte, finding.end_byte, ("call_expression",))
            if call is not None:
                out.append((finding, call))
    return out
