"""Parse Python 3.12+ source into an `ast` tree on an older interpreter, with the positions `ast` would give.

The scan detects with the running interpreter's `ast`, which rejects syntax newer than itself: PEP 701
f-strings (`f"{x["a"]}"`, `f"{'\\n'.join(xs)}"`, comments and line breaks inside replacement fields), PEP 695
type parameters and `type` statements, PEP 696 defaults, PEP 750 t-strings. LibCST's parser accepts them. When
`ast.parse` fails and LibCST parses the file, the file is valid Python of a newer version, and this module
rewrites it, region by region, into source the running `ast` accepts, keeping every line and, after each region,
every byte column:

- each string that the old grammar rejects becomes a parenthesised placeholder `(0   )` spanning the same
  lines and bytes; after `ast.parse`, the placeholder is swapped for the `JoinedStr` built from LibCST's parts,
  whose replacement-field expressions are parsed the same way (recursively) and moved to their real positions;
- `type X[T] = V` becomes `(X      ) = V` (an assignment: the detector sees the binding and its value);
- type parameter lists `[T: B = D]` of functions and classes are blanked into the parameter or base list.

The result is the tree the newer interpreter's `ast` would give for everything the detector reads (calls,
strings, names, positions); type parameters are dropped, and t-strings read as f-strings.
"""

from __future__ import annotations

import ast
import re

import libcst as cst  # this module is imported only when ast.parse has failed

_NEWLINE = re.compile(r"\r\n|\r|\n")


class NotNewerPython(Exception):
    """LibCST does not parse the source either: it is not valid Python of any version."""


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """ast.parse, falling back to the downgrade when the running interpreter is older than the syntax.

    Raises the original SyntaxError when the source is not valid Python of a newer version either."""
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as error:
        try:
            return parse_newer(source, filename)
        except NotNewerPython:
            raise error from None


def parse_newer(source: str, filename: str = "<unknown>") -> ast.Module:
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError) as e:
        raise NotNewerPython(str(e)) from None
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    text = _Text(source)
    collector = _Collector(positions, text)
    collector.collect()
    if not collector.edits:
        raise NotNewerPython("nothing to downgrade")
    downgraded = text.apply(collector.edits)
    try:
        tree = ast.parse(downgraded, filename=filename)
    except SyntaxError as e:
        raise NotNewerPython(f"still not parseable after the downgrade: {e.msg} (line {e.lineno})") from None
    if collector.strings:
        grafts = {}
        for node, start in collector.strings:
            built = _string_node(node, positions, text, filename)
            grafts[(start[0], start[1] + 1)] = built  # the placeholder's 0 sits after its "("
        _Graft(grafts).visit(tree)
    return tree


