"""Parity: replay recorded prompts on the candidate, compare with the baseline, decide go / no-go.

    from migrate.parity import run_parity
    outcome = run_parity("recs.jsonl", candidate_url="http://localhost:8000/v1", out_dir="parity-out",
                         model_map={"gpt-4o-mini": "llama"})
    outcome.decision.go, outcome.paths["html"]

Each step stands alone and every arrow is a file:

    run_replay(recordings, "run.jsonl", candidate_url=...)      # migrate.parity.replay
    compare_run("run.jsonl", "verdicts.jsonl", config=config)   # migrate.parity.compare
    decide(read_summary("verdicts.jsonl"), Thresholds.from_config(config))   # migrate.parity.verdict
    write_reports(summary, decision, html="report.html")        # migrate.report

Imports are lazy: `import migrate.parity` costs nothing until a name is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate._lazy import lazy_exports

_LAZY = {
    "run_replay": "migrate.parity.replay:run_replay",
    "ReplaySummary": "migrate.parity.replay:ReplaySummary",
    "compare_run": "migrate.parity.compare:compare_run",
    "CompareResult": "migrate.parity.compare:CompareResult",
    "CompareSettings": "migrate.parity.compare:CompareSettings",
    "read_summary": "migrate.parity.compare:read_summary",
    "comparator": "migrate.parity.compare:comparator",
    "Score": "migrate.parity.compare:Score",
    "Thresholds": "migrate.parity.verdict:Thresholds",
    "Decision": "migrate.parity.verdict:Decision",
    "decide": "migrate.parity.verdict:decide",
    "write_reports": "migrate.report:write_reports",
    "PreflightError": "migrate.parity.preflight:PreflightError",
}

RUN_NAME, VERDICTS_NAME = "run.jsonl", "verdicts.jsonl"
REPORT_NAMES = {"html": "report.html", "markdown": "summary.md", "json": "report.json"}


@dataclass
class ParityOutcome:
    replay: Any  # ReplaySummary
    compare: Any  # CompareResult
    decision: Any  # Decision
    paths: dict[str, Path] = field(default_factory=dict)


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
) -> ParityOutcome:
    """Replay, compare and report in one call; files go to `out_dir` (run.jsonl, verdicts.jsonl, report.*).

    `replay_options` go to `run_replay` (api_key, baseline_url, model_map, concurrency, samples, resume, ...);
    `compare_options` to `compare_run`. The model map defaults to `[tool.migrate.models]`. With `preflight` (the
    default) the candidate is checked first and `migrate.parity.preflight.PreflightError` raised, nothing
    replayed, when it cannot answer what the recordings use.
    """
    from migrate.parity.compare import compare_run
    from migrate.parity.replay import run_replay
    from migrate.parity.verdict import Thresholds, decide
    from migrate.report import write_reports

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    options = dict(replay_options or {})
    if config is not None and "model_map" not in options and config.models:
        options["model_map"] = dict(config.models)
    options.setdefault("preflight", preflight)
    if "scrubber" not in options:
        from migrate.record.scrub import scrubber_for

        options["scrubber"] = scrubber_for(config)
    replay = run_replay(recordings, out_dir / RUN_NAME, candidate_url=candidate_url, progress=replay_progress, **options)
    thresholds = thresholds or Thresholds.from_config(config)
    result = compare_run(out_dir / RUN_NAME, out_dir / VERDICTS_NAME, config=config, thresholds=thresholds,
                         progress=compare_progress, **(compare_options or {}))
    decision = decide(result.summary, thresholds)
    paths = write_reports(result.summary, decision, **{("json_path" if k == "json" else k): out_dir / v for k, v in REPORT_NAMES.items()})
    return ParityOutcome(replay, result, decision, {"run": out_dir / RUN_NAME, "verdicts": out_dir / VERDICTS_NAME, **paths})


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)


__all__ = [  # noqa: RUF022 - grouped: the pipeline, then the lazily imported names in _LAZY's order
    "ParityOutcome", "run_parity", "run_replay", "ReplaySummary", "compare_run", "CompareResult", "CompareSettings",
    "read_summary", "comparator", "Score", "Thresholds", "Decision", "decide", "write_reports", "PreflightError",
]
