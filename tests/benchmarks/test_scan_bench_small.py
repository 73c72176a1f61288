"""benchmarks/scan_speed.py in its CI mode (--small): it runs, measures every tool, and its numbers agree
with a direct call of the scanner and with independent counts. No timing thresholds here: CI machines are
shared and noisy; the targets are judged by the full run (docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrate.scan import scan

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "scan_speed.py"
SAMPLE = 600

pytestmark = pytest.mark.slow


def _files_mentioning_openai(root: Path) -> int:
    return sum(1 for p in root.rglob("*.py") if b"openai" in p.read_bytes())


@pytest.fixture(scope="module")
def small_run(tmp_path_factory, bench_tools):
    work = tmp_path_factory.mktemp("scan-bench")
    out = work / "results.json"
    docs = REPO / "docs" / "benchmarks.md"
    docs_before = docs.read_bytes() if docs.exists() else None
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--small", "--sample", str(SAMPLE), "--workdir", str(work / "w"),
         "--json-out", str(out), "--semgrep", bench_tools["semgrep"], "--rg", bench_tools["rg"]],
        capture_output=True, text=True, timeout=900, cwd=REPO,
    )
    assert proc.returncode == 0, f"scan_speed.py --small failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    docs_after = docs.read_bytes() if docs.exists() else None
    return {"data": json.loads(out.read_text()), "stdout": proc.stdout, "work": work / "w",
            "docs_unchanged": docs_before == docs_after}


def _runs(data, tree):
    return {r["name"]: r for r in data["trees"][tree]["runs"]}


def test_every_tool_was_measured(small_run):
    data = small_run["data"]
    assert data["mode"] == "small"
    assert data["skipped"] == {}
    assert set(_runs(data, "dense")) == {"migrate scan", "floor, 1 process", "floor, 2-process pool", "rg -l openai", "semgrep"}
    assert set(_runs(data, "sparse")) == {"migrate scan", "rg -l openai", "floor, 1 process"}
    for tree in ("dense", "sparse"):
        for run in data["trees"][tree]["runs"]:
            expected_runs = 1 if run["name"] == "semgrep" else data["repeat"]
            assert len(run["runs_s"]) == expected_runs, run["name"]
            assert all(s > 0 for s in run["runs_s"]), run["name"]
            assert run["wall_s"] == min(run["runs_s"])
            assert run["peak_rss_bytes"] > 1 << 20, run["name"]
            assert run["tree_rss_bytes"] >= run["peak_rss_bytes"], run["name"]


def test_the_sample_is_what_was_asked(small_run):
    sample = Path(_runs(small_run["data"], "dense")["migrate scan"]["command"][2])
    assert sample == small_run["work"] / "dense-sample"
    assert len(list(sample.rglob("*.py"))) == SAMPLE


def test_migrate_numbers_match_a_direct_scan(small_run):
    data = small_run["data"]
    for tree in ("dense", "sparse"):
        reported = _runs(data, tree)["migrate scan"]["extra"]
        direct = scan([data["trees"][tree]["path"]])
        assert reported["findings"] == len(direct.findings), tree
        assert reported["files_scanned"] == direct.files_scanned, tree
        assert reported["files_parsed"] == direct.files_parsed, tree
        assert reported["files_with_findings"] == len({f.path for f in direct.findings}), tree
    # The sample of an environment with the OpenAI SDK and vLLM installed has OpenAI code in it.
    assert _runs(data, "dense")["migrate scan"]["extra"]["findings"] > 0


def test_floor_and_rg_counts_are_independent_counts(small_run):
    data = small_run["data"]
    sample = Path(data["trees"]["dense"]["path"])
    mentioning = _files_mentioning_openai(sample)
    assert mentioning > 0
    for name in ("floor, 1 process", "floor, 2-process pool"):
        extra = _runs(data, "dense")[name]["extra"]
        assert extra["files"] == SAMPLE
        assert extra["candidates"] == mentioning
    assert _runs(data, "dense")["rg -l openai"]["extra"]["files_matched"] == mentioning


def test_semgrep_scanned_the_same_files(small_run):
    extra = _runs(small_run["data"], "dense")["semgrep"]["extra"]
    assert extra["files_scanned"] == SAMPLE
    agreement = small_run["data"]["agreement"]
    assert agreement["both"] + agreement["semgrep_only"] == extra["files_with_findings"]
    migrate_files = _runs(small_run["data"], "dense")["migrate scan"]["extra"]["files_with_findings"]
    assert agreement["both"] + agreement["migrate_only"] == migrate_files


def test_targets_are_reported_but_not_judged_in_small_mode(small_run):
    targets = small_run["data"]["targets"]
    assert [t["what"] for t in targets] == [
        "dense: semgrep time / migrate time",
        "dense: migrate time / floor, 1 process time",
        "dense: migrate time / floor, 2-process pool time",
        "sparse: migrate wall time, start-up included",
        "sparse: migrate time / rg -l openai time",
    ]
    assert all(t["measured"] > 0 and t["met"] is None for t in targets)


def test_markdown_report_and_docs_untouched(small_run):
    out = small_run["stdout"]
    assert "| tool | wall (best) | runs | vs migrate |" in out
    assert "benchmarks/scan_speed.py --small --sample 600" in out
    assert small_run["docs_unchanged"], "--small must not rewrite docs/benchmarks.md"


def test_missing_tools_are_skipped_with_a_reason_in_small_mode(tmp_path):
    sparse = tmp_path / "sparse"
    sparse.mkdir()
    (sparse / "plain.py").write_text("print('no llm here')\n")
    out = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--small", "--sample", "40", "--repeat", "1", "--sparse", str(sparse),
         "--workdir", str(tmp_path / "w"), "--json-out", str(out),
         "--semgrep", "/nonexistent/semgrep", "--rg", "/nonexistent/rg"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["skipped"] == {"semgrep": "/nonexistent/semgrep does not run", "rg": "/nonexistent/rg does not run"}
    assert set(_runs(data, "dense")) == {"migrate scan", "floor, 1 process", "floor, 2-process pool"}
    assert "Skipped semgrep: /nonexistent/semgrep does not run." in proc.stdout
    assert data["agreement"] is None


@pytest.mark.parametrize("missing", ["semgrep", "rg"])
def test_full_mode_fails_loudly_without_a_comparison_tool(tmp_path, bench_tools, missing):
    tools = {**bench_tools, missing: f"/nonexistent/{missing}"}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--semgrep", tools["semgrep"], "--rg", tools["rg"], "--no-docs",
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert proc.returncode == 2
    assert f"/nonexistent/{missing} does not run: the full benchmark needs it" in proc.stderr
    assert not list(tmp_path.iterdir()), "nothing may be measured before the tools are checked"
