"""OAI007 for openai-node: the legacy `functions` / `function_call` request fields become `tools` / `tool_choice`.

vLLM's request model does not declare `functions` and drops it: the model never sees the functions. On a chat
request (openai-node v4+, or a v3 createChatCompletion, whose body is the same REST body):

    functions: [{ name: "f", ... }]      ->  tools: [{ type: "function", function: { name: "f", ... } }]
    functions: FUNCS                     ->  tools: FUNCS.map((f) => ({ type: "function" as const, function: f }))
    function_call: "auto"                ->  tool_choice: "auto"
    function_call: { name: "f" }         ->  tool_choice: { type: "function", function: { name: "f" } }
    function_call: choice                ->  tool_choice: typeof choice === "string" ? choice
                                                          : { type: "function", function: choice }
                                             (TypeScript: `(choice as "auto" | "none" | "required")` and `as const`)

Reads of the answer (`message.function_call`, `finish_reason === "function_call"`, `role: "function"` messages)
get review items: with tools the model's calls are `message.tool_calls[i].function` and the reply to one is a
`{ role: "tool", tool_call_id, content }` message. (`as const` only in TypeScript.) A `.type` compared with
"function_call" is a Responses API item's type (the current API), not a legacy read: no item.
"""

from __future__ import annotations

from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import JsModule, arguments, prop_value, properties, strip_wrappers
from migrate.scan.findings import Kind

RULE = "OAI007"
CHAT_ENDPOINTS = frozenset({"chat.completions.create", "chat.completions.parse", "chat.completions.stream"})
OPENAI_APIS = frozenset({"openai", "openai-node-v3"})
_READ_NOTE = ("{what}: with tools, the model's calls are message.tool_calls[i] (each with .id and .function.name / "
              ".function.arguments, finish_reason \"tool_calls\"), and the answer to one is a {{ role: \"tool\", "
              "tool_call_id, content }} message")


def request_body(module: JsModule, call):
    """The object literal a call's first argument is, or names (`const body = {...}; create(body)`)."""
    args = arguments(call)
    if not args:
        return None
    first = strip_wrappers(args[0])
    if first.type == "object":
        return first
    ev = module.evaluator
    return ev._object_node(first, ev.scope_of(call)) if first.type == "identifier" else None


def chat_calls(module: JsModule, apis=OPENAI_APIS):
    """(finding, call node) of the openai-node chat calls of a module."""
    for finding in module.findings:
        if finding.kind is Kind.CALL and finding.api in apis and finding.endpoint in CHAT_ENDPOINTS:
            node = module.node_at(finding.start_byte, finding.end_byte, ("call_expression",))
            if node is not None:
                yield finding, node


def run(module: JsModule, context) -> RuleOutput:
    out = RuleOutput()
    typescript = module.grammar != "javascript"
    converted = False
    done: set[int] = set()
    for _finding, call in chat_calls(module):
        body = request_body(module, call)
        if body is None:
            if {"functions", "function_call"} & set(_finding.parameters) or _finding.parameters_dynamic:
                if "functions" in _finding.parameters:
                    out.note(call.start_byte, "functions: the request body is built elsewhere: send tools instead")
            continue
        if body.id in done:
            continue
        done.add(body.id)
        props = properties(module, body)
        if "functions" not in props and "function_call" not in props:
            continue
        if "tools" in props or "tool_choice" in props:
            out.note(call.start_byte, "this request sends both functions and tools: keep tools only (vLLM ignores "
                     "functions)")
            continue
        converted = True
        if "functions" in props:
            _functions(module, props["functions"], out, typescript)
        if "function_call" in props:
            _function_call(module, call, props["function_call"], out, typescript)
    if converted or any(True for _ in chat_calls(module)):
        _reads(module, out)
    return out


