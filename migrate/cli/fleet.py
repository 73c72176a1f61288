"""Shared by `migrate pr --repos FILE` and `migrate report`: read the list, run with a progress bar, print."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

DEFAULT_WORKDIR = ".migrate-fleet"
STYLES = {"failed": "red", "blocked": "magenta", "pending-review": "cyan", "to-migrate": "yellow", "done": "green",
          "no-openai": "dim"}


def load_repos(repos_file: str, *, api_url: str | None, token_env: str | None, clone: str, err):
    """The repositories file with its queries resolved through the GitHub API."""
    from migrate.fleet import parse_repos_file, resolve_queries
    from migrate.pr.github import GitHubClient
    from migrate.pr.remote import GITHUB_API
    from migrate.pr.workflow import TOKEN_ENVS

    try:
        repos = parse_repos_file(repos_file)
    except FileNotFoundError:
        raise click.UsageError(f"--repos {repos_file}: no such file") from None
    except UnicodeDecodeError as e:
        raise click.UsageError(f"--repos {repos_file}: not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise click.UsageError(f"--repos {repos_file}: cannot read it ({e.strerror})") from None
    if repos.queries:
        name = token_env or next((n for n in TOKEN_ENVS if os.environ.get(n)), None)
        token = os.environ.get(name, "") if name else ""
        if not token:
            err.print("[yellow]warning:[/] no GITHUB_TOKEN or GH_TOKEN: listing public repositories only, at GitHub's "
                      "unauthenticated rate limit")
        with GitHubClient(api_url or GITHUB_API, token, token_env=name or "GITHUB_TOKEN") as client:
            repos = resolve_queries(repos, client, clone=clone)
    if not repos.sources and not repos.problems:
        raise click.UsageError(f"--repos {repos_file}: lists no repository (one URL, path or org:NAME per line)")
    return repos


def run_with_progress(repos, options, *, show: bool, err):
    from migrate.fleet import WorkdirBusy

    try:
        return _run(repos, options, show, err)
    except WorkdirBusy as e:
        raise click.ClickException(str(e)) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted:[/] what was finished is recorded; run the same command again to go on")
        sys.exit(130)


def _run(repos, options, show: bool, err):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from migrate.fleet import run_fleet

    if not show:
        return run_fleet(repos, options)
    progress = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TextColumn("{task.fields[last]}", style="dim"), console=err)
    task = progress.add_task("repositories", total=len(repos.sources), last="")

    def on_event(kind, source, info):
        if kind == "done":
            progress.update(task, advance=1, last=f"{source.name}: {info.status}")

    with progress:
        return run_fleet(repos, options, on_event=on_event)


def print_summary(out, result) -> None:
    from rich.markup import escape
    from rich.table import Table

    from migrate.fleet import STATUS_TITLES, STATUSES

    if not out.is_terminal:
        out.width = max(out.width, 200)  # piped to a file or a CI log: room for the reasons and links
    table = Table(show_lines=False, pad_edge=False, box=None, header_style="bold")
    for column in ("REPOSITORY", "STATUS", "FINDINGS", "FILES", "PULL REQUEST OR REASON"):
        table.add_column(column, overflow="fold", justify="right" if column == "FILES" else "left",
                         no_wrap=column in ("STATUS", "FILES"))
    order = {s: i for i, s in enumerate(STATUSES)}
    for o in sorted(result.outcomes, key=lambda o: (order.get(o.status, 0), o.name)):
        status = f"[{STYLES.get(o.status, '')}]{o.status}[/]" + (" [dim](unchanged)[/]" if o.unchanged else "")
        table.add_row(escape(o.name), status, escape(o.verdict_text()), str(len(o.files_changed)),
                      escape(o.shown_reason))
    out.print(table)
    for note in result.notes:
        out.print(f"[dim]note: {escape(note)}[/]")
    counts = result.counts
    parts = [f"[{STYLES[s]}]{counts[s]} {STATUS_TITLES[s].lower()}[/]" for s in STATUSES if counts.get(s)]
    unchanged = sum(o.unchanged for o in result.outcomes)
    out.print(f"{len(result.outcomes)} repositories in {result.seconds:.1f} s: " + ", ".join(parts)
              + (f" ({unchanged} unchanged since the last run)" if unchanged else ""))


def write_reports(result, paths, err) -> None:
    from migrate.fleet import write_report

    for path in paths:
        written = write_report(result, path)
        err.print(f"[dim]wrote {written}[/]")


def check_report_paths(paths) -> None:
    from migrate.fleet.render import format_for

    for path in paths:
        try:
            format_for(path)
        except ValueError as e:
            raise click.UsageError(str(e)) from None


def echo_json(result) -> None:
    click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))


def workdir_path(value: str | None) -> Path:
    return Path(value or DEFAULT_WORKDIR).resolve()


def exit_for(result) -> None:
    sys.exit(0 if result.ok else 1)
