"""TEMPORARY stand-in for migrate.rewrite (the contract), used only until the real stage lands."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileChange:
    path: str
    abs_path: str
    before_sha256: str
    before: str
    after: str
    rules: tuple = ()


@dataclass(frozen=True)
class ReviewItem:
    path: str
    line: int
    rule: str
    message: str


@dataclass(frozen=True)
class RuleFailure:
    path: str
    rule: str
    error: str


@dataclass(frozen=True)
class Plan:
    roots: tuple
    changes: tuple
    review: tuple
    failures: tuple
    rule_counts: dict
    files_scanned: int

    def diff(self, color=False):
        return "".join(
            "".join(difflib.unified_diff(c.before.splitlines(True), c.after.splitlines(True), c.path, c.path))
            for c in self.changes
        )


def plan_rewrite(paths, config=None, select=None, ignore=None, exclude=()):
    changes, review, counts, scanned = [], [], {}, 0
    for root in paths:
        root = Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*.py") if ".git" not in p.parts)
        for f in files:
            scanned += 1
            before = f.read_text()
            after, n = re.subn(r"\b(Async)?OpenAI\(\)", r'\1OpenAI(base_url="http://localhost:8000/v1")', before)
            for i, line in enumerate(after.splitlines(), 1):
                if "logit_bias" in line:
                    review.append(
                        ReviewItem(
                            str(f.relative_to(root) if root.is_dir() else f.name),
                            i,
                            "MK005",
                            "logit_bias ids are tokenizer-specific",
                        )
                    )
            if n:
                counts["MK001"] = counts.get("MK001", 0) + n
                changes.append(
                    FileChange(
                        str(f.relative_to(root) if root.is_dir() else f.name),
                        str(f.resolve()),
                        hashlib.sha256(f.read_bytes()).hexdigest(),
                        before,
                        after,
                        ("MK001",),
                    )
                )
    return Plan(tuple(map(str, paths)), tuple(changes), tuple(review), (), counts, scanned)