def _functions(module: JsModule, prop, out: RuleOutput, typescript: bool) -> None:
    value = prop_value(prop)
    const = " as const" if typescript else ""
    if prop.type == "shorthand_property_identifier":
        out.edit(prop.start_byte, prop.end_byte,
                 f"tools: {module.text(prop)}.map((f) => ({{ type: \"function\"{const}, function: f }}))")
        return
    key = prop.child_by_field_name("key")
    out.edit(key.start_byte, key.end_byte, "tools")
    if value.type == "array":
        for element in value.named_children:
            if element.type == "comment":
                continue
            if element.type == "spread_element":
                inner = element.named_children[0]
                out.edit(inner.end_byte, inner.end_byte,
                         f".map((f) => ({{ type: \"function\"{const}, function: f }}))")
                continue
            out.edit(element.start_byte, element.start_byte, '{ type: "function", function: ')
            out.edit(element.end_byte, element.end_byte, " }")
        return
    out.edit(value.end_byte, value.end_byte, f".map((f) => ({{ type: \"function\"{const}, function: f }}))")


def _function_call(module: JsModule, call, prop, out: RuleOutput, typescript: bool) -> None:
    value = strip_wrappers(prop_value(prop))
    if prop.type == "shorthand_property_identifier":
        name = module.text(prop)
        out.edit(prop.start_byte, prop.end_byte, f"tool_choice: {_either(name, typescript)}")
        return
    key = prop.child_by_field_name("key")
    if value.type == "string":
        out.edit(key.start_byte, key.end_byte, "tool_choice")
        return
    if value.type == "object":
        out.edit(key.start_byte, key.end_byte, "tool_choice")
        out.edit(value.start_byte, value.start_byte, '{ type: "function", function: ')
        out.edit(value.end_byte, value.end_byte, " }")
        return
    if value.type in ("identifier", "member_expression"):
        name = module.text(value)
        raw = prop_value(prop)
        out.edit(key.start_byte, key.end_byte, "tool_choice")
        out.edit(raw.start_byte, raw.end_byte, _either(name, typescript))
        return
    out.edit(key.start_byte, key.end_byte, "tool_choice")
    out.note(prop.start_byte, f"function_call was `{module.text(value)[:60]}`: tool_choice takes \"auto\", \"none\", "
             "\"required\" or { type: \"function\", function: { name } }: check what this value is")


def _either(name: str, typescript: bool) -> str:
    """A tool_choice for a function_call value known only at run time: a mode string stays, `{ name }` is wrapped.
    In TypeScript the string branch is asserted to the modes (a `string` or `any` value would not type-check)."""
    if typescript:
        return (f"typeof {name} === \"string\" ? ({name} as \"auto\" | \"none\" | \"required\") : "
                f"{{ type: \"function\" as const, function: {name} }}")
    return f"typeof {name} === \"string\" ? {name} : {{ type: \"function\", function: {name} }}"


def _item_type(module: JsModule, string) -> bool:
    """`item.type === "function_call"` / `switch (ev.item.type) { case "function_call": }`: the type of a Responses
    API output item (or input item), which is named "function_call" in the current API; not a legacy finish_reason."""
    parent = string.parent
    if parent.type == "binary_expression":
        left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
        other = right if left == string else left
    else:  # switch_case -> switch_body -> switch_statement
        switch = parent.parent.parent if parent.parent is not None else None
        other = switch.child_by_field_name("value") if switch is not None and switch.type == "switch_statement" \
            else None
    other = strip_wrappers(other)
    if other is None:
        return False
    if other.type == "member_expression":
        prop = other.child_by_field_name("property")
        return prop is not None and module.text(prop) == "type"
    if other.type == "subscript_expression":
        index = other.child_by_field_name("index")
        return index is not None and module.text(index).strip("'\"") == "type"
    return False


def _reads(module: JsModule, out: RuleOutput) -> None:
    """Code that reads the legacy shape of the answer (the rewrite cannot prove what it reads: review items)."""
    for node in module.walk(("member_expression", "string", "pair")):
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is not None and module.text(prop) == "function_call":
                out.note(node.start_byte, _READ_NOTE.format(what=module.text(node)[:60]))
        elif node.type == "string" and module.text(node)[1:-1] == "function_call":
            parent = node.parent
            if parent is not None and parent.type in ("binary_expression", "switch_case") and \
                    not _item_type(module, node):
                out.note(node.start_byte, _READ_NOTE.format(what="finish_reason \"function_call\""))
        elif node.type == "pair":
            key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
            if key is not None and value is not None and module.text(key).strip("'\"") == "role" \
                    and module.text(value)[1:-1] == "function" and value.type == "string":
                out.note(node.start_byte, _READ_NOTE.format(what="a { role: \"function\" } message"))
