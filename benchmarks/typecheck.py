"""Type-check proof of a rewrite: the errors mypy reports after it that it did not report before.

A rewrite is checked against the OpenAI SDK installed next to the kit. mypy runs twice, with the same flags
(`--check-untyped-defs --ignore-missing-imports`, imports of the SDK followed silently, other modules skipped):
once over the original tree and once over a copy with the rewritten texts in place, on the changed files and
the modules that import them (one mypy process per tree, not per file). The lines of each file are mapped
between before and after with a diff; an error after the rewrite is *new* when the mapped line had no error
with the same code and message before (for a changed line: when no line of the hunk it replaced had one; the
rules, shared with the tsc proof, are in benchmarks/typecheck_diff.py).
Code written for openai 0.x type-checks badly against the current SDK before the rewrite (there is no
`openai.ChatCompletion` any more): errors that vanish are the point of the rewrite; only new ones count.

mypy sees the SDK and the packages it depends on, and nothing else that happens to be installed (the
test environment also holds torch and vLLM, which a corpus file importing them would drag into the
analysis); everything else is missing, and `--ignore-missing-imports` turns it into Any.

Notebooks are checked as the Python of their code cells (magics and shell lines commented out, so lines
keep their numbers).

    python benchmarks/typecheck.py BEFORE_DIR AFTER_DIR        # compare two trees (files that differ)
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from typecheck_diff import NewError, changed_files, classify, line_map, source_files, write_after  # noqa: E402, F401

PYTHON_VERSION = "3.11"
MYPY_FLAGS = (
    "--ignore-missing-imports", "--check-untyped-defs", "--no-site-packages",
    "--no-error-summary", "--show-error-codes", "--hide-error-context", "--no-color-output", "--no-pretty",
    "--python-version", PYTHON_VERSION,
)
SDK_DISTRIBUTION = "openai"
NOTEBOOK_DIR = "_notebooks_"  # where a notebook's code goes, inside both trees
SKIP_DIRS = {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache",
             "build", "dist", ".ipynb_checkpoints"}
ERROR_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$")
REVIEW_MARK = "# migrate:"
# mypy's words for a name the openai module no longer has (0.x's openai.ChatCompletion, openai.error, ...)
MISSING_SDK_NAME = re.compile(r'^Module( "openai[\w.]*")? has no attribute|^Name "openai\.[\w.]+" is not defined')
IPYTHON_LINE = re.compile(r"^\s*(?:[%!]|[\w.]+\s*=\s*[%!]|[\w.\[\]()]+\?{1,2}\s*$)")  # magics, shell escapes, help


@dataclass(frozen=True)
class TypeIssue:
    path: str  # posix, relative to the tree
    line: int
    code: str
    message: str


@dataclass
class TypeCheckResult:
    checked: list[str] = field(default_factory=list)  # files given to mypy (changed files and their importers)
    errors_before: int = 0
    errors_after: int = 0
    new: list[NewError] = field(default_factory=list)
    # a name the openai module no longer has, on a line that mentions openai, there before and still there after,
    # with no review note: a 0.x name the rewrite left in place (`except openai.InvalidRequestError`)
    left: list[NewError] = field(default_factory=list)
    vanished: int = 0  # errors before with no counterpart after: what the rewrite fixed
    wall_s: float = 0.0
    crashes: list[str] = field(default_factory=list)  # mypy runs that did not finish normally

    @property
    def unreviewed(self) -> list[NewError]:
        """The new errors with no review note: the rewrite broke something and did not say so."""
        return [e for e in self.new if not e.reviewed]

    def by_file(self) -> dict[str, list[NewError]]:
        out: dict[str, list[NewError]] = {}
        for e in self.new:
            out.setdefault(e.path, []).append(e)
        return out

    def to_dict(self) -> dict:
        data = asdict(self)
        data["new"] = [asdict(e) for e in self.new]
        return data


# --- which files to check ---------------------------------------------------------------------------------

def python_files(root: Path) -> list[str]:
    return source_files(root, (".py", ".pyi"), lambda d: d in SKIP_DIRS or d.startswith("."))


def module_name(root: Path, rel: str) -> str:
    """The module name mypy gives a file: its package path, found by walking up through __init__.py files."""
    path = root / rel
    parts = [path.stem] if path.stem != "__init__" else []
    parent = path.parent
    while parent != root and (parent / "__init__.py").is_file():
        parts.insert(0, parent.name)
        parent = parent.parent
    return ".".join(parts) or path.parent.name


def _imported_modules(tree: ast.AST, this_module: str, is_package: bool) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = this_module.split(".") if is_package else this_module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join([*base, *([node.module] if node.module else [])])
            else:
                prefix = node.module or ""
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def importers(root: Path, changed: Iterable[str], files: Iterable[str] | None = None) -> list[str]:
    """The Python files under `root` that import one of the `changed` modules (directly, not transitively)."""
    changed_modules = {module_name(root, rel) for rel in changed if rel.endswith(".py")}
    out = []
    for rel in files if files is not None else python_files(root):
        if rel in changed:
            continue
        try:
            source = (root / rel).read_bytes()
            if not any(m.rsplit(".", 1)[-1].encode() in source for m in changed_modules):
                continue  # cheap: the module's last name does not even appear
            tree = ast.parse(source)
        except (OSError, SyntaxError, ValueError):
            continue
        me = module_name(root, rel)
        if _imported_modules(tree, me, rel.endswith("__init__.py")) & changed_modules:
            out.append(rel)
    return out


# --- notebooks as Python ----------------------------------------------------------------------------------

def notebook_python(text: str) -> str:
    """The code cells of a notebook as one Python text; IPython-only lines become comments."""
    try:
        nb = json.loads(text)
    except json.JSONDecodeError:
        return ""
    out: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        lines = ("".join(source) if isinstance(source, list) else source).splitlines()
        cell_magic = bool(lines) and lines[0].lstrip().startswith("%%")
        python_cell = not cell_magic or lines[0].split()[0] in ("%%capture", "%%time", "%%timeit")
        continued = False  # a shell escape or magic continued with a backslash goes on on the next line
        for line in lines:
            if not python_cell or continued or IPYTHON_LINE.search(line):
                out.append("# " + line)
                continued = line.rstrip().endswith("\\")
            else:
                out.append(line)
        out.append("")
    return "\n".join(out) + "\n"


def notebook_module_path(rel: str) -> str:
    return f"{NOTEBOOK_DIR}/{re.sub(r'[^0-9A-Za-z_]', '_', rel[: -len('.ipynb')])}.py"


# --- mypy against the installed SDK -----------------------------------------------------------------------

def _top_level_modules(dist: importlib.metadata.Distribution) -> set[str]:
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    names = set()
    for f in dist.files or ():
        first = f.parts[0]
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in ("..", "__pycache__", "bin"):
            continue
        names.add(first.removesuffix(".py"))
    return names


def _requirements_closure(name: str) -> list[importlib.metadata.Distribution]:
    from packaging.requirements import Requirement

    seen: dict[str, importlib.metadata.Distribution] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        key = current.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            dist = importlib.metadata.distribution(current)
        except importlib.metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        for spec in dist.requires or ():
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return list(seen.values())


def sdk_search_path(into: Path) -> Path:
    """A folder of links to the OpenAI SDK and the packages it requires: all mypy may see besides the tree."""
    import mypy

    typeshed = Path(mypy.__file__).parent / "typeshed" / "stdlib"
    into.mkdir(parents=True, exist_ok=True)
    for dist in _requirements_closure(SDK_DISTRIBUTION):
        for top in _top_level_modules(dist):
            if (typeshed / f"{top}.pyi").exists() or (typeshed / top).is_dir():
                continue  # typing_extensions and friends: mypy's own stubs are the ones to use
            target = Path(dist.locate_file(top))
            if not target.exists():
                target = Path(dist.locate_file(f"{top}.py"))
                top = f"{top}.py"
            link = into / top
            if target.exists() and not link.exists():
                link.symlink_to(target)
    if not (into / SDK_DISTRIBUTION).exists():
        raise RuntimeError(f"the {SDK_DISTRIBUTION} SDK is not installed beside the kit: nothing to type-check against")
    return into


def _mypy_batches(root: Path, files: list[str]) -> list[list[str]]:
    """mypy refuses two files with one module name in a run: spread them over as few runs as possible."""
    batches: list[tuple[set[str], list[str]]] = []
    for rel in files:
        name = module_name(root, rel)
        for names, batch in batches:
            if name not in names:
                names.add(name)
                batch.append(rel)
                break
        else:
            batches.append(({name}, [rel]))
    return [batch for _, batch in batches]


def mypy_config(into: Path, sdk_path: Path) -> Path:
    """The mypy config: typecheck_plugin.py (the SDK's TypedDict parameters taken as Any); imports of the SDK
    followed silently (their types matter, their own errors do not); every other module that is not given on
    the command line is skipped (Any). Following the whole tree instead made one run take minutes on a large
    library for little gain: the changed modules and their importers are all given, so their types meet."""
    into.mkdir(parents=True, exist_ok=True)
    path = into / "mypy.ini"
    lines = ["[mypy]", f"plugins = {Path(__file__).resolve().with_name('typecheck_plugin.py')}",
             "follow_imports = skip", ""]
    for top in sorted(p.name.removesuffix(".py") for p in sdk_path.iterdir()):
        lines += [f"[mypy-{top}.*]", "follow_imports = silent", ""]
    text = "\n".join(lines)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


def run_mypy(root: Path, files: list[str], cache_dir: Path, sdk_path: Path,
             config: Path) -> tuple[list[TypeIssue], list[str]]:
    """mypy over `files` (relative to `root`); returns its errors in those files and any crash messages."""
    issues: list[TypeIssue] = []
    crashes: list[str] = []
    wanted = set(files)
    env = {**os.environ, "MYPYPATH": str(sdk_path.resolve())}
    cache_dir = cache_dir.resolve()
    for batch in _mypy_batches(root, files):
        cmd = [sys.executable, "-m", "mypy", "--config-file", str(config), *MYPY_FLAGS,
               "--cache-dir", str(cache_dir), *batch]
        done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            crashes.append(f"mypy exited {done.returncode} in {root}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        for line in done.stdout.splitlines():
            m = ERROR_LINE.match(line)
            if not m:
                continue
            # Relative to `root`, as the files were given: mypy replays a fresh module's errors from its cache
            # with the path of the run that stored them, which only a relative path keeps right.
            rel = Path(m["path"]).as_posix()
            if rel in wanted:
                issues.append(TypeIssue(rel, int(m["line"]), m["code"] or "", _normal(m["message"])))
    return issues, crashes


def _normal(message: str) -> str:
    return re.sub(r"\bline \d+", "line N", message)


# --- comparing before and after ---------------------------------------------------------------------------

def reviewed_lines(text: str, items: Iterable[int] = ()) -> set[int]:
    """Lines covered by a review: every line of the statement just below a `# migrate:` note's comment block,
    and of a statement that holds the line of a review item of the plan (`items`; not every item writes a note)."""
    items = set(items)
    lines = text.splitlines()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return {i + 2 for i, line in enumerate(lines) if REVIEW_MARK in line}
    covered: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        start = node.lineno
        end = node.end_lineno or start
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While,
                             ast.With, ast.AsyncWith, ast.Try)):
            end = start  # a compound statement: only its header is covered by a note above it
        above = start - 1
        while above >= 1 and lines[above - 1].lstrip().startswith("#"):
            if REVIEW_MARK in lines[above - 1]:
                covered.update(range(start, end + 1))
                break
            above -= 1
        if any(REVIEW_MARK in lines[n - 1] for n in range(start, end + 1) if n <= len(lines)):
            covered.update(range(start, end + 1))  # a trailing note on the statement itself
        if items.intersection(range(start, end + 1)):
            covered.update(range(start, end + 1))
    return covered


def compare(before_issues: list[TypeIssue], after_issues: list[TypeIssue], before_texts: Mapping[str, str],
            after_texts: Mapping[str, str],
            review: Mapping[str, Iterable[int]] | None = None) -> tuple[list[NewError], list[NewError], int]:
    """New errors after; errors kept on lines that use openai, with no review note; how many errors vanished."""
    reviewed = {p: reviewed_lines(t, (review or {}).get(p, ())) for p, t in after_texts.items()}
    new, kept, vanished = classify(before_issues, after_issues, before_texts, after_texts, reviewed)
    left = []
    for issue, error in kept:
        lines = after_texts.get(issue.path, "").splitlines()
        text = lines[issue.line - 1] if 0 < issue.line <= len(lines) else ""
        if (issue.path in before_texts and "openai" in text and MISSING_SDK_NAME.search(issue.message)
                and not error.reviewed):
            left.append(error)
    return new, left, vanished


def _copy_python_tree(src: Path, dest: Path) -> None:
    for rel in python_files(src):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, target)
    for init in src.rglob("py.typed"):
        target = dest / init.relative_to(src)
        if target.parent.exists():
            shutil.copyfile(init, target)


def check_rewrite(root: Path, changes: Mapping[str, str], *, cache_dir: Path, with_importers: bool = True,
                  review: Mapping[str, Iterable[int]] | None = None, work_dir: Path | None = None) -> TypeCheckResult:
    """Type-check a rewrite of the tree at `root`.

    `changes` maps a path relative to `root` (posix) to its rewritten text; .py files and .ipynb notebooks are
    checked, other files ignored. mypy's caches live under `cache_dir` (one per side, reused across calls).
    `review` maps a Python file to the lines of the plan's review items in its rewritten text.
    """
    started = time.perf_counter()
    root, cache_dir = root.resolve(), cache_dir.resolve()
    result = TypeCheckResult()
    py_changes = {p: t for p, t in changes.items() if p.endswith(".py")}
    nb_changes = {p: t for p, t in changes.items() if p.endswith(".ipynb")}
    if not py_changes and not nb_changes:
        return result
    own_work = work_dir is None
    work = Path(tempfile.mkdtemp(prefix="typecheck-")) if own_work else work_dir
    try:
        before_root, after_root = work / "before", work / "after"
        _copy_python_tree(root, before_root)
        _copy_python_tree(root, after_root)
        before_texts, after_texts = write_after(root, after_root, py_changes)
        for rel, text in nb_changes.items():
            module = notebook_module_path(rel)
            before_texts[module] = notebook_python((root / rel).read_text(encoding="utf-8"))
            after_texts[module] = notebook_python(text)
            for side, body in ((before_root, before_texts[module]), (after_root, after_texts[module])):
                (side / module).parent.mkdir(parents=True, exist_ok=True)
                (side / module).write_text(body, encoding="utf-8")
        files = sorted(after_texts)
        if with_importers:
            extra = importers(after_root, py_changes)
            for rel in extra:
                text = (root / rel).read_text(encoding="utf-8", errors="surrogateescape")
                before_texts[rel] = after_texts[rel] = text
            files = sorted({*files, *extra})
        result.checked = files
        sdk = sdk_search_path(cache_dir / "sdk-path")
        config = mypy_config(cache_dir, sdk)
        with ThreadPoolExecutor(max_workers=2) as pool:
            before_job = pool.submit(run_mypy, before_root, files, cache_dir / "mypy-before", sdk, config)
            after_job = pool.submit(run_mypy, after_root, files, cache_dir / "mypy-after", sdk, config)
            before_issues, crashes_b = before_job.result()
            after_issues, crashes_a = after_job.result()
        result.crashes = crashes_b + crashes_a
        result.errors_before, result.errors_after = len(before_issues), len(after_issues)
        result.new, result.left, result.vanished = compare(before_issues, after_issues, before_texts, after_texts,
                                                           review)
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    result.wall_s = round(time.perf_counter() - started, 2)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--cache-dir", type=Path, default=Path(".cache") / "typecheck")
    args = parser.parse_args(argv)
    changes = changed_files(args.before, args.after, python_files(args.after))
    result = check_rewrite(args.before, changes, cache_dir=args.cache_dir)
    print(f"checked {len(result.checked)} files: {result.errors_before} errors before, {result.errors_after} after, "
          f"{len(result.new)} new ({len(result.unreviewed)} without a review note), {len(result.left)} openai errors left, {result.vanished} gone "
          f"({result.wall_s} s)")
    for e in result.new:
        print(f"  new: {e}")
    for e in result.left:
        print(f"  left: {e}")
    for c in result.crashes:
        print(c, file=sys.stderr)
    return 1 if result.unreviewed or result.left or result.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
