"""The `file=` of an upload call (OAI004): openai>=1 sends it as multipart through httpx, which takes bytes only.

0.x posted files with requests, which also took a text stream (`open(path)`, `io.StringIO(...)`); httpx raises
TypeError on one ("Multipart file uploads require 'io.BytesIO', not 'io.StringIO'", "... must be opened in binary
mode"), and the SDK types the parameter as bytes, a binary file, a path or a (name, content) tuple. What the
value is, is decided from the call or the name's bindings in its function:

    file=open(path)                    ->  file=open(path, "rb")         (only there, or the name's only use)
    file=io.StringIO(text)             ->  file=io.BytesIO(text.encode())
    buf = io.StringIO(); ...; file=buf ->  file=io.BytesIO(buf.getvalue().encode())   with a review note
    file=<anything it cannot decide>   ->  kept, with a review note
"""

from __future__ import annotations

import libcst as cst

from migrate.rewrite.rules._base import attr_chain, get_arg, literal_str

UPLOAD_TARGETS = frozenset({"files.create", "audio.transcriptions.create", "audio.translations.create"})

TEXT_OPEN, STRINGIO, BINARY, UNKNOWN = "text-open", "stringio", "binary", "unknown"
_TEXT_ONLY_KWARGS = ("encoding", "errors", "newline")
_BINARY_CALLS = frozenset({"io.BytesIO", "BytesIO", "bytes", "bytearray", "Path", "pathlib.Path", "PurePath"})
_BINARY_METHODS = frozenset({"read_bytes", "encode", "getbuffer", "tobytes"})


def _name(call: cst.Call) -> str:
    return ".".join(attr_chain(call.func) or ())


def _mode(call: cst.Call) -> cst.Arg | None:
    arg = get_arg(call, "mode")
    if arg is None and len(call.args) > 1 and call.args[1].keyword is None and not call.args[1].star:
        arg = call.args[1]
    return arg


def open_kind(call: cst.Call) -> str:
    mode = _mode(call)
    text = "r" if mode is None else literal_str(mode.value)
    if text is None:
        return UNKNOWN
    if "b" in text:
        return BINARY
    if text in ("r", "rt", "tr") and not any(get_arg(call, k) for k in _TEXT_ONLY_KWARGS):
        return TEXT_OPEN
    return UNKNOWN


def binary_open(call: cst.Call) -> cst.Call:
    """`open(path)` / `open(path, "r")` -> `open(path, "rb")`."""
    mode = _mode(call)
    rb = cst.SimpleString('"rb"')
    if mode is not None:
        return call.with_changes(args=[a.with_changes(value=rb) if a is mode else a for a in call.args])
    args = list(call.args)
    args[0] = args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args[:1], cst.Arg(rb), *args[1:]])


class Bindings(cst.CSTVisitor):
    """Per function (0: the module): what each name is bound to (None: a parameter or a loop target), how often
    the name occurs, and which function each call is in."""

    def __init__(self) -> None:
        self.stack: list[int] = [0]
        self.values: dict[int, dict[str, list[cst.BaseExpression | None]]] = {0: {}}
        self.occurs: dict[int, dict[str, int]] = {0: {}}
        self.scope_of: dict[int, int] = {}

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.values[self.stack[-1]].setdefault(target.value, []).append(value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append(id(node))
        self.values[id(node)], self.occurs[id(node)] = {}, {}
        for p in [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]:
            self._bind(p.name, None)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind(t.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, node.item)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, None)

    def visit_Name(self, node: cst.Name) -> None:
        occurs = self.occurs[self.stack[-1]]
        occurs[node.value] = occurs.get(node.value, 0) + 1

    def visit_Call(self, node: cst.Call) -> None:
        self.scope_of[id(node)] = self.stack[-1]

    def bound(self, name: str, scope: int) -> tuple[int, list[cst.BaseExpression | None]]:
        if scope != 0 and name not in self.values.get(scope, {}):
            scope = 0
        return scope, self.values.get(scope, {}).get(name, [])


def kind(value: cst.BaseExpression, bindings: Bindings, scope: int) -> str:
    """TEXT_OPEN, STRINGIO, BINARY or UNKNOWN: what an upload's file= value is."""
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        text = value.evaluated_value if isinstance(value, cst.SimpleString) else None
        return BINARY if isinstance(text, bytes) else UNKNOWN  # a str path: openai>=1 takes os.PathLike only
    if isinstance(value, cst.Tuple):
        return BINARY  # (filename, content[, type]): the SDK's own tuple form
    if isinstance(value, cst.Call):
        name = _name(value)
        if name in ("open", "io.open") and value.args:
            return open_kind(value)
        if name in ("io.StringIO", "StringIO"):
            return STRINGIO
        if name in _BINARY_CALLS or isinstance(value.func, cst.Attribute) and value.func.attr.value in _BINARY_METHODS:
            return BINARY
        return UNKNOWN
    if isinstance(value, cst.Name):
        _, values = bindings.bound(value.value, scope)
        kinds = {UNKNOWN if v is None else kind(v, bindings, scope) for v in values}
        return kinds.pop() if len(kinds) == 1 else UNKNOWN
    return UNKNOWN


def only_use(name: str, bindings: Bindings, scope: int) -> bool:
    """`name` occurs only where it is bound and in the one upload call (nothing else reads it as text)."""
    where, values = bindings.bound(name, scope)
    return bindings.occurs.get(where, {}).get(name, 0) == len(values) + 1
