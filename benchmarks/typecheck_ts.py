"""Type-check proof of a JS/TS rewrite: the errors `tsc --noEmit` reports after it that it did not report before.

The TypeScript twin of benchmarks/typecheck.py (mypy). tsc runs twice with the same options against the real npm
packages of the test environment (benchmarks/node_env.py: the pinned `openai`, the AI SDK, LangChain.js,
@types/node): once over a copy of the original tree and once over a copy with the rewritten texts in place, each
copy with a `node_modules` link to those packages. A tree with a tsconfig.json is checked through it (a small
config extends it: its `paths` aliases, `strict` and module settings hold, and every TypeScript file of the tree
is included); a tree without one gets strict ES2022 / bundler-resolution defaults. Declaration files of the
packages are not checked themselves (`--skipLibCheck`); their types are.

tsc checks the whole program, so an error after the rewrite anywhere in the tree counts: it is *new* when the
line it is on, mapped back through the diff (benchmarks/typecheck_diff.py, shared with the mypy proof), had no error with the same code and
message before (for a line the rewrite wrote: when no line of the hunk it replaced had one). A new error is on
a *changed line* or on an unchanged line that uses a changed value (an importer of the rewritten client, a line
reading a changed result); both count. A `// migrate:` review note above the statement marks it reviewed: the
rewrite said a human must look.

JavaScript files are type-checked too with `check_js=True` (allowJs + checkJs): off by default, since untyped JS
against strict types reports noise the rewrite did not cause (it still only counts new errors).

    python benchmarks/typecheck_ts.py BEFORE_DIR AFTER_DIR     # compare two trees (files that differ)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import node_env  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)
import typecheck_diff  # noqa: E402
from typecheck_diff import NewError, classify  # noqa: E402

TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs")
SKIP_DIRS = {".git", "node_modules", ".next", "dist", "build", "out", ".turbo", ".cache", "coverage"}
CHECK_CONFIG = "tsconfig.migrate-check.json"
TSC_FLAGS = ("--noEmit", "--pretty", "false", "--skipLibCheck")
# tsc --pretty false: `src/a.ts(3,7): error TS2322: Type 'number' is not assignable to type 'string'.`
ERROR_LINE = re.compile(r"^(?P<path>.+?)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<message>.*)$")
GLOBAL_ERROR = re.compile(r"^error (?P<code>TS\d+): (?P<message>.*)$")  # a config or command-line error
REVIEW_MARK = re.compile(r"(//|/\*)\s*migrate:")
DEFAULT_OPTIONS = {"target": "ES2022", "module": "ESNext", "moduleResolution": "bundler", "strict": True,
                   "esModuleInterop": True, "resolveJsonModule": True, "jsx": "preserve", "lib": ["ES2022", "DOM"]}


@dataclass(frozen=True)
class TsIssue:
    path: str  # posix, relative to the tree
    line: int
    col: int
    code: str  # TS2322
    message: str  # the first line of tsc's message


@dataclass
class TsCheckResult:
    checked: list[str] = field(default_factory=list)  # the files tsc was given (relative to the tree)
    errors_before: int = 0
    errors_after: int = 0
    new: list[NewError] = field(default_factory=list)
    vanished: int = 0  # errors before with no counterpart after: what the rewrite fixed
    wall_s: float = 0.0
    failures: list[str] = field(default_factory=list)  # tsc runs that did not type-check (config errors, crashes)

    @property
    def unreviewed(self) -> list[NewError]:
        return [e for e in self.new if not e.reviewed]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["new"] = [asdict(e) for e in self.new]
        return data


# --- the trees ----------------------------------------------------------------------------------------------

def source_files(root: Path, suffixes: Sequence[str]) -> list[str]:
    return typecheck_diff.source_files(root, tuple(suffixes), SKIP_DIRS.__contains__)


def _copy_tree(src: Path, dest: Path, node_modules: Path) -> None:
    shutil.copytree(src, dest, symlinks=True, ignore=shutil.ignore_patterns(*SKIP_DIRS))
    (dest / "node_modules").symlink_to(node_modules.resolve(), target_is_directory=True)


def write_check_config(root: Path, check_js: bool) -> Path:
    """The config tsc runs with: extends the tree's tsconfig.json when it has one, else the defaults."""
    suffixes = TS_SUFFIXES + (JS_SUFFIXES if check_js else ())
    config: dict = {"compilerOptions": {"noEmit": True, "incremental": False, "composite": False},
                    "include": [f"**/*{s}" for s in suffixes], "exclude": ["node_modules", *sorted(SKIP_DIRS)]}
    if (root / "tsconfig.json").is_file():
        config["extends"] = "./tsconfig.json"
    else:
        config["compilerOptions"].update(DEFAULT_OPTIONS)
    if check_js:
        config["compilerOptions"].update({"allowJs": True, "checkJs": True})
    path = root / CHECK_CONFIG
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return path


