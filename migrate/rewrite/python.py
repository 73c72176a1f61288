"""Run the Python rules over one source text: gate, parse once, transform rule by rule, verify.

Cheap checks come first. A file that never mentions openai is not parsed at all; a rule whose pre-filter
finds nothing it could change does not run (until an earlier rule has changed the file, which may create
work for it). Each rule runs inside its own try: a rule that fails leaves the whole file untouched and is
reported, and so is a result that would no longer parse.
"""

from __future__ import annotations

import difflib
import importlib
import itertools
import os
import re
from dataclasses import dataclass, field

from migrate.rewrite.registry import BY_ID, PYTHON_ORDER
from migrate.scan.detect.source import code_lines


# A module that imports the OpenAI SDK or a library that wraps it (OAI012), or talks to the REST API by URL.
_USES_OPENAI = re.compile(
    rb"^[ \t]*(?:from[ \t]+openai\b|import[ \t]+(?:[\w.]+[ \t]*(?:as[ \t]+\w+)?[ \t]*,[ \t]*)*openai\b)|api\.openai\.com"
    rb"|^[ \t]*(?:from|import)[ \t]+(?:langchain\w*|llama_index|gpt_index|litellm|instructor|dspy)\b",
    re.MULTILINE,
)


def mentions_openai(data: bytes) -> bool:
    """The byte pre-filter: about 200x cheaper than parsing, and most files of a tree fail it."""
    return b"openai" in data or b"OpenAI" in data or b"OPENAI" in data or b"litellm" in data


def uses_openai(data: bytes) -> bool:
    return bool(_USES_OPENAI.search(data))


@dataclass
class SourceResult:
    after: str
    rules: tuple[str, ...] = ()
    review: list[tuple[str, int, str]] = field(default_factory=list)  # (rule, line in `after`, message)
    counts: dict[str, int] = field(default_factory=dict)
    failure: tuple[str, str] | None = None  # (rule, error): the file is left as it was
    parse_error: str | None = None  # the source itself does not parse: nothing was done
    parsed: bool = False


def rewrite_source(source: str, path: str, *, config, options: dict, active: frozenset[str],
                   flow=None) -> SourceResult:
    """`flow`: the repo-wide facts for this file (migrate.rewrite.flow.FileFacts), when the plan has them; a
    file that does not use openai itself is rewritten when they say responses reach it."""
    data = source.encode("utf-8", "surrogatepass")
    if not uses_openai(data) and not flow:
        return SourceResult(after=source)
    wanted = [rid for rid in PYTHON_ORDER if rid in active]
    if not wanted:
        return SourceResult(after=source)

    import libcst as cst
    from libcst.codemod import CodemodContext, SkipFile

    from migrate.rewrite.rules._base import FileState

    state = FileState(path=path, config=config, options=options, active=active, names=_names(source),
                      flow=flow)
    if not any(_rule(rid).wanted(source, state) for rid in wanted) and _parses(source, path):
        return SourceResult(after=source)  # no rule has anything to look at: the file is not parsed at all
    try:
        tree = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError) as e:
        return SourceResult(after=source, parse_error=_parse_message(e))
    stages: list[tuple[str, object, object, list]] = []  # (rule, tree before, tree after, review items)
    changed = False
    current = source
    codes = _Codes(tree, source, state.ast_of)
    for rid in wanted:
        module = _rule(rid)
        if not module.wanted(current, state):
            continue
        state.review = []
        state.source = current
        transformer = module.Transformer(CodemodContext(filename=path), state)
        try:
            new_tree = transformer.transform_module(tree)
        except SkipFile:
            continue
        except Exception as e:  # noqa: BLE001 - a rule never takes the run down: report it, leave the file
            return SourceResult(after=source, failure=(rid, f"{type(e).__name__}: {e}"), parsed=True)
        did_change = (transformer.edits or transformer.notes_added) and codes(new_tree) != codes(tree)
        stages.append((rid, tree, new_tree if did_change else tree, list(state.review)))
        if did_change:
            tree = new_tree
            changed = True
            current = codes(tree)
            state.names |= _names(current)
    after = codes(tree) if changed else source
    result = SourceResult(after=after, parsed=True, counts=dict(state.counts))
    if changed:
        from migrate.scan.detect.modern import parse as parse_any

        try:
            if not state.parsed(after):  # a later rule's import index may have parsed the final text already
                parse_any(after, filename=path)  # Python 3.12+ syntax included, whatever Python runs the kit
        except SyntaxError as e:
            last = next(rid for rid, before, aft, _ in reversed(stages) if aft is not before)
            return SourceResult(
                after=source, failure=(last, f"the rewritten file would not parse (line {e.lineno}: {e.msg})"), parsed=True
            )
        result.rules = tuple(rid for rid, before, aft, _ in stages if aft is not before)
    result.review = _review_lines(stages, after, codes)
    return result


def _rule(rid: str):
    return importlib.import_module(f"migrate.rewrite.rules.{BY_ID[rid].module}")


