"""`migrate pr --repos FILE` and `migrate report --repos FILE`: the migration over many repositories.

    from migrate.fleet import FleetOptions, parse_repos_file, run_fleet, write_report
    repos = parse_repos_file("repos.txt")                  # URLs, paths, org:/user:/topic: queries
    result = run_fleet(repos, FleetOptions(workdir=Path("fleet-work"), jobs=8, pr={"draft": True}))
    print(result.counts)                                   # {"failed": 1, "blocked": 2, "pending-review": 40, ...}
    write_report(result, "fleet.html")                     # or .md / .json

Queries in the file go through the GitHub API first: `resolve_queries(repos, GitHubClient(...))`.
The library never prints; `run_fleet(..., on_event=...)` reports progress.
"""

from __future__ import annotations

from migrate.fleet.outcome import STATUS_TITLES, STATUSES, RepoOutcome
from migrate.fleet.render import render, write_report
from migrate.fleet.runner import FleetOptions, FleetResult, run_fleet
from migrate.fleet.sources import Problem, RepoList, RepoSource, parse_repos_file, parse_repos_text, resolve_queries
from migrate.fleet.state import StateStore, WorkdirBusy

__all__ = [
    "FleetOptions",
    "FleetResult",
    "Problem",
    "RepoList",
    "RepoOutcome",
    "RepoSource",
    "STATUSES",
    "STATUS_TITLES",
    "StateStore",
    "WorkdirBusy",
    "parse_repos_file",
    "parse_repos_text",
    "render",
    "resolve_queries",
    "run_fleet",
    "write_report",
]