def run_tsc(root: Path, tsc: Sequence[str], *, check_js: bool = False,
            env: Mapping[str, str] | None = None, timeout: float = 600) -> tuple[list[TsIssue], list[str]]:
    """tsc --noEmit over the tree at `root` (which has its node_modules); its errors in the tree's own files."""
    config = write_check_config(root, check_js)
    done = subprocess.run([*tsc, "-p", str(config), *TSC_FLAGS], cwd=root, capture_output=True, text=True,
                          env=dict(env) if env is not None else None, timeout=timeout, check=False)
    issues: list[TsIssue] = []
    failures: list[str] = []
    for line in done.stdout.splitlines():
        m = ERROR_LINE.match(line)
        if m:
            rel = Path(os.path.normpath(m["path"])).as_posix()
            if rel.startswith("../") or rel.startswith("node_modules/") or os.path.isabs(rel):
                continue  # in a package's own files
            if rel in ("tsconfig.json", CHECK_CONFIG):
                failures.append(f"{root}: {line}")
                continue
            issues.append(TsIssue(rel, int(m["line"]), int(m["col"]), m["code"], m["message"].strip()))
        elif GLOBAL_ERROR.match(line):
            failures.append(f"{root}: {line}")
    if done.returncode not in (0, 1, 2) or (done.returncode and not issues and not failures):
        failures.append(f"tsc exited {done.returncode} in {root}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return issues, failures


# --- comparing before and after -----------------------------------------------------------------------------

def reviewed_lines(path: str, text: str) -> set[int]:
    """The lines of each statement just below a comment block holding a `// migrate:` note (or with one trailing)."""
    lines = text.splitlines()
    marked = [i + 1 for i, line in enumerate(lines) if REVIEW_MARK.search(line)]
    if not marked:
        return set()
    try:
        sys.path.insert(0, str(node_env.REPO))
        from migrate.scan.detect.javascript.parse import parse

        tree = parse(os.path.basename(path), text.encode("utf-8"))[0]
    except Exception:  # no parser at hand: the line under each note
        return {n + 1 for n in marked}
    covered: set[int] = set()
    todo = [tree.root_node]
    while todo:
        node = todo.pop()
        todo.extend(node.named_children)
        if not (node.type.endswith(("statement", "declaration")) or node.type == "public_field_definition"):
            continue
        start, end = node.start_point[0] + 1, node.end_point[0] + 1
        if node.type in ("if_statement", "for_statement", "for_in_statement", "while_statement", "try_statement",
                         "function_declaration", "class_declaration", "statement_block"):
            end = start  # a compound statement: a note above covers its header only
        above = start - 1
        while above >= 1 and lines[above - 1].lstrip().startswith(("//", "/*", "*")):
            if REVIEW_MARK.search(lines[above - 1]):
                covered.update(range(start, end + 1))
                break
            above -= 1
        if any(n in marked for n in range(start, end + 1)) and end - start < 20:
            covered.update(range(start, end + 1))  # a note on the statement's own lines
    return covered


def compare(before: Iterable[TsIssue], after: Iterable[TsIssue], before_texts: Mapping[str, str],
            after_texts: Mapping[str, str]) -> tuple[list[NewError], int]:
    """The errors after with no counterpart before (lines mapped through the diff); how many errors vanished."""
    reviewed = {p: reviewed_lines(p, t) for p, t in after_texts.items()}
    new, _, vanished = classify(before, after, before_texts, after_texts, reviewed)
    return new, vanished


def check_rewrite(root: Path, changes: Mapping[str, str], *, env: node_env.NodeEnv | None = None,
                  check_js: bool = False, work_dir: Path | None = None) -> TsCheckResult:
    """Type-check a rewrite of the tree at `root`: `changes` maps a path relative to `root` (posix) to its
    rewritten text (a new path is a new file). Runs tsc over a copy before and a copy after."""
    started = time.perf_counter()
    env = env or node_env.find()
    root = root.resolve()
    result = TsCheckResult()
    own_work = work_dir is None
    work = Path(tempfile.mkdtemp(prefix="typecheck-ts-")) if own_work else work_dir
    try:
        before_root, after_root = work / "before", work / "after"
        for side in (before_root, after_root):
            _copy_tree(root, side, env.node_modules)
        before_texts, after_texts = typecheck_diff.write_after(root, after_root, changes)
        suffixes = TS_SUFFIXES + (JS_SUFFIXES if check_js else ())
        result.checked = source_files(after_root, suffixes)
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [pool.submit(run_tsc, side, env.tsc, check_js=check_js, env=env.env())
                    for side in (before_root, after_root)]
            (before_issues, fail_b), (after_issues, fail_a) = (j.result() for j in jobs)
        result.failures = fail_b + fail_a
        result.errors_before, result.errors_after = len(before_issues), len(after_issues)
        result.new, result.vanished = compare(before_issues, after_issues, before_texts, after_texts)
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    result.wall_s = round(time.perf_counter() - started, 2)
    return result


def changed_files(before: Path, after: Path, suffixes: Sequence[str] = TS_SUFFIXES + JS_SUFFIXES) -> dict[str, str]:
    """The texts of the files under `after` that are new or differ from `before`."""
    return typecheck_diff.changed_files(before, after, source_files(after, suffixes))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--check-js", action="store_true", help="type-check JavaScript files too (allowJs + checkJs)")
    args = parser.parse_args(argv)
    try:
        env = node_env.find()
    except node_env.NodeEnvMissing as e:
        print(f"typecheck_ts: {e}", file=sys.stderr)
        return 2
    result = check_rewrite(args.before, changed_files(args.before, args.after), env=env, check_js=args.check_js)
    print(f"checked {len(result.checked)} files with tsc {env.version('typescript')}: {result.errors_before} errors "
          f"before, {result.errors_after} after, {len(result.new)} new ({len(result.unreviewed)} without a review "
          f"note), {result.vanished} gone ({result.wall_s} s)")
    for e in result.new:
        print(f"  new: {e}")
    for f in result.failures:
        print(f, file=sys.stderr)
    return 1 if result.unreviewed or result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
