"""Helpers for the detector's tests: detect on dedented sources, and compact views of findings."""

from __future__ import annotations

import textwrap

import pytest

from migrate.scan.detect import detect_source


def detect(source: str):
    return detect_source(textwrap.dedent(source), "m.py")


def view(finding) -> tuple:
    """(line, kind, endpoint, client, model, parameters): what most detector tests compare."""
    return (finding.line, finding.kind.value, finding.endpoint, finding.client, finding.model, finding.parameters)


@pytest.fixture
def write_tree(tmp_path):
    """write_tree({"a/b.py": "...", ...}) -> the root folder, sources dedented."""

    def write(files: dict[str, str | bytes]):
        for rel, content in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return tmp_path

    return write
