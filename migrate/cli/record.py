"""`migrate record`: capture prompts and the baseline's answers as recordings."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import click

REDACT_HELP = ("Also redact e-mail addresses or phone numbers in bodies (repeatable; adds to [tool.migrate.record] redact). "
               "Secrets are always scrubbed.")
MAX_BAD_SHOWN = 20


def _with_configured(ctx, param, value):
    """The flags given plus `redact` / `redact_regex` from [tool.migrate.record] (parity replays with the same)."""
    from migrate.config import ConfigError, load_config
    from migrate.record.scrub import scrubber_for

    try:
        settings = scrubber_for(load_config()).settings()
    except ConfigError as e:
        raise click.UsageError(str(e)) from None
    return tuple(dict.fromkeys((*settings[param.name], *value)))


def _redaction_options(f):
    f = click.option("--redact-regex", "redact_regex", multiple=True, metavar="RE", callback=_with_configured,
                     help="Redact matches of your own regex (repeatable; adds to [tool.migrate.record] redact_regex).")(f)
    f = click.option("--redact", multiple=True, type=click.Choice(["email", "phone"]), callback=_with_configured, help=REDACT_HELP)(f)
    f = click.option("--tag", "tags", multiple=True, metavar="TAG", help="Tag every recording (repeatable), e.g. --tag checkout.")(f)
    return f


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _report_bad(bad) -> None:
    if not bad:
        return
    err = _console(stderr=True)
    err.print(f"[yellow]{len(bad)} line(s) skipped:[/yellow]")
    for problem in bad[:MAX_BAD_SHOWN]:
        err.print(f"  {problem}", markup=False)
    if len(bad) > MAX_BAD_SHOWN:
        err.print(f"  ... and {len(bad) - MAX_BAD_SHOWN} more")


def _fail(message: str) -> None:
    _console(stderr=True).print(f"[red]error:[/red] {message}")
    sys.exit(2)


@click.group()
def record() -> None:
    """Capture real prompts and the baseline's answers as recordings (JSONL).

    \b
    Three ways in:
      in the app     migrate.record.instrument(client, "recs.jsonl")  (Python SDK hook)
      a proxy        migrate record proxy --upstream https://api.openai.com/v1 --out recs.jsonl
      from files     migrate record import-batch / import-prompts

    Authorization headers, API keys and cookies are never written; key-looking values (sk-...) are
    scrubbed anywhere. The format is described in docs/formats/recordings.md.
    """


@record.command()
@click.option("--upstream", required=True, metavar="URL", help="Where to forward, e.g. https://api.openai.com/v1.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Recordings file (appended to).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8089, show_default=True, type=int, help="Port to listen on (0: any free port).")
@click.option("--timeout", default=600.0, show_default=True, type=float, help="Seconds to wait for upstream data before giving up.")
@click.option("--drain-timeout", default=60.0, show_default=True, type=click.FloatRange(0), help="On stop, seconds to let requests in flight finish (streams included).")
@click.option("--shadow", "shadow_url", metavar="URL", help="Also send a copy of every recorded request to this candidate (e.g. http://localhost:8000/v1), off the app's path.")
@click.option("--shadow-out", type=click.Path(dir_okay=False, path_type=Path), help="Run file for the shadow's answers (default: OUT with .shadow.jsonl).")
@click.option("--shadow-model-map", "shadow_model_map", multiple=True, metavar="OPENAI=SERVED",
              help="Map a model name for the candidate (repeatable; *=NAME for all). Default: [tool.migrate.models].")
@click.option("--shadow-rate", default=1.0, show_default=True, type=click.FloatRange(0, 1), help="Fraction of requests shadowed (sampled at random).")
@click.option("--shadow-max-in-flight", default=16, show_default=True, type=click.IntRange(1, 4096), help="Shadow requests running at once; beyond that a request is not shadowed.")
@click.option("--shadow-timeout", default=30.0, show_default=True, type=click.FloatRange(0, min_open=True), help="Seconds the candidate gets per request (never retried).")
@click.option("--shadow-api-key-env", default="MIGRATE_CANDIDATE_API_KEY", show_default=True, help="Environment variable with the candidate's API key; unset: none.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Config file (default: pyproject.toml / migrate.toml found upward).")
@_redaction_options
def proxy(upstream: str, out: Path, host: str, port: int, timeout: float, drain_timeout: float, shadow_url: str | None,
          shadow_out: Path | None, shadow_model_map, shadow_rate: float, shadow_max_in_flight: int, shadow_timeout: float,
          shadow_api_key_env: str, config_path: Path | None, tags, redact, redact_regex) -> None:
    """Run a recording proxy: point OPENAI_BASE_URL at it and every model call is recorded.

    Every method and path is forwarded; POST requests with a JSON body are recorded. Streams reach
    the app byte for byte as they arrive. Stop with Ctrl-C or SIGTERM: the proxy stops accepting
    connections, lets the requests in flight finish (up to --drain-timeout; a second Ctrl-C cuts it
    short), writes every recording and prints a summary.

    \b
    Examples:
      migrate record proxy --upstream https://api.openai.com/v1 --out recs.jsonl
      OPENAI_BASE_URL=http://127.0.0.1:8089/v1 python app.py
      migrate record proxy --upstream https://api.openai.com/v1 --out recs.jsonl --port 9000 --redact email --tag staging
      migrate record proxy --upstream https://api.openai.com/v1 --out recs.jsonl --shadow http://localhost:8000/v1 --shadow-model-map '*=llama' --shadow-rate 0.1

    With --shadow, each recorded request is also sent to the candidate once the app has its answer,
    and both answers go to a run file (--shadow-out) that `migrate parity compare`, `report` and
    `watch` read as they read `parity run`'s.
    """
    import asyncio

    from migrate.record.proxy import RecordingProxy, serve

    shadow = None
    if shadow_url:
        shadow = _shadow(shadow_url, shadow_out or _default_shadow_out(out), out, upstream, shadow_model_map, shadow_rate,
                         shadow_max_in_flight, shadow_timeout, shadow_api_key_env, config_path)
    try:
        server = RecordingProxy(upstream, out, host=host, port=port, tags=tags, redact=redact, redact_regex=redact_regex,
                                timeout=timeout, drain_timeout=drain_timeout, shadow=shadow)
    except ValueError as e:
        _fail(str(e))
    console = _console()
    err = _console(stderr=True)

    def started() -> None:
        console.print(f"Recording proxy on [bold]{server.url}[/bold] -> {upstream}")
        console.print(f"Point your app at it:  OPENAI_BASE_URL={server.url}/v1")
        console.print(f"Recording to {out} (Ctrl-C to stop)")
        if shadow is not None:
            console.print(f"Shadowing {shadow.rate:.0%} of requests to {shadow.candidate_url} -> {shadow.run_path}"
                          f"  (watch: migrate parity watch {shadow.run_path})")

    def stopping(in_flight: int, hurried: bool) -> None:
        if hurried:
            err.print(f"Stopping now: {in_flight} request(s) still in flight are recorded as cut.")
        elif in_flight:
            err.print(f"Stopping: letting {in_flight} request(s) in flight finish (up to {drain_timeout:g} s; Ctrl-C again to stop now).")

    try:
        asyncio.run(serve(server, on_started=started, on_stopping=stopping))
    except OSError as e:
        _fail(f"cannot listen on {host}:{port}: {e.strerror or e}; choose another --port")
    console.print(_proxy_summary(server))


def _proxy_summary(server) -> str:
    s = server.stats
    parts = [f"{s.forwarded} request(s) forwarded", f"{s.recorded} recorded", f"{s.upstream_errors} upstream error(s)"]
    if s.app_disconnects:
        parts.append(f"{s.app_disconnects} closed early by the app")
    if s.cut_at_stop:
        parts.append(f"{s.cut_at_stop} cut at stop")
    line = "Stopped: " + ", ".join(parts) + "."
    if server.shadow is not None:
        h = server.shadow.stats
        line += (f"\nShadow: {h.sent} sent to the candidate, {h.ok} answered, {h.errors} failed, {h.written} written to "
                 f"{server.shadow.run_path}; not shadowed: {h.skipped_by_rate} by --shadow-rate, {h.dropped_busy} while "
                 f"{server.shadow.max_in_flight} were in flight, {h.paused_unreachable} while the candidate was unreachable.")
    return line


def _default_shadow_out(out: Path) -> Path:
    from migrate.shadow import default_run_path

    return default_run_path(out)


def _shadow(url, run_path, recordings, upstream, model_map_values, rate, max_in_flight, timeout, api_key_env, config_path):
    from migrate.config import ConfigError, load_config, model_map_with
    from migrate.shadow import Shadow

    try:
        config = load_config(config_path)
    except ConfigError as e:
        _fail(str(e))
    try:
        model_map = model_map_with(config, model_map_values, "--shadow-model-map")
    except ConfigError as e:
        _fail(str(e))
    try:
        return Shadow(url, run_path, model_map=model_map, rate=rate, max_in_flight=max_in_flight, timeout=timeout,
                      api_key=os.environ.get(api_key_env), recordings=recordings, primary_url=upstream)
    except ValueError as e:
        _fail(str(e))


@record.command("import-batch")
@click.option("--input", "input_", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The Batch API input file (custom_id, method, url, body).")
@click.option("--output", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The batch's output file (answers).")
@click.option("--errors", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The batch's error file, if it has one.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Recordings file (appended to).")
@_redaction_options
def import_batch(input_: Path, output: Path | None, errors: Path | None, out: Path, tags, redact, redact_regex) -> None:
    """Import an OpenAI Batch API job: requests and answers joined by custom_id.

    The custom_id becomes the recording id. Requests without an answer line are imported
    unanswered (with the reason in their error field).

    \b
    Examples:
      migrate record import-batch --input batch_input.jsonl --output batch_output.jsonl --out recs.jsonl
      migrate record import-batch --input in.jsonl --output out.jsonl --errors err.jsonl --out recs.jsonl --tag nightly
    """
    from migrate.record.importers import import_batch as run

    try:
        summary = run(input_, output, out, errors=errors, tags=tags, redact=redact, redact_regex=redact_regex)
    except ValueError as e:
        _fail(str(e))
    _report_bad(summary.bad_lines)
    _console().print(
        f"Imported {summary.imported} recording(s) to {summary.out}: {summary.with_response} with an answer, "
        f"{summary.without_response} without."
    )


@record.command("import-prompts")
@click.argument("prompts", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Recordings file (appended to).")
@click.option("--baseline", metavar="URL", help="Produce the answers live from this endpoint (e.g. https://api.openai.com/v1).")
@click.option("--api-key-env", default="OPENAI_API_KEY", show_default=True, help="Environment variable holding the baseline's API key.")
@click.option("--model", help="Model for lines that name none.")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 1024), help="Requests in flight to the baseline.")
@click.option("--timeout", default=120.0, show_default=True, type=float, help="Seconds per attempt.")
@click.option("--max-retries", default=4, show_default=True, type=click.IntRange(0, 100), help="Retries per request (Retry-After honoured).")
@_redaction_options
def import_prompts(prompts: Path, out: Path, baseline: str | None, api_key_env: str, model: str | None, concurrency: int,
                   timeout: float, max_retries: int, tags, redact, redact_regex) -> None:
    """Import plain JSONL prompts (requests without answers), optionally answering them live.

    Each line is a chat request body ({"model": ..., "messages": [...]}), a bare prompt
    ({"prompt": "..."}: one user message), or a Batch-style line ({"custom_id", "url", "body"}).
    An "id" and "tags" next to the body are kept.

    \b
    Examples:
      migrate record import-prompts prompts.jsonl --out recs.jsonl --model gpt-4o-mini
      OPENAI_API_KEY=sk-... migrate record import-prompts prompts.jsonl --out recs.jsonl --baseline https://api.openai.com/v1
    """
    from migrate.record.importers import import_prompts as run

    api_key = os.environ.get(api_key_env) if baseline else None
    if baseline and not api_key:
        _console(stderr=True).print(f"[yellow]warning:[/yellow] ${api_key_env} is not set; calling {baseline} without an API key")
    progress = None
    if baseline:
        err = _console(stderr=True)

        def progress(done: int, total: int | None) -> None:
            if done % 50 == 0:
                err.print(f"  {done} answered", markup=False)

    try:
        summary = run(prompts, out, model=model, baseline_url=baseline, api_key=(api_key or "EMPTY") if baseline else None,
                      concurrency=concurrency, timeout=timeout, max_retries=max_retries, tags=tags, redact=redact,
                      redact_regex=redact_regex, progress=progress)
    except ValueError as e:
        _fail(str(e))
    _report_bad(summary.bad_lines)
    _console().print(
        f"Imported {summary.imported} recording(s) to {summary.out}: {summary.with_response} answered, "
        f"{summary.without_response} without an answer."
    )


@record.command()
@click.argument("recordings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect(recordings: Path) -> None:
    """Check a recordings file and summarise it: endpoints, models, streams, answers, bad lines.

    Exits 1 when a line cannot be read (each is listed with its line number).

    \b
    Examples:
      migrate record inspect recs.jsonl
    """
    from rich.table import Table

    from migrate.record.format import read_recordings

    bad: list = []
    endpoints: Counter[str] = Counter()
    models: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    total = streamed = answered = failed = 0
    for _, rec in read_recordings(recordings, bad=bad):
        total += 1
        endpoints[rec.endpoint] += 1
        models[rec.model or "(none)"] += 1
        tags.update(rec.tags)
        streamed += rec.stream
        answered += rec.response is not None and rec.error is None and (rec.status or 200) < 400
        failed += rec.error is not None or (rec.status or 200) >= 400
    console = _console()
    table = Table(title=f"{recordings}: {total} recording(s)", show_header=True)
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in (("answered", answered), ("failed or error status", failed), ("unanswered", total - answered - failed), ("streamed", streamed)):
        table.add_row(label, str(value))
    for title, counter in (("endpoint", endpoints), ("model", models), ("tag", tags)):
        for name, count in counter.most_common(10):
            table.add_row(f"{title} {name}", str(count))
    console.print(table)
    _report_bad(bad)
    if bad:
        sys.exit(1)
