"""`migrate report`: where the migration stands across many repositories."""

from __future__ import annotations

import sys

import click

EPILOG = """\b
Examples:
  migrate report --repos repos.txt                       clone or fetch, scan, look up each PR; change nothing
  migrate report --repos repos.txt -o status.html        the same as a page to share (.md and .json too)
  migrate report --workdir .migrate-fleet --format json  the last `migrate pr --repos` run, from its records

\b
Status of each repository: failed (with the reason), blocked (unsupported endpoints), pending-review (PR open),
to-migrate (the rewrite has changes and no PR holds them), done (nothing left to change), no-openai.
Exit status: 0 when no repository failed, 1 otherwise, 2 bad usage.
"""


@click.command("report", epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--repos", "repos_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
              help="Repositories: clone URLs, paths or org:/user:/topic: queries, one per line.")
@click.option("--workdir", metavar="DIR", help="Where the clones (and `migrate pr --repos` records) live.  "
              "[default: .migrate-fleet]")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Repositories looked at the same time.")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "html", "json"]), default=None,
              help="Output format.  [default: table, or from the -o file's extension]")
@click.option("-o", "--output", metavar="FILE", help="Write the report here instead of printing it.")
@click.option("--branch", metavar="NAME", help="The migration branch whose pull requests are looked up.  [default: migrate/vllm]")
@click.option("--base", metavar="BRANCH", help="Branch the pull requests target.  [default: each repository's default]")
@click.option("--api-url", metavar="URL", help="GitHub API base.  [default: from each remote's host]")
@click.option("--token-env", metavar="NAME", help="Environment variable holding the GitHub token.  [default: GITHUB_TOKEN, then GH_TOKEN]")
@click.option("--clone", type=click.Choice(["https", "ssh"]), default="https", show_default=True,
              help="Clone URL kind for repositories listed by org:/user:/topic: queries.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="One config (model map, rules) for every repository.  [default: each repository's own]")
@click.option("--target", type=click.Path(dir_okay=False, path_type=str), metavar="PROFILE",
              help="Judge against this target profile instead of the shipped vLLM profile.")
def report(repos_file, workdir, jobs, fmt, output, branch, base, api_url, token_env, clone, config_path, target) -> None:
    """The migration status of many repositories: done, pending review, blocked on unsupported endpoints, failed.

    With --repos, each repository is cloned or fetched into the work folder, scanned, the rewrite planned (as a
    dry run) and its open pull request looked up: nothing is committed, pushed or opened. Without --repos, the
    records of the last `migrate pr --repos` run in --workdir are reported, with no network at all.
    """
    from pathlib import Path

    from rich.console import Console

    from migrate.catalog.profile import ProfileError
    from migrate.cli import fleet
    from migrate.config import ConfigError, load_config
    from migrate.fleet import FleetOptions, render
    from migrate.fleet.render import format_for, from_state

    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if output and fmt is None:
        try:
            fmt = format_for(output)
        except ValueError as e:
            raise click.UsageError(str(e)) from None
    fmt = fmt or "table"
    if output and fmt == "table":
        raise click.UsageError("-o writes markdown, html or json: pass --format or name the file .md/.html/.json")
    workdir_path = fleet.workdir_path(workdir)
    if repos_file is None:
        if not (workdir_path / "state").is_dir():
            raise click.UsageError(f"give --repos FILE, or --workdir DIR of a `migrate pr --repos` run "
                                   f"({workdir_path} has no records)")
        result = from_state(workdir_path)
    else:
        try:
            if target is not None:
                from migrate.catalog.profile import load_profile

                load_profile(target)  # a bad file is said before any repository is touched
            if config_path:
                load_config(Path(config_path))
        except (ConfigError, ProfileError) as e:
            err.print(f"[bold red]migrate report:[/] {e}", markup=True)
            sys.exit(1)
        given = {k: v for k, v in dict(branch=branch, base=base, api_url=api_url, token_env=token_env).items() if v}
        repos = fleet.load_repos(repos_file, api_url=api_url, token_env=token_env, clone=clone, err=err)
        options = FleetOptions(workdir=workdir_path, jobs=jobs, survey=True, pr=given,
                               config_path=Path(config_path).resolve() if config_path else None,
                               target=Path(target).resolve() if target else None)
        result = fleet.run_with_progress(repos, options, show=fmt == "table" or bool(output), err=err)
    if fmt == "table":
        fleet.print_summary(out, result)
    elif output:
        fleet.write_reports(result, [output], err)
    else:
        click.echo(render(result, fmt), nl=False)
    fleet.exit_for(result)
