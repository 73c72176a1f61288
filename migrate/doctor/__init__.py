"""`migrate doctor`: a cutover preflight that probes a live endpoint with the features a codebase uses.

    from migrate.doctor import run_doctor, render_markdown
    from migrate.serve import needs_from_findings
    report = run_doctor("http://localhost:8000/v1", needs_from_findings(scan_result))
    report.ok              # False when something the code needs fails
    print(render_markdown(report))
"""

from __future__ import annotations

from migrate.doctor.report import DoctorReport, ProbeResult, Status, render_markdown
from migrate.doctor.run import DoctorError, run_doctor

__all__ = ["run_doctor", "DoctorReport", "ProbeResult", "Status", "DoctorError", "render_markdown"]
