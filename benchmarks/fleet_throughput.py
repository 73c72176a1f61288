"""Throughput of `migrate pr --repos` on a generated fleet of local bare repositories (repos/minute).

    python benchmarks/fleet_throughput.py                      # 300 repositories, --jobs 2; writes docs/benchmarks.md
    python benchmarks/fleet_throughput.py --repos 3000 --jobs 16 --no-write   # an organisation's size, on a big machine

The fleet comes from tests/fleet/generate.py: kinds in a fixed rotation of 14 (4 with OpenAI calls to migrate,
1 calling an endpoint vLLM does not serve, 1 with a file that does not parse, 1 already migrated, 4 without
OpenAI, 1 refusing pushes, 1 empty, 1 missing). The URLs are GitHub's (https://github.com/acme/NAME.git),
mapped to the local bare repositories with git's url.insteadOf, and the GitHub API is the recording fake of
the tests (tests/fleet/fake_github.py), served from this process: no network, every pull request counted.

Three runs, each `migrate pr --repos` as a child process (start-up and imports included), timed from outside:
  dry run       a fresh work folder: clone, scan, plan the rewrite and the pull request; nothing pushed or opened
  pull requests a fresh work folder: clone, scan, plan, commit, push, open the pull request
  second run    the same work folder again: nothing changed, so every finished repository is skipped
The run checks what it measured: statuses per kind, one pull request per migrated repository, no duplicate.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402 - after the sys.path insert above
    BenchmarkError,
    machine_info,
    markdown_table,
    run_once,
    update_marked_section,
)
from tests.fleet.fake_github import serve  # noqa: E402
from tests.fleet.generate import make_fleet  # noqa: E402

SECTION = "fleet-throughput"


def child_env(fleet, home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    env.update({"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
                "GIT_AUTHOR_NAME": "Fleet Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                "GIT_COMMITTER_NAME": "Fleet Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
                "GITHUB_TOKEN": "ghp_benchmark", "PYTHONPATH": str(ROOT), **fleet.git_config()})
    return env


def timed(name: str, fleet, workdir: Path, fake, env, jobs: int, *extra: str) -> dict:
    command = [sys.executable, "-m", "migrate", "pr", "--repos", str(fleet.repos_file), "--workdir", str(workdir),
               "--api-url", fake.url, "--jobs", str(jobs), "--json", *extra]
    result = run_once(command, env=env, timeout=3600)
    if result.returncode not in (0, 1):  # 1: some repositories failed, as the fleet's broken ones must
        raise BenchmarkError(f"{name}: exit {result.returncode}: {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    n = report["repositories"]
    return {"name": name, "wall_s": result.wall_s, "repos": n, "per_minute": n / result.wall_s * 60,
            "counts": report["counts"], "unchanged": report["unchanged"], "peak_rss": result.tree_rss_bytes,
            "statuses": {r["name"].split("/")[-1]: r["status"] for r in report["repos"]}}


def check(fleet, run: dict, *, dry: bool) -> None:
    for repo in fleet.repos:
        expected = repo.expected
        if dry and expected == "pending-review" or dry and repo.kind == "refuses-push":
            expected = "to-migrate"
        got = run["statuses"].get(repo.name)
        if got != expected:
            raise BenchmarkError(f"{run['name']}: {repo.name} ended {got}, expected {expected}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, default=300, help="repositories in the generated fleet")
    parser.add_argument("--jobs", type=int, default=2, help="migrate pr --jobs")
    parser.add_argument("--no-write", action="store_true", help="print the section; leave docs/benchmarks.md alone")
    parser.add_argument("--json-out", help="also write the measurements here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        fleet = make_fleet(root / "fleet", args.repos)
        generated_s = time.perf_counter() - started
        env = child_env(fleet, root / "home")
        fake, server = serve()
        load_start = os.getloadavg()[0]
        try:
            dry = timed("dry run", fleet, root / "work-dry", fake, env, args.jobs, "--dry-run")
            check(fleet, dry, dry=True)
            if fake.requests:
                raise BenchmarkError("the dry run called the GitHub API")
            full = timed("pull requests", fleet, root / "work", fake, env, args.jobs)
            check(fleet, full, dry=False)
            opened = sum(len(p) for p in fake.pulls.values())
            duplicates = sum(len(p) - 1 for p in fake.pulls.values() if len(p) > 1)
            before = len(fake.requests)
            again = timed("second run (nothing changed)", fleet, root / "work", fake, env, args.jobs)
            check(fleet, again, dry=False)
            second_requests = len(fake.requests) - before
        finally:
            server.shutdown()
            server.server_close()
        load_end = os.getloadavg()[0]

    wanted = sum(1 for r in fleet.repos if r.expected in ("pending-review", "blocked"))
    if opened != wanted or duplicates:
        raise BenchmarkError(f"{opened} pull requests opened for {wanted} repositories ({duplicates} duplicates)")
    info = machine_info()
    mix = Counter(r.kind for r in fleet.repos)
    rows = [[r["name"], r["repos"], f"{r['wall_s']:.1f} s", f"{r['per_minute']:.0f}",
             f"{r['peak_rss'] / 2**20:.0f} MiB" if r["peak_rss"] else "-",
             ", ".join(f"{n} {s}" for s, n in r["counts"].items() if n)] for r in (dry, full, again)]
    text = (
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {info['cpu']} ({info['cores']} cores, "
        f"shared with other work; 1-minute load average {load_start:.1f} at the start, {load_end:.1f} at the end), "
        f"Python {info['python']}, `--jobs {args.jobs}`. {args.repos} generated bare repositories "
        f"({', '.join(f'{n} {k}' for k, n in sorted(mix.items()))}; made in {generated_s:.1f} s), "
        "the GitHub API faked in process:\n\n"
        + markdown_table(["run", "repositories", "wall", "repos/minute", "peak memory (all processes)", "outcome"],
                         rows, align="lrrrrl")
        + f"\n{opened} pull requests opened, one per repository to migrate, no duplicate; the second run made "
        f"{second_requests} GitHub request(s) and skipped {again['unchanged']} unchanged repositories "
        "(failed ones are always retried).\n\n"
        f"Reproduce: `python benchmarks/fleet_throughput.py --repos {args.repos} --jobs {args.jobs}`\n"
    )
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"machine": info, "runs": [dry, full, again]}, indent=2))
    if not args.no_write:
        update_marked_section(ROOT / "docs" / "benchmarks.md", SECTION, text,
                              title="migrate pr --repos: many repositories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
