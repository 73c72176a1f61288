"""Corpus safety and speed of `migrate rewrite` on real Python code available offline.

Plans a rewrite (nothing is written) over the standard library and the test environment's site-packages
(thousands of files, a few hundred of which really import openai: vLLM, LangChain-style wrappers, the SDK's
own examples), then checks three properties of the plan:

  * every rewritten file still parses (ast.parse of the new text);
  * a second run over each rewritten text changes nothing (idempotence);
  * every file in the plan uses OpenAI; all other files are untouched (they are not in the plan at all).

Prints counts, throughput in lines/s and files/s, and the wall time of the plan. `--small` runs a subset
for CI (tests/rewrite/test_corpus_small.py). Exit status 1 when a property fails.

`--pinned` runs instead over the real-code corpus (tests/corpus/packages.toml, fetched by
scripts/fetch-corpus into .cache/corpus/) and the example apps, and checks more per tree
(benchmarks/corpus_check.py): scan, plan, re-parse, idempotency on the written result, a type check
against the installed SDK, and that no other provider's URL, key or client was touched.
`--write-docs` puts the table into docs/benchmarks.md.

    .venv/bin/python benchmarks/rewrite_corpus.py            # full corpus
    .venv/bin/python benchmarks/rewrite_corpus.py --small --json
    .venv/bin/python benchmarks/rewrite_corpus.py --pinned --write-docs
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


def pinned_trees(names=()) -> list[tuple[str, Path]]:
    """(name, folder) of the example apps and every corpus package (only `names` when given)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import corpus

    trees = [(f"examples/{p.name}", p) for p in sorted((REPO / "examples").iterdir()) if p.is_dir()]
    packages = corpus.load()
    absent = corpus.missing(packages)
    if absent:
        raise SystemExit(f"{len(absent)} corpus packages are not in {corpus.CACHE} "
                         f"({', '.join(p.key for p in absent[:3])}...): run scripts/fetch-corpus")
    trees += [(p.key, p.tree()) for p in packages]
    return [(n, t) for n, t in trees if not names or n in names or n.split("/")[-1] in names]


def run_pinned(names=()) -> dict:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import corpus_check

    started = time.perf_counter()
    reports = []
    for name, tree in pinned_trees(names):
        report = corpus_check.check_tree(tree, name)
        reports.append(report.to_dict())
        print(f"{name}: {'ok' if report.ok else 'FAILS'} ({report.plan_s} s plan, {report.typecheck_s} s mypy)",
              file=sys.stderr, flush=True)
    return {"mode": "pinned", "wall_s": round(time.perf_counter() - started, 1), "trees": reports}


PROPERTY_COLUMNS = (("rule_failures", "rule failures"), ("not_parsing", "not parsing"),
                    ("not_idempotent", "not idempotent"), ("new_type_errors_counted", "new type errors"),
                    ("openai_errors_left", "openai errors left"),
                    ("foreign_touched", "other provider touched"))


def pinned_markdown(result: dict) -> str:
    import _common

    info = _common.machine_info()
    rows, totals = [], dict.fromkeys(("files", "nb", "findings", "changed", "review", "before", "after", "new",
                                      "counted", "plan", "mypy"), 0)
    for t in result["trees"]:
        failed = ", ".join(f"{len(t[k])} {label}" for k, label in PROPERTY_COLUMNS if t[k]) or "all hold"
        rows.append((t["name"], t["python_files"], t["notebooks"], t["findings"], t["files_changed"],
                     t["review_items"], f"{t['type_errors_before']} / {t['type_errors_after']}",
                     f"{len(t['new_type_errors_counted'])} ({len(t['new_type_errors'])})",
                     f"{t['plan_s']:.1f} s", f"{t['typecheck_s']:.1f} s", failed))
        for key, field_ in (("files", "python_files"), ("nb", "notebooks"), ("findings", "findings"),
                            ("changed", "files_changed"), ("review", "review_items"),
                            ("before", "type_errors_before"), ("after", "type_errors_after"),
                            ("plan", "plan_s"), ("mypy", "typecheck_s")):
            totals[key] += t[field_]
        totals["new"] += len(t["new_type_errors"])
        totals["counted"] += len(t["new_type_errors_counted"])
    failing = sum(1 for t in result["trees"] if not t["ok"])
    rows.append(("**all**", totals["files"], totals["nb"], totals["findings"], totals["changed"], totals["review"],
                 f"{totals['before']} / {totals['after']}", f"{totals['counted']} ({totals['new']})",
                 f"{totals['plan']:.1f} s", f"{totals['mypy']:.1f} s",
                 f"{failing} of {len(result['trees'])} trees fail a property"))
    table = _common.markdown_table(
        ("tree", ".py files", "notebooks", "findings", "files changed", "review items", "type errors before / after",
         "new type errors that count (all new)", "plan", "mypy", "properties"), rows, "lrrrrrrrrrl")
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return (f"Measured {stamp} on {info['cpu']}, {info['cores']} cores, Python {info['python']}; "
            f"whole run {result['wall_s']} s (plans, second plans, mypy before and after).\n\n"
            "Reproduce:\n\n```bash\nscripts/fetch-corpus\n"
            ".venv/bin/python benchmarks/rewrite_corpus.py --pinned --write-docs\n```\n\n" + table)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a subset, for CI")
    parser.add_argument("--pinned", action="store_true", help="the pinned PyPI corpus and the example apps")
    parser.add_argument("--package", action="append", default=[], help="with --pinned: only this tree (repeatable)")
    parser.add_argument("--write-docs", action="store_true", help="with --pinned: update docs/benchmarks.md")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.pinned:
        result = run_pinned(args.package)
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            for t in result["trees"]:
                print(f"{t['name']}: {'ok' if t['ok'] else 'FAILS'}")
                for key, label in PROPERTY_COLUMNS:
                    for item in t[key]:
                        print(f"  {label}: {item}")
        if args.write_docs:
            sys.path.insert(0, str(REPO / "benchmarks"))
            import _common

            _common.update_marked_section(REPO / "docs" / "benchmarks.md", "rewrite-pinned", pinned_markdown(result))
        return 0 if all(t["ok"] for t in result["trees"]) else 1
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
