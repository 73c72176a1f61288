"""Run the JS/TS rules over one file: parse, each rule's edits applied together, re-parse, next rule.

A rule's edits are applied to the text the rule was given (never to a stale one), and the result must parse
again with no error in the same grammar; if it does not, or a rule raises, the whole file is left as it was
and the failure is reported (RuleFailure). A rule's notes are written as `// migrate:` comments on its output
(comments.py: once, above the line or statement; a note made with comment=False is a review item only) before
the next rule runs. Review notes are offsets into the text each rule saw, carried
through the later rules' edits to a line of the final text.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field

from migrate.rewrite.javascript.comments import comment_edits, statement_start
from migrate.rewrite.javascript.edits import OverlappingEdits, apply_edits, shift
from migrate.rewrite.javascript.module import JsContext, JsModule
from migrate.rewrite.javascript.registry import js_rules


@dataclass
class JsResult:
    after: str
    rules: list[str] = field(default_factory=list)  # rules that changed the file, in run order
    counts: dict[str, int] = field(default_factory=dict)
    review: list[tuple[str, int, str]] = field(default_factory=list)  # (rule, line in `after`, message)
    failure: tuple[str, str] | None = None  # (rule, error): the file is left unchanged
    parse_error: str | None = None  # the file as it is does not parse: nothing was run
    unreadable: tuple[str, str] | None = None  # (reason, detail): minified, not UTF-8


def parse_js(name: str, data: bytes):
    """(tree, source the offsets are of, grammar): a component's markup is blanked byte for byte."""
    from migrate.scan.detect.javascript.parse import parse

    return parse(name, data)


def syntax_error(tree) -> int | None:
    """The line of the first syntax error of a tree, or None when it parses cleanly."""
    from migrate.scan.detect.javascript.parse import first_error

    error = first_error(tree.root_node)
    return None if error is None else error.start_point[0] + 1


def _removed(offset: int, edits) -> bool:
    """Whether byte `offset` lay inside a range an edit replaced (the node a note is about is gone)."""
    return any(e.start <= offset < e.end for e in edits)


def rewrite_js(data: bytes, rel: str, path: str, context: JsContext, active) -> JsResult:
    """Rewrite one JS/TS (or .vue / .svelte) file's bytes. `path` is absolute (imports resolve against it)."""
    from migrate.scan.detect.javascript.parse import minified

    name = os.path.basename(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return JsResult(after="", unreadable=("not UTF-8", f"byte {e.start} is not UTF-8"))
    if minified(name, data):
        return JsResult(after=text, unreadable=("minified", "a minified bundle: rewrite the sources it was built from"))
    tree, source, grammar = parse_js(name, data)
    line = syntax_error(tree)
    if line is not None:
        return JsResult(after=text, parse_error=f"tree-sitter ({grammar}) could not parse line {line}")
    result = JsResult(after=text)
    module = JsModule(source, rel, path, name, grammar, tree)
    if not context.model_exports and not module.findings:
        return result  # every rule edits what the scan found: a file with no finding is left as it is
    notes: list[tuple[str, int, str]] = []  # (rule, offset in `current`, message)
    current = data
    for info in js_rules(active):
        try:
            rule = importlib.import_module(f"migrate.rewrite.javascript.rules.{info.module}")
            output = rule.run(module, context)
            edits = list(output.edits)
            new = apply_edits(current, edits) if edits else current
        except OverlappingEdits as e:
            return JsResult(after=text, failure=(info.id, str(e)))
        except Exception as e:  # noqa: BLE001 - one rule's bug must not stop the run: the file stays as it was
            return JsResult(after=text, failure=(info.id, f"{type(e).__name__}: {e}"))
        notes = [(r, shift(o, edits), m) for r, o, m in notes]
        mine = [(shift(n.offset, edits), n.message, n.comment, _removed(n.offset, edits)) for n in output.notes]
        if new != current:
            tree, source, grammar = parse_js(name, new)
            line = syntax_error(tree)
            if line is not None:
                return JsResult(after=text, failure=(info.id, f"the rewritten file does not parse (line {line}): "
                                                              "left unchanged"))
        # a note about a node the rule removed belongs to the statement that held it
        mine = [(statement_start(tree.root_node, source, o) if r else o, m, c, r) for o, m, c, r in mine]
        notes.extend((info.id, o, m) for o, m, _, _ in mine)
        comments = comment_edits(tree.root_node, source, [(o, c, r) for o, _, c, r in mine if c]) if mine else []
        if comments:  # the rule's `// migrate:` lines, written on its output (offsets of the blanked source)
            new = apply_edits(new, comments)
            notes = [(r, shift(o, comments), m) for r, o, m in notes]
            tree, source, grammar = parse_js(name, new)
            line = syntax_error(tree)
            if line is not None:
                return JsResult(after=text, failure=(info.id, f"a review comment breaks the file (line {line}): "
                                                              "left unchanged"))
        if new == current:
            continue
        current = new
        module = JsModule(source, rel, path, name, grammar, tree)
        result.rules.append(info.id)
        result.counts[info.id] = result.counts.get(info.id, 0) + len(edits) + len(comments)
    result.after = current.decode("utf-8")
    seen = set()
    for rule, offset, message in notes:
        item = (rule, current.count(b"\n", 0, offset) + 1, message)
        if item not in seen:
            seen.add(item)
            result.review.append(item)
    return result
