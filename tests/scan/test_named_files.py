"""Files named one by one (a pre-commit hook passes the staged files): shown as given, SARIF paths right, and
imports from modules that were not named still followed through the git repository's file list."""

from __future__ import annotations

import json
import subprocess

import pytest

from migrate.scan import scan
from migrate.scan.formats import render

CLIENTS = "from openai import OpenAI\n\nclient = OpenAI()\n"
ASK = (
    "from pkg.clients import client\n\n\ndef ask(q):\n"
    "    return client.chat.completions.create(model='gpt-4o', messages=[], logit_bias={'1': 5})\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "clients.py").write_text(CLIENTS)
    (tmp_path / "pkg" / "ask.py").write_text(ASK)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _git_repo(path):
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    subprocess.run(["git", "add", "-A"], cwd=path, check=True)


def test_a_named_file_is_shown_as_given_and_its_sarif_uri_is_right(project):
    (project / "pkg" / "direct.py").write_text(CLIENTS)
    result = scan(["pkg/direct.py"])
    assert [f.path for f in result.findings] == ["pkg/direct.py"]
    log = json.loads(render(result, "sarif"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"pkg/direct.py"}
    absolute = scan([str(project / "pkg" / "direct.py")])
    assert [f.path for f in absolute.findings] == ["direct.py"]  # outside the current folder's view: its name


def test_an_import_from_a_module_not_named_is_followed_in_a_git_repository(project):
    _git_repo(project)
    result = scan(["pkg/ask.py"])
    calls = [f for f in result.findings if f.endpoint == "chat.completions.create"]
    assert [(f.path, f.line) for f in calls] == [("pkg/ask.py", 5)]
    assert any(i.subject == "logit_bias" for i in calls[0].issues)
    assert result.files_scanned == 1, "the other modules are looked up, not scanned"


def test_without_git_only_the_named_files_are_known(project):
    result = scan(["pkg/ask.py"])
    assert not [f for f in result.findings if f.endpoint == "chat.completions.create"]
