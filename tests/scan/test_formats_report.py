"""Reports: SARIF validates against the official 2.1.0 schema and passes GitHub's checks; JSON round-trips;
Markdown and the terminal table carry the summary, the findings and the catalog's versions."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from migrate.catalog import load_catalog
from migrate.scan.assess import assess
from migrate.scan.findings import Finding, Kind, ScanResult, Skipped, Verdict
from migrate.scan.formats import render
from migrate.scan.formats.sarif import FINGERPRINT_KEY, to_sarif

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def _f(kind=Kind.CALL, path="app/main.py", line=10, api="openai", code="client.x(...)", **kw) -> Finding:
    return Finding(kind=kind, path=path, line=line, column=4, end_line=line, end_column=44, api=api, code=code, **kw)


def sample_result(root: Path) -> ScanResult:
    findings = assess(
        [
            _f(endpoint="chat.completions.create", model="gpt-4o", parameters=("messages", "model", "store", "tools"), client="OpenAI"),
            _f(endpoint="chat.completions.create", model="gpt-4o", parameters=("messages", "model", "store", "tools"), line=30),
            _f(endpoint="images.generate", model="dall-e-3", parameters=("prompt",), path="app/images.py", line=5),
            _f(endpoint="embeddings.create", model="BAAI/bge-small-en-v1.5", parameters=("input", "model"), path="app/rag.py"),
            _f(endpoint="chat.completions.create", model="meta-llama/Llama-3.1-8B-Instruct", parameters=("messages", "model"), path="app/ok.py"),
            _f(kind=Kind.CLIENT, client="AzureOpenAI", parameters=("azure_endpoint",), path="app/client.py", line=1),
            _f(endpoint="chat.completions.create", model="gpt-4o-mini", parameters=("messages", "model"), path="notebooks/demo.ipynb", line=2, cell=3),
            _f(kind=Kind.REQUIREMENT, api="requirements", path="requirements.txt", line=1, code="openai==0.28.1"),
        ]
    )
    catalog = load_catalog()
    return ScanResult(
        roots=(str(root),),
        findings=tuple(findings),
        skipped=(Skipped("broken.py", "syntax error", "invalid syntax", line=3), Skipped("data/blob.py", "not UTF-8")),
        files_scanned=42,
        files_parsed=9,
        catalog=catalog.info(),
        tool_version="0.1.0",
        duration_s=0.12,
    )


@pytest.fixture
def result(tmp_path) -> ScanResult:
    return sample_result(tmp_path)


# -- SARIF -------------------------------------------------------------------------------------------------------
def _sarif(result, root) -> dict:
    return json.loads(render(result, "sarif", srcroot=root))


def test_sarif_validates_against_the_official_schema(result, tmp_path):
    log = _sarif(result, tmp_path)
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_sarif_meets_github_code_scanning_requirements(result, tmp_path):
    log = _sarif(result, tmp_path)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "migrate-kit" and driver["version"] == "0.1.0" and driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["properties"]["tags"]
        assert len(rule["shortDescription"]["text"]) <= 1024
    assert run["results"], "the sample has issues"
    for r in run["results"]:
        assert r["ruleId"] in rules
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note") and r["message"]["text"]
        loc = r["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not uri.startswith(("/", "file:")) and "\\" not in uri and ".." not in uri
        if "region" in loc:
            assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
            assert loc["region"]["endLine"] >= loc["region"]["startLine"]
        assert r["partialFingerprints"][FINGERPRINT_KEY]
    fingerprints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]]
    assert len(fingerprints) == len(set(fingerprints)), "identical lines must still be distinct alerts"
    assert run["properties"]["catalog"]["vllm_version"] == result.catalog.vllm_version
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_rule_ids_are_stable_and_per_verdict_and_area(result, tmp_path):
    ids = {r["ruleId"] for r in _sarif(result, tmp_path)["runs"][0]["results"]}
    assert {
        "MK-UNSUPPORTED-ENDPOINT",
        "MK-NEEDS-CHANGE-MODEL",
        "MK-SERVER-FLAG-PARAMETER",
        "MK-IGNORED-PARAMETER",
        "MK-SERVER-FLAG-ENDPOINT",
        "MK-NEEDS-CHANGE-CLIENT",
        "MK-NEEDS-CHANGE-REQUIREMENT",
    } <= ids


def test_sarif_has_one_result_per_issue_and_none_for_ok_findings(result, tmp_path):
    run = _sarif(result, tmp_path)["runs"][0]
    assert len(run["results"]) == sum(len(f.issues) for f in result.findings)
    assert not [r for r in run["results"] if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/ok.py"]


def test_sarif_columns_are_one_based_and_notebooks_have_no_file_region(result, tmp_path):
    run = _sarif(result, tmp_path)["runs"][0]
    first = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert first["startColumn"] == 5 and first["endColumn"] == 45 and first["startLine"] == 10
    notebook = [r for r in run["results"] if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".ipynb")]
    assert notebook and all("region" not in r["locations"][0]["physicalLocation"] for r in notebook)
    assert all("cell 3" in r["message"]["text"] for r in notebook)


def test_sarif_uris_are_relative_to_srcroot_when_scanning_a_subfolder(tmp_path):
    sub = tmp_path / "services" / "api"
    sub.mkdir(parents=True)
    log = to_sarif(sample_result(sub), srcroot=tmp_path)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "services/api/app/main.py" in uris


def test_sarif_reports_skipped_files_as_notifications(result, tmp_path):
    notes = _sarif(result, tmp_path)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == ["broken.py", "data/blob.py"]
    assert "syntax error" in notes[0]["message"]["text"]


def test_sarif_of_an_empty_scan_is_valid(tmp_path):
    empty = ScanResult((str(tmp_path),), (), (), 0, 0, load_catalog().info(), "0.1.0")
    log = _sarif(empty, tmp_path)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


# -- JSON, Markdown, terminal --------------------------------------------------------------------------------------
def test_json_round_trips(result):
    text = render(result, "json")
    assert ScanResult.from_dict(json.loads(text)) == result
    assert json.loads(text)["catalog"]["vllm_version"] == result.catalog.vllm_version


def test_markdown_has_summary_table_and_versions(result):
    md = render(result, "markdown")
    c = result.catalog
    assert f"openai {c.openai_version} / vLLM {c.vllm_version}" in md
    assert "| Location | Endpoint | Model | Verdict | Evidence | Reason |" in md
    assert "`app/images.py:5`" in md and "unsupported" in md
    assert "`notebooks/demo.ipynb:2 (cell 3)`" in md
    assert "2 files skipped" in md
    # worst first: the unsupported row comes before the ok row
    assert md.index("app/images.py:5") < md.index("app/ok.py")
    assert len(md) < 65_536


def test_markdown_caps_rows_for_pr_bodies(result):
    md = render(result, "markdown", max_rows=2)
    assert "and 6 more findings" in md


def test_markdown_escapes_pipes():
    f = assess([_f(endpoint="chat.completions.create", model="a|b", parameters=("model",))])
    res = ScanResult(("/x",), tuple(f), (), 1, 1, load_catalog().info(), "0.1.0")
    md = render(res, "markdown")
    assert "a\\|b" in md


def test_plain_table_without_rich(result):
    import subprocess
    import sys

    text = render(result, "table", width=140)
    assert result.catalog.vllm_version in text.splitlines()[0]
    assert "By endpoint:" in text and "By file:" in text and "Skipped (2):" in text
    assert "app/images.py:5" in text and "images.generate" in text
    code = (
        "import sys\n"
        "from migrate.catalog import load_catalog\n"
        "from migrate.scan.assess import assess\n"
        "from migrate.scan.findings import Finding, Kind, ScanResult\n"
        "from migrate.scan.formats import render\n"
        "f = assess([Finding(Kind.CALL, 'a.py', 1, 0, 1, 9, 'openai', endpoint='chat.completions.create', model='gpt-4o',"
        " parameters=('store', 'tools'))])\n"
        "r = ScanResult(('.',), tuple(f), (), 1, 1, load_catalog().info(), '0.1.0')\n"
        "for fmt in ('table', 'json', 'sarif', 'markdown'):\n"
        "    assert render(r, fmt)\n"
        "print(sorted(m for m in ('rich', 'openai', 'vllm', 'jinja2', 'libcst', 'pydantic') if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", f"plain reports imported {proc.stdout.strip()}"


def test_rich_report_shows_summary_findings_and_skipped(result):
    from rich.console import Console

    from migrate.scan.formats.terminal import print_report

    console = Console(record=True, width=160, color_system=None)
    print_report(result, console)
    text = console.export_text()
    assert f"vLLM {result.catalog.vllm_version}" in text
    for needle in ("unsupported", "needs-change", "images.generate", "app/images.py:5", "Skipped files (2)", "broken.py", "syntax error"):
        assert needle in text, needle


def test_unknown_format_is_a_clear_error(result):
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render(result, "xml")


def test_counts_by_verdict_cover_every_finding(result):
    counts = result.counts_by_verdict()
    assert sum(counts.values()) == len(result.findings)
    assert counts[Verdict.UNSUPPORTED.value] >= 1
