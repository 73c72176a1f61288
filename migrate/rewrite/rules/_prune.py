"""Which statements a rule's walk may skip: the text of each statement, from Python's own parser, without a walk.

A rule's walk through LibCST rebuilds every node it enters; most statements of a file hold nothing the rule can
act on. A rule that declares a `statement_filter` (a pattern that the text of every statement it can act on, or
gather state from, must match) skips the others whole: its hooks never see them, and the statement is kept as it
is (the same node, so the tree it returns is the same text as with the full walk).

Where each LibCST statement lies in the text comes from `ast` (already parsed for the import index): the module's
body, and the bodies of the classes and functions found there, statement by statement, checked against each
other (kinds, names, counts) before any is trusted; a body that does not line up is walked whole. Other blocks
(`if`, `try`, `with`, loops) are not looked into: a statement there is visited or skipped with its block.
"""

from __future__ import annotations

import ast
import bisect
import re

import libcst as cst

_LINE_END = re.compile(r"\r\n|\r|\n")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, *_DEFS,
             *((ast.TryStar,) if hasattr(ast, "TryStar") else ()), *((ast.Match,) if hasattr(ast, "Match") else ()))
_CST_COMPOUND = {
    cst.If: (ast.If,), cst.For: (ast.For, ast.AsyncFor), cst.While: (ast.While,), cst.With: (ast.With, ast.AsyncWith),
    cst.Try: (ast.Try,), cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef), cst.ClassDef: (ast.ClassDef,),
}
if hasattr(ast, "TryStar"):
    _CST_COMPOUND[cst.TryStar] = (ast.TryStar,)
if hasattr(ast, "Match"):
    _CST_COMPOUND[cst.Match] = (ast.Match,)


class Outline:
    """Statement spans of one text: `(start, end)` character offsets of each statement LibCST sees, by node."""

    def __init__(self, source: str, tree: ast.Module) -> None:
        self.source = source
        self.tree = tree
        # Lines end where Python's parser and LibCST end them (\n, \r\n, \r), not at every character
        # str.splitlines breaks at (a form feed, \x1c, \u2028...): the spans must use the parser's numbering.
        self._line_starts = [0, *(match.end() for match in _LINE_END.finditer(source))]
        if self._line_starts[-1] != len(source):
            self._line_starts.append(len(source))
        self.spans: dict[int, tuple[int, int, list[ast.stmt]]] = {}  # id(LibCST statement) -> (start, end, ast)

    def enter(self, node: cst.CSTNode) -> None:
        """Record the spans of the statements of `node`'s body (the module, a class or function whose own span
        is known); anything else records nothing."""
        if isinstance(node, cst.Module):
            self._match(node.body, self.tree.body)
            return
        if not isinstance(node, (cst.FunctionDef, cst.ClassDef)) or not isinstance(node.body, cst.IndentedBlock):
            return
        known = self.spans.get(id(node))
        if known is not None and len(known[2]) == 1:
            self._match(node.body.body, known[2][0].body)

    def line(self, node: cst.CSTNode) -> int | None:
        """The line a statement starts on as LibCST's PositionProvider counts it (a decorated definition from its
        `def` / `class` line, `a; b` from `a`), when its span is known."""
        known = self.spans.get(id(node))
        return None if known is None else known[2][0].lineno

    def line_text(self, line: int) -> str | None:
        """The text of 1-based `line`, its line break included."""
        starts = self._line_starts
        return self.source[starts[line - 1]:starts[line]] if 0 < line < len(starts) else None

    def locate(self, statement: cst.CSTNode, text: str) -> int | None:
        """The line on which `text` (one line, no break) is written inside `statement`, when its span is known and
        it is written there once; else None."""
        known = self.spans.get(id(statement))
        if known is None or not text:
            return None
        start, end = known[0], known[1]
        at = self.source.find(text, start, end)
        if at < 0 or self.source.find(text, at + 1, end) >= 0 or (
                at and (self.source[at - 1].isalnum() or self.source[at - 1] == "_")):
            return None  # not there once, or inside a longer word
        return bisect.bisect_right(self._line_starts, at)

    def span(self, node: cst.CSTNode) -> tuple[int, int] | None:
        known = self.spans.get(id(node))
        return None if known is None else (known[0], known[1])

    def _match(self, body, stmts: list[ast.stmt]) -> None:
        groups: list[list[ast.stmt]] = []
        end = None
        for stmt in stmts:
            if groups and stmt.lineno == end and not isinstance(stmt, _COMPOUND):
                groups[-1].append(stmt)  # `a; b`: one statement line for LibCST
            else:
                groups.append([stmt])
            end = stmt.end_lineno
        if len(groups) != len(body) or not all(_same(node, group) for node, group in zip(body, groups)):
            return
        starts = self._line_starts
        for node, group in zip(body, groups):
            first = group[0]
            line = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", ()))])
            last = max(s.end_lineno or s.lineno for s in group)
            if line < 1 or last >= len(starts):
                return
            self.spans[id(node)] = (starts[line - 1], starts[last], group)


