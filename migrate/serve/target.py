"""The serve plan's warnings from a target profile (`migrate serve --target PROFILE`).

A profile (`migrate doctor URL --save-profile FILE`) records what one real endpoint does with each endpoint
and parameter. Where its probes show that the target does not serve a route the code calls, refuses a
parameter the code passes, ignores it, or takes it only with a server flag, the plan warns once per
(endpoint, parameter) with the call sites, the server's own words and the fix. Only probed evidence counts
here: declarations and hand-written facts are the scan's business (`migrate scan --target`).
"""

from __future__ import annotations

from typing import Iterable

from migrate.catalog import PROBED, load_catalog
from migrate.catalog.profile import Profile
from migrate.catalog.verdict import Verdict
from migrate.scan.findings import Finding, Kind, ScanResult

_WORDS = {Verdict.UNSUPPORTED: "refuses", Verdict.IGNORED: "ignores", Verdict.SERVER_FLAG: "needs a server flag for"}


def target_warnings(findings: ScanResult | Iterable[Finding], profile: Profile, limit: int = 3) -> list[str]:
    """One line per endpoint or parameter of the code's calls that the profiled target does not simply take."""
    if isinstance(findings, ScanResult):
        findings = findings.findings
    catalog = load_catalog(target=False).with_profile(profile)
    found: dict[tuple[str, str], tuple[object, list[str]]] = {}
    for f in findings:
        if f.kind is not Kind.CALL or not f.endpoint or catalog.endpoint(f.endpoint) is None:
            continue
        route = catalog.endpoint_verdict(f.endpoint)
        if route.kind == PROBED and route.verdict in _WORDS:
            found.setdefault((f.endpoint, ""), (route, []))[1].append(f.location)
            continue  # the whole call fails: its parameters do not matter
        for parameter in f.parameters:
            a = catalog.parameter(f.endpoint, parameter)
            if a.kind == PROBED and a.verdict in _WORDS:
                found.setdefault((f.endpoint, parameter), (a, []))[1].append(f.location)
    lines = []
    for (endpoint, parameter), (a, where) in found.items():
        shown = ", ".join(where[:limit]) + (f" (+{len(where) - limit} more)" if len(where) > limit else "")
        what = f"`{parameter}` on {endpoint}" if parameter else endpoint
        line = f"target {profile.name} {_WORDS[a.verdict]} {what} at {shown}: {a.reason}"
        lines.append(f"{line}; fix: {a.fix}" if a.fix else line)
    return lines
