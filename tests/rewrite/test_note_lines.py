"""The `# migrate:` notes a file already holds, read off its text (_base._note_lines) rather than by a walk of its
tree (_base._note_comments): the same notes, or None where the text alone cannot say.

A rule that writes a note the file already holds somewhere else (an earlier run's, moved by another rule) drops its
copy; which notes are held decides that, so the two readings must agree on every text.
"""

from __future__ import annotations

import libcst as cst
import pytest

from migrate.rewrite.rules._base import _note_comments, _note_lines
from migrate.rewrite.rules._names import ImportIndex

CASES = [
    ("none", "x = 1\n"),
    ("prefix-in-code-only", "x = '# migrate: not a comment'\n"),
    ("own-line", "# migrate: point it at vLLM\nclient = OpenAI()\n"),
    ("indented", "def f():\n    # migrate: a note\n    return 1\n"),
    ("trailing-comment", "x = 1  # migrate: a trailing comment is no note line\n"),
    ("inside-brackets", "f(\n    # migrate: inside a call\n    1,\n)\n"),
    ("in-docstring", 'def f():\n    """Text.\n\n    # migrate: quoted in a docstring\n    """\n'),
    ("in-f-string", 'x = f"""\n# migrate: in an f-string {y}\n"""\n'),
    ("docstring-and-note", '"""Doc.\n# migrate: quoted\n"""\n# migrate: real one\nx = 1\n'),
    ("backslash-string", 'x = "a\\\n# migrate: continued string"\n# migrate: real\n'),
    ("crlf", "# migrate: one\r\nx = 1\r\n# migrate: two\r\n"),
    ("spaces-in-note", "# migrate:   several   spaces  \nx = 1\n"),
    ("tabs-and-form-feed", "if x:\n\t# migrate: tab\n\tpass\n\x0c# migrate: after a form feed\n"),
]


@pytest.mark.parametrize("source", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_text_reading_matches_the_walk(source):
    found = _note_lines(source, ImportIndex(source))
    assert found is not None
    assert found == _note_comments(cst.parse_module(source))


def test_lone_carriage_returns_are_left_to_the_walk():
    source = "# migrate: old Mac line ends\rx = 1\r"
    assert _note_lines(source, ImportIndex(source)) is None
    assert _note_comments(cst.parse_module(source)) == ["old Mac line ends"]


def test_without_a_syntax_tree_a_string_that_may_hold_a_note_is_left_to_the_walk():
    source = 'x = """\n# migrate: quoted\n"""\n'
    assert _note_lines(source, None) is None
    assert _note_lines("# migrate: plain\nx = 1\n", None) == ["plain"]
