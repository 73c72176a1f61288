"""The rewrite over every JS/TS file of the npm corpus (node_modules of openai, ai, @ai-sdk/openai,
@langchain/openai and their dependencies): shared by test_npm_corpus.py and `python -m` for a report.

    PYTHONPATH=. python -m tests.rewrite.javascript.corpus_check [TREE]
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from migrate.config import Config
from migrate.rewrite.javascript import JsContext, rewrite_js
from migrate.rewrite.javascript.engine import parse_js, syntax_error
from migrate.rewrite.registry import BY_ID
from migrate.scan.detect.javascript.parse import is_js_name

MODELS = {"gpt-4o": "tiny-llama", "gpt-4o-mini": "tiny-llama", "gpt-3.5-turbo": "tiny-llama"}


@dataclass
class CorpusReport:
    files: int = 0
    parsed: int = 0  # files that parse as they are (the others are skipped, never edited)
    changed: list[str] = field(default_factory=list)
    code_changed: list[str] = field(default_factory=list)  # changed files with more than `// migrate:` comments added
    not_reparsed: list[str] = field(default_factory=list)  # changed files whose output does not parse
    not_idempotent: list[str] = field(default_factory=list)
    changed_without_openai: list[str] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (file, rule, error)
    review: int = 0
    seconds: float = 0.0


def check_tree(tree: Path) -> CorpusReport:
    from migrate.scan.detect.javascript import detect_js_source

    report = CorpusReport()
    context = JsContext(config=Config(models=dict(MODELS)), options={}, active=frozenset(BY_ID))
    started = time.perf_counter()
    for folder, dirs, names in os.walk(tree):
        dirs.sort()
        for name in sorted(names):
            if not is_js_name(name):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, tree)
            data = Path(path).read_bytes()
            report.files += 1
            result = rewrite_js(data, rel, path, context, frozenset(BY_ID))
            if result.unreadable or result.parse_error:
                continue
            report.parsed += 1
            report.review += len(result.review)
            if result.failure is not None:
                report.failures.append((rel, *result.failure))
                continue
            after = result.after.encode("utf-8")
            if after == data:
                continue
            report.changed.append(rel)
            if not comments_only(data, after):
                report.code_changed.append(rel)
            if syntax_error(parse_js(name, after)[0]) is not None:
                report.not_reparsed.append(rel)
            again = rewrite_js(after, rel, path, context, frozenset(BY_ID))
            if again.failure is not None or again.after.encode("utf-8") != after:
                report.not_idempotent.append(rel)
            if not detect_js_source(data.decode("utf-8"), path):
                report.changed_without_openai.append(rel)
    report.seconds = time.perf_counter() - started
    return report


def comments_only(before: bytes, after: bytes) -> bool:
    """Whether `after` is `before` with `// migrate:` comment lines added and nothing else changed."""
    kept = [line for line in after.splitlines() if not line.lstrip().startswith(b"// migrate:")]
    return kept == before.splitlines()


def main(argv: list[str]) -> int:
    tree = Path(argv[0]) if argv else Path(os.environ.get("MIGRATE_NPM_CORPUS", ".cache/npm-corpus")) / "node_modules"
    r = check_tree(tree)
    print(f"{r.files} JS/TS files, {r.parsed} parse as they are; {len(r.changed)} changed, "
          f"{len(r.not_reparsed)} of them do not re-parse, {len(r.not_idempotent)} not idempotent, "
          f"{len(r.changed_without_openai)} without OpenAI use; {len(r.failures)} rule failures; "
          f"{r.review} review items; {r.seconds:.1f} s")
    for rel in r.changed:
        print("  changed:", rel, "" if rel in r.code_changed else "(review comments only)")
    for item in r.failures[:20]:
        print("  failure:", *item)
    for rel in r.not_idempotent + r.not_reparsed + r.changed_without_openai:
        print("  BAD:", rel)
    return 0 if not (r.not_reparsed or r.not_idempotent or r.changed_without_openai or r.failures) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
