"""Notebooks: code cells only, magics blanked so line numbers stay right, one bad cell does not hide the rest."""

from __future__ import annotations

import json

import pytest

from migrate.scan import scan
from migrate.scan.detect.source import blank_magics


def notebook(*cells, language="python", nbformat=4) -> bytes:
    out = []
    for kind, source in cells:
        out.append({"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True),
                    **({"outputs": [], "execution_count": None} if kind == "code" else {})})
    return json.dumps({"cells": out, "metadata": {"language_info": {"name": language}}, "nbformat": nbformat,
                       "nbformat_minor": 5}).encode()


def findings(write_tree, data: bytes):
    root = write_tree({"nb.ipynb": data})
    result = scan([root])
    return result, [(f.cell, f.line, f.kind.value, f.endpoint or f.client) for f in result.findings]


def test_cells_share_a_namespace_and_lines_count_within_cells(write_tree):
    data = notebook(("markdown", "# Title\nclient.chat.completions.create()"),
                    ("code", "%pip install openai\n!nvidia-smi\nfrom openai import OpenAI\nclient = OpenAI()"),
                    ("code", "resp = client.chat.completions.create(model='gpt-4o', messages=[])"))
    result, found = findings(write_tree, data)
    assert found == [(1, 4, "client", "OpenAI"), (2, 1, "call", "chat.completions.create")]
    assert result.skipped == ()


def test_a_cell_with_a_syntax_error_is_skipped_and_the_others_scanned(write_tree):
    data = notebook(("code", "from openai import OpenAI\nclient = OpenAI()"),
                    ("code", "def broken(:\n    pass"),
                    ("code", "client.embeddings.create(model='text-embedding-3-small', input='x')"))
    result, found = findings(write_tree, data)
    assert found == [(0, 2, "client", "OpenAI"), (2, 1, "call", "embeddings.create")]
    assert [(s.path, s.reason) for s in result.skipped] == [("nb.ipynb", "syntax error")]
    assert "cell 1" in result.skipped[0].detail


def test_non_python_notebooks_are_not_parsed(write_tree):
    _, found = findings(write_tree, notebook(("code", "library(openai)\nOpenAI()"), language="R"))
    assert found == []


@pytest.mark.parametrize(
    "data, detail",
    [
        pytest.param(b'{"cells": [{"cell_type": "code", "source": "import openai', "not valid JSON", id="truncated-json"),
        pytest.param(b'["not", "a", "notebook", "openai"]', "top level is not a JSON object", id="not-an-object"),
        pytest.param(b'{"metadata": {}, "openai": 1}', "no 'cells' list", id="no-cells"),
        pytest.param(b'{"cells": [{"cell_type": "code", "source": 42}], "x": "openai"}', "neither a string nor a list", id="bad-source"),
    ],
)
def test_broken_notebooks_are_skipped(write_tree, data, detail):
    result, found = findings(write_tree, data)
    assert found == []
    [skipped] = result.skipped
    assert skipped.reason == "broken notebook" and detail in skipped.detail


@pytest.mark.parametrize(
    "source, expected",
    [
        pytest.param("%%bash\necho openai\nls", "\n\n", id="shell-cell-magic"),
        pytest.param("%%time\nx = 1", "\nx = 1", id="python-cell-magic-keeps-body"),
        pytest.param("files = !ls\nx = 1", "\nx = 1", id="shell-assignment"),
        pytest.param("OpenAI?\nx = 1", "\nx = 1", id="help"),
        pytest.param("%load_ext autoreload \\\n  more\nx = 1", "\n\nx = 1", id="continued-magic"),
        pytest.param("x = a % b\ny = not_a_magic != 3", "x = a % b\ny = not_a_magic != 3", id="python-operators-kept"),
    ],
)
def test_blank_magics(source, expected):
    assert blank_magics(source) == expected
