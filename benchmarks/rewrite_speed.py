"""What `migrate rewrite` costs against a bare LibCST parse-and-print of the files it changes, side by side.

On a tree of real code with many OpenAI uses (default: the pinned real-code corpus under `.cache/corpus/`, which
the test setup fetches; see below), in one run and on the same files:

  (a) bare LibCST: `libcst.parse_module(source).code` for every file the rewrite changes, in one process;
  (b) `migrate rewrite TREE -j 1`: the whole plan (walk, pre-filter, parse, rules, review lines) on one worker;
  (c) `migrate rewrite TREE` with the pool (`-j N`, default: every CPU of the machine);

each as a child process (interpreter start-up and imports count, as for a user), best of `--repeat` runs, with
the peak memory of the largest process and of all processes together. The ratios (b)/(a) and (c)/(a) are the
figures issue 8 sets a bound on ("about 2x"). The plan is also checked to be identical with and without the
pool. Nothing is fetched: the tree is a directory argument.

Corpus layout: any directory of unpacked distributions works; the test setup's cache holds one folder per
pinned distribution, `.cache/corpus/<name>-<version>/` (an unpacked sdist or wheel), and a `migrate.toml` at the
top may carry the model map. Without one, the model map below (`MODELS`) is used, so that OAI003 has work too.

    .venv/bin/python benchmarks/rewrite_speed.py                         # .cache/corpus
    .venv/bin/python benchmarks/rewrite_speed.py /tmp/speed-corpus/src --jobs 2 --write-docs
    .venv/bin/python benchmarks/rewrite_speed.py /tmp/speed-corpus/src --jobs 2 --against /tmp/before --repeat 5

`--against CHECKOUT` times another checkout of the kit (`git worktree add /tmp/before <commit>`) on the same tree,
its runs interleaved with this checkout's, for a before/after on a machine whose speed drifts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for path in (str(REPO), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

from _common import (  # noqa: E402 - after the sys.path insert above
    format_bytes,
    format_ratio,
    format_seconds,
    machine_info,
    markdown_table,
    measure,
    show_command,
    update_marked_section,
    write_json,
)

DEFAULT_CORPUS = REPO / ".cache" / "corpus"
SECTION = "rewrite-speed"
MODELS = {"gpt-4o": "meta-llama/Llama-3.1-8B-Instruct", "gpt-4o-mini": "meta-llama/Llama-3.2-3B-Instruct",
          "gpt-3.5-turbo": "Qwen/Qwen2.5-7B-Instruct", "gpt-4": "meta-llama/Llama-3.1-70B-Instruct"}

# (a): the same interpreter, the same LibCST, the same files; decoding as the rewrite decodes them.
BARE = r"""
import io, sys, tokenize
import libcst
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    libcst.parse_module(data.decode(encoding)).code
"""


def config_file(tree: Path, workdir: Path) -> Path:
    own = tree / "migrate.toml"
    if own.is_file():
        return own
    path = workdir / "migrate.toml"
    path.write_text("[models]\n" + "".join(f'"{k}" = "{v}"\n' for k, v in MODELS.items()), encoding="utf-8")
    return path


def plan_json(tree: Path, config: Path, jobs: int) -> dict:
    """The plan as `migrate rewrite --format json` prints it (in this process: only to learn what changes)."""
    from migrate.config import load_config
    from migrate.rewrite import plan_rewrite

    plan = plan_rewrite([tree], config=load_config(config), jobs=jobs, include_vendored=True)
    return plan.to_dict(texts=False)


def findings(tree: Path) -> int:
    from migrate.scan import scan

    return len(scan([tree], include_vendored=True).findings)


def run(tree: Path, jobs: int, repeat: int) -> dict:
    tree = tree.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        config = config_file(tree, Path(tmp))
        serial = plan_json(tree, config, jobs=1)
        pooled = plan_json(tree, config, jobs=jobs)
        for plan in (serial, pooled):
            plan.pop("duration_s", None)
        same = serial == pooled
        changed = [c["abs_path"] for c in serial["changes"] if c["path"].endswith((".py", ".pyw"))]
        if not changed:
            raise SystemExit(f"{tree}: the rewrite changes no Python file; point the benchmark at real OpenAI code")
        for path in changed:  # warm page cache for everyone
            Path(path).read_bytes()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
        rewrite = [sys.executable, "-m", "migrate", "rewrite", str(tree), "--format", "summary", "--include-vendored",
                   "--config", str(config)]
        bare = measure("bare LibCST parse+print", [sys.executable, "-c", BARE, *changed], repeat=repeat, env=env)
        one = measure("migrate rewrite -j 1", [*rewrite, "-j", "1"], repeat=repeat, env=env)
        many = measure(f"migrate rewrite -j {jobs}", [*rewrite, "-j", str(jobs)], repeat=repeat, env=env)
    lines = sum(Path(p).read_bytes().count(b"\n") for p in changed)
    found = findings(tree)
    return {
        "tree": str(tree),
        "machine": machine_info(),
        "jobs": jobs,
        "findings": found,
        "files_scanned": serial["files_scanned"],
        "files_parsed": serial["files_parsed"],
        "files_changed": len(serial["changes"]),
        "python_files_changed": len(changed),
        "python_lines_changed_files": lines,
        "review_items": len(serial["review"]),
        "rule_counts": serial["rule_counts"],
        "rule_failures": len(serial["failures"]),
        "pool_plan_identical": same,
        "measurements": [m.to_dict() for m in (bare, one, many)],
        "ratio_serial": one.wall_s / bare.wall_s,
        "ratio_pool": many.wall_s / bare.wall_s,
        "command": show_command([Path(sys.executable).name, "benchmarks/rewrite_speed.py", str(tree), "--jobs", str(jobs)]),
    }


def against(tree: Path, other: Path, jobs: int, repeat: int) -> str:
    """This checkout's rewrite against another checkout's (`other`: a directory holding its `migrate` package, e.g.
    `git worktree add /tmp/before HEAD~3`), on the same tree, the runs interleaved round by round (bare, this -j 1,
    that -j 1, this -j N, that -j N, again): on a machine whose speed drifts (a shared host), each round sees the
    same conditions, where back-to-back blocks of runs do not. A Markdown table of best and median walls."""
    import statistics

    tree = tree.resolve()
    other = other.resolve()
    if not (other / "migrate" / "__init__.py").is_file():
        raise SystemExit(f"{other}: no migrate package there (pass a checkout of this repository)")
    with tempfile.TemporaryDirectory() as tmp:
        config = config_file(tree, Path(tmp))
        changed = [c["abs_path"] for c in plan_json(tree, config, jobs=1)["changes"]
                   if c["path"].endswith((".py", ".pyw"))]
        if not changed:
            raise SystemExit(f"{tree}: the rewrite changes no Python file; point the benchmark at real OpenAI code")

        def env_for(checkout: Path) -> dict:
            return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(checkout), os.environ.get("PYTHONPATH")]))}

        rewrite = [sys.executable, "-m", "migrate", "rewrite", str(tree), "--format", "summary", "--include-vendored",
                   "--config", str(config)]
        runs: dict[str, tuple[list, dict]] = {"bare LibCST parse+print": ([sys.executable, "-c", BARE, *changed], env_for(REPO))}
        for n in (1, jobs):
            runs[f"this checkout -j {n}"] = ([*rewrite, "-j", str(n)], env_for(REPO))
            runs[f"{other.name} -j {n}"] = ([*rewrite, "-j", str(n)], env_for(other))
        walls: dict[str, list[float]] = {name: [] for name in runs}
        cpus: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(repeat):
            for name, (command, env) in runs.items():
                measured = measure(name, command, repeat=1, env=env, sample_interval=None)
                walls[name].append(measured.wall_s)
                cpus[name].extend(measured.cpu_s)
    bare = min(walls["bare LibCST parse+print"])
    rows = [[name, format_seconds(min(w)), format_seconds(statistics.median(w)), format_ratio(min(w) / bare),
             format_seconds(statistics.median(cpus[name])) if cpus[name] else "-"]
            for name, w in walls.items()]
    return (markdown_table([f"run (interleaved, {repeat} rounds)", "wall (best)", "wall (median)", "best vs bare",
                            "CPU, all processes (median)"], rows, "lrrrr")
            + f"\nReproduce: `{show_command([Path(sys.executable).name, 'benchmarks/rewrite_speed.py', str(tree), '--jobs', str(jobs), '--against', str(other), '--repeat', str(repeat)])}`\n")


def markdown(result: dict) -> str:
    m = result["machine"]
    rows = []
    bare = result["measurements"][0]["wall_s"]
    for item in result["measurements"]:
        rows.append([item["name"], format_seconds(item["wall_s"]), format_ratio(item["wall_s"] / bare),
                     format_bytes(item["peak_rss_bytes"]), format_bytes(item["tree_rss_bytes"])])
    table = markdown_table(["run (same files, one session)", "wall (best)", "vs bare LibCST", "peak RSS (largest)",
                            "peak RSS (all processes)"], rows, "lrrrr")
    counts = ", ".join(f"{k} {v}" for k, v in result["rule_counts"].items())
    return (
        f"Tree: `{result['tree']}`: {result['files_scanned']} files scanned, {result['findings']} findings from "
        f"`migrate scan`, {result['files_parsed']} parsed by the rewrite, {result['files_changed']} changed "
        f"({result['python_files_changed']} Python files, {result['python_lines_changed_files']:,} lines), "
        f"{result['review_items']} review items, {result['rule_failures']} rule failures. Edits by rule: {counts}.\n\n"
        f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}; pool: `-j {result['jobs']}`. Plan with the "
        f"pool identical to the plan on one worker: {'yes' if result['pool_plan_identical'] else 'NO'}.\n\n"
        + table
        + f"\nReproduce: `{result['command']}`\n"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path, default=DEFAULT_CORPUS, help="default: .cache/corpus")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers for run (c)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--write-docs", action="store_true", help="rewrite the section in docs/benchmarks.md")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="compare with another checkout's rewrite, runs interleaved (prints a table; no docs)")
    args = parser.parse_args(argv)
    if not args.tree.is_dir():
        parser.error(f"{args.tree}: no such directory (the test setup fills .cache/corpus; or pass a tree)")
    if args.against is not None:
        print(against(args.tree, args.against, args.jobs, args.repeat))
        return 0
    result = run(args.tree, args.jobs, args.repeat)
    text = markdown(result)
    print(text)
    if args.json_out:
        write_json(args.json_out, result)
    if args.write_docs:
        update_marked_section(REPO / "docs" / "benchmarks.md", SECTION, text,
                              title="migrate rewrite: cost against a bare LibCST parse-and-print")
    print(json.dumps({"ratio_serial": round(result["ratio_serial"], 2), "ratio_pool": round(result["ratio_pool"], 2),
                      "pool_plan_identical": result["pool_plan_identical"]}))
    return 0 if result["pool_plan_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
