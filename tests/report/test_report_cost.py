"""Cost per 1,000 requests on both sides, with the assumptions behind it, in every format: HTML (as Chromium
shows it), Markdown, and the console of `migrate parity report`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.config import load_config
from migrate.parity.compare import CompareSettings, compare_run
from migrate.parity.verdict import Thresholds, decide
from migrate.report import render_html, render_markdown, write_reports
from tests.parity.test_prices import timed_run
from tests.report.browser import Browser

PRICES = '[parity.prices]\n"llama" = { gpu_hour = 3.60 }\n'
# 40 requests, 4 in flight, 0.5 s each: 8 requests/s, 28,800 an hour, so $3.60/h is $0.125 per 1,000 requests.
CANDIDATE_PER_1K = "$0.1250"
# gpt-4o-mini list price, 100 input + 50 output tokens per request: $45 per 1M requests.
BASELINE_PER_1K = "$0.0450"
CANDIDATE_ASSUMPTION = "llama: 1 GPU x $3.60/h = $3.60/h, 100% of it serving; 8 requests/s (28,800/h, 400.0 output tokens/s)"
BASELINE_ASSUMPTION = "$0.15 / $0.60 per 1M input / output tokens (priced as gpt-4o-mini)"


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cost")
    (folder / "migrate.toml").write_text(PRICES)
    run = timed_run(folder / "run.jsonl")
    summary = compare_run(run, config=load_config(folder / "migrate.toml"),
                          settings=CompareSettings.build(disable=["semantic"])).summary
    return folder, summary, decide(summary, Thresholds.from_mapping({}))


def test_the_summary_carries_the_figures_the_report_shows(priced):
    _, summary, _ = priced
    assert summary["cost"]["candidate_per_1k"] == pytest.approx(0.125, rel=0.02)
    assert summary["cost"]["baseline_per_1k"] == pytest.approx(0.045)


def test_html_and_markdown_show_cost_per_1000_requests_and_the_assumptions(priced):
    _, summary, decision = priced
    html = render_html(summary, decision)
    assert f'<div class="v">{CANDIDATE_PER_1K}</div><div class="k">candidate cost per 1,000 requests (baseline {BASELINE_PER_1K})' in html
    assert f"<li>candidate: {CANDIDATE_ASSUMPTION}" in html
    assert "measured: 4 in flight / 0.50 s mean latency over 40 answers (Little&#39;s law)" in html
    assert f"<li>baseline: gpt-4o-mini-2024-07-18: {BASELINE_ASSUMPTION}" in html
    assert "<td>GPU-hour</td>" in html and "<td>token</td>" in html

    md = render_markdown(summary, decision)
    assert f"Cost per 1,000 requests: baseline {BASELINE_PER_1K}, candidate {CANDIDATE_PER_1K} (this run: baseline $0.0018, candidate $0.0050)." in md
    assert "- candidate: llama: 1 GPU x $3.60/h = $3.60/h, 100% of it serving; 8 requests/s" in md
    assert "Little's law" in md and "give requests\\_per\\_s for production load" in md
    assert "- baseline: gpt-4o-mini-2024-07-18: $0.15 / $0.60 per 1M input / output tokens" in md


def test_the_console_prints_cost_per_1000_requests_with_the_assumptions(priced):
    folder, _, _ = priced
    result = CliRunner().invoke(main, ["parity", "report", str(folder / "run.jsonl"), "--config", str(folder / "migrate.toml")],
                                catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    out = " ".join(result.output.split())  # rich wraps long lines at the terminal width
    assert f"Cost per 1,000 requests: baseline {BASELINE_PER_1K}, candidate {CANDIDATE_PER_1K}" in out
    assert f"candidate: {CANDIDATE_ASSUMPTION}" in out
    assert f"baseline: gpt-4o-mini-2024-07-18: {BASELINE_ASSUMPTION}" in out


@pytest.mark.timeout(240)
def test_chromium_shows_the_cost_table_and_assumptions_without_errors(priced):
    folder, summary, decision = priced
    paths = write_reports(summary, decision, html=folder / "report.html")
    with Browser() as browser:
        page = browser.open(paths["html"])
        cells = page.evaluate("[...document.querySelectorAll('#cost tbody tr')].map(r => r.innerText)")
        notes = page.evaluate("[...document.querySelectorAll('#cost-assumptions li')].map(li => li.innerText)")
        assert page.console() == []
    candidate = next(c for c in cells if c.startswith("candidate"))
    assert "GPU-hour" in candidate and candidate.rstrip().endswith(CANDIDATE_PER_1K)
    assert any(n.startswith(f"candidate: {CANDIDATE_ASSUMPTION}") for n in notes), notes
    assert any(n.startswith("baseline: gpt-4o-mini-2024-07-18:") for n in notes), notes
