"""benchmarks/scan_equivalence.py: the snapshot of `migrate scan --format json` over corpus trees, and the comparison
that says whether a scanner change kept every finding. Run on two small trees written here (the real corpora are
scanned by the script itself, see docs/detection.md)."""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

OPENAI_APP = "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"
NODE_APP = 'import OpenAI from "openai";\nconst openai = new OpenAI();\nawait openai.embeddings.create({ model: "m", input: "x" });\n'


@pytest.fixture(scope="module")
def equivalence():
    spec = importlib.util.spec_from_file_location("scan_equivalence", BENCHMARKS / "scan_equivalence.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["scan_equivalence"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def corpora(tmp_path, monkeypatch):
    pypi = tmp_path / "pypi"
    (pypi / "proj-1.0" / "proj").mkdir(parents=True)
    (pypi / "proj-1.0" / "proj" / "app.py").write_text(OPENAI_APP)
    (pypi / "downloads").mkdir()  # the corpus's archive folder: not a project
    npm = tmp_path / "npm"
    (npm / "node_modules" / "pkg").mkdir(parents=True)
    (npm / "node_modules" / "pkg" / "index.mjs").write_text(NODE_APP)
    monkeypatch.setenv("MIGRATE_CORPUS_CACHE", str(pypi))
    monkeypatch.setenv("MIGRATE_NPM_CORPUS", str(npm))
    return pypi, npm


def test_a_snapshot_scans_every_tree_and_keeps_the_findings(equivalence, corpora):
    snap = equivalence.snapshot(equivalence.REPO, sys.executable)
    assert sorted(snap) == ["npm/node_modules", "pypi/proj-1.0"]
    py = snap["pypi/proj-1.0"]["findings"]
    assert {(f["kind"], f["path"], f["line"]) for f in py} == {("client", "proj/app.py", 2), ("call", "proj/app.py", 3)}
    js = snap["npm/node_modules"]["findings"]  # node_modules is scanned: --include-vendored
    assert {(f["kind"], f["endpoint"], f["line"]) for f in js} >= {("call", "embeddings.create", 3)}
    assert all("duration_s" not in f for f in py + js)
    assert equivalence.compare(snap, copy.deepcopy(snap)) == []


def test_any_changed_lost_or_new_finding_is_a_difference(equivalence):
    finding = {"kind": "call", "path": "a.py", "line": 3, "column": 0, "endpoint": "chat.completions.create", "model": "gpt-4o"}
    before = {"t": {"findings": [finding], "skipped": []}}
    changed = {"t": {"findings": [{**finding, "model": "dynamic"}], "skipped": []}}
    lost = {"t": {"findings": [], "skipped": []}}
    doubled = {"t": {"findings": [finding, finding], "skipped": []}}
    skipped = {"t": {"findings": [finding], "skipped": [{"path": "b.py", "reason": "syntax error"}]}}
    missing_tree = {}
    for after in (changed, lost, doubled, skipped, missing_tree):
        problems = equivalence.compare(before, after)
        assert problems and problems[0].startswith("t:"), after
    assert any('"model": "dynamic"' in p for p in equivalence.compare(before, changed))


def test_no_corpus_is_a_clear_error(equivalence, monkeypatch, tmp_path):
    monkeypatch.setenv("MIGRATE_CORPUS_CACHE", str(tmp_path / "none"))
    monkeypatch.delenv("MIGRATE_NPM_CORPUS", raising=False)
    with pytest.raises(SystemExit, match="scripts/fetch-corpus"):
        equivalence.trees()
