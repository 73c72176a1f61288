"""git's ignore rules, as `git status` and `git ls-files --exclude-standard` apply them.

One `IgnoreFile` per .gitignore (or .git/info/exclude). The walk asks the files in force for a path from the
deepest folder up: the first one with a matching pattern decides, and within a file the last matching pattern
wins, so `!negations` and nested files override what lies above them. A pattern matches the path itself only
(never "because a parent folder matched"): an excluded folder is pruned by the walk, which is git's rule that a
file cannot be re-included when a parent folder is excluded.

Each file compiles to two regular expressions (one for files, one for folders, since `name/` matches folders
only) whose alternatives are the patterns from last to first: one `fullmatch` per path and file finds the
pattern git would apply.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    regex: str  # matched against the path relative to the file's folder
    negate: bool
    dir_only: bool


def parse_line(line: str) -> Pattern | None:
    """One line of a .gitignore, or None for blank lines and comments (gitignore(5))."""
    line = line.rstrip("\r\n")
    if not line or line.startswith("#"):
        return None
    line = _strip_trailing_spaces(line)
    negate = line.startswith("!")
    if negate:
        line = line[1:]
    dir_only = line.endswith("/") and not line.endswith("\\/")
    if dir_only:
        line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    if line.startswith("/"):
        line = line[1:]
    body = _translate(line)
    if body is None:
        return None
    # A pattern without a slash matches a name at any depth; one with a slash is relative to the file's folder.
    return Pattern(body if anchored else f"(?:.*/)?{body}", negate, dir_only)


def _strip_trailing_spaces(line: str) -> str:
    end = len(line)
    while end > 0 and line[end - 1] == " ":
        if end >= 2 and line[end - 2] == "\\":
            break
        end -= 1
    return line[:end]


def _translate(pat: str) -> str | None:
    """wildmatch with WM_PATHNAME: `*` and `?` stop at slashes, `**` between slashes crosses them."""
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if c == "*":
            j = i
            while j < n and pat[j] == "*":
                j += 1
            stars = j - i
            at_start = i == 0 or pat[i - 1] == "/"
            at_end = j == n or pat[j] == "/"
            if stars >= 2 and at_start and at_end:
                if j == n:
                    out.append(".*")  # "dir/**": everything inside (the folder itself does not match)
                    i = j
                else:
                    out.append("(?:.*/)?")  # "**/x" and "a/**/b": zero or more folders
                    i = j + 1
            else:
                out.append("[^/]*")
                i = j
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end, cls = _bracket(pat, i)
            if end is None:
                out.append(re.escape(c))
                i += 1
            else:
                out.append(cls)
                i = end
        elif c == "\\":
            if i + 1 < n:
                out.append(re.escape(pat[i + 1]))
                i += 2
            else:
                return None  # a trailing backslash is an invalid pattern: git ignores the line
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _bracket(pat: str, start: int) -> tuple[int | None, str]:
    i = start + 1
    negate = i < len(pat) and pat[i] in "!^"
    if negate:
        i += 1
    members: list[str] = []
    first = True
    while i < len(pat):
        c = pat[i]
        if c == "]" and not first:
            body = "".join(members)
            return i + 1, f"(?!/)[{'^' if negate else ''}{body}]"
        first = False
        if c == "\\" and i + 1 < len(pat):
            members.append(re.escape(pat[i + 1]))
            i += 2
            continue
        if c == "[" and pat.startswith("[:", i):
            close = pat.find(":]", i + 2)
            if close != -1:
                members.append(_POSIX_CLASSES.get(pat[i + 2 : close], ""))
                i = close + 2
                continue
        members.append(c if c == "-" else re.escape(c))
        i += 1
    return None, ""


_POSIX_CLASSES = {"alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "lower": "a-z", "upper": "A-Z",
                  "space": r"\s", "xdigit": "0-9a-fA-F", "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
                  "blank": " \t", "cntrl": r"\x00-\x1f\x7f", "graph": "!-~", "print": " -~"}


class IgnoreFile:
    """The patterns of one ignore file, compiled for files and for folders."""

    __slots__ = ("_files", "_dirs", "_negate")

    def __init__(self, lines) -> None:
        patterns = [p for p in map(parse_line, lines) if p is not None]
        self._negate = [p.negate for p in patterns]
        self._files = _combine([(i, p) for i, p in enumerate(patterns) if not p.dir_only])
        self._dirs = _combine(list(enumerate(patterns)))

    def decide(self, rel: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included by a negation, None: no pattern of this file matches."""
        regex = self._dirs if is_dir else self._files
        if regex is None:
            return None
        match = regex.fullmatch(rel)
        if match is None:
            return None
        return not self._negate[int(match.lastgroup[1:])]

    def __bool__(self) -> bool:
        return self._dirs is not None


def _combine(indexed: list[tuple[int, Pattern]]):
    if not indexed:
        return None
    # Last pattern first: the alternative that matches first is the one git applies.
    alternatives = "|".join(f"(?P<p{i}>{p.regex})" for i, p in reversed(indexed))
    return re.compile(alternatives, re.DOTALL)


def load(path: str) -> IgnoreFile | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    spec = IgnoreFile(lines)
    return spec if spec else None


@dataclass(frozen=True)
class Scope:
    """An ignore file in force: paths below the walk root `base` are matched as `prefix + rest`."""

    base: str  # folder of the file relative to the walk root ("" for the root and for folders above it)
    prefix: str  # what leads from the file's folder to `base` (folders above the walk root), with a slash
    spec: IgnoreFile


def ignored(rel: str, is_dir: bool, scopes: tuple[Scope, ...]) -> bool:
    """Whether git ignores `rel` (relative to the walk root), given the files in force, shallowest first."""
    for scope in reversed(scopes):
        base = scope.base
        sub = rel[len(base) + 1 :] if base else rel
        decision = scope.spec.decide(scope.prefix + sub if scope.prefix else sub, is_dir)
        if decision is not None:
            return decision
    return False


def outer_scopes(root: str) -> tuple[Scope, ...]:
    """The ignore files that apply to a walk root inside a git work tree: .git/info/exclude and the .gitignore
    files of the folders from the work tree's top down to the root's parent (the walk reads the root's own)."""
    chain: list[str] = []
    current = root
    top = None
    for _ in range(64):
        if os.path.exists(os.path.join(current, ".git")):
            top = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        chain.append(parent)
        current = parent
    if top is None:
        return ()
    scopes: list[Scope] = []
    exclude = load(os.path.join(top, ".git", "info", "exclude"))
    below = os.path.relpath(root, top).replace(os.sep, "/")
    prefix = "" if below == "." else below + "/"
    if exclude is not None:
        scopes.append(Scope("", prefix, exclude))
    for folder in reversed(chain):  # top first
        spec = load(os.path.join(folder, ".gitignore"))
        if spec is not None:
            rest = os.path.relpath(root, folder).replace(os.sep, "/")
            scopes.append(Scope("", rest + "/", spec))
    return tuple(scopes)
