"""`migrate doctor`: a cutover preflight that probes a live endpoint with the features a codebase uses.

    from migrate.doctor import run_doctor, render_markdown
    from migrate.serve import needs_from_findings
    report = run_doctor("http://localhost:8000/v1", needs_from_findings(scan_result))
    report.ok              # False when something the code needs fails
    print(render_markdown(report))

Why a request fails and what fixes it lives in `migrate.doctor.causes`, shared with `migrate parity`.
Imports are lazy: `import migrate.doctor.causes` does not load the probes.
"""

from __future__ import annotations

from migrate._lazy import lazy_exports

_LAZY = {
    "run_doctor": "migrate.doctor.run:run_doctor",
    "DoctorError": "migrate.doctor.run:DoctorError",
    "DoctorReport": "migrate.doctor.report:DoctorReport",
    "ProbeResult": "migrate.doctor.report:ProbeResult",
    "Status": "migrate.doctor.report:Status",
    "render_markdown": "migrate.doctor.report:render_markdown",
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)

__all__ = ["run_doctor", "DoctorReport", "ProbeResult", "Status", "DoctorError", "render_markdown"]  # noqa: F822 - lazy
