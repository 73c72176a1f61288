"""The fleet summary in JSON, Markdown and HTML; the HTML checked in a real headless Chromium."""

from __future__ import annotations

import json

import pytest

from migrate.fleet import RepoOutcome, render, write_report
from migrate.fleet.runner import FleetResult
from tests.report.browser import Browser

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def outcome(name, status, **extra) -> RepoOutcome:
    return RepoOutcome(key=f"github.com/acme/{name}", name=f"acme/{name}", url=f"https://github.com/acme/{name}.git",
                       origin="repos.txt:1", status=status, **extra)


def sample() -> FleetResult:
    outcomes = [
        outcome("billing", "pending-review", verdicts={"needs-change": 3}, findings=3, files_changed=["app.py"],
                pr_url="https://github.com/acme/billing/pull/4", pr_number=4, pr_action="created"),
        outcome("media", "blocked", verdicts={"unsupported": 1, "needs-change": 2}, findings=3,
                unsupported_endpoints=["images.generate"], files_changed=["a.py", "b.py"],
                pr_url="https://github.com/acme/media/pull/5", pr_number=5, pr_action="updated"),
        outcome("ledger", "done", verdicts={"needs-change": 2, "ok": 1}, findings=3, reason="nothing to change",
                unchanged=True),
        outcome("docs", "no-openai"),
        outcome("legacy", "failed", reason=f"cannot reach https://github.com/acme/legacy.git: {HOSTILE}"),
        outcome(f"x{HOSTILE}", "to-migrate", verdicts={"needs-change": 1}, findings=1, files_changed=["z.py"],
                pr_url="javascript:alert(3)", reason="no open pull request"),
    ]
    return FleetResult(outcomes, ["org:acme (repos.txt:3): 6 repositories listed"], "2026-11-30T10:00:00Z",
                       "2026-11-30T10:02:00Z", 120.0, False, False, "/tmp/work")


def test_json_counts_and_rows():
    data = json.loads(render(sample(), "json"))
    assert data["format"] == "migrate.fleet-report" and data["version"] == 1 and data["mode"] == "pr"
    assert data["counts"] == {"failed": 1, "blocked": 1, "pending-review": 1, "to-migrate": 1, "done": 1, "no-openai": 1}
    assert data["verdicts"]["needs-change"] == 8 and data["verdicts"]["unsupported"] == 1
    assert data["unchanged"] == 1 and len(data["repos"]) == 6
    assert data["repos"][1]["unsupported_endpoints"] == ["images.generate"]


def test_markdown_table_escapes_repository_text():
    text = render(sample(), "markdown")
    assert "| Blocked on unsupported endpoints | 1 |" in text
    assert "| acme/billing | pending-review | 3 needs-change | 1 | [#4](https://github.com/acme/billing/pull/4) |" in text
    assert "<script>" not in text and "<img" not in text and "&lt;script&gt;" in text
    assert "done (unchanged)" in text
    assert "| acme/media | blocked | 1 unsupported (images.generate), 2 needs-change | 2 |" in text


def test_report_format_comes_from_the_extension(tmp_path):
    write_report(sample(), tmp_path / "fleet.md")
    assert (tmp_path / "fleet.md").read_text().startswith("## Fleet run: 6 repositories")
    with pytest.raises(ValueError, match=r"\.html, \.md or \.json"):
        write_report(sample(), tmp_path / "fleet.txt")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fleet-browser")
    path = write_report(sample(), folder / "fleet.html")
    with Browser() as browser:
        p = browser.open(path)
        p.folder = folder
        yield p


@pytest.mark.timeout(240)
def test_html_renders_the_counts_and_the_rows(page):
    seen = page.evaluate("""({
        cards: Object.fromEntries([...document.querySelectorAll('#counts .card')].map(c => [c.dataset.status, +c.dataset.count])),
        rows: [...document.querySelectorAll('#repos tr.repo')].map(r => r.dataset.status),
        bar: [...document.querySelectorAll('#status-bar span')].map(s => s.getBoundingClientRect().width > 0),
        links: [...document.querySelectorAll('#repos a')].map(a => a.getAttribute('href')),
        unsupported: document.querySelector('tr.repo[data-status="blocked"]').textContent.includes('images.generate'),
        title: document.title,
    })""")
    assert seen["cards"] == {"failed": 1, "blocked": 1, "pending-review": 1, "to-migrate": 1, "done": 1, "no-openai": 1}
    assert seen["rows"] == ["failed", "blocked", "pending-review", "to-migrate", "done", "no-openai"]
    assert seen["bar"] == [True] * 6
    assert seen["links"] == ["https://github.com/acme/media/pull/5", "https://github.com/acme/billing/pull/4"]
    assert seen["unsupported"] and seen["title"] == "Fleet run: 6 repositories"


@pytest.mark.timeout(240)
def test_html_keeps_hostile_text_as_text(page):
    page.browser.pump(0.5)
    assert page.console() == []  # no dialog, no script error, no CSP report
    injected = page.evaluate("document.querySelectorAll('main img, main script').length")
    assert injected == 0
    assert page.evaluate("document.body.textContent.includes('<script>alert(2)</script>')")


@pytest.mark.timeout(240)
def test_html_is_not_blank(page):
    import io

    from PIL import Image

    png = page.screenshot(1280, 900)
    (page.folder / "fleet.png").write_bytes(png)
    colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 30
    # The failed count and bar are red: some pixels near (207, 34, 46).
    assert any(count > 20 and abs(r - 207) < 20 and g < 60 and b < 70 for count, (r, g, b) in colours)
