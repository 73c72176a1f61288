"""What the two type-check proofs share (benchmarks/typecheck.py with mypy, benchmarks/typecheck_ts.py with tsc):
the after tree written from the rewritten texts, lines mapped between before and after through a diff, and each
error after the rewrite classified as new or as one that was already there.

An error after the rewrite is *new* when the line it is on, mapped back through the diff, had no error with the
same code and message before. For a line the rewrite wrote: when no line of the hunk it replaced had one (a pure
insertion: the line it was inserted before). A line past the end of a changed file has no counterpart; one in an
unchanged file (an importer) is its own.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class Issue(Protocol):
    """An error as a type checker reported it (mypy's TypeIssue, tsc's TsIssue)."""

    path: str  # posix, relative to the tree
    line: int
    code: str
    message: str


@dataclass(frozen=True)
class NewError:
    path: str
    line: int  # in the rewritten file
    code: str  # mypy's `arg-type`, tsc's `TS2322`
    message: str
    on_changed_line: bool  # the line itself was written by the rewrite (else: an untouched line using a changed value)
    reviewed: bool  # a `migrate:` review note sits above the statement: the rewrite said a human must look

    def __str__(self) -> str:
        where = "changed line" if self.on_changed_line else "unchanged line"
        note = ", has a review note" if self.reviewed else ""
        # each checker's own notation: tsc's `error TS2322: message`, mypy's `message [arg-type]`
        said = f"error {self.code}: {self.message}" if self.code.startswith("TS") else f"{self.message} [{self.code}]"
        return f"{self.path}:{self.line}: {said} ({where}{note})"


def line_map(before: str, after: str) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """after line -> before line for untouched lines; after line -> before range [i1, i2) for written ones."""
    a, b = before.splitlines(), after.splitlines()
    same: dict[int, int] = {}
    written: dict[int, tuple[int, int]] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for k in range(j2 - j1):
            if tag == "equal":
                same[j1 + k + 1] = i1 + k + 1
            else:
                written[j1 + k + 1] = (i1 + 1, i2 + 1)
    return same, written


def classify(before: Iterable[Issue], after: Iterable[Issue], before_texts: Mapping[str, str],
             after_texts: Mapping[str, str],
             reviewed: Mapping[str, set[int]]) -> tuple[list[NewError], list[tuple[Issue, NewError]], int]:
    """The errors after with no counterpart before; those with one (each with its NewError form, for a caller
    that looks further at them); how many errors before have no counterpart after (what the rewrite fixed).
    `reviewed`: per rewritten file, the lines a review note covers."""
    before = list(before)
    old: dict[str, set[tuple[int, str, str]]] = {}
    for i in before:
        old.setdefault(i.path, set()).add((i.line, i.code, i.message))
    maps = {p: line_map(before_texts[p], after_texts[p]) for p in after_texts if p in before_texts}
    new: list[NewError] = []
    kept: list[tuple[Issue, NewError]] = []
    matched: set[tuple[str, int, str, str]] = set()
    for issue in after:
        same, written = maps.get(issue.path, ({}, {}))
        key = (issue.code, issue.message)
        if issue.line in same:
            candidates = [same[issue.line]]
        elif issue.line in written:
            i1, i2 = written[issue.line]
            candidates = list(range(i1, max(i2, i1 + 1)))
        elif issue.path in maps:
            candidates = []
        else:
            candidates = [issue.line]
        had = old.get(issue.path, set())
        hits = [(n, *key) for n in candidates if (n, *key) in had]
        error = NewError(issue.path, issue.line, issue.code, issue.message, on_changed_line=issue.line in written,
                         reviewed=issue.line in reviewed.get(issue.path, set()))
        if hits:
            matched.update((issue.path, *h) for h in hits)
            kept.append((issue, error))
        else:
            new.append(error)
    vanished = sum(1 for i in before if (i.path, i.line, i.code, i.message) not in matched)
    return new, kept, vanished


def write_after(root: Path, after_root: Path, changes: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Write each rewritten text of `changes` (path relative to `root` -> text; a new path is a new file) into
    `after_root`, a copy of `root`; the texts before (empty for a new file) and after, by path."""
    before_texts: dict[str, str] = {}
    after_texts: dict[str, str] = {}
    for rel, text in changes.items():
        source = root / rel
        before_texts[rel] = source.read_text(encoding="utf-8", errors="surrogateescape") if source.is_file() else ""
        after_texts[rel] = text
        (after_root / rel).parent.mkdir(parents=True, exist_ok=True)
        (after_root / rel).write_text(text, encoding="utf-8", errors="surrogateescape", newline="")
    return before_texts, after_texts


def source_files(root: Path, suffixes: tuple[str, ...], skip_dir: Callable[[str], bool]) -> list[str]:
    """The files under `root` ending in one of `suffixes` (posix, relative, sorted), not below a skipped folder."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not skip_dir(d))
        out += [(Path(dirpath) / n).relative_to(root).as_posix() for n in sorted(filenames) if n.endswith(suffixes)]
    return out


def changed_files(before: Path, after: Path, files: Iterable[str]) -> dict[str, str]:
    """The texts of `files` (relative to `after`) that are new or differ from the same path under `before`."""
    changes = {}
    for rel in files:
        text = (after / rel).read_text(encoding="utf-8", errors="surrogateescape")
        old = before / rel
        if not old.is_file() or old.read_text(encoding="utf-8", errors="surrogateescape") != text:
            changes[rel] = text
    return changes
