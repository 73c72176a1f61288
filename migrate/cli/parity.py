"""`migrate parity`: replay recordings on the candidate, compare with the baseline, report go / no-go."""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_GO, EXIT_NO_GO, EXIT_USAGE = 0, 1, 2


class _ParityGroup(click.Group):
    """`migrate parity RECORDINGS --candidate URL` is `migrate parity go RECORDINGS --candidate URL`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["go", *args]
        return super().parse_args(ctx, args)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _fail(message: str) -> None:
    _console(stderr=True).print(f"[red]error:[/red] {message}", markup=True)
    sys.exit(EXIT_USAGE)


def _load_config(path: Path | None):
    from migrate.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        _fail(str(e))


class _Progress:
    """A rich progress bar with rate and ETA on stderr, fed by the library's progress(done, total) callbacks."""

    def __init__(self, label: str, unit: str):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task):
                return Text(f"{task.speed:,.1f} {unit}/s" if task.speed else f"- {unit}/s", style="progress.data.speed")

        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                                 TextColumn("ETA"), TimeRemainingColumn(), console=_console(stderr=True), transient=False)
        self.label = label
        self.task = None

    def __enter__(self):
        self.progress.__enter__()
        self.task = self.progress.add_task(self.label, total=None)
        return self

    def __call__(self, done: int, total: int | None) -> None:
        self.progress.update(self.task, completed=done, total=total)

    def __exit__(self, *exc):
        self.progress.__exit__(*exc)


def _model_map(values: tuple[str, ...], config) -> dict[str, str]:
    mapping = dict(config.models) if config is not None else {}
    for value in values:
        name, sep, served = value.partition("=")
        if not sep or not name or not served:
            _fail(f"--model-map {value!r}: expected OPENAI_NAME=SERVED_NAME (or *=SERVED_NAME for every model)")
        mapping[name] = served
    return mapping


