"""`// migrate:` review comments: where a note's comment line goes, written once.

A note points at a byte of the rewritten text. Its comment goes on a line of its own above that byte's line
when the node there starts the line (a property of a multi-line object, an argument), else above the statement
holding it (as the Python rewrite writes `# migrate:` above the statement). A line that begins inside a string,
a template literal, a comment or JSX text cannot take a comment (it would become part of the text): the
statement's line is used, and when that is not code either, no comment is written (the review item remains).
Idempotent: a comment already among the `// migrate:` lines stacked above the target line is not written again.
"""

from __future__ import annotations

from migrate.rewrite.javascript.edits import Edit
from migrate.rewrite.javascript.upgrade._syntax import NOTE, newline, statement_of

# Nodes whose inside is text, not code: a line starting within one cannot hold a comment.
_TEXT = frozenset({"string", "template_string", "comment", "jsx_text", "jsx_element", "jsx_fragment", "regex",
                   "html_comment"})
_CODE_IN_TEXT = frozenset({"template_substitution", "jsx_expression"})


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _is_code_line(root, source: bytes, line_start: int) -> bool:
    """Whether a `//` line inserted at `line_start` would be code (not inside a string, template or JSX text)."""
    probe = line_start
    while probe < len(source) and source[probe:probe + 1] in (b" ", b"\t"):
        probe += 1
    node = root.descendant_for_byte_range(probe, probe)
    while node is not None:
        if node.type in _CODE_IN_TEXT:
            return True
        if node.type in _TEXT and node.start_byte < probe:
            return False
        node = node.parent
    return True


def _node_at(root, source: bytes, offset: int):
    probe = offset
    while probe < len(source) and source[probe:probe + 1] in (b" ", b"\t", b"\r", b"\n", b",", b";"):
        probe += 1  # a note at what a rule removed points between tokens: take the next one
    return root.descendant_for_byte_range(probe, min(probe + 1, len(source)))


def statement_start(root, source: bytes, offset: int) -> int:
    """Where the statement holding byte `offset` starts (the line a removed node's review item belongs to)."""
    node = _node_at(root, source, offset)
    return offset if node is None or node.parent is None else statement_of(node).start_byte


def comment_edit(root, source: bytes, offset: int, message: str, statement: bool = False) -> Edit | None:
    """The insertion of `// migrate: <message>` for a note at byte `offset` of `source` (parsed as `root`), or
    None when the same comment is already there or no code line can take it. statement=True: above the
    statement even when the node there starts its line (the note's node was removed: the line now holding that
    offset is another one's)."""
    node = _node_at(root, source, offset)
    if node is None or node.parent is None:
        start = _line_start(source, min(offset, len(source)))
    else:
        start = _line_start(source, node.start_byte)
        if statement or source[start:node.start_byte].strip() or not _is_code_line(root, source, start):
            statement = statement_of(node)
            start = _line_start(source, statement.start_byte)
    if not _is_code_line(root, source, start):
        return None
    text = NOTE + " ".join(message.split())
    scan = start
    while scan > 0:  # the comments already stacked above that line
        prev = _line_start(source, scan - 1)
        line = source[prev:scan].strip()
        if not line.startswith(NOTE.strip().encode()):
            break
        if line == text.encode():
            return None
        scan = prev
    line = source[start:]
    indent = line[:len(line) - len(line.lstrip(b" \t"))].decode("utf-8", "replace")
    return Edit(start, start, f"{indent}{text}{newline(source)}")


def comment_edits(root, source: bytes, notes: list[tuple[int, str, bool]]) -> list[Edit]:
    """The comment insertions for (offset, comment, above the statement) notes, each once, in the order given."""
    out: list[Edit] = []
    seen: set[tuple[int, str]] = set()
    for offset, message, statement in notes:
        edit = comment_edit(root, source, offset, message, statement)
        if edit is not None and (edit.start, edit.text) not in seen:
            seen.add((edit.start, edit.text))
            out.append(edit)
    return out
