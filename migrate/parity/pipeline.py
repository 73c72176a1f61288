"""The whole parity pipeline: replay, compare, decide, report (`run_parity`), or decide and report again from
saved verdicts under the current config (`report_verdicts`). Both end in `decide_and_report`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUN_NAME, VERDICTS_NAME = "run.jsonl", "verdicts.jsonl"
REPORT_NAMES = {"html": "report.html", "markdown": "summary.md", "json": "report.json"}


@dataclass
class ParityOutcome:
    replay: Any  # ReplaySummary (None for `report`, which starts from saved verdicts)
    compare: Any  # CompareResult (None when the verdicts were only read)
    decision: Any  # Decision
    summary: Any = None  # Summary: what the decision and the reports were made from
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return self.decision.exit_code


def run_parity(
    recordings: str | Path,
    *,
    candidate_url: str,
    out_dir: str | Path,
    config: Any = None,
    replay_options: dict[str, Any] | None = None,
    compare_options: dict[str, Any] | None = None,
    thresholds: Any = None,
    replay_progress: Any = None,
    compare_progress: Any = None,
    preflight: bool = True,
    engine: Any = None,
) -> ParityOutcome:
    """Replay, compare and report in one call; files go to `out_dir` (run.jsonl, verdicts.jsonl, report.*).

    `replay_options` go to `run_replay` (api_key, baseline_url, model_map, concurrency, samples, resume, ...);
    `compare_options` to `compare_run` (settings, worst, ...). The model map defaults to `[tool.migrate.models]`,
    thresholds to `[tool.migrate.parity.thresholds]`. Whatever the run produced (no answers, every request
    failing, an empty file), the reports are written and the decision says what happened. With `preflight` (the default) the
    candidate is checked first and `migrate.parity.preflight.PreflightError` raised, nothing replayed, when it
    cannot answer what the recordings use. `engine` (a `migrate.parity.cluster.RayEngine`) runs replay and compare
    on Ray, with the same files; `replay_options["candidate_urls"]` then spreads the replay over several replicas.
    """
    from migrate.parity.compare import compare_run
    from migrate.parity.replay import run_replay
    from migrate.parity.verdict import Thresholds

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    options = dict(replay_options or {})
    if config is not None and "model_map" not in options and config.models:
        options["model_map"] = dict(config.models)
    options.setdefault("preflight", preflight)
    if "scrubber" not in options:
        from migrate.record.scrub import scrubber_for

        options["scrubber"] = scrubber_for(config)
    if engine is not None:
        replay = engine.replay(recordings, out_dir / RUN_NAME, candidate_url=candidate_url, progress=replay_progress, **options)
    else:
        replay = run_replay(recordings, out_dir / RUN_NAME, candidate_url=candidate_url, progress=replay_progress, **options)
    thresholds = thresholds or Thresholds.from_config(config)
    result = compare_run(out_dir / RUN_NAME, out_dir / VERDICTS_NAME, config=config, thresholds=thresholds,
                         progress=compare_progress, scorer=engine.scorer if engine is not None else None,
                         **(compare_options or {}))
    paths = {kind: out_dir / name for kind, name in REPORT_NAMES.items()}
    outcome = decide_and_report(result.summary, thresholds, paths)
    outcome.replay, outcome.compare = replay, result
    outcome.paths = {"run": out_dir / RUN_NAME, "verdicts": out_dir / VERDICTS_NAME, **outcome.paths}
    return outcome


def report_paths(verdicts: str | Path) -> dict[str, Path]:
    """Where `report` writes beside a verdicts file: run.verdicts.jsonl -> run.report.html, run.summary.md, run.report.json."""
    verdicts = Path(verdicts)
    stem = verdicts.name.removesuffix(".jsonl").removesuffix(".verdicts")
    return {"html": verdicts.with_name(f"{stem}.report.html"), "markdown": verdicts.with_name(f"{stem}.summary.md"),
            "json": verdicts.with_name(f"{stem}.report.json")}


def report_verdicts(
    verdicts: str | Path,
    *,
    config: Any = None,
    thresholds: Any = None,
    paths: dict[str, Path | None] | None = None,
) -> ParityOutcome:
    """Decide and write the reports from a saved verdicts file, under the current config's thresholds,
    gates and prices (see `rejudge`): no model is called, nothing is compared again."""
    from migrate.parity.rejudge import rejudge
    from migrate.parity.verdict import Thresholds

    thresholds = thresholds or Thresholds.from_config(config)
    summary = rejudge(verdicts, config=config, thresholds=thresholds)
    chosen = {**report_paths(verdicts), **{k: v for k, v in (paths or {}).items() if v is not None}}
    return decide_and_report(summary, thresholds, chosen)


def decide_and_report(summary: Any, thresholds: Any, paths: dict[str, Path]) -> ParityOutcome:
    """The last step of every pipeline: decide, then write HTML / Markdown / JSON (`paths` by kind)."""
    from migrate.parity.compare.summary import Summary
    from migrate.parity.verdict import decide
    from migrate.report import write_reports

    summary = Summary.from_dict(summary)
    decision = decide(summary, thresholds)
    written = write_reports(summary, decision, html=paths.get("html"), markdown=paths.get("markdown"),
                            json_path=paths.get("json"))
    return ParityOutcome(None, None, decision, summary, written)
