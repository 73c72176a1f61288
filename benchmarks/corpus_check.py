"""Every property a rewrite must have on one real tree: what tests/rewrite/test_corpus_real.py asserts and
benchmarks/rewrite_corpus.py --pinned reports.

For a tree (an unpacked corpus package, or an example app):
  scan       findings of `migrate scan`;
  plan       `migrate rewrite`'s plan (nothing is written into the tree), rule failures;
  re-parse   every rewritten Python file parses, and every notebook cell that parsed before still does;
  idempotent the rewritten tree, written to a copy and planned again, gives an empty plan;
  type-check no new mypy error against the installed SDK without a review note, and no error left on a line
             that uses openai without one (benchmarks/typecheck.py);
  providers  no other party's URL, key or client touched (benchmarks/foreign.py).
"""

from __future__ import annotations

import ast
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
for _p in (str(REPO), str(BENCHMARKS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import foreign  # noqa: E402
import typecheck  # noqa: E402

MODELS = {"gpt-4o": "meta-llama/Llama-3.1-8B-Instruct", "gpt-4o-mini": "meta-llama/Llama-3.2-3B-Instruct",
          "gpt-3.5-turbo": "Qwen/Qwen2.5-7B-Instruct", "gpt-4": "meta-llama/Llama-3.1-70B-Instruct"}
TYPECHECK_CACHE = REPO / ".cache" / "typecheck"


@dataclass
class TreeReport:
    name: str
    python_files: int = 0
    notebooks: int = 0
    findings: int = 0
    files_with_findings: int = 0
    files_changed: int = 0
    review_items: int = 0
    scan_s: float = 0.0
    plan_s: float = 0.0
    typecheck_s: float = 0.0
    rule_failures: list[str] = field(default_factory=list)
    not_parsing: list[str] = field(default_factory=list)
    not_idempotent: list[str] = field(default_factory=list)
    type_checked_files: int = 0
    type_errors_before: int = 0
    type_errors_after: int = 0
    type_errors_gone: int = 0
    new_type_errors: list[str] = field(default_factory=list)  # every new error, described
    new_type_errors_counted: list[str] = field(default_factory=list)  # those with no review note
    openai_errors_left: list[str] = field(default_factory=list)  # kept on lines using openai, no review note
    typecheck_crashes: list[str] = field(default_factory=list)
    foreign_touched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.rule_failures or self.not_parsing or self.not_idempotent or self.new_type_errors_counted
                    or self.openai_errors_left or self.typecheck_crashes or self.foreign_touched)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return {**asdict(self), "ok": self.ok}


def _config():
    from migrate.config import Config

    return Config(models=dict(MODELS))


def _cells_parse(notebook_text: str) -> list[bool]:
    """Per code cell (in order): does its Python parse once IPython-only lines are commented out?"""
    out = []
    for cell in json.loads(notebook_text).get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        code = typecheck.notebook_python(json.dumps({"cells": [cell]}))
        try:
            ast.parse(code)
            out.append(True)
        except SyntaxError:
            out.append(False)
    return out


def reparse_problems(path: str, before: str, after: str) -> list[str]:
    if path.endswith((".py", ".pyw")):
        try:
            ast.parse(before)
        except SyntaxError:
            return []  # syntax the running interpreter cannot read: nothing to compare
        try:
            ast.parse(after)
        except SyntaxError as e:
            return [f"{path}:{e.lineno}: {e.msg}"]
        return []
    if path.endswith(".ipynb"):
        try:
            was, now = _cells_parse(before), _cells_parse(after)
        except (json.JSONDecodeError, AttributeError) as e:
            return [f"{path}: not a notebook after the rewrite ({e})"]
        if len(was) != len(now):
            return [f"{path}: {len(was)} code cells before, {len(now)} after"]
        return [f"{path}: code cell {i + 1} no longer parses" for i, (a, b) in enumerate(zip(was, now)) if a and not b]
    return []


def _write_copy(root: Path, changes, dest: Path) -> None:
    shutil.copytree(root, dest, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    for change in changes:
        target = dest / change.path
        with open(target, "w", encoding=change.encoding, errors="surrogateescape", newline="") as f:
            f.write(change.after)


def check_tree(root: Path, name: str | None = None, *, typecheck_cache: Path = TYPECHECK_CACHE) -> TreeReport:
    from migrate.rewrite import plan_rewrite
    from migrate.scan import scan

    root = root.resolve()
    report = TreeReport(name or root.name)
    report.python_files = sum(1 for _ in typecheck.python_files(root))
    report.notebooks = sum(1 for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

    started = time.perf_counter()
    found = scan([root])
    report.scan_s = round(time.perf_counter() - started, 2)
    report.findings = len(found.findings)
    report.files_with_findings = len({f.path for f in found.findings})

    config = _config()
    started = time.perf_counter()
    plan = plan_rewrite([root], config=config)
    report.plan_s = round(time.perf_counter() - started, 2)
    report.files_changed = len(plan.changes)
    report.review_items = len(plan.review)
    report.rule_failures = [f"{f.path}: {f.rule}: {f.error}" for f in plan.failures]

    for change in plan.changes:
        report.not_parsing += reparse_problems(change.path, change.before, change.after)
        report.foreign_touched += foreign.touched_foreign(change.path, change.before, change.after)

    with tempfile.TemporaryDirectory(prefix="corpus-again-") as tmp:
        copy = Path(tmp) / root.name
        _write_copy(root, plan.changes, copy)
        again = plan_rewrite([copy], config=config)
        for change in again.changes:
            first = next((line for line in change.diff().splitlines()
                          if line[:1] in "+-" and not line.startswith(("+++", "---"))), "")
            report.not_idempotent.append(f"{change.path}: a second run changes it again ({first.strip()[:120]})")
        report.not_idempotent += [f"{f.path}: {f.rule} fails on the rewritten file: {f.error}" for f in again.failures]

    review: dict[str, list[int]] = {}
    for item in plan.review:
        review.setdefault(item.path, []).append(item.line)
    checked = typecheck.check_rewrite(root, {c.path: c.after for c in plan.changes}, cache_dir=typecheck_cache,
                                      review=review)
    report.typecheck_s = checked.wall_s
    report.type_checked_files = len(checked.checked)
    report.type_errors_before, report.type_errors_after = checked.errors_before, checked.errors_after
    report.type_errors_gone = checked.vanished
    report.new_type_errors = [str(e) for e in checked.new]
    report.new_type_errors_counted = [str(e) for e in checked.unreviewed]
    report.openai_errors_left = [str(e) for e in checked.left]
    report.typecheck_crashes = checked.crashes
    return report