def _parses(source: str, path: str) -> bool:
    """Python's own parser (3.12+ syntax included) accepts the text: a file that does not goes on to LibCST's
    parse, which reports its syntax error as for every other file."""
    from migrate.scan.detect.modern import parse as parse_any

    try:
        parse_any(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


class _Codes:
    """The text of each tree a file goes through, generated once (printing a tree costs about a third of parsing it).

    Keyed by identity: the trees are immutable, and each tree printed is kept alive here (a tree a rule returned
    without a change of text is dropped from `stages`: its id must not pass to a later tree while its text is here).
    """

    def __init__(self, tree, source: str, ast_of=None) -> None:
        self._texts: dict[int, str] = {id(tree): source}
        self._lines: dict[int, list[str]] = {}
        self._trees: list = [tree]
        self._pieces: tuple | None = None  # (tree, {id(statement): its text}) of the last tree printed
        self._source = (tree, source, ast_of)  # its statements' texts are cut from the source when first needed

    def _seed(self) -> None:
        """The statements of the parsed tree, as texts cut from the source (see source_pieces), so that the first
        tree a rule changes prints only the statements it changed."""
        tree, source, ast_of = self._source
        self._source = None
        syntax = ast_of(source) if ast_of is not None else None
        if syntax is not None and self._pieces is None:
            from migrate.rewrite.rules._prune import source_pieces

            pieces = source_pieces(tree, source, syntax)
            if pieces is not None:
                self._pieces = (tree, pieces)

    def __call__(self, tree) -> str:
        text = self._texts.get(id(tree))
        if text is None:
            text = self._texts[id(tree)] = self._print(tree)
            self._trees.append(tree)
        return text

    def _print(self, tree) -> str:
        """`tree.code`, statement by statement: a top-level statement the last tree printed here holds too (a rule
        keeps every node it does not change) is not printed again. Module.code is the header, each statement and
        the footer, in the module's indentation and newline; only a module without a trailing newline, whose
        last line break LibCST takes off, is printed whole."""
        if not tree.has_trailing_newline or not tree.body:
            return tree.code
        if self._source is not None:
            self._seed()
        known: dict[int, str] = {}
        last = self._pieces
        if (last is not None and last[0].default_indent == tree.default_indent
                and last[0].default_newline == tree.default_newline):
            known = last[1]
        pieces = {id(stmt): known.get(id(stmt)) or tree.code_for_node(stmt) for stmt in tree.body}
        self._pieces = (tree, pieces)
        return "".join([*(tree.code_for_node(line) for line in tree.header), *(pieces[id(stmt)] for stmt in tree.body),
                        *(tree.code_for_node(line) for line in tree.footer)])

    def lines(self, tree) -> list[str]:
        lines = self._lines.get(id(tree))
        if lines is None:
            lines = self._lines[id(tree)] = code_lines(self(tree))
        return lines


def _review_lines(stages, final: str, codes: _Codes) -> list[tuple[str, int, str]]:
    """Move each review line from the text its rule saw to the final text."""
    out: list[tuple[str, int, str]] = []
    lines = codes.lines
    diffs: dict[tuple[int, int], list] = {}  # one diff per pair of texts, however many items cross it

    final_lines = code_lines(final)
    for i, (rid, before, _after, items) in enumerate(stages):
        if not items:
            continue
        chain = [before] + [s[2] for s in stages[i:] if s[2] is not s[1]]
        for _, line, message in items:
            current = max(line, 1)
            texts = [lines(t) for t in chain] + [final_lines]
            for a, b in itertools.pairwise(texts):
                if a is not b and a != b:
                    key = (id(a), id(b))
                    if key not in diffs:
                        diffs[key] = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
                    current = _map_line(diffs[key], a, b, current)
            while current < len(final_lines) and final_lines[current - 1].lstrip().startswith("# migrate: "):
                current += 1  # point at the statement, not at the note above it
            out.append((rid, current, message))
    return out


def map_line(a: list[str], b: list[str], line: int) -> int:
    """The line in `b` that corresponds to 1-based `line` of `a` (a changed line maps to its replacement)."""
    return _map_line(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes(), a, b, line)


def _map_line(opcodes, a: list[str], b: list[str], line: int) -> int:
    index = line - 1
    for tag, i1, i2, j1, j2 in opcodes:
        if i1 <= index < i2 or (i1 == i2 == index):
            if tag == "equal":
                return j1 + (index - i1) + 1
            if tag == "insert":
                continue
            near = min(j1 + (index - i1), max(j2 - 1, j1))
            # Lines became others (arguments added, notes or an import inserted): the new line that still reads
            # most like it, e.g. `llm = OpenAI(` for `llm = OpenAI(model="gpt-4o")`, else the one at its place.
            line_text = a[index].strip()
            return max(range(j1, j2), key=lambda j: (_shared_prefix(line_text, b[j].strip()), -abs(j - near))) + 1
    return min(line, max(len(b), 1))


def _shared_prefix(x: str, y: str) -> int:
    return len(os.path.commonprefix((x, y)))


def _names(source: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]\w*", source))


def _parse_message(e: Exception) -> str:
    if hasattr(e, "raw_line"):
        return f"line {e.raw_line}: {getattr(e, 'message', str(e)).splitlines()[0]}"
    return f"{type(e).__name__}: {e}"
