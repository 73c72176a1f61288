"""OAI003 model-map (JS/TS): model names sent to OpenAI go through the model map ([models] of migrate.toml,
[tool.migrate.models] of pyproject.toml, or the "migrate" key of package.json).

    client.chat.completions.create({ model: "gpt-4o", ... })  ->  create({ model: "llama-3.1-8b", ... })
    const CHAT_MODEL = process.env.CHAT_MODEL ?? "gpt-4o-mini"  ->  ... ?? "<served name>"
    streamText({ model: openai("gpt-4o") })                    ->  openai("<served name>")

The model comes from the scan's finding of each OpenAI call (openai-node, the AI SDK, LangChain.js, HTTP
bodies); the literal behind it is followed through constants, `process.env.X ?? "..."` fallbacks,
conditionals, parameter defaults and `this.model` fields, and, for constants another module exports, edited
where it is declared (the plan's first phase, crossrefs.py). An OpenAI model name the map has no entry for is
left as it is and reported for review; a model the rule cannot follow to a literal is reported too. Calls of
clients that talk to another provider keep their model names.
"""

from __future__ import annotations

from migrate.catalog import javascript as js
from migrate.catalog.providers import Role
from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import (
    JsModule, arguments, key_name, prop_value, properties, string_value, strip_wrappers,
)
from migrate.rewrite.javascript.rules._common import role_of
from migrate.rewrite.javascript.rules.oai012_wrappers import LANGCHAIN_CLASSES
from migrate.rewrite.patterns import looks_like_openai_model
from migrate.scan.findings import Kind, Verdict

RULE_ID = "OAI003"
MAX_HOPS = 8
_OPENAI_APIS = frozenset({"openai", "openai-node-v3", "openai-edge", "ai-sdk", "langchain", "http"})


def run(module: JsModule, context) -> RuleOutput:
    mapper = _Mapper(module, context)
    for finding in module.findings:
        if finding.model is None or finding.kind not in (Kind.CALL, Kind.WRAPPER, Kind.HTTP):
            continue
        if finding.api not in _OPENAI_APIS or not _ours(finding, context) or unserved(finding):
            continue
        if finding.kind is Kind.WRAPPER and finding.client not in LANGCHAIN_CLASSES:
            continue  # a wrapper OAI012 leaves for review (AzureChatOpenAI: a deployment name) keeps its names
        node = module.node_at(finding.start_byte, finding.end_byte, ("call_expression", "new_expression"))
        if node is None:
            continue
        expr = _model_expression(module, node, finding)
        seen = mapper.literals
        if expr is not None:
            mapper.follow(expr, node.start_byte, 0)
        mapped = context.config.map_model(finding.model)
        if mapper.literals == seen and mapped is not None and mapped != finding.model and \
                " from " not in (finding.model_origin or ""):  # another module's constant: crossrefs.py maps it
            mapper.out.note(node.start_byte, f"model {finding.model!r} ({finding.model_origin}) is not a literal the "
                                             f"rewrite can follow here: send {mapped!r} instead")
    for name in sorted(context.model_exports):
        value = _declaration(module, name, None)
        if value is not None:
            mapper.follow(value, value.start_byte, 0)
    return mapper.out


def _ours(finding, context) -> bool:
    """A call to OpenAI, or through a client already pointed at the configured endpoint (OAI001's output: the
    scan sees its default URL)."""
    role = role_of(finding)[0]
    detail = finding.detail or ""
    return role in (Role.OPENAI, Role.AZURE) or (role is Role.LOCAL and (
        f"${context.config.base_url_env}" in detail or context.config.base_url_default in detail))


def unserved(finding) -> bool:
    """A request to an endpoint vLLM does not serve: it stays on OpenAI, with OpenAI's model names."""
    from migrate.catalog import load_catalog

    catalog = load_catalog()
    if finding.kind is Kind.HTTP:
        endpoint = catalog.endpoint_for_route(None, finding.endpoint or "")
        if endpoint is None:
            return bool(finding.endpoint) and unknown_route_unserved(finding.endpoint)
    else:
        endpoint = catalog.endpoint(finding.endpoint)
    return endpoint is not None and not endpoint.served


def unknown_route_unserved(route: str) -> bool:
    """A route of OpenAI's API that no SDK endpoint has (/v1/realtime): unserved, as the scan judges it, since vLLM
    serves only the SDK's routes. A route with a part the code fills in (`/v1/${route}`) may be any."""
    from migrate.catalog import load_catalog

    return "{" not in route and load_catalog().endpoint_verdict(route).verdict is Verdict.UNSUPPORTED


class _Mapper:
    def __init__(self, module: JsModule, context) -> None:
        self.module = module
        self.config = context.config
        self.out = RuleOutput()
        self.done: set[int] = set()
        self.literals = 0  # string literals reached so far (mapped, reported, or already right)

    def follow(self, node, where: int, hops: int) -> None:
        module = self.module
        node = strip_wrappers(node)
        if node is None or node.id in self.done or hops > MAX_HOPS:
            return
        self.done.add(node.id)
        kind = node.type
        if kind in ("string", "template_string"):
            self._literal(node)
        elif kind == "binary_expression":  # process.env.MODEL ?? "gpt-4o", a || b
            operator = node.child_by_field_name("operator")
            if operator is not None and module.text(operator) in ("??", "||"):
                for side in ("left", "right"):
                    self.follow(node.child_by_field_name(side), where, hops + 1)
        elif kind == "ternary_expression":
            for side in ("consequence", "alternative"):
                self.follow(node.child_by_field_name(side), where, hops + 1)
        elif kind == "identifier":
            value = _declaration(module, module.text(node), node)
            if value is not None:
                self.follow(value, where, hops + 1)
        elif kind == "member_expression" and module.text(node.child_by_field_name("object")) == "this":
            value = _this_field(module, node)
            if value is not None:
                self.follow(value, where, hops + 1)

    def _literal(self, node) -> None:
        name = string_value(self.module, node)
        if name is None:
            return
        self.literals += 1
        target = self.config.map_model(name)
        if target is not None and target != name:
            quote = self.module.text(node)[0]
            inner = target.replace("\\", "\\\\").replace(quote, "\\" + quote)
            self.out.edit(node.start_byte, node.end_byte, f"{quote}{inner}{quote}")
        elif target is None and looks_like_openai_model(name):
            where = "migrate.toml [models], [tool.migrate.models] or package.json \"migrate\".models"
            self.out.note(node.start_byte, f"model {name!r} has no entry in the model map: add "
                                           f'"{name}" = "<served model name>" to {where}', comment=False)


