"""The library's one pipeline, `run_parity` (what `migrate parity go` calls), on the real vLLM server: the model
map and thresholds come from the config file, and every file of the run is written."""

from __future__ import annotations

import json

from migrate.config import load_config
from migrate.parity import ParityOutcome, report_verdicts, run_parity
from migrate.parity.compare import CompareSettings
from tests.parity.test_degenerate_runs import answered, write


def test_run_parity_reads_models_and_thresholds_from_config(tmp_path, vllm_server):
    recordings = answered(vllm_server.base_url)
    for r in recordings:  # recorded against "gpt-4o", a name the server does not serve: only the config maps it
        r.request["model"] = "gpt-4o"
    recs = write(tmp_path / "recs.jsonl", recordings)
    cfg = tmp_path / "migrate.toml"
    cfg.write_text('[models]\n"gpt-4o" = "tiny-llama"\n\n[parity.thresholds]\nexact = 1.0\n')
    config = load_config(cfg)
    out = tmp_path / "parity"
    outcome = run_parity(recs, candidate_url=vllm_server.base_url, out_dir=out, config=config,
                         replay_options={"max_retries": 0, "concurrency": 2},
                         compare_options={"settings": CompareSettings.build(config, disable=["semantic"])})
    assert isinstance(outcome, ParityOutcome)
    assert outcome.decision.outcome == "go" and outcome.exit_code == 0, outcome.decision.to_dict()
    assert outcome.replay.total == 3 and outcome.replay.errors == 0  # mapped: no 404 for "gpt-4o"
    assert "exact" in outcome.summary.gates  # the config's threshold made it a gate
    assert outcome.decision.evidence.compared == 3 and outcome.decision.evidence.recordings_read == 3
    assert set(outcome.paths) == {"run", "verdicts", "html", "markdown", "json"}
    assert all(path.is_file() for path in outcome.paths.values())
    run_lines = [json.loads(line) for line in outcome.paths["run"].read_text().splitlines()]
    assert run_lines[-1]["type"] == "replay" and run_lines[-1]["recordings_read"] == 3
    assert {line["request"]["model"] for line in run_lines if line["type"] == "result"} == {"tiny-llama"}

    # The same verdicts judged again under a stricter config: no replay, no compare.
    strict = tmp_path / "strict.toml"
    strict.write_text('[parity.comparators]\ndisable = ["semantic"]\n[parity.thresholds]\nmin_requests = 4\n')
    again = report_verdicts(outcome.paths["verdicts"], config=load_config(strict))
    assert again.decision.outcome == "inconclusive" and again.exit_code == 3
    assert again.decision.gaps == ["only 3 request(s) compared; at least 4 needed"]
