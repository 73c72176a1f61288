"""`migrate rewrite`: point the code at vLLM. A diff by default; --write applies; --check for CI."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3

HELP = """Rewrite the OpenAI code under PATHS (default: .) to talk to a vLLM server.

By default nothing is written: the changes are printed as a unified diff (coloured on a terminal), followed
by a summary of what changed and what is left for review. Files that do not use OpenAI are never touched.

\b
Examples:
  migrate rewrite ./repo                          show the diff, change nothing
  migrate rewrite ./repo --write                  apply it
  migrate rewrite . --check                       exit 1 when changes would be made (CI)
  migrate rewrite . --select OAI001,OAI003        only the endpoint and model rules
  migrate rewrite . --ignore OAI008 --format summary
  migrate rewrite . --include-tests               also rewrite mocks, cassettes and test modules
  migrate rewrite . --format json > plan.json     the plan, for tools
  migrate rewrite --list-rules

\b
Exit codes:
  0  done (or, with --check, nothing to change)
  1  --check: changes would be made
  2  usage error: a missing path, an unknown rule, a bad configuration file
  3  --write: some files were refused (changed on disk since the plan) or a rule failed on a file
"""


@click.command("rewrite", help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--write", "-w", is_flag=True, help="Apply the changes (default: only show them).")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when changes would be made.")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rules (ids or prefixes, comma-separated).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (ids or prefixes, comma-separated).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (relative to PATH); repeatable.")
@click.option("--include-vendored", is_flag=True, help="Also rewrite virtualenvs, site-packages and node_modules.")
@click.option("--include-tests", is_flag=True,
              help="Also rewrite test doubles: files under tests/, test_*.py, conftest.py, HTTP mocks and cassettes "
                   "(default: report them, leave them as they are).")
@click.option("-f", "--format", "fmt", type=click.Choice(["diff", "json", "summary"]), default="diff", show_default=True,
              help="diff: the patch and a summary; summary: only the summary; json: the plan.")
@click.option("--color/--no-color", default=None, help="Colour the diff (default: when writing to a terminal).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="migrate.toml or pyproject.toml to use (default: found from the first path upwards).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the idle CPUs; a pool starts only when enough files need rewriting).")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
@click.option("--target", type=click.Path(dir_okay=False, path_type=Path), metavar="PROFILE",
              help="Judge against this target profile (`migrate doctor URL --save-profile PROFILE`) instead of the "
              "shipped vLLM profile.")
def rewrite(paths, write, check, select, ignore, exclude, include_vendored, include_tests, fmt, color, config_path, jobs,
            list_rules, target):
    if list_rules:
        _list_rules()
        return
    if write and check:
        _die("--write and --check exclude each other: --check never writes")
    paths = tuple(paths) or (Path("."),)
    missing = [str(p) for p in paths if not os.path.exists(p)]
    if missing:
        _die(f"path not found: {', '.join(missing)}")

    from migrate.config import ConfigError, load_config
    from migrate.rewrite import UnknownRuleError, apply_plan, plan_rewrite

    if target is not None:
        from migrate.catalog.profile import ProfileError, load_profile

        try:
            load_profile(target)  # said before the walk; plan_rewrite judges against it
        except ProfileError as e:
            _die(str(e))
    try:
        config = load_config(config_path, start=paths[0])
        plan = plan_rewrite(list(paths), config=config, select=select, ignore=ignore, exclude=exclude,
                            include_vendored=include_vendored, include_tests=include_tests, jobs=jobs,
                            target=target)
    except (ConfigError, UnknownRuleError, FileNotFoundError) as e:
        _die(str(e))

    result = apply_plan(plan) if write else None
    if fmt == "json":
        data = plan.to_dict(texts=False)
        if result is not None:
            data["applied"] = result.to_dict()
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        if fmt == "diff" and not write:
            use_color = sys.stdout.isatty() if color is None else color
            text = plan.diff(color=use_color)
            if text:
                click.echo(text, nl=False, color=use_color)
        _summary(plan, result, write=write, check=check)
    if check and plan.changes:
        sys.exit(EXIT_CHANGES)
    if result is not None and (result.refused or plan.failures):
        sys.exit(EXIT_PARTIAL)


def _summary(plan, result, *, write: bool, check: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    out = Console(stderr=True, highlight=False, soft_wrap=True)
    if plan.changes:
        table = Table(title=None, show_edge=False, box=None, pad_edge=False)
        table.add_column("file", style="bold")
        table.add_column("rules")
        table.add_column("review", justify="right")
        by_file = plan.by_file()
        for path, entry in by_file.items():
            if entry["rules"] or entry["review"]:
                table.add_row(escape(path), ", ".join(entry["rules"]) or "-", str(len(entry["review"])) or "0")
        out.print(table)
    # Another provider's clients are reported apart: nothing to review there, only what was left alone and why.
    others = [r for r in plan.review if r.message.startswith("left alone:")]
    review = [r for r in plan.review if not r.message.startswith("left alone:")]
    if review:
        out.print(f"\n[bold yellow]Left for review[/] ({len(review)}):")
        for item in review:
            out.print(f"  {escape(item.path)}:{item.line}  [cyan]{item.rule}[/]  {escape(item.message)}")
    if others:
        out.print(f"\n[bold]Not OpenAI's, left as they are[/] ({len(others)}):")
        for item in others:
            out.print(f"  {escape(item.path)}:{item.line}  [cyan]{item.rule}[/]  {escape(item.message)}")
    if plan.failures:
        out.print(f"\n[bold red]Rules that failed[/] ({len(plan.failures)}; those files were left alone):")
        for f in plan.failures:
            out.print(f"  {escape(f.path)}  [cyan]{f.rule}[/]  {escape(f.error)}")
    if plan.skipped:
        out.print(f"\n[dim]Skipped {len(plan.skipped)} file(s) that could not be read or parsed:[/]")
        for s in plan.skipped[:20]:
            out.print(f"  [dim]{escape(s.path)}: {escape(s.reason)} {escape(s.detail)}[/]")
    counts = ", ".join(f"{rule} {n}" for rule, n in plan.rule_counts.items()) or "none"
    files = len(plan.changes)
    if result is not None:
        for path, reason in result.refused:
            out.print(f"[red]refused[/] {escape(path)}: {escape(reason)}")
        out.print(f"\n[green]Wrote {len(result.written)} file(s)[/] of {files} planned "
                  f"({plan.files_scanned} scanned, {plan.duration_s:.2f} s). Edits by rule: {counts}.")
    elif files:
        verb = "would change" if check else "would change (run with --write to apply)"
        out.print(f"\n{files} file(s) {verb}; {plan.files_scanned} scanned in {plan.duration_s:.2f} s. "
                  f"Edits by rule: {counts}.")
    else:
        out.print(f"Nothing to change in {plan.files_scanned} file(s)"
                  + (f"; {len(plan.review)} place(s) left for review." if plan.review else "."))


def _list_rules() -> None:
    from migrate.rewrite.javascript.registry import BY_ID as JS
    from migrate.rewrite.registry import RULES

    width = max(len(r.name) for r in RULES)
    for r in RULES:
        click.echo(f"{r.id}  {r.name.ljust(width)}  {r.summary}")
        if r.id in JS:
            click.echo(f"{'':{len(r.id) + width + 4}}JS/TS: {JS[r.id].summary}")


def _die(message: str) -> None:
    click.echo(f"migrate rewrite: {message}", err=True)
    sys.exit(EXIT_USAGE)
