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
    report_verdicts("verdicts.jsonl", config=config)            # decide + reports under the current config

A decision is GO (exit 0), NO-GO (1) or INCONCLUSIVE (3: not enough evidence; see migrate.parity.verdict).

Imports are lazy: `import migrate.parity` costs nothing until a name is used.
"""

from __future__ import annotations

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
    "Evidence": "migrate.parity.verdict:Evidence",
    "Summary": "migrate.parity.compare.summary:Summary",
    "rejudge": "migrate.parity.rejudge:rejudge",
    "write_reports": "migrate.report:write_reports",
    "PreflightError": "migrate.parity.preflight:PreflightError",
    "ParityOutcome": "migrate.parity.pipeline:ParityOutcome",
    "run_parity": "migrate.parity.pipeline:run_parity",
    "report_verdicts": "migrate.parity.pipeline:report_verdicts",
    "decide_and_report": "migrate.parity.pipeline:decide_and_report",
    "report_paths": "migrate.parity.pipeline:report_paths",
    "RUN_NAME": "migrate.parity.pipeline:RUN_NAME",
    "VERDICTS_NAME": "migrate.parity.pipeline:VERDICTS_NAME",
    "REPORT_NAMES": "migrate.parity.pipeline:REPORT_NAMES",
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)


__all__ = [  # noqa: RUF022 - grouped: the pipeline, then the lazily imported names in _LAZY's order
    "ParityOutcome", "run_parity", "report_verdicts", "decide_and_report", "report_paths", "run_replay", "ReplaySummary", "compare_run", "CompareResult", "CompareSettings",
    "read_summary", "comparator", "Score", "Thresholds", "Decision", "decide", "Evidence", "Summary", "rejudge", "write_reports", "PreflightError",
]
