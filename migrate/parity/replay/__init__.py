"""Replay: send recorded requests to a candidate (vLLM) and write what came back to a run file.

    from migrate.parity.replay import run_replay
    summary = run_replay("recs.jsonl", "run.jsonl", candidate_url="http://localhost:8000/v1",
                         model_map={"gpt-4o": "llama"}, concurrency=32)
    print(summary.done, summary.errors, summary.bad_lines)

`areplay` is the same as a coroutine. The run file format is `migrate.parity.runfile` (docs/formats/run.md).
"""

from __future__ import annotations

from migrate.parity.replay.engine import ReplaySummary, areplay, map_model, run_replay

__all__ = ["ReplaySummary", "areplay", "map_model", "run_replay"]
