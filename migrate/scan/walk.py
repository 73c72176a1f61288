"""Find the files a scan (or a rewrite) should look at.

Respects git's ignore rules (.gitignore files at every level and above the root inside a work tree,
negations, .git/info/exclude: see gitignore.py), skips version-control folders, virtual environments,
node_modules and site-packages below the roots (unless include_vendored), follows directory symlinks once
and reports loops and dangling links instead of failing.
"""

from __future__ import annotations

import errno
import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from migrate.scan import gitignore
from migrate.scan.detect.javascript.parse import COMPONENT_SUFFIXES, JS_SUFFIXES, MINIFIED_SUFFIXES, is_js_name
from migrate.scan.findings import Skipped

PYTHON_SUFFIXES = (".py", ".pyw", ".ipynb")
# Files that are not Python but say something about OpenAI use: env files, requirement pins.
TEXT_NAMES = ("requirements.txt", "pyproject.toml", "setup.cfg", "Pipfile")
ALWAYS_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox"})
VENDORED_DIRS = frozenset({"node_modules", "site-packages", "dist-packages", ".venv", "venv", ".eggs"})
# Build output of JS/TS toolchains: copies of the sources; their JS/TS files are skipped like vendored code.
BUILD_DIRS = frozenset({"dist", "build", ".next", ".nuxt", ".svelte-kit", ".output", ".vercel", ".turbo"})
# The pins of a Node project (JS/TS sources: detect/javascript/parse.py says which names).
JS_NAMES = ("package.json",)
_JS_SUFFIXES = JS_SUFFIXES + COMPONENT_SUFFIXES


@dataclass(frozen=True)
class Candidate:
    path: Path  # absolute
    rel: str  # posix path relative to its root (for display and findings)
    root: Path


def is_interesting_name(name: str) -> bool:
    if name.endswith(PYTHON_SUFFIXES):
        return True
    if name in JS_NAMES:
        return True
    if name.endswith(_JS_SUFFIXES):
        return is_js_name(name)  # not .d.ts: declaration files hold types, no code runs there
    if name.startswith(".env") or name.endswith(".env"):
        return True
    if name in TEXT_NAMES or (name.startswith("requirements") and name.endswith((".txt", ".in"))):
        return True
    return False


def iter_files(
    roots: list[Path] | tuple[Path, ...],
    *,
    exclude: tuple[str, ...] = (),
    include_vendored: bool = False,
    respect_gitignore: bool = True,
    skipped: list[Skipped] | None = None,
    name_filter=is_interesting_name,
) -> Iterator[Candidate]:
    """Yield candidate files under each root (a root may also be a single file).

    Problems (permission denied, symlink loops, dangling links) are appended to `skipped` and the walk goes on.
    """
    skipped = skipped if skipped is not None else []
    for root in roots:
        root = Path(root)
        if root.is_file():
            path, rel = root.resolve(), file_rel(root)
            yield Candidate(path, rel, path.parents[len(Path(rel).parts) - 1])
            continue
        root = root.resolve()
        for path, rel in _walk(root, exclude, include_vendored, respect_gitignore, skipped, name_filter):
            yield Candidate(Path(path), rel, root)


def file_rel(root: Path) -> str:
    """How a file named on the command line is shown: the path as given when it is relative and inside the
    current folder (`src/app.py`, as pre-commit and people pass them), else its name."""
    if root.is_absolute() or ".." in root.parts:
        return root.name
    return root.as_posix()


def iter_paths(
    roots: list[Path] | tuple[Path, ...],
    *,
    exclude: tuple[str, ...] = (),
    include_vendored: bool = False,
    respect_gitignore: bool = True,
    skipped: list[Skipped] | None = None,
    name_filter=is_interesting_name,
) -> Iterator[tuple[str, str]]:
    """Like iter_files, as plain (absolute path, relative path) strings: the scan's fast path."""
    skipped = skipped if skipped is not None else []
    for root in roots:
        root = Path(root)
        if root.is_file():
            yield str(root.resolve()), file_rel(root)
            continue
        if not root.exists():
            skipped.append(Skipped(str(root), "not found", "no such file or folder"))
            continue
        yield from _walk(root.resolve(), exclude, include_vendored, respect_gitignore, skipped, name_filter)


def _excluded(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatchcase(rel, pat) or fnmatch.fnmatchcase(name, pat) or rel.startswith(pat + "/"):
            return True
    return False


def _walk(root: Path, exclude, include_vendored, respect_gitignore, skipped, name_filter) -> Iterator[tuple[str, str]]:
    root_s = str(root)
    seen_dirs: set[tuple[int, int]] = set()
    st = os.stat(root_s)
    seen_dirs.add((st.st_dev, st.st_ino))
    # Each stack entry: directory path, its path relative to root, the ignore files in force (gitignore.Scope).
    outer = gitignore.outer_scopes(root_s) if respect_gitignore else ()
    stack: list[tuple[str, str, tuple, bool]] = [(root_s, "", outer, True)]
    while stack:
        directory, rel_dir, specs, js_ok = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=_entry_name)
        except PermissionError:
            skipped.append(Skipped(rel_dir or ".", "permission denied", "cannot list directory"))
            continue
        except OSError as e:
            skipped.append(Skipped(rel_dir or ".", "unreadable directory", str(e)))
            continue
        if respect_gitignore and any(e.name == ".gitignore" for e in entries):
            spec = gitignore.load(os.path.join(directory, ".gitignore"))
            if spec is not None:
                specs = specs + (gitignore.Scope(rel_dir, "", spec),)
        subdirs = []
        for entry in entries:
            name = entry.name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                is_dir = entry.is_dir()  # follows symlinks
                is_link = entry.is_symlink()
            except OSError as e:
                if e.errno == errno.ELOOP:
                    skipped.append(Skipped(rel, "symlink loop", f"{rel} points to itself"))
                else:
                    skipped.append(Skipped(rel, "unreadable", str(e)))
                continue
            if is_dir:
                if name in ALWAYS_SKIPPED_DIRS:
                    continue
                if not include_vendored and (name in VENDORED_DIRS or os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))):
                    continue
                if exclude and _excluded(rel, name, exclude):
                    continue
                if specs and gitignore.ignored(rel, True, specs):
                    continue
                try:
                    st = os.stat(entry.path) if is_link else entry.stat(follow_symlinks=False)
                except OSError as e:
                    skipped.append(Skipped(rel, "symlink loop" if e.errno == errno.ELOOP else "broken symlink", str(e)))
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen_dirs:
                    if is_link:
                        skipped.append(Skipped(rel, "symlink loop", f"{rel} points back to a folder already scanned"))
                    continue
                seen_dirs.add(key)
                subdirs.append((entry.path, rel, specs, js_ok and (include_vendored or name not in BUILD_DIRS)))
                continue
            if not name_filter(name):
                continue
            if not include_vendored and (name.endswith(MINIFIED_SUFFIXES) or (not js_ok and name.endswith(_JS_SUFFIXES))):
                continue
            if is_link and not os.path.exists(entry.path):
                try:
                    os.stat(entry.path)
                except OSError as e:
                    skipped.append(Skipped(rel, "symlink loop" if e.errno == errno.ELOOP else "broken symlink", str(e)))
                continue
            if exclude and _excluded(rel, name, exclude):
                continue
            if specs and gitignore.ignored(rel, False, specs):
                continue
            yield entry.path, rel
        stack.extend(reversed(subdirs))


def _entry_name(entry) -> str:
    return entry.name

