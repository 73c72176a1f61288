"""OAI008 for openai-node: request fields vLLM ignores or rejects are dropped, kept or commented.

The same rule as Python's (migrate/rewrite/rules/oai008_parameters.py), on the same catalog and the same
setting, `[tool.migrate.rewrite.parameters]` (`store = "keep"`, `user = "comment"`, ...): what vLLM does with
each field of an endpoint's body, value-aware (`top_p: 0` is never dropped, it gets a comment), with the same
default actions. A request body's fields are the REST names in both SDKs, so the verdicts are the same.

    drop      the property goes (with its comma, and its line with a trailing comment); a value with side effects (a call) is commented
              instead, unless the setting says drop
    comment   a `// migrate: ...` line above the property (or the statement), and a review item
    keep      nothing (logit_bias, dropped or kept, still gets its `// migrate:` note at the call: its token
              ids mean other tokens on the served model)

Calls through a client that talks to another provider (or a local server) are left alone: their fields are
that provider's business; so are calls of an endpoint vLLM does not serve (images, moderations: they stay on
OpenAI), which get a review item saying so (from OAI001 when it runs).
"""

from __future__ import annotations

from migrate.catalog.providers import Role
from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import JsModule, prop_value, properties, strip_wrappers
from migrate.rewrite.javascript.rules._common import role_of
from migrate.rewrite.javascript.rules.oai003_models import unserved
from migrate.rewrite.javascript.upgrade._syntax import remove_item
from migrate.rewrite.javascript.upgrade.functions import OPENAI_APIS, request_body
from migrate.scan.findings import Kind

RULE = "OAI008"
_HANDLED_BY_OAI007 = frozenset({"functions", "function_call"})
_SIMPLE = frozenset({"number", "string", "true", "false", "null", "undefined", "identifier", "member_expression",
                     "shorthand_property_identifier",
                     "template_string", "unary_expression"})


def js_literal(module: JsModule, node, depth: int = 0):
    """The JSON form of a JS expression, as the scan records call values (a part it cannot evaluate statically
    is a dynamic marker, see migrate/catalog/values.py)."""
    from migrate.catalog.values import dynamic

    node = strip_wrappers(node)
    if node is None or depth > 6:
        return dynamic("")
    kind = node.type
    if kind == "number":
        text = module.text(node).replace("_", "")
        try:
            return int(text) if text.isdigit() else float(text)
        except ValueError:
            return dynamic(text)
    if kind == "string":
        from migrate.rewrite.javascript.module import string_value

        value = string_value(module, node)
        return value if value is not None else dynamic(module.text(node))
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "null":
        return None
    if kind == "unary_expression" and module.text(node).startswith("-"):
        inner = js_literal(module, node.named_children[0], depth + 1)
        return -inner if isinstance(inner, (int, float)) and not isinstance(inner, bool) else dynamic(module.text(node))
    if kind == "array":
        return [js_literal(module, c, depth + 1) if c.type != "spread_element" else dynamic(module.text(c))
                for c in node.named_children if c.type != "comment"]
    if kind == "object":
        out = {}
        for prop in node.named_children:
            if prop.type == "pair":
                key = prop.child_by_field_name("key")
                out[module.text(key).strip("'\"")] = js_literal(module, prop.child_by_field_name("value"), depth + 1)
            elif prop.type != "comment":
                out[f"$dynamic:{module.text(prop)}"] = dynamic(module.text(prop))
        return out
    return dynamic(module.text(node)[:80])


def simple(node) -> bool:
    """A value whose evaluation has no side effects (dropping it drops nothing else)."""
    node = strip_wrappers(node)
    if node.type in ("array", "object"):
        return all(simple(prop_value(c) if c.type == "pair" else c) for c in node.named_children
                   if c.type not in ("comment",))
    if node.type == "template_string":
        return not any(c.type == "template_substitution" for c in node.named_children)
    return node.type in _SIMPLE


def run(module: JsModule, context) -> RuleOutput:
    from migrate.rewrite.target import LOGIT_BIAS_NOTE, assess_value, default_action, judged_catalog

    out = RuleOutput()
    policy: dict[str, str] = (context.options or {}).get("parameters", {})
    active = context.active or frozenset()
    catalog = judged_catalog(context.options)
    bodies: set[int] = set()
    for finding in module.findings:
        if finding.kind is not Kind.CALL or finding.api not in OPENAI_APIS or not finding.endpoint:
            continue
        if role_of(finding)[0] in (Role.OTHER, Role.LOCAL):
            continue  # another provider's call: its parameters are that provider's
        call = module.node_at(finding.start_byte, finding.end_byte, ("call_expression",))
        if call is None:
            continue
        endpoint = finding.endpoint
        if unserved(finding) and "OAI001" in active:
            continue  # a call vLLM cannot serve stays on OpenAI (OAI001 says so): its parameters are OpenAI's
        if catalog is not None:
            verdict = catalog.endpoint_verdict(endpoint)
            if verdict.verdict.value in ("needs-server-flag", "unsupported"):
                out.note(call.start_byte, f"{endpoint}: {verdict.reason}; {verdict.fix}", comment=False)
        if unserved(finding):
            continue  # its parameters are OpenAI's: the call cannot move to vLLM
        body = request_body(module, call)
        if body is None or body.id in bodies:
            continue
        bodies.add(body.id)
        props = properties(module, body)
        literals = {name: js_literal(module, prop_value(prop)) for name, prop in props.items()}
        drops: list[tuple[int, int]] = []
        for name, prop in props.items():
            if name in _HANDLED_BY_OAI007 and "OAI007" in active:
                continue
            found = assess_value(endpoint, name, literals[name], literals, context.options)
            if found is None:
                continue
            verdict, reason, fix, value_class = found
            if value_class is not None and name not in policy:
                certain = not reason.startswith("depends on the value")
                short = certain and verdict == "needs-change" and f"{name} fails on vLLM with this value: {fix}"
                out.note(prop.start_byte, f"{name}: {reason}; {fix}", comment=short)
                continue
            action = policy.get(name) or default_action(verdict, name)
            if name == "logit_bias":  # never silent: dropped or kept, the note stays at the call
                out.note(prop.start_byte, f"{LOGIT_BIAS_NOTE} ({reason})", comment=LOGIT_BIAS_NOTE)
                if action == "drop":
                    drops.append(remove_item(module.source, prop))
                continue
            if action == "drop" and policy.get(name) != "drop" and not simple(prop_value(prop)):
                action = "comment"  # dropping would also drop the side effects of computing the value
            if action == "drop":
                drops.append(remove_item(module.source, prop))
            elif action == "comment":
                short = (f"vLLM ignores {name}: it has no effect there" if verdict == "ignored-by-vllm"
                         else f"{name} is refused by vLLM: {fix}" if verdict == "unsupported"
                         else f"{name} does not work on vLLM: {fix}")
                out.note(prop.start_byte, f"{name}: {reason}; {fix}", comment=short)
        for start, end in _merged(module.source, drops):
            out.edit(start, end, "")
    return out


def _merged(source: bytes, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Neighbouring properties dropped together: the last one's range takes the comma the one before it ends
    with, so their ranges touch or overlap; one edit each run. A run that starts a line and ends a line takes
    the rest of its last line too (no blank line is left where the properties were)."""
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    for run in out:
        start, end = run
        line_end = source.find(b"\n", end)
        if start > 0 and source[start - 1:start] == b"\n" and line_end >= 0 and not source[end:line_end].strip() \
                and end > start and source[end - 1:end] != b"\n":
            run[1] = line_end + 1
    return [(a, b) for a, b in out]