def _model_expression(module: JsModule, node, finding):
    """The expression a finding's model comes from: a `model` property, or an AI SDK model call's argument."""
    if finding.api == "ai-sdk":
        func = node.child_by_field_name("function")
        name = module.text(func).rsplit(".", 1)[-1] if func is not None else ""
        if name in js.AI_SDK_FUNCTIONS:  # generateText({ model: openai("gpt-4o") })
            args = arguments(node)
            obj = strip_wrappers(args[0]) if args else None
            prop = properties(module, obj).get("model") if obj is not None and obj.type == "object" else None
            inner = strip_wrappers(prop_value(prop)) if prop is not None else None
            if inner is not None and inner.type in ("identifier", "shorthand_property_identifier"):
                # const model = openai("gpt-4o"); generateText({ model })
                inner = strip_wrappers(_declaration(module, module.text(inner), inner)) or inner
            if inner is None or inner.type != "call_expression":
                return inner
            node = inner
        args = arguments(node)
        return args[0] if args else None
    keys = js.WRAPPER_MODEL_OPTIONS if finding.kind is Kind.WRAPPER else ("model",)
    for obj in _bodies(module, node, finding):
        props = properties(module, obj)
        for key in keys:
            if key in props:
                return prop_value(props[key])
    return None


def _bodies(module: JsModule, node, finding):
    """The object literals a call sends: its first argument, or an HTTP call's body (JSON.stringify({...}))."""
    for arg in arguments(node):
        arg = strip_wrappers(arg)
        if arg.type == "identifier":
            value = _declaration(module, module.text(arg), arg)
            arg = strip_wrappers(value) if value is not None else arg
        if arg.type != "object":
            continue
        yield arg
        if finding.kind is Kind.HTTP:
            for key in ("body", "data", "json"):
                prop = properties(module, arg).get(key)
                value = strip_wrappers(prop_value(prop)) if prop is not None else None
                if value is not None and value.type == "call_expression" and arguments(value):
                    value = strip_wrappers(arguments(value)[0])
                if value is not None and value.type == "object":
                    yield value
        if finding.kind is not Kind.HTTP:
            return


def _declaration(module: JsModule, name: str, use):
    """The value a name is declared with, in the scope nearest `use` (None: the module's own declarations);
    a parameter's default value for a parameter."""
    scope = use.parent if use is not None else None
    while True:
        container = scope if scope is not None else module.root
        value = _declared_in(module, container, name)
        if value is not None:
            return value
        if scope is None:
            return None
        scope = scope.parent


def _declared_in(module: JsModule, container, name: str):
    if container.type in ("program", "statement_block", "export_statement"):
        for child in container.named_children:
            statement = child.child_by_field_name("declaration") if child.type == "export_statement" else child
            if statement is None or statement.type not in ("lexical_declaration", "variable_declaration"):
                continue
            for declarator in statement.named_children:
                target = declarator.child_by_field_name("name")
                if declarator.type == "variable_declarator" and target is not None and \
                        target.type == "identifier" and module.text(target) == name:
                    return declarator.child_by_field_name("value")
    params = container.child_by_field_name("parameters") if container.type in (
        "function_declaration", "function_expression", "arrow_function", "method_definition", "function") else None
    if params is not None:
        return _parameter_default(module, params, name)
    return None


def _parameter_default(module: JsModule, params, name: str):
    for param in params.named_children:
        pattern = param.child_by_field_name("pattern") or param.child_by_field_name("left")
        value = param.child_by_field_name("value") or param.child_by_field_name("right")
        if pattern is not None and pattern.type == "identifier" and module.text(pattern) == name:
            return value
    return None


def _this_field(module: JsModule, node):
    """What `this.name` is set to in its class: a field initialiser, a constructor parameter property's default,
    or the one `this.name = value` of the class."""
    name = module.text(node.child_by_field_name("property"))
    klass = node.parent
    while klass is not None and klass.type not in ("class_declaration", "class", "abstract_class_declaration"):
        klass = klass.parent
    if klass is None:
        return None
    body = klass.child_by_field_name("body")
    found = []
    for member in body.named_children if body is not None else ():
        if member.type in ("field_definition", "public_field_definition"):
            key = member.child_by_field_name("property") or member.child_by_field_name("name")
            if key is not None and key_name(module, key) == name and member.child_by_field_name("value") is not None:
                found.append(member.child_by_field_name("value"))
        elif member.type == "method_definition" and module.text(member.child_by_field_name("name")) == "constructor":
            params = member.child_by_field_name("parameters")
            default = _parameter_default(module, params, name) if params is not None else None
            if default is not None:
                found.append(default)
    for assignment in module.walk(("assignment_expression",), body):
        left = assignment.child_by_field_name("left")
        if left is not None and left.type == "member_expression" and module.text(left) == f"this.{name}":
            found.append(assignment.child_by_field_name("right"))
    return found[0] if len(found) == 1 else None
