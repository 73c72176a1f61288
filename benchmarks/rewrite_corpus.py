"""Corpus safety and speed of `migrate rewrite` on real Python code available offline.

Plans a rewrite (nothing is written) over the standard library and the test environment's site-packages
(thousands of files, a few hundred of which really import openai: vLLM, LangChain-style wrappers, the SDK's
own examples), then checks three properties of the plan:

  * every rewritten file still parses (ast.parse of the new text);
  * a second run over each rewritten text changes nothing (idempotence);
  * every file in the plan uses OpenAI; all other files are untouched (they are not in the plan at all).

Prints counts, throughput in lines/s and files/s, and the wall time of the plan. `--small` runs a subset
for CI (tests/rewrite/test_corpus_small.py). Exit status 1 when a property fails.

    .venv/bin/python benchmarks/rewrite_corpus.py            # full corpus
    .venv/bin/python benchmarks/rewrite_corpus.py --small --json
"""

from __future__ import annotations

import argparse
import ast
import json
import site
import sys
import sysconfig
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MODELS = {"gpt-4o": "meta-llama/Llama-3.1-8B-Instruct", "gpt-4o-mini": "meta-llama/Llama-3.2-3B-Instruct",
          "gpt-3.5-turbo": "Qwen/Qwen2.5-7B-Instruct", "gpt-4": "meta-llama/Llama-3.1-70B-Instruct"}
# The --small subset: some stdlib packages and the site-packages folders that use the SDK the most.
SMALL_STDLIB = ("json", "email", "asyncio", "http", "urllib")
SMALL_SITE = ("openai/lib", "openai/cli", "vllm/entrypoints/openai/parser", "vllm/entrypoints/openai/responses/utils.py",
              "vllm/entrypoints/openai/chat_completion/protocol.py")


def corpus_roots(small: bool) -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sites = [Path(p) for p in site.getsitepackages() if Path(p).is_dir()]
    examples = [REPO / "examples"]  # code that really needs the rewrite, so the properties are exercised
    if not small:
        return [stdlib, *sites, *examples]
    roots = [stdlib / name for name in SMALL_STDLIB] + examples
    roots += [s / sub for s in sites for sub in SMALL_SITE if (s / sub).is_dir()]
    return [r for r in roots if r.exists()]


def count_python(roots: list[Path]) -> tuple[int, int]:
    from migrate.scan.walk import iter_files

    files = lines = 0
    for c in iter_files(roots, include_vendored=True, name_filter=lambda n: n.endswith(".py")):
        try:
            data = c.path.read_bytes()
        except OSError:
            continue
        files += 1
        lines += data.count(b"\n")
    return files, lines


def run(small: bool) -> dict:
    from migrate.config import Config
    from migrate.rewrite import plan_rewrite
    from migrate.rewrite.python import mentions_openai, rewrite_source
    from migrate.rewrite.registry import BY_ID

    roots = corpus_roots(small)
    config = Config(models=dict(MODELS))
    py_files, py_lines = count_python(roots)

    started = time.perf_counter()
    plan = plan_rewrite(roots, config=config, include_vendored=True, exclude=("*.ipynb",))
    wall = time.perf_counter() - started

    python_changes = [c for c in plan.changes if c.path.endswith(".py")]
    options = {"parameters": {}}
    not_parsing, not_idempotent, not_openai = [], [], []
    for change in python_changes:
        try:
            ast.parse(change.after)
        except SyntaxError as e:
            not_parsing.append(f"{change.abs_path}: {e}")
            continue
        again = rewrite_source(change.after, change.path, config=config, options=options, active=frozenset(BY_ID))
        if again.failure or again.after != change.after:
            not_idempotent.append(change.abs_path)
        if not mentions_openai(change.before.encode("utf-8", "surrogatepass")):
            not_openai.append(change.abs_path)
    return {
        "mode": "small" if small else "full",
        "roots": [str(r) for r in roots],
        "python_files": py_files,
        "python_lines": py_lines,
        "files_scanned": plan.files_scanned,
        "files_parsed": plan.files_parsed,
        "files_changed": len(plan.changes),
        "python_files_changed": len(python_changes),
        "rule_counts": plan.rule_counts,
        "review_items": len(plan.review),
        "rule_failures": [f"{f.path}: {f.rule}: {f.error}" for f in plan.failures],
        "skipped": len(plan.skipped),
        "wall_s": round(wall, 2),
        "lines_per_s": round(py_lines / wall) if wall else None,
        "files_per_s": round(py_files / wall) if wall else None,
        "rewritten_parse_ok": f"{len(python_changes) - len(not_parsing)}/{len(python_changes)}",
        "second_run_noop": f"{len(python_changes) - len(not_idempotent)}/{len(python_changes)}",
        "not_parsing": not_parsing,
        "not_idempotent": not_idempotent,
        "changed_without_openai": not_openai,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a subset, for CI")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = run(args.small)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            if key == "roots":
                continue
            print(f"{key:>22}: {value}")
    bad = result["not_parsing"] or result["not_idempotent"] or result["changed_without_openai"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
