"""`migrate scan` on the command line: formats, --output, exit codes, --fail-on, --strict, errors, startup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.catalog import load_catalog
from migrate.cli import main
from migrate.scan.assess import assess
from migrate.scan.findings import Finding, Kind, ScanResult, Skipped

ROOT = Path(__file__).resolve().parents[2]
MIGRATE = Path(sys.executable).parent / "migrate"

VERDICT_FINDINGS = {
    # raw findings whose assessed verdict is the key
    "ok": dict(endpoint="chat.completions.create", model="meta-llama/Llama-3.1-8B-Instruct", parameters=("messages", "model")),
    "ignored-by-vllm": dict(endpoint="chat.completions.create", model="x/y", parameters=("store",)),
    "needs-server-flag": dict(endpoint="chat.completions.create", model="x/y", parameters=("tools",)),
    "needs-change": dict(endpoint="chat.completions.create", model="gpt-4o", parameters=("model",)),
    "unsupported": dict(endpoint="images.generate", parameters=("prompt",)),
}


def make_result(root: str, verdicts=(), skipped=()) -> ScanResult:
    raw = [
        Finding(Kind.CALL, f"m{i}.py", i + 1, 0, i + 1, 10, "openai", **VERDICT_FINDINGS[v]) for i, v in enumerate(verdicts)
    ]
    findings = assess(raw)
    assert [f.verdict.value for f in findings] == list(verdicts)
    return ScanResult((root,), tuple(findings), tuple(Skipped(p, "syntax error") for p in skipped), 10, 3, load_catalog().info(), "0.1.0")


@pytest.fixture
def fake_scan(monkeypatch):
    """Replace the detector with a canned result; records the arguments the CLI passed."""
    state = {"result": None, "calls": []}

    def scan(paths, **kwargs):
        state["calls"].append((paths, kwargs))
        return state["result"] or make_result(str(paths[0]))

    import migrate.scan

    monkeypatch.setattr(migrate.scan, "scan", scan)
    return state


def invoke(args, cwd: Path):
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, ["scan", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


ORDER = ["ok", "ignored-by-vllm", "needs-server-flag", "needs-change", "unsupported"]
FAIL_ON_MATRIX = [
    (fail_on, worst, int(fail_on != "never" and ORDER.index(worst) >= (1 if fail_on == "any" else ORDER.index(fail_on))))
    for fail_on in ["never", "any", "needs-server-flag", "needs-change", "unsupported"]
    for worst in ORDER
]


@pytest.mark.parametrize("fail_on, worst, code", FAIL_ON_MATRIX, ids=[f"{f}-vs-{w}" for f, w, _ in FAIL_ON_MATRIX])
def test_fail_on_matrix(fake_scan, tmp_path, fail_on, worst, code):
    fake_scan["result"] = make_result(str(tmp_path), ["ok", worst])
    r = invoke([".", "--format", "json", "--fail-on", fail_on], tmp_path)
    assert r.exit_code == code, r.output


def test_default_is_never_fail(fake_scan, tmp_path):
    fake_scan["result"] = make_result(str(tmp_path), ["unsupported"])
    assert invoke([".", "-f", "json"], tmp_path).exit_code == 0


def test_json_to_stdout_is_the_scan_result(fake_scan, tmp_path):
    fake_scan["result"] = make_result(str(tmp_path), ["needs-change", "ok"])
    r = invoke([".", "--format", "json"], tmp_path)
    data = json.loads(r.stdout)
    assert ScanResult.from_dict(data) == fake_scan["result"]


@pytest.mark.parametrize("fmt, check", [
    ("json", lambda t: json.loads(t)["schema_version"]),
    ("sarif", lambda t: json.loads(t)["version"] == "2.1.0"),
    ("markdown", lambda t: "| Location |" in t),
    ("table", lambda t: "LOCATION" in t and "vLLM" in t),
])
def test_output_file(fake_scan, tmp_path, fmt, check):
    fake_scan["result"] = make_result(str(tmp_path), ["needs-change"])
    out = tmp_path / "reports" / f"scan.{fmt}"
    r = invoke([".", "--format", fmt, "--output", str(out)], tmp_path)
    assert r.exit_code == 0, r.output
    assert check(out.read_text(encoding="utf-8"))
    assert r.stdout == ""
    assert f"written to {out}" in r.stderr


def test_options_reach_the_library(fake_scan, tmp_path):
    (tmp_path / "src").mkdir()
    invoke(["src", "--exclude", "tests/*", "--exclude", "*.ipynb", "--include-vendored", "--no-gitignore", "-j", "3", "-f", "json"], tmp_path)
    (paths, kwargs), = fake_scan["calls"]
    assert [str(p) for p in paths] == ["src"]
    assert kwargs["exclude"] == ("tests/*", "*.ipynb")
    assert kwargs["include_vendored"] is True and kwargs["respect_gitignore"] is False and kwargs["jobs"] == 3
    assert kwargs["progress"] is None  # not a terminal


def test_default_path_is_the_current_directory(fake_scan, tmp_path):
    invoke(["-f", "json"], tmp_path)
    (paths, _), = fake_scan["calls"]
    assert [str(p) for p in paths] == ["."]


def test_missing_path_is_a_one_line_error(fake_scan, tmp_path):
    r = invoke(["no/such/dir", "-f", "json"], tmp_path)
    assert r.exit_code == 2
    assert r.stderr.strip() == "migrate scan: error: path not found: no/such/dir"
    assert fake_scan["calls"] == []


@pytest.mark.parametrize("strict, code", [(False, 0), (True, 3)], ids=["lenient", "strict"])
def test_strict_exit_code_for_skipped_files(fake_scan, tmp_path, strict, code):
    fake_scan["result"] = make_result(str(tmp_path), ["ok"], skipped=["broken.py"])
    r = invoke([".", "-f", "json", *(["--strict"] if strict else [])], tmp_path)
    assert r.exit_code == code
    if strict:
        assert "1 files skipped" in r.stderr


def test_fail_on_wins_over_strict(fake_scan, tmp_path):
    fake_scan["result"] = make_result(str(tmp_path), ["unsupported"], skipped=["broken.py"])
    assert invoke([".", "-f", "json", "--strict", "--fail-on", "unsupported"], tmp_path).exit_code == 1


def test_bad_option_is_a_usage_error(fake_scan, tmp_path):
    r = invoke([".", "--fail-on", "sometimes"], tmp_path)
    assert r.exit_code == 2 and "sometimes" in r.output


def test_config_section_sets_defaults_and_model_map(fake_scan, tmp_path):
    (tmp_path / "migrate.toml").write_text(
        '[models]\n"gpt-4o" = "llama-3.1-8b"\n\n[scan]\nexclude = ["legacy/*"]\nfail-on = "needs-change"\n'
    )
    fake_scan["result"] = make_result(str(tmp_path), ["needs-change"])
    r = invoke([".", "-f", "json"], tmp_path)
    assert r.exit_code == 1  # fail-on from the config
    (_, kwargs), = fake_scan["calls"]
    assert kwargs["exclude"] == ("legacy/*",)
    model_issue = next(i for i in json.loads(r.stdout)["findings"][0]["issues"] if i["subject"] == "model")
    assert "llama-3.1-8b" in model_issue["fix"]


@pytest.mark.parametrize("toml, message", [
    ('[scan]\nfail-on = "sometimes"\n', "fail-on must be one of"),
    ('[scan]\nexclude = "x"\n', "exclude must be a list"),
    ('[scan]\nexcludes = ["x"]\n', "unknown keys excludes"),
    ("[scan\n", "not valid TOML"),
])
def test_bad_config_is_a_one_line_error(fake_scan, tmp_path, toml, message):
    (tmp_path / "migrate.toml").write_text(toml)
    r = invoke([".", "-f", "json"], tmp_path)
    assert r.exit_code == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "migrate.toml" in r.stderr


def test_empty_result_in_table_format(fake_scan, tmp_path):
    fake_scan["result"] = make_result(str(tmp_path), [])
    r = invoke([".", "-f", "table"], tmp_path)
    assert r.exit_code == 0 and "0 OpenAI uses" in r.stdout


def test_help_has_examples_and_exit_codes():
    r = CliRunner().invoke(main, ["scan", "--help"])
    assert r.exit_code == 0
    for needle in ("Examples:", "--format sarif", "--fail-on", "Exit codes:", "--strict", "--exclude"):
        assert needle in r.output


# -- the real console script ------------------------------------------------------------------------------------
def test_console_script_help_and_missing_path(tmp_path):
    assert MIGRATE.exists(), f"console script not installed at {MIGRATE}: pip install -e ."
    help_ = subprocess.run([str(MIGRATE), "scan", "--help"], capture_output=True, text=True, timeout=60)
    assert help_.returncode == 0 and "Exit codes:" in help_.stdout
    missing = subprocess.run([str(MIGRATE), "scan", str(tmp_path / "gone")], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [f"migrate scan: error: path not found: {tmp_path / 'gone'}"]


FAKE_SCAN_RUNNER = """
import sys
sys.path.insert(0, {tests!r})
import migrate.scan
from test_cli_scan import make_result
migrate.scan.scan = lambda paths, **kw: make_result(str(paths[0]), {verdicts!r}, skipped={skipped!r})
from migrate.cli import main
sys.argv = ["migrate", "scan", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("args, verdicts, skipped, code", [
    (["-f", "json"], ["unsupported"], [], 0),
    (["-f", "json", "--fail-on", "needs-change"], ["unsupported"], [], 1),
    (["-f", "sarif", "--strict"], ["ok"], ["x.py"], 3),
    (["-f", "markdown", "--fail-on", "unsupported"], ["needs-change"], [], 0),
], ids=["json-0", "fail-on-1", "strict-3", "markdown-0"])
def test_exit_codes_in_a_real_process(tmp_path, args, verdicts, skipped, code):
    script = FAKE_SCAN_RUNNER.format(tests=str(Path(__file__).parent), verdicts=verdicts, skipped=skipped)
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == code, proc.stderr[-2000:]
    assert proc.stdout.strip()
