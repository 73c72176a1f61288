"""Edits at byte ranges of the parsed source, applied together, and what a rule hands back.

An edit replaces `source[start:end]` with `text` (an insertion has start == end). The edits of one rule must not
overlap (two insertions at one offset are kept in the order the rule gave them); `apply_edits` refuses a set that
does, rather than guessing which one wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edit:
    start: int  # byte offsets into the source the rule was given
    end: int
    text: str

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Note:
    """A review item at a byte offset of the rule's input (the engine turns it into a line of the output)."""

    offset: int
    message: str
    comment: str | None = None  # the text of a `// migrate:` line written above it (None: the review item only)


@dataclass
class RuleOutput:
    """What a rule returns: its edits, and the places a human must finish (`Note`s)."""

    edits: list[Edit] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def edit(self, start: int, end: int, text: str) -> None:
        self.edits.append(Edit(start, end, text))

    def note(self, offset: int, message: str, comment: bool | str = True) -> None:
        """A review item at `offset`; never silent: it is also written as a `// migrate:` comment above the
        line (the message, or `comment` when that is a shorter text) unless comment=False (the item only: a
        fact that changes nothing in the code, such as a client left alone because it talks to another
        provider). The engine writes comments once: a run that finds the same one there adds nothing."""
        text = message if comment is True else (comment or None)
        self.notes.append(Note(offset, message, text))


class OverlappingEdits(ValueError):
    pass


def apply_edits(source: bytes, edits: list[Edit]) -> bytes:
    """The source with every edit applied (offsets are all of the original). Raises OverlappingEdits."""
    ordered = sorted(enumerate(edits), key=lambda ie: (ie[1].start, ie[1].end, ie[0]))
    out: list[bytes] = []
    at = 0
    last_end = -1
    for _, edit in ordered:
        if edit.start < at or (edit.start < last_end) or edit.end < edit.start or edit.end > len(source):
            raise OverlappingEdits(f"edit at bytes {edit.start}-{edit.end} overlaps another edit")
        out.append(source[at:edit.start])
        out.append(edit.text.encode("utf-8"))
        at = edit.end
        last_end = edit.end
    out.append(source[at:])
    return b"".join(out)


def shift(offset: int, edits: list[Edit]) -> int:
    """Where byte `offset` of the original is once `edits` are applied (an offset inside a replaced range maps to
    its start)."""
    delta = 0
    for edit in edits:
        if edit.end <= offset:  # an insertion at the offset itself pushes what was there
            delta += len(edit.text.encode("utf-8")) - edit.size
        elif edit.start < offset < edit.end:
            return edit.start + delta
    return offset + delta