def _threshold_overrides(values: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for value in values:
        name, sep, number = value.partition("=")
        try:
            out[name.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep:
            _fail(f"--threshold {value!r}: expected NAME=NUMBER, e.g. --threshold semantic=0.9 or --threshold max_error_rate=0")
    return out


def _thresholds(config, overrides: tuple[str, ...]):
    from migrate.config import ConfigError
    from migrate.parity.verdict import Thresholds

    try:
        section = dict((config.section("parity") if config else {}).get("thresholds", {}))
        section.update(_threshold_overrides(overrides))
        where = f"{config.source}: " if config and config.source else ""
        return Thresholds.from_mapping(section, where=where)
    except ConfigError as e:
        _fail(str(e))


# -- options shared by several commands ------------------------------------------------------------------------
def _config_option(f):
    return click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                        help="migrate.toml or pyproject.toml to use (default: discovered from the current directory).")(f)


def _replay_options(f):
    options = [
        click.option("--candidate", "candidate", required=True, metavar="URL", envvar="MIGRATE_CANDIDATE_URL",
                     help="The candidate's OpenAI-compatible base URL, e.g. http://localhost:8000/v1 ($MIGRATE_CANDIDATE_URL)."),
        click.option("--api-key-env", default="MIGRATE_CANDIDATE_API_KEY", show_default=True,
                     help="Environment variable with the candidate's API key (vLLM's --api-key); unset: none."),
        click.option("--baseline", metavar="URL", help="Call this baseline live too, instead of using the recorded answers."),
        click.option("--baseline-api-key-env", default="OPENAI_API_KEY", show_default=True, help="Environment variable with the baseline's API key."),
        click.option("--model-map", "model_map", multiple=True, metavar="OPENAI=SERVED",
                     help="Map a recorded model name to the served one (repeatable; *=NAME for all). Default: [tool.migrate.models]."),
        click.option("--concurrency", default=16, show_default=True, type=click.IntRange(1, 4096), help="Requests in flight."),
        click.option("--rate", type=click.FloatRange(min=0.001), help="Start at most this many requests per second."),
        click.option("--samples", default=1, show_default=True, type=click.IntRange(1, 100), help="Replays per recording (agreement across samples is reported)."),
        click.option("--timeout", default=60.0, show_default=True, type=float, help="Seconds per attempt."),
        click.option("--max-retries", default=4, show_default=True, type=click.IntRange(0, 100), help="Retries on 408/409/429/5xx, timeouts and resets."),
        click.option("--resume", is_flag=True, help="Continue an interrupted run: keys already in the run file are skipped."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _compare_options(f):
    options = [
        click.option("--only", "only", multiple=True, metavar="NAME", help="Run only these comparators (repeatable)."),
        click.option("--enable", "enable", multiple=True, metavar="NAME", help="Add a comparator, e.g. --enable judge (repeatable)."),
        click.option("--disable", "disable", multiple=True, metavar="NAME", help="Leave a comparator out, e.g. --disable semantic (repeatable)."),
        click.option("--judge-url", metavar="URL", help="An LLM judge (OpenAI-compatible base URL) for the pairs the text gate's cheap layers cannot settle; --enable judge grades every pair."),
        click.option("--judge-model", metavar="MODEL", help="The judge's model name."),
        click.option("--judge-api-key-env", metavar="VAR", help="Environment variable with the judge's API key (default OPENAI_API_KEY)."),
        click.option("--embeddings-url", metavar="URL", help="Semantic similarity through this /v1/embeddings endpoint instead of the local model."),
        click.option("--embeddings-model", metavar="MODEL", help="The embedding model to ask --embeddings-url for."),
        click.option("--worst", default=50, show_default=True, type=click.IntRange(0, 10_000), help="Worst cases kept for the report."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _report_options(f):
    f = click.option("--threshold", "threshold", multiple=True, metavar="NAME=VALUE",
                     help="Override a threshold, e.g. --threshold equivalence=0.9 (repeatable).")(f)
    return f


def _settings(config, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url, embeddings_model):
    from migrate.config import ConfigError
    from migrate.parity.compare import CompareSettings

    options: dict[str, dict] = {}
    enable = list(enable)
    if judge_url or judge_model:
        if not (judge_url and judge_model):
            _fail("the judge needs both --judge-url and --judge-model")
        # The judge settles the pairs the cheap layers of the `equivalence` gate cannot; `--enable judge` grades every pair.
        options["judge"] = {"url": judge_url, "model": judge_model, **({"api_key_env": judge_api_key_env} if judge_api_key_env else {})}
    if embeddings_url:
        options["semantic"] = {"backend": "endpoint", "url": embeddings_url, **({"model": embeddings_model} if embeddings_model else {})}
    try:
        return CompareSettings.build(config, only=list(only) or None, enable=enable, disable=disable, options=options)
    except ConfigError as e:
        _fail(str(e))


def _replay(recordings: Path, out: Path, config, candidate, api_key_env, baseline, baseline_api_key_env, model_map,
            concurrency, rate, samples, timeout, max_retries, resume):
    import os

    from migrate.parity.replay import run_replay

    try:
        with _Progress("replay", "req") as progress:
            summary = run_replay(
                recordings, out, candidate_url=candidate, api_key=os.environ.get(api_key_env),
                baseline_url=baseline, baseline_api_key=os.environ.get(baseline_api_key_env) if baseline else None,
                model_map=_model_map(model_map, config), concurrency=concurrency, rate=rate, samples=samples,
                timeout=timeout, max_retries=max_retries, resume=resume, progress=progress)
    except (FileNotFoundError, FileExistsError, ValueError) as e:
        _fail(str(e))
    _show_bad(summary.bad_lines, "recordings")
    rate_s = summary.done / summary.duration_s if summary.duration_s else 0
    _console().print(f"Replayed {summary.done} request(s) in {summary.duration_s:.1f} s ({rate_s:,.1f}/s) to {summary.out}"
                     + (f"; {summary.skipped_existing} already there" if summary.skipped_existing else "")
                     + (f"; [yellow]{summary.errors} with errors[/yellow]" if summary.errors else ""))
    return summary


def _compare(run: Path, out: Path | None, config, settings, thresholds, worst: int):
    from migrate.parity.compare import compare_run

    try:
        with _Progress("compare", "req") as progress:
            result = compare_run(run, out, config=config, settings=settings, thresholds=thresholds, worst=worst, progress=progress)
    except (FileNotFoundError, ValueError) as e:
        _fail(str(e))
    _show_bad(result.bad_lines, "run")
    s = result.summary
    _console().print(f"Compared {s['records']} request(s) in {s['seconds']:.1f} s: verdicts in {result.out}")
    for name, why in s["skipped_comparators"].items():
        _console(stderr=True).print(f"[yellow]note:[/yellow] comparator {name} did not run: {why}")
    for name, why in s["disabled_comparators"].items():
        _console(stderr=True).print(f"[yellow]warning:[/yellow] comparator {name} was switched off: {why}")
    return result


def _show_bad(bad, what: str) -> None:
    if not bad:
        return
    err = _console(stderr=True)
    err.print(f"[yellow]{len(bad)} {what} line(s) skipped:[/yellow]")
    for problem in bad[:20]:
        err.print(f"  {problem}", markup=False)
    if len(bad) > 20:
        err.print(f"  ... and {len(bad) - 20} more")


def _show_decision(summary, decision, paths) -> None:
    from rich.table import Table

    console = _console()
    all_ = summary["scopes"]["all"]
    n = all_["n"]
    if decision.go:
        console.print(f"[bold white on green] GO [/] {n} request(s); every threshold holds.")
    else:
        console.print(f"[bold white on red] NO-GO [/] {n} request(s); {len(decision.reasons)} threshold(s) not met:")
        for reason in decision.reasons:
            console.print(f"  - {reason}", markup=False)
    table = Table(show_edge=False, box=None, pad_edge=False)
    for col, justify in (("comparator", "left"), ("gate", "left"), ("n", "right"), ("pass rate", "right"), ("threshold", "right")):
        table.add_column(col, justify=justify)
    checks = {c.metric: c for c in decision.checks if c.scope == "all"}
    for name, info in summary["comparators"].items():
        stats = all_["comparators"].get(name, {})
        check = checks.get(name)
        rate = stats.get("pass_rate")
        style = "" if check is None or check.passed is None else ("green" if check.passed else "red")
        table.add_row(name, "yes" if info["gate"] else "", str(stats.get("n", 0)),
                      f"[{style}]{rate:.1%}[/]" if rate is not None and style else (f"{rate:.1%}" if rate is not None else "-"),
                      f"{check.threshold:.0%}" if check else "")
    console.print(table)
    for kind, path in paths.items():
        console.print(f"{kind}: {path}")


def _write_reports(summary, decision, html, md, json_path):
    from migrate.report import write_reports

    return write_reports(summary, decision, html=html, markdown=md, json_path=json_path)


# -- commands -----------------------------------------------------------------------------------------------------
@click.group(cls=_ParityGroup)
def parity() -> None:
    """Replay recorded prompts on vLLM, compare with the baseline's answers, decide go / no-go.

    \b
    One command for the common case (replay + compare + report into --out):
      migrate parity recs.jsonl --candidate http://localhost:8000/v1 --out parity-out
    Or each step, every arrow a file you can keep:
      migrate parity run recs.jsonl --candidate http://localhost:8000/v1 --out run.jsonl
      migrate parity compare run.jsonl                   # -> run.verdicts.jsonl, no model called
      migrate parity report run.verdicts.jsonl           # -> HTML / Markdown / JSON; exit 0 go, 1 no-go

    Thresholds, comparators and prices live in [tool.migrate.parity.*] (docs/commands/parity.md).
    """


@parity.command("go")
@click.argument("recordings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", default=Path("parity-out"), show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for run.jsonl, verdicts.jsonl, report.html, summary.md, report.json.")
@_replay_options
@_compare_options
@_report_options
@_config_option
def go(recordings, out_dir, candidate, api_key_env, baseline, baseline_api_key_env, model_map, concurrency, rate, samples,
       timeout, max_retries, resume, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url,
       embeddings_model, worst, threshold, config_path) -> None:
    """Replay, compare and report in one go (also: `migrate parity RECORDINGS ...`). Exit 0 go, 1 no-go.

    \b
    Examples:
      migrate parity recs.jsonl --candidate http://localhost:8000/v1
      migrate parity recs.jsonl --candidate http://gpu-box:8000/v1 --model-map 'gpt-4o=llama-3.1-70b' --out parity-0412
      migrate parity recs.jsonl --candidate $URL --samples 3 --threshold semantic=0.9 --disable length_ratio
      migrate parity recs.jsonl --candidate $URL --out parity-0412 --resume     # after an interruption
    """
    from migrate.parity import REPORT_NAMES, RUN_NAME, VERDICTS_NAME
    from migrate.parity.verdict import decide

    config = _load_config(config_path)
    settings = _settings(config, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url, embeddings_model)
    thresholds = _thresholds(config, threshold)
    out_dir.mkdir(parents=True, exist_ok=True)
    _replay(recordings, out_dir / RUN_NAME, config, candidate, api_key_env, baseline, baseline_api_key_env, model_map,
            concurrency, rate, samples, timeout, max_retries, resume)
    result = _compare(out_dir / RUN_NAME, out_dir / VERDICTS_NAME, config, settings, thresholds, worst)
    decision = decide(result.summary, thresholds)
    paths = _write_reports(result.summary, decision, out_dir / REPORT_NAMES["html"], out_dir / REPORT_NAMES["markdown"],
                           out_dir / REPORT_NAMES["json"])
    _show_decision(result.summary, decision, paths)
    sys.exit(decision.exit_code)


@parity.command("run")
@click.argument("recordings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The run file to write (JSONL).")
@_replay_options
@_config_option
def run_cmd(recordings, out, candidate, api_key_env, baseline, baseline_api_key_env, model_map, concurrency, rate, samples,
            timeout, max_retries, resume, config_path) -> None:
    """Replay recordings on the candidate into a run file (docs/formats/run.md).

    \b
    Examples:
      migrate parity run recs.jsonl --candidate http://localhost:8000/v1 --out run.jsonl
      migrate parity run recs.jsonl --candidate $URL --out run.jsonl --model-map '*=llama' --concurrency 64 --rate 20
      migrate parity run recs.jsonl --candidate $URL --baseline https://api.openai.com/v1 --out run.jsonl
      migrate parity run recs.jsonl --candidate $URL --out run.jsonl --resume
    """
    config = _load_config(config_path)
    _replay(recordings, out, config, candidate, api_key_env, baseline, baseline_api_key_env, model_map,
            concurrency, rate, samples, timeout, max_retries, resume)


@parity.command("compare")
@click.argument("run", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Verdicts file (default: RUN's name with .verdicts.jsonl).")
@_compare_options
@_config_option
def compare_cmd(run, out, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url, embeddings_model,
                worst, config_path) -> None:
    """Score a run file with the comparators; no model is called (re-run it freely).

    Writes a verdicts file: one line per request with every comparator's score, pass/fail and
    reason, then a summary line with the aggregates the report is built from.

    \b
    Examples:
      migrate parity compare run.jsonl
      migrate parity compare run.jsonl --out verdicts.jsonl --disable semantic
      migrate parity compare run.jsonl --only tool_calls --only tool_schema
      migrate parity compare run.jsonl --judge-url https://api.openai.com/v1 --judge-model gpt-4o
    """
    from migrate.parity.compare import file_format

    config = _load_config(config_path)
    if file_format(run) == "migrate.verdicts":
        _fail(f"{run} is a verdicts file already; compare reads a run file (see `migrate parity report {run}`)")
    settings = _settings(config, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url, embeddings_model)
    _compare(run, out, config, settings, _thresholds(config, ()), worst)


@parity.command("report")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path), help="HTML report path (default: beside SOURCE).")
@click.option("--md", "md", type=click.Path(dir_okay=False, path_type=Path), help="Markdown summary path (default: beside SOURCE).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="JSON report path (default: beside SOURCE).")
@_report_options
@_config_option
def report_cmd(source, html, md, json_path, threshold, config_path) -> None:
    """Report go / no-go from a verdicts file (or a run file: compared first). Exit 0 go, 1 no-go.

    Writes a self-contained HTML report (no network), a Markdown summary sized for a PR body and
    JSON. Thresholds come from [tool.migrate.parity.thresholds] and --threshold.

    \b
    Examples:
      migrate parity report run.verdicts.jsonl
      migrate parity report run.jsonl --html report.html --md summary.md
      migrate parity report verdicts.jsonl --threshold semantic=0.9 --threshold max_error_rate=0
      gh pr comment 42 --body-file "$(migrate parity report verdicts.jsonl >/dev/null; echo verdicts.summary.md)"
    """
    from migrate.parity.compare import default_verdicts_path, file_format, read_summary
    from migrate.parity.verdict import decide

    config = _load_config(config_path)
    thresholds = _thresholds(config, threshold)
    fmt = file_format(source)
    if fmt == "migrate.run":
        settings = _settings(config, (), (), (), None, None, None, None, None)
        verdicts = _compare(source, default_verdicts_path(source), config, settings, thresholds, 50).out
    elif fmt == "migrate.verdicts":
        verdicts = source
    else:
        _fail(f"{source}: neither a run file nor a verdicts file (its first line names format {fmt!r})")
    try:
        summary = read_summary(verdicts)
    except ValueError as e:
        _fail(str(e))
    decision = decide(summary, thresholds)
    stem = verdicts.name.removesuffix(".jsonl").removesuffix(".verdicts")
    html = html or verdicts.with_name(f"{stem}.report.html")
    md = md or verdicts.with_name(f"{stem}.summary.md")
    json_path = json_path or verdicts.with_name(f"{stem}.report.json")
    paths = _write_reports(summary, decision, html, md, json_path)
    _show_decision(summary, decision, paths)
    sys.exit(decision.exit_code)