class _Text:
    """The source with line starts, converting LibCST's (line, character column) to offsets and byte columns."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(source)]

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def byte_column(self, line: int, column: int) -> int:
        start = self.starts[line - 1]
        return len(self.source[start : start + column].encode("utf-8"))

    def slice(self, start, end) -> str:
        return self.source[self.offset(*start) : self.offset(*end)]

    def apply(self, edits: list[tuple[int, int, str]]) -> str:
        out, last = [], 0
        for begin, end, replacement in sorted(edits):
            out.append(self.source[last:begin])
            out.append(replacement)
            last = end
        out.append(self.source[last:])
        return "".join(out)


def _fill(region: str, head: str, tail: str) -> str:
    """`head` + blanks + `tail` with the line breaks of `region`, as many bytes on its last line as before."""
    pieces = _NEWLINE.split(region)
    breaks = _NEWLINE.findall(region)
    if len(pieces) == 1:
        width = len(region.encode("utf-8")) - len(head.encode("utf-8")) - len(tail.encode("utf-8"))
        return head + " " * width + tail
    last = len(pieces[-1].encode("utf-8")) - len(tail.encode("utf-8"))
    return head + "".join(breaks) + " " * last + tail


class _Collector:
    """Finds the regions to downgrade among the nodes LibCST positioned (no second walk of the tree)."""

    def __init__(self, positions, text: _Text) -> None:
        self.positions = positions
        self.text = text
        self.edits: list[tuple[int, int, str]] = []
        self.strings: list[tuple[object, tuple[int, int]]] = []  # (LibCST node, (line, byte column))

    def collect(self) -> None:
        found = []  # (begin, end, handler, node)
        offset = self.text.offset
        for node, rng in self.positions.items():
            t = type(node)
            if t in _STRINGS:
                handler = self._string
            elif t is cst.TypeAlias:
                handler = self._type_alias
            elif t is cst.TypeParameters:
                handler = self._type_parameters
            else:
                continue
            found.append((offset(rng.start.line, rng.start.column), -offset(rng.end.line, rng.end.column), handler, node))
        found.sort(key=lambda f: (f[0], f[1]))
        taken_until = -1
        for begin, neg_end, handler, node in found:
            if begin < taken_until:
                continue  # inside a region already handled: a nested string, a type alias's parameters
            if handler(node):
                taken_until = -neg_end

    def _string(self, node) -> bool:
        if isinstance(node, cst.ConcatenatedString) and not any(
            isinstance(p, _INTERPOLATED) for p in _concatenated_parts(node)
        ):
            return False
        rng = self.positions[node]
        code = self.text.slice((rng.start.line, rng.start.column), (rng.end.line, rng.end.column))
        try:
            ast.parse(f"({code})", mode="eval")
            return True  # the running interpreter reads this string (and the strings inside it) as it is
        except SyntaxError:
            pass
        begin, end = self.text.offset(rng.start.line, rng.start.column), self.text.offset(rng.end.line, rng.end.column)
        self.edits.append((begin, end, _fill(code, "(0", ")")))
        self.strings.append((node, (rng.start.line, self.text.byte_column(rng.start.line, rng.start.column))))
        return True

    def _type_alias(self, node) -> bool:
        rng = self.positions[node]
        end = self.positions[node.type_parameters or node.name].end
        begin_offset = self.text.offset(rng.start.line, rng.start.column)
        end_offset = self.text.offset(end.line, end.column)
        region = self.text.source[begin_offset:end_offset]
        self.edits.append((begin_offset, end_offset, _fill(region, "(" + node.name.value, ")")))
        return True

    def _type_parameters(self, params) -> bool:
        rng = self.positions[params]
        begin = self.text.offset(rng.start.line, rng.start.column)
        end = self.text.offset(rng.end.line, rng.end.column)
        source = self.text.source
        after = end
        while after < len(source) and source[after] in " \t\\\r\n\f":
            after += 1
        if after < len(source) and source[after] == "(":
            # def f[T](x) -> def f(   x): the brackets' line breaks move inside the parameter list
            self.edits.append((begin, after + 1, _fill(source[begin : after + 1], "(", "")))
        else:
            # class C[T]: -> class C( ):
            self.edits.append((begin, end, _fill(source[begin:end], "(", ")")))
        return True


# t-strings (PEP 750) exist in LibCST >= 1.8 only
_INTERPOLATED = tuple(t for t in (cst.FormattedString, getattr(cst, "TemplatedString", None)) if t is not None)
_TEXT_PARTS = tuple(t for t in (cst.FormattedStringText, getattr(cst, "TemplatedStringText", None)) if t is not None)
_STRINGS = frozenset({*_INTERPOLATED, cst.ConcatenatedString})


def _concatenated_parts(node) -> list:
    if isinstance(node, cst.ConcatenatedString):
        return _concatenated_parts(node.left) + _concatenated_parts(node.right)
    return [node]


def _string_node(node, positions, text: _Text, filename: str) -> ast.JoinedStr:
    """The JoinedStr `ast` gives for an f-string (or an implicit concatenation holding one)."""
    rng = positions[node]
    where = dict(lineno=rng.start.line, col_offset=text.byte_column(rng.start.line, rng.start.column),
                 end_lineno=rng.end.line, end_col_offset=text.byte_column(rng.end.line, rng.end.column))
    values: list[ast.expr] = []
    for part in _concatenated_parts(node):
        if isinstance(part, cst.SimpleString):
            values.append(ast.Constant(ast.literal_eval(part.value)))
        else:
            values.extend(_parts(part.parts, part.start, part.end, positions, text, filename))
    joined = ast.JoinedStr(_merge_constants(values), **where)
    _place(joined, where)
    return joined


def _parts(parts, start: str, end: str, positions, text: _Text, filename: str) -> list[ast.expr]:
    raw = "r" in start.lower()
    quote_open = re.sub(r"^[A-Za-z]+", "", start)
    out: list[ast.expr] = []
    for part in parts:
        if isinstance(part, _TEXT_PARTS):
            out.append(ast.Constant(_decode(part.value, raw, quote_open, end)))
            continue
        expression = part.expression
        rng = positions[expression]
        code = text.slice((rng.start.line, rng.start.column), (rng.end.line, rng.end.column))
        value = _expression(code, rng.start.line, text.byte_column(rng.start.line, rng.start.column), filename)
        if part.equal is not None:  # f"{x = }": the text "x = " and then the value
            out.append(ast.Constant(_whitespace(part.whitespace_before_expression) + code
                                    + _whitespace(part.whitespace_after_expression) + _whitespace(part.equal.whitespace_before)
                                    + "=" + _whitespace(part.equal.whitespace_after)))
        conversion = ord(part.conversion) if part.conversion else (
            ord("r") if part.equal is not None and not part.format_spec else -1)
        spec = None
        if part.format_spec:
            spec_values = _parts(part.format_spec, start, end, positions, text, filename)
            spec = ast.JoinedStr(spec_values)
        out.append(ast.FormattedValue(value, conversion, spec))
    return out


def _decode(value: str, raw: bool, quote_open: str, quote_close: str) -> str:
    value = value.replace("{{", "{").replace("}}", "}")
    if raw or "\\" not in value:
        return value
    try:
        return ast.literal_eval(f"{quote_open}{value}{quote_close}")
    except (SyntaxError, ValueError):
        return value


def _expression(code: str, line: int, byte_column: int, filename: str) -> ast.expr:
    """A replacement field's expression, parsed (3.12+ syntax included) and moved to its place in the file."""
    tree = parse(f"({code})\n", filename)
    statement = tree.body[0]
    assert isinstance(statement, ast.Expr)
    value = statement.value
    for sub in ast.walk(value):
        if "lineno" not in sub._attributes or not hasattr(sub, "lineno"):
            continue
        if sub.lineno == 1:
            sub.col_offset += byte_column - 1  # the "(" added in front
        if getattr(sub, "end_lineno", None) == 1:
            sub.end_col_offset += byte_column - 1
        sub.lineno += line - 1
        if getattr(sub, "end_lineno", None) is not None:
            sub.end_lineno += line - 1
    return value


def _whitespace(node) -> str:
    return getattr(node, "value", "") or ""


def _merge_constants(values: list[ast.expr]) -> list[ast.expr]:
    out: list[ast.expr] = []
    for value in values:
        if isinstance(value, ast.Constant) and not value.value:
            continue
        if out and isinstance(value, ast.Constant) and isinstance(out[-1], ast.Constant):
            out[-1] = ast.Constant(out[-1].value + value.value)
        else:
            out.append(value)
    return out


def _place(joined: ast.JoinedStr, where: dict) -> None:
    """As in ast before 3.12, the literal parts and fields of an f-string carry the whole string's span; the
    fields' expressions keep their own positions."""
    stack: list[ast.AST] = [joined]
    while stack:
        node = stack.pop()
        for key, value in where.items():
            setattr(node, key, value)
        if isinstance(node, ast.JoinedStr):
            stack.extend(node.values)
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            stack.append(node.format_spec)


class _Graft(ast.NodeTransformer):
    def __init__(self, grafts: dict) -> None:
        self.grafts = grafts

    def visit_Constant(self, node: ast.Constant):
        if node.value == 0 and type(node.value) is int:
            built = self.grafts.get((node.lineno, node.col_offset))
            if built is not None:
                return built
        return node
