#!/usr/bin/env python3
"""How long does the `migrate-scan` pre-commit hook make a commit take, on a large repository with 1 to 3
staged files?

    .venv/bin/python benchmarks/precommit_speed.py                 # updates the precommit section of docs/benchmarks.md
    .venv/bin/python benchmarks/precommit_speed.py --tree DIR --repeat 5 --json-out /tmp/precommit.json

A git repository is built from a large tree (default: this interpreter's site-packages, committed as `lib/`
so that the walker does not skip it as vendored code), the hooks are installed once by the real pre-commit
(`language: python`, from this checkout committed as a hook repository, exactly as a user's first commit
installs them), and with 1, 2 and 3 staged files holding OpenAI calls these are timed (best of --repeat,
start-up included):

  pre-commit run migrate-scan                      what the hook adds to a commit
  pre-commit run migrate-scan --files <no match>   pre-commit's own share (git status, stash checks)
  migrate scan --fail-on=needs-change FILES        the scan's share (the hook environment's migrate)
  migrate scan .                                   the whole repository, for comparison (once)
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

REPO = common.REPO
SECTION = "precommit"
HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "migrate", "templates")
STAGED = {
    "service/app.py": "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef ask(q):\n"
    "    return client.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': q}])\n",
    "service/embed.py": "import openai\n\nvectors = openai.OpenAI().embeddings.create(model='text-embedding-3-small', input='x')\n",
    "service/maths.py": "def add(a, b):\n    return a + b\n",
}
GIT_ID = ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false"]


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *GIT_ID, *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise common.BenchmarkError(f"git {' '.join(args)} in {cwd}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def pre_commit() -> list[str]:
    beside = Path(sys.executable).parent / "pre-commit"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "pre_commit"]


def build_hook_repo(dest: Path) -> str:
    dest.mkdir(parents=True)
    for name in HOOK_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "hooks")
    return git(dest, "rev-parse", "HEAD")


def build_project(tree: Path, dest: Path, hook_repo: Path, rev: str) -> int:
    shutil.copytree(tree, dest / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), symlinks=True)
    (dest / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: migrate-scan\n"
    )
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "a large tree")
    return len(git(dest, "ls-files").splitlines())


def run(args: argparse.Namespace) -> dict:
    tree = Path(args.tree or sysconfig.get_paths()["purelib"]).resolve()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    with tempfile.TemporaryDirectory(prefix="migrate-precommit-bench-") as tmp:
        work = Path(tmp)
        env["PRE_COMMIT_HOME"] = str(work / "pre-commit-home")
        rev = build_hook_repo(work / "hooks")
        project = work / "project"
        project.mkdir()
        tracked = build_project(tree, project, work / "hooks", rev)
        print(f"project: {tracked} tracked files from {tree}", file=sys.stderr)
        install = common.measure("pre-commit install-hooks", [*pre_commit(), "install-hooks"], repeat=1, cwd=project,
                                 env=env, timeout=args.timeout)  # fmt: skip
        hook_env = next(Path(env["PRE_COMMIT_HOME"]).glob("repo*/py_env-*"))
        migrate = str(hook_env / "bin" / "migrate")
        runs = []
        for count in (1, 2, 3):
            for rel, text in list(STAGED.items())[:count]:
                (project / rel).parent.mkdir(exist_ok=True)
                (project / rel).write_text(text)
                git(project, "add", rel)
            staged = list(STAGED)[:count]
            runs.append(common.measure(f"hook, {count} staged", [*pre_commit(), "run", "migrate-scan"], repeat=args.repeat,
                                       ok_returncodes=(0, 1), cwd=project, env=env, timeout=args.timeout))  # fmt: skip
            runs.append(common.measure(f"scan only, {count} file{'s' if count > 1 else ''}", [migrate, "scan", "--fail-on=needs-change", *staged],
                                       repeat=args.repeat, ok_returncodes=(0, 1), cwd=project, env=env,
                                       timeout=args.timeout))  # fmt: skip
        runs.append(common.measure("pre-commit alone", [*pre_commit(), "run", "migrate-scan", "--files", ".pre-commit-config.yaml"],
                                   repeat=args.repeat, cwd=project, env=env, timeout=args.timeout))  # fmt: skip
        runs.append(common.measure("whole repository", [migrate, "scan", "."], repeat=1, ok_returncodes=(0, 1),
                                   cwd=project, env=env, timeout=args.timeout))  # fmt: skip
    return {
        "date": _dt.date.today().isoformat(),
        "machine": common.machine_info(),
        "load": common.load_average(),
        "tree": str(tree),
        "tracked_files": tracked,
        "repeat": args.repeat,
        "install_s": install.wall_s,
        "runs": [{"name": m.name, "wall_s": m.wall_s, "runs_s": m.runs_s, "peak_rss_bytes": m.peak_rss_bytes} for m in runs],
        "command": " ".join(["benchmarks/precommit_speed.py", *(["--tree", args.tree] if args.tree else []),
                             "--repeat", str(args.repeat)]),  # fmt: skip
    }


def render_markdown(results: dict) -> str:
    rows = [(r["name"], common.format_seconds(r["wall_s"]), common.format_bytes(r["peak_rss_bytes"])) for r in results["runs"]]
    m = results["machine"]
    load = f", load average {results['load']:.1f} at the end" if results.get("load") is not None else ""
    return "\n".join([
        f"`migrate-scan` as a pre-commit hook on a repository of {results['tracked_files']:,} tracked files "
        f"(`{Path(results['tree']).name}` of the test environment), best of {results['repeat']} runs, start-up "
        f"included; {m.get('cores', '?')} CPUs{load}; {results['date']}. The hook's environment was installed "
        f"once by pre-commit in {common.format_seconds(results['install_s'])} (`pip install` of the hook repository "
        "and its dependencies).",
        "",
        common.markdown_table(["run", "wall time", "peak memory"], rows, align="lrr"),
        "",
        "The hook costs pre-commit's own share plus the scan of the staged files; the repository's size only "
        "enters through pre-commit's git calls. Reproduce:",
        "",
        f"    .venv/bin/python {results['command']}",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", help="the large tree to commit (default: this interpreter's site-packages)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800)
    common.add_output_options(parser)
    args = parser.parse_args(argv)
    results = run(args)
    text = render_markdown(results)
    print(text)
    common.write_outputs(args, results, text, SECTION, "pre-commit hook speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
