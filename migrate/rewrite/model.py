"""The rewrite's data model: a plan of file changes, what is left for a human, and what was written.

Frozen, JSON-serialisable dataclasses. `migrate pr` and the CLI read these, never terminal output.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from typing import Any

from migrate.scan.findings import Skipped


@dataclass(frozen=True)
class FileChange:
    """One file the rewrite would change. `before`/`after` are the full texts, newlines as on disk."""

    path: str  # posix, relative to its root
    abs_path: str
    before_sha256: str  # of the bytes on disk when the plan was made: apply_plan refuses the file if it changed
    before: str
    after: str
    rules: tuple[str, ...]  # rule ids that changed this file, in rule order
    encoding: str = "utf-8"  # how `after` is written back (the encoding the file was read with)

    def diff(self, color: bool = False) -> str:
        return unified_diff(self.path, self.before, self.after, color=color)


@dataclass(frozen=True)
class ReviewItem:
    """A place the rewrite could not finish safely: a human decides (\"left for review\").

    `line` is 1-based in the file as rewritten (the `after` text, or the file itself when it is unchanged),
    which is where a `# migrate:` comment, when there is one, sits just above the statement.
    """

    path: str
    line: int
    rule: str
    message: str


@dataclass(frozen=True)
class RuleFailure:
    """A rule that could not run on a file. The whole file is left alone."""

    path: str
    rule: str
    error: str


@dataclass(frozen=True)
class Plan:
    roots: tuple[str, ...]
    changes: tuple[FileChange, ...]
    review: tuple[ReviewItem, ...]
    failures: tuple[RuleFailure, ...]
    rule_counts: dict[str, int]  # rule id -> number of edits it made across the plan
    files_scanned: int
    files_parsed: int = 0  # files that passed the cheap byte pre-filter and were parsed
    duration_s: float = 0.0
    skipped: tuple[Skipped, ...] = ()  # files that could not be read or parsed (the run went on)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def diff(self, color: bool = False) -> str:
        """A unified diff of every change (`git apply`/`patch -p1` accept it)."""
        return "".join(c.diff(color=color) for c in self.changes)

    def by_file(self) -> dict[str, dict[str, Any]]:
        """Per file: the rules that changed it and the places left for review (for summaries)."""
        out: dict[str, dict[str, Any]] = {}
        for c in self.changes:
            out.setdefault(c.path, {"rules": [], "review": [], "failures": []})["rules"] = list(c.rules)
        for r in self.review:
            out.setdefault(r.path, {"rules": [], "review": [], "failures": []})["review"].append(r)
        for f in self.failures:
            out.setdefault(f.path, {"rules": [], "review": [], "failures": []})["failures"].append(f)
        return dict(sorted(out.items()))

    def to_dict(self, texts: bool = True) -> dict[str, Any]:
        """JSON-ready. With texts=False each change carries its diff instead of the full before/after texts."""
        data = _jsonable(self)
        if not texts:
            for change, entry in zip(self.changes, data["changes"]):
                del entry["before"], entry["after"]
                entry["diff"] = change.diff()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(
            roots=tuple(data["roots"]),
            changes=tuple(FileChange(**{**c, "rules": tuple(c["rules"])}) for c in data["changes"]),
            review=tuple(ReviewItem(**r) for r in data["review"]),
            failures=tuple(RuleFailure(**f) for f in data["failures"]),
            rule_counts=dict(data["rule_counts"]),
            files_scanned=data["files_scanned"],
            files_parsed=data.get("files_parsed", 0),
            duration_s=data.get("duration_s", 0.0),
            skipped=tuple(Skipped(**s) for s in data.get("skipped", ())),
        )


@dataclass(frozen=True)
class ApplyResult:
    written: tuple[str, ...]  # abs paths written
    refused: tuple[tuple[str, str], ...] = field(default=())  # (path, reason)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(self)


def unified_diff(path: str, before: str, after: str, color: bool = False) -> str:
    if before == after:
        return ""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    out = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        if color:
            line = _colour(line)
        out.append(line)
    return "".join(out)


_RESET = "\x1b[0m"


def _colour(line: str) -> str:
    if line.startswith(("+++", "---")):
        code = "\x1b[1m"
    elif line.startswith("@@"):
        code = "\x1b[36m"
    elif line.startswith("+"):
        code = "\x1b[32m"
    elif line.startswith("-"):
        code = "\x1b[31m"
    else:
        return line
    body, nl = (line[:-1], "\n") if line.endswith("\n") else (line, "")
    return f"{code}{body}{_RESET}{nl}"


def _jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    return obj
