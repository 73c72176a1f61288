"""`migrate doctor`: probe a live vLLM (or any OpenAI-compatible) endpoint with the features the code uses."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

EXAMPLES = """
\b
Examples:
  migrate doctor --base-url http://localhost:8000/v1 --for ./repo
  migrate doctor --findings findings.json --format markdown > doctor.md
  migrate doctor --base-url http://gpu-box:8000/v1 --all --api-key "$VLLM_API_KEY"
  migrate doctor --for ./repo --embeddings-base-url http://localhost:8001/v1
  migrate doctor http://gpu-box:8000/v1 --save-profile gpu-box.json    probe every parameter; then
  migrate scan ./repo --target gpu-box.json                            judges the code against that server

\b
Exit status: 0 when everything the code needs works, 1 when something it needs fails,
2 when the endpoint cannot be checked (unreachable, bad key, bad arguments).
"""


@click.command(
    "doctor",
    help="Cutover preflight: probe a live endpoint with the features the codebase uses (models, chat, "
    "streaming, tools, response_format, roles, n, logprobs, embeddings, Responses API) and report pass/fail "
    "with the server's own error and the fix.\n" + EXAMPLES,
)
@click.argument("url", required=False)
@click.option("--save-profile", "save_profile", type=click.Path(dir_okay=False, path_type=Path),
              help="Probe every endpoint and parameter (a few dozen tiny requests each, never your data) and write "
              "the target profile to FILE, for `migrate scan --target FILE`.")
@click.option("--budget", type=click.IntRange(min=1), default=None,
              help="With --save-profile: at most this many requests per endpoint.  [default: 48]")
@click.option("--base-url", help="The endpoint, ending in /v1. Default: $OPENAI_BASE_URL (the config's base_url_env), "
              "else the config's base_url_default.")
@click.option("--for", "for_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Scan this codebase and probe what it uses (repeatable).")
@click.option("--findings", "findings_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use a saved scan (`migrate scan --format json`).")
@click.option("--all", "probe_all", is_flag=True, help="Probe every feature (the default without a codebase).")
@click.option("--model", help="Served model name to probe with (default: the first name the code sends).")
@click.option("--api-key", help="API key (default: the config's api_key_env, e.g. $OPENAI_API_KEY, else EMPTY).")
@click.option("--embeddings-base-url", help="A separate endpoint serving the embedding model.")
@click.option("--embeddings-model", help="Embedding model name (default: the one the code sends).")
@click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True, help="Seconds per probe.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Config file (default: found from the codebase or here).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def doctor(url, save_profile, budget, base_url, for_paths, findings_file, probe_all, model, api_key, embeddings_base_url, embeddings_model,
           timeout, config_file, fmt):
    from migrate.config import ConfigError, load_config
    from migrate.doctor import DoctorError, render_markdown, run_doctor
    from migrate.serve.needs import needs_from_findings

    if for_paths and findings_file:
        raise click.UsageError("pass --for PATH or --findings FILE, not both")
    if url and base_url and url != base_url:
        raise click.UsageError("pass the endpoint once: URL or --base-url")
    if budget is not None and not save_profile:
        raise click.UsageError("--budget goes with --save-profile")
    base_url = base_url or url
    try:
        config = load_config(config_file, start=for_paths[0] if for_paths else None)
        base_url = base_url or os.environ.get(config.base_url_env) or config.base_url_default
        api_key = api_key or os.environ.get(config.api_key_env) or config.api_key_default
        if save_profile:
            sys.exit(_save_profile(base_url, save_profile, budget, api_key, timeout, embeddings_base_url))
        features = None
        if (for_paths or findings_file) and not probe_all:
            if findings_file:
                from migrate.scan.findings import ScanResult

                result = ScanResult.load(findings_file)
            else:
                from migrate.scan import scan

                result = scan(list(for_paths))
            features = needs_from_findings(result)
        report = run_doctor(base_url, features, model=model, api_key=api_key, config=config,
                            embeddings_base_url=embeddings_base_url, embeddings_model=embeddings_model,
                            timeout_s=timeout)
    except DoctorError as e:
        click.echo(f"migrate doctor: {e}", err=True)
        sys.exit(2)
    except (ConfigError, ValueError, OSError) as e:
        click.echo(f"migrate doctor: {e}", err=True)
        sys.exit(2)

    if fmt == "json":
        click.echo(report.to_json())
    elif fmt == "markdown":
        click.echo(render_markdown(report), nl=False)
    else:
        _print_table(report)
    sys.exit(0 if report.ok else 1)


def _save_profile(base_url: str, path: Path, budget: int | None, api_key: str | None, timeout: float,
                  embeddings_base_url: str | None = None) -> int:
    from migrate.doctor.profile import DEFAULT_BUDGET, Target, probe_profile, summarize

    name = path.stem
    targets = [Target(base_url=base_url, name=name, api_key=api_key or "EMPTY")]
    if embeddings_base_url:  # a separate pooling server: a second configuration of the same profile
        targets.append(Target(base_url=embeddings_base_url, name=f"{name}-embeddings", api_key=api_key or "EMPTY"))
    profile = probe_profile(targets, name=name, budget=budget or DEFAULT_BUDGET, timeout_s=timeout)
    profile.save(path)
    for line in summarize(profile):
        click.echo(line)
    click.echo(f"profile written to {path}; judge code against it with `migrate scan PATH --target {path}`")
    return 0


def _print_table(report) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    out = Console(highlight=False)
    marks = {"pass": "[green]pass[/]", "warn": "[yellow]warn[/]", "fail": "[red]FAIL[/]", "skip": "[dim]skip[/]"}
    version = f", vLLM {report.server_version}" if report.server_version else ""
    table = Table(title=escape(f"{report.base_url}{version} — model {report.model or '-'}"), title_justify="left")
    table.add_column("feature", style="bold", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("detail")
    table.add_column("used at", style="dim")
    for r in report.results:
        where = ", ".join(r.locations[:2]) + (f" +{len(r.locations) - 2}" if len(r.locations) > 2 else "")
        table.add_row(r.feature, marks[r.status.value], escape(r.detail), escape(where))
    out.print(table)
    for r in report.results:
        if r.fix:
            out.print(f"[red]{r.feature}[/]" if r.status.value == "fail" else f"[yellow]{r.feature}[/]", end=": ")
            if r.server_error:
                out.print(f"server said{f' (HTTP {r.http_status})' if r.http_status else ''}: {escape(r.server_error)}")
                out.print("  ", end="")
            out.print(f"fix: {escape(r.fix)}")
    for note in report.notes:
        out.print(f"[dim]note: {escape(note)}[/]")
    counts = report.counts()
    verdict = "[green]ready[/]" if report.ok else f"[red]{len(report.blocking)} blocking[/]"
    out.print(f"{verdict} — {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail, "
              f"{counts['skip']} skip in {report.duration_s:.1f} s")
