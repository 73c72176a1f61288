"""`migrate serve --dry-run` on small codebases: the exact server command, warnings and notes.

Each folder in cases/ holds a codebase (code/), the CLI arguments (case.json), the scan findings for that code
(findings.json: the `--findings` path, independent of the detector) and the expected plan (expected.json).
"{case}" stands for the case folder. The `--for` variant runs the real scanner on code/ and must agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main

CASES = Path(__file__).parent / "cases"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "case.json").is_file())


def _subst(value, case: Path):
    if isinstance(value, str):
        return value.replace("{case}", str(case))
    if isinstance(value, list):
        return [_subst(v, case) for v in value]
    return value


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("OPENAI_API_KEY", "VLLM_API_KEY", "OPENAI_BASE_URL", "HF_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-home"))  # no cached hub models


def _findings_file(case: Path, tmp_path: Path) -> Path:
    findings = json.loads((case / "findings.json").read_text())["findings"]
    full = {"roots": [str(case / "code")], "findings": findings, "skipped": [], "files_scanned": 1,
            "files_parsed": 1, "catalog": {"openai_version": "3.57.0", "vllm_version": "0.32.0", "generated": "2026-11-22"},
            "tool_version": "0.1.0"}
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(full))
    return path


def _plan(args: list[str]) -> dict:
    # The cases describe a GPU host whatever this one is (tests/serve/test_serve_cpu.py covers the CPU).
    result = CliRunner().invoke(main, ["serve", "--dry-run", "--format", "json", "--device", "cuda", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _check(plan: dict, case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    # The launch form (`vllm serve` or the module) follows the vLLM installed here: compare what follows it.
    assert plan["argv"][:2] == ["python", "-m"] and plan["server_args"] == _subst(expected["argv"][3:], case)
    assert len(plan["warnings"]) == len(expected["warnings"]), plan["warnings"]
    for fragment, warning in zip(expected["warnings"], plan["warnings"]):
        assert fragment in warning
    for fragment in expected.get("notes", []):
        assert any(fragment in note for note in plan["notes"]), (fragment, plan["notes"])
    # Every flag in the command is explained.
    explained = {r["flag"] for r in plan["reasons"]}
    flags = [a for a in plan["server_args"] if a.startswith("--")]
    assert all(f in explained or any(f in (r["flag"] or "") for r in plan["reasons"]) for f in flags)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_dry_run_from_findings(name, tmp_path, monkeypatch):
    case = CASES / name
    monkeypatch.chdir(case / "code")  # config discovery starts here, as when run inside the repository
    args = _subst(json.loads((case / "case.json").read_text())["args"], case)
    split = args.index("--") if "--" in args else len(args)
    plan = _plan([*args[:split], "--findings", str(_findings_file(case, tmp_path)), *args[split:]])
    _check(plan, case)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_dry_run_scanning_the_code(name):
    case = CASES / name
    args = _subst(json.loads((case / "case.json").read_text())["args"], case)
    split = args.index("--") if "--" in args else len(args)
    plan = _plan([*args[:split], "--for", str(case / "code"), *args[split:]])
    _check(plan, case)


def test_dry_run_table_names_flags_and_locations(monkeypatch, tmp_path):
    case = CASES / "tools_llama"
    monkeypatch.chdir(case / "code")
    result = CliRunner().invoke(main, ["serve", "--model", str(case / "models/Llama-3.1-8B-Instruct"), "--device", "cuda",
                                       "--findings", str(_findings_file(case, tmp_path)), "--dry-run"],
                                catch_exceptions=False, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "--tool-call-parser" in result.output and "llama3_json" in result.output
    assert "app/agent.py:8" in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("vllm serve " + str(case / "models/Llama-3.1-8B-Instruct")) \
        or last.startswith("python -m vllm.entrypoints.openai.api_server --model ")
    assert "--enable-auto-tool-choice --tool-call-parser llama3_json" in last


def test_needs_for_or_findings():
    result = CliRunner().invoke(main, ["serve", "--model", "x", "--dry-run"])
    assert result.exit_code == 2
    assert "--for PATH" in result.output
