"""Helpers for the JS/TS detection tests: write sources into a tree, scan it, look at the findings."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from migrate.scan import scan


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def scan_tree(tmp_path):
    """scan_tree({"a.ts": "..."}) -> ScanResult of a fresh tree holding those files."""

    def run(files: dict[str, str], **options):
        return scan([write_tree(tmp_path / "repo", files)], **options)

    return run


@pytest.fixture
def scan_one(scan_tree):
    """scan_one(source, name="app.ts") -> the findings of one file, as (kind, endpoint or client, model) views."""

    def run(source: str, name: str = "app.ts"):
        return list(scan_tree({name: source}).findings)

    return run


def calls(findings) -> list[tuple]:
    """(endpoint, client, model) of the call findings, in order."""
    return [(f.endpoint, f.client, f.model) for f in findings if f.kind.value in ("call", "http")]


def kinds(findings) -> list[str]:
    return sorted(f.kind.value for f in findings)
