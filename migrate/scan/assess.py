"""Give each finding its verdict against the target vLLM server (placeholder until the catalog lands)."""

from __future__ import annotations

from typing import Iterable

from migrate.scan.findings import Finding


def assess(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings with `verdict` and `issues` filled in from the compatibility catalog."""
    return list(findings)
