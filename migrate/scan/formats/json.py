"""The findings JSON: ScanResult.to_json(), documented and versioned in docs/formats/findings-json.md.

Later stages (serve, rewrite, pr) read this file back with ScanResult.load().
"""

from __future__ import annotations

from migrate.scan.findings import ScanResult


def render(result: ScanResult, *, indent: int | None = 2, **_options) -> str:
    return result.to_json(indent=indent) + "\n"
