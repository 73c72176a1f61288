#!/usr/bin/env python3
"""`migrate scan` on JavaScript/TypeScript side by side with semgrep and `ast-grep scan`, equivalent rules, one run.

The tree is a real node_modules: `openai`, `ai`, `@langchain/openai` and `next` with all their dependencies
(scripts/fetch-npm-corpus bench, pinned), scanned whole by every tool:

  migrate scan   --include-vendored --no-gitignore (it skips minified bundles and files over its size limit)
  semgrep        benchmarks/semgrep_rules_js.yml, JS/TS files only, no ignore files, files up to migrate's size
                 limit, offline, --jobs 2 (as in benchmarks/scan_speed.py)
  ast-grep scan  benchmarks/ast_grep_rules.yml (the same rules, one copy per grammar), no ignore files,
                 its default thread count

plus the generated 2,000-file TypeScript app of benchmarks/js_scan_speed.py (the "under 1 s" target). Every
tool runs as a child process, start-up included; the best of N runs counts (semgrep runs once: minutes). The
files each tool flagged are compared, a check that the rule sets look for the same things.

    scripts/bench-tools-env && scripts/fetch-npm-corpus bench     # semgrep, ast-grep, the npm tree (once)
    .venv/bin/python benchmarks/js_scan_compare.py        # updates the js-scan-compare section of docs/benchmarks.md
    .venv/bin/python benchmarks/js_scan_compare.py --json-out /tmp/js.json --no-docs
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)
import js_scan_speed  # noqa: E402
import scan_speed  # noqa: E402

REPO = common.REPO
SECTION = "js-scan-compare"
SEMGREP_RULES = REPO / "benchmarks" / "semgrep_rules_js.yml"
AST_GREP_RULES = REPO / "benchmarks" / "ast_grep_rules.yml"
AST_GREP_LANGUAGES = ("JavaScript", "TypeScript", "Tsx")
JS_GLOBS = ("*.js", "*.mjs", "*.cjs", "*.jsx", "*.ts", "*.mts", "*.cts", "*.tsx")
TARGET_VS_SEMGREP = 20.0  # migrate at least this many times faster than semgrep
TARGET_VS_AST_GREP = 2.0  # migrate at most this many times slower than ast-grep
TARGET_APP_S = js_scan_speed.APP_TARGET_S


def bench_tree(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit).resolve()
    folder = subprocess.run(["bash", str(REPO / "scripts" / "fetch-npm-corpus"), "bench", "path"], capture_output=True,
                            text=True, check=True, cwd=REPO).stdout.strip()
    tree = (REPO / folder / "node_modules").resolve()
    if not (tree / "next" / "package.json").is_file():
        raise common.BenchmarkError(f"{tree} is missing: run scripts/fetch-npm-corpus bench")
    return tree


# --- the tools ------------------------------------------------------------------------------------------------

def run_migrate(tree: Path, workdir: Path, repeat: int, timeout: float, name: str = "npm") -> common.Measurement:
    m = js_scan_speed.run_scan(name, tree, workdir, repeat, True, timeout)
    m.name = "migrate scan"
    data = json.loads((workdir / f"{name}.json").read_text(encoding="utf-8"))
    m.extra["files_with_findings"] = len({f["path"] for f in data["findings"]})
    m.extra["_paths"] = sorted({str((tree / f["path"]).resolve()) for f in data["findings"]})
    return m


def semgrep_command(semgrep: str, tree: Path, output: Path, jobs: int) -> list[str]:
    includes = [arg for glob in JS_GLOBS for arg in ("--include", glob)]
    return [semgrep, "scan", "--config", str(SEMGREP_RULES), "--metrics=off", "--disable-version-check",
            "--jobs", str(jobs), "--timeout", "0", "--max-target-bytes", str(scan_speed.SEMGREP_MAX_TARGET_BYTES),
            "--no-git-ignore", "--x-ignore-semgrepignore-files", *includes,
            "--json", "--output", str(output), "--quiet", str(tree)]


def run_semgrep(semgrep: str, tree: Path, workdir: Path, jobs: int, timeout: float) -> common.Measurement:
    out = workdir / "semgrep.json"
    command = semgrep_command(semgrep, tree, out, jobs)
    try:
        m = common.measure("semgrep", command, repeat=1, timeout=timeout, env=scan_speed.semgrep_env(), cwd=workdir,
                           ok_returncodes=(0, 1))
    except common.BenchmarkError as e:
        if "did not finish within" not in str(e):
            raise
        # still running at the timeout: its time is a lower bound, and so is the ratio to migrate's
        _say(f"  semgrep stopped at the timeout ({timeout:g} s): its time counts as a lower bound")
        return common.Measurement("semgrep", command, timeout, [timeout], 0, None, -1,
                                  extra={"timed_out": True, "findings": 0, "files_with_findings": 0, "_paths": []})
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise common.BenchmarkError(f"semgrep wrote no readable JSON to {out}: {e}\n{m.stderr[-2000:]}") from None
    results = data.get("results", [])
    paths = {str((tree / r["path"]).resolve()) if not os.path.isabs(r["path"]) else str(Path(r["path"]).resolve())
             for r in results}
    m.extra = {"files_scanned": len(data.get("paths", {}).get("scanned", [])), "findings": len(results),
               "files_with_findings": len(paths), "errors": len(data.get("errors", [])), "_paths": sorted(paths)}
    return m


def ast_grep_project(workdir: Path) -> Path:
    """An ast-grep project: sgconfig.yml and a copy of the rules per grammar (language and id suffixed)."""
    project = workdir / "ast-grep"
    rules = project / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    source = AST_GREP_RULES.read_text(encoding="utf-8")
    for language in AST_GREP_LANGUAGES:
        text = source.replace("language: TypeScript", f"language: {language}")
        text = "\n".join(f"{line}-{language}" if line.startswith("id: ") else line for line in text.splitlines())
        (rules / f"{language}.yml").write_text(text + "\n", encoding="utf-8")
    (project / "sgconfig.yml").write_text("ruleDirs:\n  - rules\n", encoding="utf-8")
    return project / "sgconfig.yml"


def ast_grep_command(ast_grep: str, config: Path, tree: Path) -> list[str]:
    no_ignore = [arg for kind in ("hidden", "dot", "exclude", "global", "parent", "vcs") for arg in ("--no-ignore", kind)]
    return [ast_grep, "scan", "--config", str(config), "--json=stream", *no_ignore, str(tree)]


def run_ast_grep(ast_grep: str, tree: Path, workdir: Path, repeat: int, timeout: float) -> common.Measurement:
    config = ast_grep_project(workdir)
    m = common.measure("ast-grep scan", ast_grep_command(ast_grep, config, tree), repeat=repeat, timeout=timeout,
                       cwd=workdir, ok_returncodes=(0, 1))
    # only the rules' own matches (ast-grep also reports unused `ast-grep-ignore` comments it meets in packages)
    matches = [r for r in map(json.loads, filter(str.strip, m.stdout.splitlines())) if r["ruleId"].startswith("openai-")]
    paths = {str((Path(workdir) / r["file"]).resolve()) if not os.path.isabs(r["file"]) else str(Path(r["file"]).resolve())
             for r in matches}
    m.extra = {"findings": len(matches), "files_with_findings": len(paths), "_paths": sorted(paths)}
    return m


def count_js_files(tree: Path) -> int:
    return sum(1 for _, _, names in os.walk(tree) for n in names if n.endswith(tuple(g[1:] for g in JS_GLOBS)))


# --- the run --------------------------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> dict:
    tree = bench_tree(args.tree)
    semgrep = common.bench_tool("semgrep", args.semgrep)
    ast_grep = common.bench_tool("ast-grep", args.ast_grep)
    missing = [name for name, path, flag in (("semgrep", semgrep, "--version"), ("ast-grep", ast_grep, "--version"))
               if path is None or common.tool_version([path, flag], env=scan_speed.semgrep_env()) is None]
    if missing:
        raise common.BenchmarkError(f"{' and '.join(missing)} not installed or not running: run scripts/bench-tools-env")
    results = {
        "date": datetime.date.today().isoformat(), "machine": common.machine_info(), "load_before": common.load_average(),
        "tree": str(tree), "js_files": count_js_files(tree), "repeat": args.repeat,
        "versions": {"semgrep": common.tool_version([semgrep, "--version"], env=scan_speed.semgrep_env()),
                     "ast-grep": common.tool_version([ast_grep, "--version"])},
        "command": _reproduce_command(args),
    }
    with tempfile.TemporaryDirectory(prefix="js-scan-compare-") as tmp:
        work = Path(tmp)
        scan_speed.warm_cache(tree)
        runs = []
        _say("migrate scan ...")
        runs.append(run_migrate(tree, work, args.repeat, args.timeout))
        _say(_line(runs[-1]))
        _say("ast-grep scan ...")
        runs.append(run_ast_grep(ast_grep, tree, work, args.repeat, args.timeout))
        _say(_line(runs[-1]))
        _say("semgrep (one run) ...")
        runs.append(run_semgrep(semgrep, tree, work, args.semgrep_jobs, args.semgrep_timeout))
        _say(_line(runs[-1]))
        app = js_scan_speed.make_app(work / "app")
        app_run = js_scan_speed.run_scan("app", app, work, args.repeat, False, args.timeout)
        _say(_line(app_run))
    results["load_after"] = common.load_average()
    results["agreement"] = _agreement(runs)
    results["targets"] = _targets(runs, app_run)
    results["runs"] = [m.to_public_dict() for m in runs]
    results["app"] = app_run.to_public_dict()
    return results


def _by_name(runs, prefix):
    return next(m for m in runs if m.name.startswith(prefix))


def _agreement(runs) -> dict:
    mig = set(_by_name(runs, "migrate").extra["_paths"])
    out = {}
    for tool in ("semgrep", "ast-grep"):
        other = set(_by_name(runs, tool).extra["_paths"])
        out[tool] = {"both": len(mig & other), "migrate_only": len(mig - other), f"{tool}_only": len(other - mig),
                     "migrate_only_files": sorted(mig - other)[:20], f"{tool}_only_files": sorted(other - mig)[:20]}
    return out


def _targets(runs, app_run) -> list[dict]:
    mig, sg, ag = _by_name(runs, "migrate"), _by_name(runs, "semgrep"), _by_name(runs, "ast-grep")
    vs_semgrep = sg.wall_s / mig.wall_s
    vs_ast_grep = mig.wall_s / ag.wall_s
    bound = "more than " if sg.extra.get("timed_out") else ""  # semgrep stopped at the timeout: a lower bound
    return [
        {"what": "semgrep time / migrate time", "measured": vs_semgrep,
         "shown": bound + common.format_ratio(vs_semgrep), "target": f">= {TARGET_VS_SEMGREP:.0f}x",
         "met": vs_semgrep >= TARGET_VS_SEMGREP if not bound or vs_semgrep >= TARGET_VS_SEMGREP else None},
        {"what": "migrate time / ast-grep time", "measured": vs_ast_grep, "shown": common.format_ratio(vs_ast_grep),
         "target": f"<= {TARGET_VS_AST_GREP:.0f}x", "met": vs_ast_grep <= TARGET_VS_AST_GREP},
        {"what": f"{js_scan_speed.APP_FILES:,}-file TypeScript app, migrate wall time", "measured": app_run.wall_s,
         "shown": common.format_seconds(app_run.wall_s), "target": f"< {TARGET_APP_S:g} s",
         "met": app_run.wall_s < TARGET_APP_S},
    ]


# --- reporting ------------------------------------------------------------------------------------------------

def render_markdown(results: dict) -> str:
    m = results["machine"]
    versions = ", ".join(f"{k} {v.split()[-1]}" for k, v in results["versions"].items() if v)
    mig_wall = next(r for r in results["runs"] if r["name"].startswith("migrate"))["wall_s"]
    rows = []
    for r in [*results["runs"], {**results["app"], "name": f"migrate scan, {js_scan_speed.APP_FILES:,}-file TS app"}]:
        e = r["extra"]
        work = (f"{e['files_scanned']:,} files walked, {e['files_parsed']:,} parsed, " if "files_parsed" in e
                else f"{e['files_scanned']:,} files scanned, " if "files_scanned" in e else "")
        work += (f"stopped at the {r['wall_s']:g} s timeout, unfinished" if e.get("timed_out") else
                 f"{e['findings']:,} findings in {e.get('files_with_findings', 0):,} files")
        if "errors" in e:
            work += f", {e['errors']:,} errors"
        is_app = "app" in r["name"]
        cpu = r.get("cpu_s") or []  # user + system of the tool and its children, where _common records it
        rows.append([r["name"], (">" if e.get("timed_out") else "") + common.format_seconds(r["wall_s"]), common.format_seconds(min(cpu)) if cpu else "-",
                     len(r["runs_s"]), "" if is_app else common.format_ratio(r["wall_s"] / mig_wall),
                     common.format_bytes(r["peak_rss_bytes"]), common.format_bytes(r["tree_rss_bytes"]), work])
    lines = [
        f"Measured {results['date']} on {m['cpu']}, {m['cores']} cores, {common.format_bytes(m['memory_bytes'])} "
        f"memory, {m['os']}, Python {m['python']}; {versions}. Load average (1 minute) {results['load_before']} "
        f"before, {results['load_after']} after (other work on the machine slows every tool).",
        "",
        f"Tree: `{_display(results['tree'])}` (openai, ai, @langchain/openai, next and their dependencies, "
        f"{results['js_files']:,} JS/TS files). Rules: `benchmarks/semgrep_rules_js.yml` and "
        "`benchmarks/ast_grep_rules.yml`, the same patterns for both tools.",
        "",
        "Reproduce:",
        "",
        "```bash",
        "scripts/bench-tools-env && scripts/fetch-npm-corpus bench",
        results["command"],
        "```",
        "",
        common.markdown_table(["tool", "wall (best)", "CPU (best)", "runs", "wall vs migrate",
                               "peak RSS, largest process", "peak RSS, all processes", "work done"], rows,
                              align="lrrrrrrl"),
        "**Ratios and targets** (best wall time of each tool)",
        "",
        common.markdown_table(["measure", "measured", "target", "met"],
                              [[t["what"], t["shown"], t["target"],
                                {True: "yes", False: "**no**", None: "unknown"}[t["met"]]]
                               for t in results["targets"]], align="lrrc"),
    ]
    cpu = {r["name"]: min(r["cpu_s"]) for r in results["runs"] if r.get("cpu_s")}
    if len(cpu) == 3 and cpu["migrate scan"] > 0:
        lines.append(f"- CPU time, which other work on the machine does not inflate: semgrep "
                     f"{common.format_ratio(cpu['semgrep'] / cpu['migrate scan'])} migrate's, ast-grep "
                     f"{common.format_ratio(cpu['ast-grep scan'] / cpu['migrate scan'])} migrate's "
                     "(both spread their work over every core; migrate scans in one process).")
    for tool, a in results["agreement"].items():
        if any(r["name"].startswith(tool) and r["extra"].get("timed_out") for r in results["runs"]):
            continue
        lines.append(f"- Files flagged: {a['both']} by migrate and {tool}, {a['migrate_only']} by migrate only, "
                     f"{a[f'{tool}_only']} by {tool} only.")
    return "\n".join(lines).rstrip() + "\n"


def _display(path: str) -> str:
    return "." + path[len(str(REPO)):] if path.startswith(str(REPO) + os.sep) else path


def _reproduce_command(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python benchmarks/js_scan_compare.py"]
    if args.tree:
        parts.append(f"--tree {args.tree}")
    if args.repeat != 3:
        parts.append(f"--repeat {args.repeat}")
    return " ".join(parts)


def _line(m: common.Measurement) -> str:
    shown = {k: v for k, v in m.extra.items() if not k.startswith("_")}
    return f"  {m.name:<28} {common.format_seconds(m.wall_s):>9}  {shown}"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tree", help="the node_modules to scan (default: scripts/fetch-npm-corpus bench)")
    p.add_argument("--repeat", type=int, default=3, help="runs of migrate and ast-grep; the best counts (semgrep: one)")
    p.add_argument("--semgrep", help="the semgrep command (default: .venv-bench/bin/semgrep, then PATH)")
    p.add_argument("--semgrep-jobs", type=int, default=2)
    p.add_argument("--ast-grep", help="the ast-grep command (default: .venv-bench/bin/ast-grep, then PATH)")
    p.add_argument("--timeout", type=float, default=600, help="seconds before one run of migrate or ast-grep is killed")
    p.add_argument("--semgrep-timeout", type=float, default=3600)
    common.add_output_options(p)
    p.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--from-json", help="render the results of an earlier --json-out run instead of measuring")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = json.loads(Path(args.from_json).read_text(encoding="utf-8")) if args.from_json else run(args)
    except common.BenchmarkError as e:
        print(f"js_scan_compare: {e}", file=sys.stderr)
        return 2
    text = render_markdown(results)
    print(text)
    common.write_outputs(args, results, text, SECTION, "JavaScript / TypeScript scan against semgrep and ast-grep")
    missed = [t["what"] for t in results["targets"] if t["met"] is False]
    if missed:
        _say("targets missed: " + "; ".join(missed))
    return 1 if (args.check_targets and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
