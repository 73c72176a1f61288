"""`migrate pr`: commit the rewrite to a branch, push it, and open the pull request."""

from __future__ import annotations

import json
import sys

import click

EPILOG = """\b
Examples:
  migrate pr .                              branch migrate/vllm, commit, push, open the PR
  migrate pr . --dry-run                    show the branch, commit message and PR body; touch nothing
  migrate pr src/ --branch llama --draft    a draft PR from branch "llama", rewriting src/ only
  migrate pr . --parity-report parity.md    embed the parity verdict in the PR body
  migrate pr . --no-push                    commit locally only
  migrate pr . --refresh                    scheduled job: keep one migration PR up to date with the base
  GH_TOKEN=... migrate pr . --api-url https://ghe.example.com/api/v3
  migrate pr --repos repos.txt --jobs 8     every repository listed (URLs, paths, org:NAME): one PR each
  migrate pr --repos repos.txt --dry-run --report fleet.html

\b
The pull request is opened through the GitHub REST API when GITHUB_TOKEN or GH_TOKEN (or --token-env NAME)
is set and the remote is on GitHub; otherwise the body and a compare link are printed.
Settings can live in [tool.migrate.pr] (pyproject.toml) or [pr] (migrate.toml): branch, base, remote,
title, draft, labels, reviewers, token-env, api-url, github-hosts, body-template.
Exit status: 0 done (or nothing to change), 1 stopped with a message, 2 bad usage.
"""


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.command("pr", epilog=EPILOG, context_settings={"max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@click.option("--branch", metavar="NAME", help="Branch to create.  [default: migrate/vllm]")
@click.option(
    "--base",
    metavar="BRANCH",
    help="Branch the pull request targets.  [default: the remote's default branch, else the current one]",
)
@click.option("--remote", metavar="NAME", help="Remote to push to.  [default: origin]")
@click.option("--title", metavar="TEXT", help="Pull request title and commit subject.")
@click.option("--draft/--ready", default=None, help="Open the pull request as a draft.")
@click.option(
    "--allow-dirty",
    is_flag=True,
    default=None,
    help="Run with uncommitted changes (they are never committed; files with them are left out).",
)
@click.option(
    "--force-branch",
    is_flag=True,
    default=None,
    help="Replace an existing branch of the same name (pushed with --force-with-lease).",
)
@click.option(
    "--refresh",
    is_flag=True,
    default=None,
    help="For scheduled runs: rebuild the branch on the current base when it holds only migrate-kit's own commit "
    "(a branch someone committed to is left alone), and leave a pull request closed unmerged closed.",
)
@click.option("--push/--no-push", default=None, help="Push the branch (default) or only commit it locally.")
@click.option(
    "--open/--no-open", "open_pr", default=None, help="Open the pull request through the API (default) or only push."
)
@click.option("--dry-run", is_flag=True, help="Show the branch, commit message and body; change nothing.")
@click.option(
    "--token-env",
    metavar="NAME",
    help="Environment variable holding the GitHub token.  [default: GITHUB_TOKEN, then GH_TOKEN]",
)
@click.option(
    "--api-url",
    metavar="URL",
    help="GitHub API base, e.g. https://ghe.example.com/api/v3.  [default: from the remote host]",
)
@click.option(
    "--label", "labels", multiple=True, metavar="NAME", help="Label for the pull request (repeat, or comma-separate)."
)
@click.option(
    "--reviewer",
    "reviewers",
    multiple=True,
    metavar="USER",
    help="Reviewer to request: a user or org/team (repeat, or comma-separate).",
)
@click.option(
    "--parity-report",
    type=click.Path(dir_okay=False, path_type=str),
    metavar="FILE.md",
    help="Embed this Markdown parity report in the body.",
)
@click.option(
    "--doctor-report",
    type=click.Path(dir_okay=False, path_type=str),
    metavar="FILE.md",
    help="Embed this Markdown `migrate doctor` report in the body.",
)
@click.option(
    "--body-template",
    type=click.Path(dir_okay=False, path_type=str),
    metavar="FILE.j2",
    help="Your own Jinja2 template for the body (context: see docs/commands/pr.md).",
)
@click.option("--no-scan", is_flag=True, help="Leave the findings table out of the body (skips the scan).")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rewrite rules (ids, comma-separated).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rewrite rules (ids, comma-separated).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave matching paths out (repeatable).")
@click.option(
    "--include-tests",
    is_flag=True,
    default=None,
    help="Also rewrite test doubles (mocks, cassettes, test modules); by default they are listed for review.",
)
@click.option("--include-vendored", is_flag=True, default=None, help="Also rewrite virtualenvs, site-packages, node_modules.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Config file.  [default: migrate.toml or pyproject.toml, found upward]",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (for CI).")
@click.option("--target", type=click.Path(dir_okay=False, path_type=str), metavar="PROFILE",
              help="Judge against this target profile (`migrate doctor URL --save-profile PROFILE`) instead of the "
              "shipped vLLM profile.")
@click.option("--repos", "repos_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
              help="Many repositories: clone URLs, paths or org:/user:/topic: queries, one per line (see docs).")
@click.option("--workdir", metavar="DIR", help="With --repos: where the clones and the run's state live.  "
              "[default: .migrate-fleet]")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=4, show_default=True,
              help="With --repos: repositories worked on at the same time.")
@click.option("--report", "reports", multiple=True, metavar="FILE",
              help="With --repos: also write the summary to FILE (.html, .md or .json; repeatable).")
@click.option("--redo", is_flag=True, help="With --repos: redo repositories even when nothing changed since the last run.")
@click.option("--clone", type=click.Choice(["https", "ssh"]), default="https", show_default=True,
              help="With --repos: clone URL kind for repositories listed by org:/user:/topic: queries.")
def pr(paths, config_path, as_json, dry_run, no_scan, labels, reviewers, select, ignore, exclude, target,
       repos_file, workdir, jobs, reports, redo, clone, **flags) -> None:
    """Commit the rewrite to a new branch, push it, and open a pull request that explains it.

    Only the files the rewrite changed are committed; your checked-out branch, index and work tree are never
    touched. Files that look like secrets (.env with real keys, *.pem, id_rsa, ...) are never committed.
    """
    from pathlib import Path

    from rich.console import Console

    from migrate.catalog.profile import ProfileError
    from migrate.config import ConfigError, load_config
    from migrate.pr import PrError, create_pr, resolve_options

    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if repos_file is None and (workdir or reports or redo):
        raise click.UsageError("--workdir, --report and --redo go with --repos FILE")
    if repos_file is not None:
        if paths:
            raise click.UsageError("give either PATHS (one repository) or --repos FILE (many), not both")
        fleet_flags = dict(flags, labels=_split(labels) or None, reviewers=_split(reviewers) or None,
                           select=_split(select) or None, ignore=_split(ignore) or None, exclude=exclude or None,
                           scan=False if no_scan else None)
        _fleet(repos_file, fleet_flags, config_path=config_path, target=target, workdir=workdir, jobs=jobs,
               dry_run=dry_run, refresh=redo, reports=reports, clone=clone, as_json=as_json, out=out, err=err)
        return
    paths = paths or (".",)
    try:
        if target is not None:
            from migrate.catalog.profile import load_profile

            load_profile(target)  # a bad file is said before anything starts
        config = load_config(Path(config_path) if config_path else None, start=Path(paths[0]))
        for key in ("parity_report", "doctor_report", "body_template"):
            if flags.get(key):
                flags[key] = Path(flags[key])
        options = resolve_options(
            config,
            dry_run=dry_run,
            scan=False if no_scan else None,
            labels=_split(labels) or None,
            reviewers=_split(reviewers) or None,
            select=_split(select) or None,
            ignore=_split(ignore) or None,
            exclude=exclude or None,
            target=Path(target).resolve() if target else None,  # the body's verdicts and the rewrite's notes
            **flags,
        )
        log = None if as_json else (lambda message: err.print(f"[dim]· {message}[/]"))
        result = create_pr(paths, options, config=config, log=log)
    except (PrError, ConfigError, ProfileError) as e:
        if as_json:
            click.echo(json.dumps({"ok": False, "error": str(e)}, indent=2))
        else:
            err.print(f"[bold red]migrate pr:[/] {e}", markup=True)
        sys.exit(1)

    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _report(out, result)
    sys.exit(0 if result.ok else 1)


def _fleet(repos_file, flags, *, config_path, target, workdir, jobs, dry_run, refresh, reports, clone, as_json, out,
           err) -> None:
    from pathlib import Path

    from migrate.catalog.profile import ProfileError
    from migrate.cli import fleet
    from migrate.config import ConfigError, load_config
    from migrate.fleet import FleetOptions

    fleet.check_report_paths(reports)
    for key in ("parity_report", "doctor_report", "body_template"):
        if flags.get(key):
            flags[key] = Path(flags[key]).resolve()
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        if target is not None:
            from migrate.catalog.profile import load_profile

            load_profile(target)  # a bad file is said before any repository is touched
        if config_path:
            load_config(Path(config_path))  # a bad file stops here, before any repository is touched
    except (ConfigError, ProfileError) as e:
        err.print(f"[bold red]migrate pr:[/] {e}", markup=True)
        sys.exit(1)
    repos = fleet.load_repos(repos_file, api_url=given.get("api_url"), token_env=given.get("token_env"), clone=clone,
                             err=err)
    options = FleetOptions(workdir=fleet.workdir_path(workdir), jobs=jobs, dry_run=dry_run, refresh=refresh, pr=given,
                           config_path=Path(config_path).resolve() if config_path else None,
                           target=Path(target).resolve() if target else None)
    result = fleet.run_with_progress(repos, options, show=not as_json, err=err)
    fleet.write_reports(result, reports, err)
    if as_json:
        fleet.echo_json(result)
    else:
        fleet.print_summary(out, result)
    fleet.exit_for(result)


def _report(out, result) -> None:
    from rich.markup import escape

    for warning in result.warnings:
        out.print(f"[yellow]warning:[/] {escape(warning)}")
    if result.status == "nothing-to-change":
        review = (
            f"; {result.review_count} place(s) are left for review (migrate rewrite --diff)"
            if result.review_count
            else ""
        )
        out.print(
            f"[green]Nothing to change:[/] the rewrite finds nothing to do here, so no branch or commit was made{review}."
        )
        return
    for path, why in result.refused:
        out.print(f"[yellow]not committed:[/] {escape(path)}: {escape(why)}")
    if result.status == "nothing-to-commit":
        out.print("[red]Nothing committed:[/] every file the rewrite changed was left out (reasons above).")
        return
    if result.status == "pr-closed":
        out.print(f"[yellow]Left alone:[/] {escape(result.pr_skipped or '')}")
        return
    if result.status == "dry-run":
        out.print(
            f"[bold]Dry run[/]: nothing was changed. Would {result.branch_action} branch [bold]{escape(result.branch)}[/] "
            f"on {result.parent[:12]} for base [bold]{escape(result.base)}[/] with {len(result.files)} file(s):"
        )
        for path in result.files:
            out.print(f"  {escape(path)}")
        out.rule("commit message")
        out.print(result.message, markup=False)
        out.rule("pull request body")
        out.print(result.body, markup=False)
        out.rule()
        if result.pr_skipped:
            out.print(f"Pull request: {escape(result.pr_skipped)}")
        return
    if result.branch_action == "reuse":
        out.print(
            f"[green]Up to date:[/] branch [bold]{escape(result.branch)}[/] already holds this rewrite "
            f"({result.commit[:12]}, {len(result.files)} file(s)); no new commit."
        )
    else:
        verb = "Created" if result.branch_action == "create" else "Replaced"
        out.print(
            f"[green]{verb}[/] branch [bold]{escape(result.branch)}[/] at {result.commit[:12]}: "
            f"{len(result.files)} file(s) changed."
        )
    if result.pushed:
        out.print(f"[green]Pushed[/] to {escape(result.remote_url or '')}.")
    if result.pull_request:
        out.print(f"[green]Pull request {result.pull_request.action}:[/] {result.pull_request.url}")
        return
    if result.pr_error:
        out.print(f"[red]Pull request not opened:[/] {escape(result.pr_error)}")
        return
    if result.pushed:
        out.print(f"Pull request not opened through the API: {escape(result.pr_skipped or '')}")
        out.rule("pull request body (paste it when you open the pull request)")
        out.print(result.body, markup=False)
        out.rule()
        if result.compare_url:
            out.print(f"Open it here: {result.compare_url}")
    else:
        out.print(
            f"Not pushed: {escape(result.pr_skipped or '')}. Push with `git push -u <remote> {escape(result.branch)}`."
        )
