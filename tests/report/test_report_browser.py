"""The HTML report in a real headless Chromium: it renders, has no console errors, filters work, and hostile
model output stays text (no dialog, no injected element). Fails (never skips) when Chromium is missing."""

from __future__ import annotations

import io
import json

import pytest

from migrate.parity.compare import CompareSettings, compare_run
from migrate.parity.verdict import Thresholds, decide
from migrate.report import write_reports
from tests.report.browser import Browser
from tests.report.runs import XSS, mixed_run

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    result = compare_run(mixed_run(folder / "run.jsonl"), settings=CompareSettings.build(disable=["semantic"]))
    paths = write_reports(result.summary, decide(result.summary, Thresholds.from_mapping({})), html=folder / "report.html")
    with Browser() as browser:
        p = browser.open(paths["html"])
        p.folder = folder
        yield p


def test_renders_a_non_blank_page(page):
    from PIL import Image

    png = page.screenshot(1280, 1400)
    (page.folder / "report.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1280, 1400)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, badges, bars: far from a blank page
    # The NO-GO badge is red: some pixels near (207, 34, 46).
    assert any(count > 100 and abs(r - 207) < 20 and g < 60 and b < 70 for count, (r, g, b) in colours)


def test_no_console_errors_or_dialogs(page):
    page.browser.pump(0.5)
    assert page.console() == []


def test_dom_structure(page):
    structure = page.evaluate("""({
        verdict: document.getElementById('verdict').dataset.verdict,
        badge: document.querySelector('.badge').textContent.trim(),
        checks: document.querySelectorAll('#checks tr.check').length,
        comparators: document.querySelectorAll('#comparators tr.comparator').length,
        cases: document.querySelectorAll('article.case').length,
        svgs: document.querySelectorAll('svg').length,
        footer: document.querySelector('footer').textContent,
        data: JSON.parse(document.getElementById('report-data').textContent).verdict.verdict,
    })""")
    assert structure["verdict"] == "no-go" and structure["badge"] == "NO-GO" and structure["data"] == "no-go"
    assert structure["checks"] >= 10 and structure["comparators"] >= 10 and structure["cases"] >= 8
    assert structure["svgs"] > structure["comparators"]  # a histogram per comparator plus the latency chart
    assert "migrate-kit" in structure["footer"] and "vLLM" in structure["footer"]


def test_hostile_model_output_stays_text(page):
    facts = page.evaluate("""({
        scripts: Array.from(document.scripts).map(s => s.type || 'classic'),
        images: document.images.length,
        onerror: document.querySelectorAll('[onerror]').length,
        bold: document.querySelectorAll('article.case b').length,
        text: Array.from(document.querySelectorAll('article.case[data-key="xss#0"] .side pre')).map(e => e.textContent),
        tagText: Array.from(document.querySelectorAll('.tag')).map(e => e.textContent),
    })""")
    assert facts["scripts"] == ["application/json", "classic"]
    assert facts["images"] == 0 and facts["onerror"] == 0 and facts["bold"] == 0
    assert any(XSS in t for t in facts["text"])
    assert "<b>tag</b>" in facts["tagText"]
    assert not [e for e in page.events if e["method"] == "Page.javascriptDialogOpening"]


def test_filters(page):
    def visible() -> int:
        return page.evaluate("document.querySelectorAll('article.case:not([hidden])').length")

    total = visible()
    page.evaluate("document.querySelector('[data-filter-verdict=error]').click()")
    assert visible() == page.evaluate("document.querySelectorAll('article.case[data-verdict=error]').length") >= 1
    page.evaluate("document.querySelector('[data-filter-verdict=all]').click()")
    assert visible() == total
    page.evaluate("""(() => { const s = document.getElementById('filter-tag'); s.value = 'json';
                              s.dispatchEvent(new Event('change')); })()""")
    keys = page.evaluate("Array.from(document.querySelectorAll('article.case:not([hidden])')).map(e => e.dataset.key)")
    assert keys and all(k.startswith("json") for k in keys)
    assert json.loads(page.evaluate("document.querySelector('article.case:not([hidden])').dataset.tags")) == ["json"]
    assert page.evaluate("document.getElementById('case-count').textContent").endswith(f"of {total} shown")
    page.evaluate("""(() => { const s = document.getElementById('filter-tag'); s.value = '';
                              s.dispatchEvent(new Event('change')); })()""")
    page.browser.pump(0.2)
    assert page.console() == []
