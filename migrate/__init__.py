"""migrate-kit: move a codebase from OpenAI's API to vLLM, and prove quality holds before cutover.

The public Python API. Everything is imported lazily so that `import migrate` stays cheap.

    import migrate
    result = migrate.scan(["./repo"])
    for finding in result.findings:
        print(finding.location, finding.endpoint, finding.verdict)
"""

from __future__ import annotations

from migrate._lazy import lazy_exports
from migrate._version import __version__

_LAZY = {
    "scan": "migrate.scan:scan",
    "ScanResult": "migrate.scan.findings:ScanResult",
    "Finding": "migrate.scan.findings:Finding",
    "Verdict": "migrate.scan.findings:Verdict",
    "plan_rewrite": "migrate.rewrite:plan_rewrite",
    "apply_plan": "migrate.rewrite:apply_plan",
    "create_pr": "migrate.pr:create_pr",
    "plan_server": "migrate.serve:plan_server",
    "run_doctor": "migrate.doctor:run_doctor",
    "instrument": "migrate.record:instrument",
    "recording_http_client": "migrate.record:recording_http_client",
    "run_replay": "migrate.parity.replay:run_replay",
    "run_parity": "migrate.parity:run_parity",
    "report_verdicts": "migrate.parity:report_verdicts",
    "compare_run": "migrate.parity:compare_run",
    "decide": "migrate.parity:decide",
    "Thresholds": "migrate.parity:Thresholds",
    "write_reports": "migrate.parity:write_reports",
    "load_config": "migrate.config:load_config",
    "Config": "migrate.config:Config",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)


__all__ = ["__version__", *_LAZY]
