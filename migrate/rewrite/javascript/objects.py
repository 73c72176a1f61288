"""Edits of object literals that keep the user's layout: add properties, drop one, write a new object.

    { apiKey: key }                       -> { apiKey: key, baseURL: ... }           (one line stays one line)
    {                                        {
      apiKey: key,                   ->        apiKey: key,
    }                                          baseURL: ...,
                                             }
A one-line object that would grow past MAX_LINE is laid out one property per line (when it holds no comment).
"""

from __future__ import annotations

from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import JsModule

MAX_LINE = 100


def new_object(module: JsModule, props: list[tuple[str, str]], at: int) -> str:
    """An object literal with `props` ((key, value source) pairs), one per line, indented for offset `at`."""
    indent = module.indent_at(at)
    inner = indent + module.indent_unit
    nl = module.newline
    body = "".join(f"{inner}{key}: {value},{nl}" for key, value in props)
    return "{" + nl + body + indent + "}"


def give_options(module: JsModule, new_expression, props: list[tuple[str, str]], out: RuleOutput) -> None:
    """`new X()` or `new X` (no parentheses) -> `new X({ ...props })`, the object laid out for the expression."""
    text = "(" + new_object(module, props, new_expression.start_byte) + ")"
    holder = new_expression.child_by_field_name("arguments")
    if holder is None:
        ctor = new_expression.child_by_field_name("constructor")
        out.edit(ctor.end_byte, ctor.end_byte, text)
    else:
        out.edit(holder.start_byte, holder.end_byte, text)


def _members(obj) -> list:
    return [c for c in obj.named_children if c.type != "comment"]


def add_properties(module: JsModule, obj, props: list[tuple[str, str]], out: RuleOutput) -> None:
    """Append `props` to object literal `obj`, in its own layout."""
    if not props:
        return
    members = _members(obj)
    source = module.source
    multiline = b"\n" in source[obj.start_byte:obj.end_byte]
    if not members:
        if multiline:
            out.edit(obj.start_byte, obj.end_byte, new_object(module, props, obj.start_byte))
        else:
            text = "{ " + ", ".join(f"{k}: {v}" for k, v in props) + " }"
            out.edit(obj.start_byte, obj.end_byte, _fit(module, obj, text, props, []))
        return
    last = members[-1]
    after_last = source[last.end_byte:obj.end_byte - 1]
    trailing = after_last.lstrip().startswith(b",")
    if multiline:
        indent = module.indent_at(members[0].start_byte) if _starts_line(module, members[0]) else \
            module.indent_at(obj.start_byte) + module.indent_unit
        nl = module.newline
        anchor = last.end_byte + after_last.index(b",") + 1 if trailing else last.end_byte
        insert_at = _after_line_comment(source, anchor)
        if not trailing:
            out.edit(last.end_byte, last.end_byte, ",")
        out.edit(insert_at, insert_at, "".join(f"{nl}{indent}{k}: {v}" + ("," if trailing or i < len(props) - 1 else "")
                                               for i, (k, v) in enumerate(props)))
        return
    added = "".join(f", {k}: {v}" for k, v in props)
    line = module.line_text(obj.start_byte)
    if len(line) + len(added) > MAX_LINE and not any(c.type == "comment" for c in obj.named_children):
        existing = [_edited_text(module, m, out) for m in members]
        out.edits[:] = [e for e in out.edits if not (obj.start_byte <= e.start and e.end <= obj.end_byte)]
        out.edit(obj.start_byte, obj.end_byte, _layout(module, obj, existing + [f"{k}: {v}" for k, v in props]))
        return
    out.edit(last.end_byte, last.end_byte, added)


def _after_line_comment(source: bytes, at: int) -> int:
    """`at`, or the end of its line when only a comment follows it there (`key: value, // why`): new lines go
    after the comment, which stays with the line it explains."""
    end = source.find(b"\n", at)
    end = len(source) if end < 0 else end
    rest = source[at:end].rstrip(b"\r").strip()
    if rest.startswith(b"//") or (rest.startswith(b"/*") and rest.endswith(b"*/")):
        return end - 1 if source[end - 1:end] == b"\r" else end
    return at


def _edited_text(module: JsModule, node, out: RuleOutput) -> str:
    """The text of `node` with the edits the rule already made inside it applied."""
    from migrate.rewrite.javascript.edits import Edit, apply_edits

    inside = [Edit(e.start - node.start_byte, e.end - node.start_byte, e.text) for e in out.edits
              if node.start_byte <= e.start and e.end <= node.end_byte]
    return apply_edits(module.source[node.start_byte:node.end_byte], inside).decode("utf-8")


def _fit(module: JsModule, obj, text: str, props, existing) -> str:
    line = module.line_text(obj.start_byte)
    if len(line) + len(text) - (obj.end_byte - obj.start_byte) > MAX_LINE:
        return _layout(module, obj, existing + [f"{k}: {v}" for k, v in props])
    return text


def _layout(module: JsModule, obj, members: list[str]) -> str:
    indent = module.indent_at(obj.start_byte)
    inner = indent + module.indent_unit
    nl = module.newline
    return "{" + nl + "".join(f"{inner}{m},{nl}" for m in members) + indent + "}"


def _starts_line(module: JsModule, node) -> bool:
    before = module.source[module.source.rfind(b"\n", 0, node.start_byte) + 1:node.start_byte]
    return not before.strip()


def remove_property(module: JsModule, obj, prop, out: RuleOutput) -> None:
    """Drop property `prop` of `obj` with its comma (and its line, when it is alone on it)."""
    source = module.source
    members = _members(obj)
    index = next(i for i, m in enumerate(members) if m.id == prop.id)
    start, end = prop.start_byte, prop.end_byte
    rest = source[end:obj.end_byte - 1]
    stripped = rest.lstrip(b" \t")
    if stripped.startswith(b","):
        end += len(rest) - len(stripped) + 1
    if _starts_line(module, prop) and (source[end:].lstrip(b" \t")[:1] in (b"\n", b"")):
        start = source.rfind(b"\n", 0, start)  # the whole line, with its newline
        end = source.find(b"\n", end) if source.find(b"\n", end) >= 0 else end
        out.edit(start, end, "")
        return
    if index == len(members) - 1 and index > 0:  # the last one: take the comma before it instead
        previous = members[index - 1]
        out.edit(previous.end_byte, prop.end_byte if not stripped.startswith(b",") else end - 1, "")
        return
    nxt = source[end:]
    spaces = len(nxt) - len(nxt.lstrip(b" "))
    out.edit(start, end + spaces, "")