def source_pieces(tree, source: str, syntax: ast.Module) -> dict[int, str] | None:
    """{id(statement): its text} for the top-level statements of `tree`, the LibCST tree of `source`, cut from the
    source instead of printed: the same text as tree.code_for_node(statement), since a tree prints as its source.

    Where each statement's text begins comes from Python's parser (`syntax`, the `ast` of the same text: its first
    line, decorators included) less the comment and blank lines LibCST gives it (`leading_lines`, one line each);
    the module's header and footer lines are the rest. None, and the statements are printed, when the two trees
    do not line up or anything but comment and blank lines lies between two statements (a parenthesized
    expression statement, whose parentheses Python's positions leave out)."""
    groups: list[tuple[int, int]] = []  # (first line, last line) of each LibCST statement, from ast
    for stmt in syntax.body:
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        last = stmt.end_lineno or stmt.lineno
        if groups and first == groups[-1][1] and not isinstance(stmt, _COMPOUND):
            groups[-1] = (groups[-1][0], max(last, groups[-1][1]))  # `a; b`: one statement line for LibCST
        else:
            groups.append((first, last))
    body = tree.body
    if len(groups) != len(body):
        return None
    starts = [0, *(m.end() for m in _LINE_END.finditer(source))]  # offset of each line's start (1-based: [n-1])
    if starts[-1] != len(source):
        starts.append(len(source))
    count = len(starts) - 1  # lines
    ends_at = count - len(tree.footer)  # the last statement's text ends on this line
    previous_end = len(tree.header)
    begins: list[int] = []
    for stmt, (first, last) in zip(body, groups):
        begin = first - len(stmt.leading_lines)
        if begin != previous_end + 1 and not _only_comments(source, starts, previous_end + 1, begin):
            return None
        if begin <= previous_end or not _only_comments(source, starts, begin, first):
            return None
        begins.append(begin)
        previous_end = last
    if previous_end > ends_at or not _only_comments(source, starts, previous_end + 1, ends_at + 1):
        return None
    begins.append(ends_at + 1)
    return {id(stmt): source[starts[a - 1]:starts[b - 1]] for stmt, a, b in zip(body, begins, begins[1:])}


def _only_comments(source: str, starts: list[int], a: int, b: int) -> bool:
    """Lines a .. b-1 (1-based) are blank or comment lines (and none ends in a line continuation)."""
    for line in range(a, b):
        text = source[starts[line - 1]:starts[line]].strip()
        if text and not text.startswith("#"):
            return False
    return True


def _same(node: cst.CSTNode, group: list[ast.stmt]) -> bool:
    """Whether the LibCST statement and the ast statements are the same code (kinds, and names of definitions)."""
    if isinstance(node, cst.SimpleStatementLine):
        return len(node.body) == len(group) and not any(isinstance(s, _COMPOUND) for s in group)
    kinds = _CST_COMPOUND.get(type(node))
    if kinds is None or len(group) != 1 or not isinstance(group[0], kinds):
        return False
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        if node.name.value != group[0].name:
            return False
        if isinstance(node, cst.FunctionDef) and (node.asynchronous is not None) != isinstance(group[0], ast.AsyncFunctionDef):
            return False
    return True


def words_pattern(words) -> re.Pattern:
    """A pattern for any of `words` as a whole identifier (for no words, one that matches nothing)."""
    words = sorted(set(words))
    if not words:
        return re.compile(r"(?!)")
    return re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(map(re.escape, words)))


def word_search(pattern: re.Pattern, text: str) -> bool:
    """Whether `pattern` matches `text` where a word starts, as a leading `\\b` would say, without that `\\b`: a
    pattern that starts with a literal is searched for that literal first, 5 to 20 times faster than one that
    starts with `\\b`, which Python's regex engine tries at every position."""
    for match in pattern.finditer(text):
        start = match.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            return True
    return False
