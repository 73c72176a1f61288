#!/usr/bin/env python3
"""How fast is `migrate scan`? Side by side with semgrep, ripgrep and a bare "pre-filter + ast.parse" floor.

Two trees, each tool run as a child process (interpreter start-up included), wall time from this parent,
best of N runs, peak memory of each child:

  dense   a real, OpenAI-heavy tree: the site-packages of this interpreter's environment (vLLM and the
          OpenAI SDK installed: about 21,000 .py files, about 900 mention openai).
          migrate scan  vs  semgrep with an equivalent rule set (benchmarks/semgrep_rules.yml)
                        vs  the floor: a bare byte pre-filter + ast.parse loop, 1 process and a 2-process pool
  sparse  a tree with no OpenAI use: the Python standard library (about 1,800 files).
          migrate scan  vs  rg -l openai

    scripts/bench-tools-env                       # semgrep into .venv-bench, ripgrep from Debian (once)
    .venv/bin/python benchmarks/scan_speed.py     # full run; updates the scan section of docs/benchmarks.md
    .venv/bin/python benchmarks/scan_speed.py --small --json-out /tmp/scan.json   # CI-sized subset

The full run fails loudly when semgrep or ripgrep is missing; --small records them as skipped (with the
reason) instead. `--check-targets` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import json
import os
import re
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

REPO = common.REPO
EXAMPLES = REPO / "examples"
RULES = REPO / "benchmarks" / "semgrep_rules.yml"
DOCS = REPO / "docs" / "benchmarks.md"
SECTION = "scan"

# The floor loop's pre-filter and the folders it never enters (the same ones migrate's walker skips).
FLOOR_NEEDLE = re.compile(rb"openai")
FLOOR_SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox",
     "node_modules", "site-packages", "dist-packages", ".venv", "venv", ".eggs"}
)
FLOOR_CHUNK = 128  # paths per task in the pooled floor: big enough to amortise pickling, small enough to balance

# Targets from the issue (see docs/benchmarks.md).
TARGET_VS_SEMGREP = 40.0  # migrate at least this many times faster than semgrep on the dense tree
TARGET_VS_FLOOR = 1.5  # migrate within this factor of the fastest bare floor on the dense tree
TARGET_SPARSE_S = 0.3  # migrate's wall time on the sparse tree, start-up included

# semgrep scans what migrate scans: .py files, gitignored or not, no .semgrepignore defaults (which skip
# tests/ and anything under .venv/), files up to migrate's size limit, offline, 2 jobs, no per-rule timeout.
SEMGREP_MAX_TARGET_BYTES = 5_000_000


# --- the floor: the cheapest honest "find OpenAI use" loop ---------------------------------------------------

def floor_files(root: str) -> list[str]:
    out = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in FLOOR_SKIP_DIRS)
        out.extend(os.path.join(directory, f) for f in sorted(filenames) if f.endswith(".py"))
    return out


def floor_check(paths: list[str]) -> tuple[int, int]:
    """Read each file, keep those whose bytes mention openai, parse them. Returns (candidates, parse errors)."""
    candidates = errors = 0
    for path in paths:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        if FLOOR_NEEDLE.search(data) is None:
            continue
        candidates += 1
        try:
            ast.parse(data, path)
        except (SyntaxError, ValueError):
            errors += 1
    return candidates, errors


def floor_main(root: str, jobs: int) -> None:
    files = floor_files(root)
    if jobs <= 1:
        candidates, errors = floor_check(files)
    else:
        import multiprocessing

        chunks = [files[i : i + FLOOR_CHUNK] for i in range(0, len(files), FLOOR_CHUNK)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = list(pool.imap_unordered(floor_check, chunks))
        candidates = sum(r[0] for r in results)
        errors = sum(r[1] for r in results)
    print(json.dumps({"files": len(files), "candidates": candidates, "parse_errors": errors}))


# --- the trees ------------------------------------------------------------------------------------------------

def default_dense() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def default_sparse() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def sample_tree(source: Path, dest: Path, count: int) -> int:
    """Copy an evenly spread sample of `count` .py files of `source` into `dest`, keeping relative paths.

    Every k-th file of the sorted walk, so the sample keeps the tree's mix (dense packages, OpenAI code, tests)
    rather than the first packages in alphabetical order. Which files land in the sample depends on what is
    installed, and a few hundred files of site-packages may by chance hold no OpenAI call at all; so the
    repository's example apps are part of every sample (under `_examples/`, counted in `count`), and the
    sample always has real OpenAI code to find. Returns the number of files copied.
    """
    files = floor_files(str(source))
    if not files:
        raise common.BenchmarkError(f"{source}: no .py files to sample")
    examples = sorted(EXAMPLES.rglob("*.py")) if EXAMPLES.is_dir() else []
    for path in examples:
        target = dest / "_examples" / path.relative_to(EXAMPLES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    wanted = max(0, count - len(examples))
    step = max(1, len(files) // max(1, wanted))
    chosen = files[::step][:wanted]
    for path in chosen:
        target = dest / os.path.relpath(path, source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return len(examples) + len(chosen)


# --- the tools ------------------------------------------------------------------------------------------------

def find_migrate(explicit: str | None) -> str:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "migrate"
    found = str(beside) if beside.exists() else shutil.which("migrate")
    if not found:
        raise common.BenchmarkError("the `migrate` console script is not installed: pip install -e . (or --migrate PATH)")
    return found


def semgrep_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"})
    return env


def semgrep_command(semgrep: str, tree: Path, output: Path, jobs: int) -> list[str]:
    return [
        semgrep, "scan", "--config", str(RULES), "--metrics=off", "--disable-version-check",
        "--jobs", str(jobs), "--timeout", "0", "--max-target-bytes", str(SEMGREP_MAX_TARGET_BYTES),
        "--no-git-ignore", "--x-ignore-semgrepignore-files", "--include", "*.py",
        "--json", "--output", str(output), "--quiet", str(tree),
    ]


def run_migrate(migrate: str, tree: Path, workdir: Path, repeat: int, timeout: float) -> common.Measurement:
    out = workdir / f"migrate-{tree.name}.json"
    m = common.measure(
        "migrate scan",
        [migrate, "scan", str(tree), "--format", "json", "--output", str(out)],
        repeat=repeat, timeout=timeout, cwd=workdir,
    )
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise common.BenchmarkError(f"migrate scan wrote no readable JSON to {out}: {e}") from None
    findings = data.get("findings", [])
    m.extra = {
        "files_scanned": data.get("files_scanned"),
        "files_parsed": data.get("files_parsed"),
        "findings": len(findings),
        "files_with_findings": len({f["path"] for f in findings}),
        "skipped": len(data.get("skipped", [])),
        "output": str(out),
    }
    m.extra["_paths"] = sorted({str((tree / f["path"]).resolve()) for f in findings})
    return m


def run_floor(tree: Path, jobs: int, repeat: int, timeout: float) -> common.Measurement:
    name = "floor, 1 process" if jobs <= 1 else f"floor, {jobs}-process pool"
    m = common.measure(name, [sys.executable, str(Path(__file__).resolve()), "_floor", str(tree), "--jobs", str(jobs)],
                       repeat=repeat, timeout=timeout)
    try:
        m.extra = json.loads(m.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise common.BenchmarkError(f"the floor loop printed no result: {m.stdout[-500:]!r} {m.stderr[-500:]!r}") from None
    return m


def rg_command(rg: str, tree: Path) -> list[str]:
    # The same vendored folders migrate skips below the root (the root itself is searched): without this,
    # rg on the standard library would also search the interpreter's own site-packages.
    vendored = ",".join(sorted(FLOOR_SKIP_DIRS & {"site-packages", "dist-packages", "node_modules", ".venv", "venv", ".eggs"}))
    return [rg, "-l", "openai", "-g", f"!{{{vendored}}}/", str(tree)]


def run_rg(rg: str, tree: Path, repeat: int, timeout: float) -> common.Measurement:
    # rg exits 1 when nothing matches: that is the expected answer on a tree without OpenAI use.
    m = common.measure("rg -l openai", rg_command(rg, tree), repeat=repeat, timeout=timeout,
                       ok_returncodes=(0, 1))
    m.extra = {"files_matched": len([line for line in m.stdout.splitlines() if line.strip()])}
    return m


def run_semgrep(semgrep: str, tree: Path, workdir: Path, jobs: int, timeout: float) -> common.Measurement:
    out = workdir / f"semgrep-{tree.name}.json"
    m = common.measure("semgrep", semgrep_command(semgrep, tree, out, jobs), repeat=1, timeout=timeout,
                       env=semgrep_env(), cwd=workdir)
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise common.BenchmarkError(f"semgrep wrote no readable JSON to {out}: {e}\n{m.stderr[-2000:]}") from None
    results = data.get("results", [])
    m.extra = {
        "files_scanned": len(data.get("paths", {}).get("scanned", [])),
        "findings": len(results),
        "files_with_findings": len({r["path"] for r in results}),
        "errors": len(data.get("errors", [])),
        "output": str(out),
    }
    m.extra["_paths"] = sorted({str(Path(tree, r["path"]).resolve()) if not os.path.isabs(r["path"])
                                else str(Path(r["path"]).resolve()) for r in results})
    return m


def warm_cache(tree: Path) -> None:
    """Read every file once so the first timed tool does not pay for a cold page cache alone."""
    for path in floor_files(str(tree)):
        try:
            with open(path, "rb") as fh:
                while fh.read(1 << 20):
                    pass
        except OSError:
            pass


# --- the run ----------------------------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> dict:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="scan-bench-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    migrate = find_migrate(args.migrate)
    semgrep = common.bench_tool("semgrep", args.semgrep)
    rg = args.rg or shutil.which("rg")
    skipped: dict[str, str] = {}
    if semgrep is None or common.tool_version([semgrep, "--version"], env=semgrep_env()) is None:
        why = "semgrep is not installed (run scripts/bench-tools-env)" if semgrep is None else f"{semgrep} does not run"
        if not args.small:
            raise common.BenchmarkError(f"{why}: the full benchmark needs it")
        skipped["semgrep"] = why
        semgrep = None
    if rg is None or common.tool_version([rg, "--version"]) is None:
        why = "ripgrep (rg) is not installed (run scripts/bench-tools-env)" if rg is None else f"{rg} does not run"
        if not args.small:
            raise common.BenchmarkError(f"{why}: the full benchmark needs it")
        skipped["rg"] = why
        rg = None

    dense_source = Path(args.dense or default_dense()).resolve()
    sparse = Path(args.sparse or default_sparse()).resolve()
    for label, path in (("dense", dense_source), ("sparse", sparse)):
        if not path.is_dir():
            raise common.BenchmarkError(f"the {label} tree {path} is not a folder")
    if args.small:
        dense = workdir / "dense-sample"
        if dense.exists():
            shutil.rmtree(dense)
        sampled = sample_tree(dense_source, dense, args.sample)
        _say(f"sampled {sampled} .py files of {dense_source} into {dense}")
    else:
        dense = dense_source

    versions = {
        "migrate-kit": common.tool_version([migrate, "--version"]),
        "semgrep": common.tool_version([semgrep, "--version"], env=semgrep_env()) if semgrep else None,
        "ripgrep": common.tool_version([rg, "--version"]) if rg else None,
    }
    repeat = args.repeat
    results: dict = {
        "mode": "small" if args.small else "full",
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine_info(),
        "versions": versions,
        "command": _reproduce_command(args),
        "repeat": repeat,
        "trees": {},
        "skipped": skipped,
        "load_before": common.load_average(),
    }

    _say(f"dense tree: {dense}")
    warm_cache(dense)
    dense_runs = [run_migrate(migrate, dense, workdir, repeat, args.timeout)]
    _say(_line(dense_runs[-1]))
    for jobs in (1, 2):
        dense_runs.append(run_floor(dense, jobs, repeat, args.timeout))
        _say(_line(dense_runs[-1]))
    if rg:
        dense_runs.append(run_rg(rg, dense, repeat, args.timeout))
        _say(_line(dense_runs[-1]))
    if semgrep:
        _say("semgrep (one run; minutes on the full tree) ...")
        dense_runs.append(run_semgrep(semgrep, dense, workdir, args.semgrep_jobs, args.semgrep_timeout))
        _say(_line(dense_runs[-1]))

    _say(f"sparse tree: {sparse}")
    warm_cache(sparse)
    sparse_runs = [run_migrate(migrate, sparse, workdir, repeat, args.timeout)]
    _say(_line(sparse_runs[-1]))
    if rg:
        sparse_runs.append(run_rg(rg, sparse, repeat, args.timeout))
        _say(_line(sparse_runs[-1]))
    sparse_runs.append(run_floor(sparse, 1, repeat, args.timeout))
    _say(_line(sparse_runs[-1]))

    results["load_after"] = common.load_average()
    results["trees"]["dense"] = {"path": str(dense), "source": str(dense_source), "runs": dense_runs}
    results["trees"]["sparse"] = {"path": str(sparse), "runs": sparse_runs}
    results["agreement"] = _agreement(dense_runs)
    results["targets"] = _targets(dense_runs, sparse_runs, small=args.small)
    for tree in results["trees"].values():
        tree["runs"] = [m.to_public_dict() for m in tree["runs"]]
    return results


def _by_name(runs, prefix):
    return next((m for m in runs if m.name.startswith(prefix)), None)


def _agreement(dense_runs) -> dict | None:
    """Which files each tool flagged: a check that the two rule sets look for the same things."""
    mig, sg = _by_name(dense_runs, "migrate"), _by_name(dense_runs, "semgrep")
    if not (mig and sg):
        return None
    a, b = set(mig.extra["_paths"]), set(sg.extra["_paths"])
    return {"migrate_only": len(a - b), "semgrep_only": len(b - a), "both": len(a & b),
            "migrate_only_files": sorted(a - b), "semgrep_only_files": sorted(b - a)}


def _targets(dense_runs, sparse_runs, *, small: bool) -> list[dict]:
    mig = _by_name(dense_runs, "migrate")
    floors = [m for m in dense_runs if m.name.startswith("floor")]
    best_floor = min(floors, key=lambda m: m.wall_s)
    sg = _by_name(dense_runs, "semgrep")
    sparse_mig = _by_name(sparse_runs, "migrate")
    rg = _by_name(sparse_runs, "rg")
    targets = []
    if sg:
        r = sg.wall_s / mig.wall_s
        targets.append({"what": "dense: semgrep time / migrate time", "measured": r,
                        "shown": common.format_ratio(r), "target": f">= {TARGET_VS_SEMGREP:.0f}x",
                        "met": r >= TARGET_VS_SEMGREP})
    for floor in floors:
        r = mig.wall_s / floor.wall_s
        is_best = floor is best_floor
        targets.append({"what": f"dense: migrate time / {floor.name} time", "measured": r,
                        "shown": common.format_ratio(r),
                        "target": f"<= {TARGET_VS_FLOOR}x" if is_best else "(reported)",
                        "met": r <= TARGET_VS_FLOOR if is_best else None})
    targets.append({"what": "sparse: migrate wall time, start-up included", "measured": sparse_mig.wall_s,
                    "shown": common.format_seconds(sparse_mig.wall_s), "target": f"< {TARGET_SPARSE_S} s",
                    "met": sparse_mig.wall_s < TARGET_SPARSE_S})
    if rg:
        r = sparse_mig.wall_s / rg.wall_s
        targets.append({"what": "sparse: migrate time / rg -l openai time", "measured": r,
                        "shown": common.format_ratio(r), "target": "(reported)", "met": None})
    if small:  # a sample of 2,000 files says nothing about the targets, which are for the full trees
        for t in targets:
            t["met"] = None
    return targets


# --- reporting --------------------------------------------------------------------------------------------------

def render_markdown(results: dict) -> str:
    m = results["machine"]
    v = results["versions"]
    lines = [
        f"Measured {results['date']} on {m['cpu']}, {m['cores']} cores, "
        f"{common.format_bytes(m['memory_bytes'])} memory, {m['os']}, Python {m['python']}; "
        + ", ".join(f"{k} {_short_version(val)}" for k, val in v.items() if val) + ".",
        "",
        f"Load average (1 minute): {results['load_before']} before the run, {results['load_after']} after it, "
        f"on {m['cores']} cores; the benchmark itself adds 1 to 2, and anything above that is other work "
        "slowing every tool (the multi-process ones most).",
        "",
        "Reproduce:",
        "",
        "```bash",
        "scripts/bench-tools-env",
        results["command"],
        "```",
        "",
    ]
    for key, title in (("dense", "Dense tree"), ("sparse", "Sparse tree")):
        tree = results["trees"][key]
        lines += [f"**{title}**: `{_display_path(tree['path'])}`", "", _runs_table(tree["runs"], results["repeat"])]
    lines += ["**Ratios and targets** (from the best wall time of each tool)", "",
              common.markdown_table(["measure", "measured", "target", "met"],
                                    [[t["what"], t["shown"], t["target"], _met(t["met"])] for t in results["targets"]],
                                    align="lrrc")]
    agreement = results.get("agreement")
    if agreement:
        lines += [f"Files flagged on the dense tree: {agreement['both']} by both tools, "
                  f"{agreement['migrate_only']} by migrate only, {agreement['semgrep_only']} by semgrep only.", ""]
    for tool, why in results["skipped"].items():
        lines += [f"Skipped {tool}: {why}.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _runs_table(runs: list[dict], repeat: int) -> str:
    base = next(r for r in runs if r["name"].startswith("migrate"))["wall_s"]
    rows = []
    for r in runs:
        rows.append([
            r["name"],
            common.format_seconds(r["wall_s"]),
            len(r["runs_s"]),
            common.format_ratio(r["wall_s"] / base),
            common.format_bytes(r["peak_rss_bytes"]),
            common.format_bytes(r["tree_rss_bytes"]),
            _work(r),
        ])
    return common.markdown_table(
        ["tool", "wall (best)", "runs", "vs migrate", "peak RSS, largest process", "peak RSS, all processes", "work done"],
        rows, align="lrrrrrl",
    )


def _work(r: dict) -> str:
    e = r["extra"]
    if r["name"].startswith("migrate"):
        return (f"{e['files_scanned']:,} files, {e['files_parsed']:,} parsed, {e['findings']:,} findings "
                f"in {e['files_with_findings']:,} files, {e['skipped']:,} skipped")
    if r["name"].startswith("floor"):
        return f"{e['files']:,} files, {e['candidates']:,} parsed, {e['parse_errors']:,} syntax errors"
    if r["name"].startswith("rg"):
        return f"{e['files_matched']:,} files match"
    if r["name"].startswith("semgrep"):
        return (f"{e['files_scanned']:,} files, {e['findings']:,} findings in {e['files_with_findings']:,} files, "
                f"{e['errors']:,} errors")
    return ""


def _met(value) -> str:
    return "yes" if value is True else "**no**" if value is False else "-"


def _short_version(value: str) -> str:
    return value.split()[-1] if value else ""


def _display_path(path: str) -> str:
    for base, label in ((str(REPO), "."), (tempfile.gettempdir(), "$TMP")):
        if path.startswith(base + os.sep):
            return label + path[len(base):]
    return path


def _reproduce_command(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python benchmarks/scan_speed.py"]
    if args.small:
        parts.append(f"--small --sample {args.sample}")
    if args.dense:
        parts.append(f"--dense {args.dense}")
    if args.sparse:
        parts.append(f"--sparse {args.sparse}")
    if args.repeat != 3:
        parts.append(f"--repeat {args.repeat}")
    return " ".join(parts)


def _line(m: common.Measurement) -> str:
    return (f"  {m.name:<24} {common.format_seconds(m.wall_s):>9}  (runs: "
            + ", ".join(common.format_seconds(s) for s in m.runs_s)
            + f")  peak RSS {common.format_bytes(m.peak_rss_bytes)}")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="examples:\n"
               "  scripts/bench-tools-env && .venv/bin/python benchmarks/scan_speed.py\n"
               "  .venv/bin/python benchmarks/scan_speed.py --small --json-out /tmp/scan.json\n"
               "  .venv/bin/python benchmarks/scan_speed.py --dense ~/src/monorepo --no-docs",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--small", action="store_true",
                   help="CI mode: an evenly spread sample of the dense tree copied into the work folder; "
                        "missing semgrep/rg are skipped with a reason; targets are not judged")
    p.add_argument("--sample", type=int, default=2000, help="files in the --small sample (default 2000)")
    p.add_argument("--dense", help="the dense tree (default: this interpreter's site-packages)")
    p.add_argument("--sparse", help="the sparse tree (default: this interpreter's standard library)")
    p.add_argument("--repeat", type=int, default=3, help="runs per fast tool; the best counts (default 3; semgrep runs once)")
    p.add_argument("--migrate", help="the migrate command (default: the console script beside this interpreter)")
    p.add_argument("--semgrep", help="the semgrep command (default: .venv-bench/bin/semgrep, then PATH)")
    p.add_argument("--semgrep-jobs", type=int, default=2, help="semgrep --jobs (default 2)")
    p.add_argument("--rg", help="the ripgrep command (default: rg on PATH)")
    p.add_argument("--workdir", help="where samples and tool outputs go (default: a new temporary folder)")
    p.add_argument("--json-out", help="write all numbers as JSON to this file")
    p.add_argument("--docs", default=None,
                   help=f"Markdown file whose `{SECTION}` section is rewritten "
                        f"(default: {_display_path(str(DOCS))} in full mode, none with --small)")
    p.add_argument("--no-docs", action="store_true", help="do not touch any docs file")
    p.add_argument("--timeout", type=float, default=600, help="seconds before one run of a fast tool is killed")
    p.add_argument("--semgrep-timeout", type=float, default=3600, help="seconds before the semgrep run is killed")
    p.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed (full mode)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_floor"]:  # internal: the floor loop, run as its own process so start-up counts
        floor = argparse.ArgumentParser(prog="scan_speed.py _floor")
        floor.add_argument("tree")
        floor.add_argument("--jobs", type=int, default=1)
        ns = floor.parse_args(argv[1:])
        floor_main(ns.tree, ns.jobs)
        return 0
    args = parse_args(argv)
    try:
        results = run(args)
    except common.BenchmarkError as e:
        print(f"scan_speed: {e}", file=sys.stderr)
        return 2
    text = render_markdown(results)
    print(text)
    if args.json_out:
        common.write_json(args.json_out, results)
    docs = None if args.no_docs else (args.docs or (None if args.small else str(DOCS)))
    if docs:
        changed = common.update_marked_section(docs, SECTION, text, title="migrate scan")
        _say(f"{'updated' if changed else 'unchanged'}: the `{SECTION}` section of {docs}")
    missed = [t["what"] for t in results["targets"] if t["met"] is False]
    if missed:
        _say("targets missed: " + "; ".join(missed))
    return 1 if (args.check_targets and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
