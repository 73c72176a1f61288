"""Every run gets a report: degenerate runs (nothing compared, no answers on one side, every request failing,
an empty or unreadable file) and generated summaries with missing pieces render HTML, Markdown and JSON that
name the outcome and why, and `report` exits with that outcome's code. Headless Chromium opens each report
without console errors."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate.cli import main
from migrate.parity.compare import CompareSettings, compare_run
from migrate.parity.verdict import Thresholds, decide
from migrate.report import render_html, render_json, render_markdown, write_reports
from tests.report.browser import Browser
from tests.report.runs import chat_request, chat_response, embedding_response, record, write_run

pytestmark = pytest.mark.timeout(300)
NO_SEMANTIC = CompareSettings.build(disable=["semantic"])
TIMEOUT = {"type": "timeout", "message": "no answer within 60 s"}


def _unanswered(i):
    return record(f"u{i}", chat_request(f"Question {i}?"), None, chat_response(f"Answer {i}.", model="llama"))


def _errored(i):
    return record(f"e{i}", chat_request(f"Question {i}?"), chat_response(f"Answer {i}."), None, error=TIMEOUT)


def _both_failed(i):
    r = record(f"b{i}", {"model": "text-embedding-3-small", "input": ["a"]}, None, None, endpoint="/v1/embeddings",
               error={"type": "http", "message": "404 model does not support embeddings"}, status=404)
    from dataclasses import replace

    from migrate.parity.runfile import Outcome

    return replace(r, baseline=Outcome(response=None, status=400, error={"type": "http", "message": "400 invalid input"}))


# name: (records, extra lines, expected outcome, words the reports must carry)
DEGENERATE = {
    "empty": ([], [], "inconclusive", "the run has no requests"),
    "all-lines-bad": ([], ["{not json", '{"type": "res'], "inconclusive", "no request could be read, 2 line(s) skipped"),
    "no-baseline-answers": ([_unanswered(i) for i in range(3)], [], "inconclusive",
                            "none of the 3 request(s) has a baseline answer"),
    "no-candidate-answers": ([_errored(i) for i in range(3)], [], "no-go", "candidate error rate 100.0%"),
    "both-sides-failed": ([_both_failed(i) for i in range(2)], [], "inconclusive", "2 request(s) failed on the baseline too"),
    "one-good-one-bad-line": ([record("ok", chat_request(), chat_response("Paris."), chat_response("Paris.", model="llama"))],
                              ["{torn"], "inconclusive", "1 line(s) skipped"),
}
CODES = {"go": 0, "no-go": 1, "inconclusive": 3}
LABELS = {"go": "GO", "no-go": "NO-GO", "inconclusive": "INCONCLUSIVE"}


@pytest.fixture(scope="module")
def degenerate(tmp_path_factory):
    """Each degenerate run compared, reported through the CLI: {name: (folder, CLI result)}."""
    out = {}
    for name, (records, extra, _, _) in DEGENERATE.items():
        folder = tmp_path_factory.mktemp(name)
        run = write_run(folder / "run.jsonl", records, extra_lines=extra)
        compare_run(run, settings=NO_SEMANTIC)
        result = CliRunner().invoke(main, ["parity", "report", str(folder / "run.verdicts.jsonl")])
        out[name] = (folder, result)
    return out


@pytest.mark.parametrize("name", DEGENERATE)
def test_degenerate_run_gets_every_report_and_its_exit_code(degenerate, name):
    folder, result = degenerate[name]
    _, _, outcome, words = DEGENERATE[name]
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == CODES[outcome], result.output
    assert LABELS[outcome] in result.output and words in " ".join(result.output.split())
    html = (folder / "run.report.html").read_text()
    md = (folder / "run.summary.md").read_text()
    data = json.loads((folder / "run.report.json").read_text())
    assert f'data-verdict="{outcome}"' in html and f">{LABELS[outcome]}<" in html
    assert words in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert f"Parity: {LABELS[outcome]}" in md and words in md.replace("\\", "")
    assert data["verdict"] == outcome and data["exit_code"] == CODES[outcome]
    assert words in " ".join(data["reasons"] + data["gaps"])


def test_both_failed_requests_are_marked_and_not_held_against_the_candidate(degenerate):
    folder, _ = degenerate["both-sides-failed"]
    data = json.loads((folder / "run.report.json").read_text())
    assert data["evidence"]["both_failed"] == 2 and data["evidence"]["candidate_errors"] == 0
    assert not [r for r in data["reasons"] if "error rate" in r]
    assert "baseline failed too" in (folder / "run.report.html").read_text()


def test_skipped_lines_are_listed_with_numbers_and_reasons(degenerate):
    folder, _ = degenerate["one-good-one-bad-line"]
    data = json.loads((folder / "run.report.json").read_text())
    lines = data["summary"]["skipped_lines"]["lines"]
    assert [(line["line"], line["stage"]) for line in lines] == [(3, "run")] and "not a JSON object" in lines[0]["error"]
    assert "run.jsonl:3 (run): not a JSON object" in (folder / "run.report.html").read_text()


def test_allow_skipped_lets_the_good_part_decide(degenerate):
    folder, _ = degenerate["one-good-one-bad-line"]
    result = CliRunner().invoke(main, ["parity", "report", str(folder / "run.verdicts.jsonl"), "--allow-skipped",
                                       "--json", str(folder / "allowed.json"), "--html", str(folder / "allowed.html"),
                                       "--md", str(folder / "allowed.md")])
    assert result.exit_code == 0, result.output
    data = json.loads((folder / "allowed.json").read_text())
    assert data["verdict"] == "go" and data["evidence"]["skipped_lines"] == 1


def test_degenerate_reports_open_in_chromium_without_console_errors(degenerate):
    with Browser() as browser:
        for name, (folder, _) in degenerate.items():
            page = browser.open(folder / "run.report.html")
            browser.pump(0.3)
            facts = page.evaluate("""({verdict: document.getElementById('verdict').dataset.verdict,
                                       badge: document.querySelector('.badge').textContent.trim(),
                                       evidence: document.querySelectorAll('#evidence tr').length})""")
            assert page.console() == [], name
            assert facts["verdict"] == DEGENERATE[name][2] and facts["badge"] == LABELS[DEGENERATE[name][2]], name
            assert facts["evidence"] == 6, name


# -- generated summaries: anything compare could write, and pieces missing from older or hand-made files ------
_count = st.integers(min_value=0, max_value=50)
_rate = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
_text = st.text(max_size=30)
_names = st.sampled_from(["semantic", "lexical", "tool_calls", "json_valid", "refusal", "exact", "embedding_shape"])


@st.composite
def _scope(draw):
    keys = draw(st.lists(st.sampled_from(["n", "judged", "passed", "failed", "errors", "unanswered", "both_failed",
                                          "no_baseline", "pass_rate"]), unique=True))
    scope = {k: (draw(_rate) if k == "pass_rate" else draw(_count)) for k in keys}
    if draw(st.booleans()):
        scope["comparators"] = draw(st.dictionaries(_names, st.fixed_dictionaries(
            {"n": _count, "passed": _count},
            optional={"pass_rate": _rate, "mean_score": _rate, "histogram": st.lists(_count, max_size=20),
                      "errored": _count, "unmeasured": _count}), max_size=4))
    return scope


_latency = st.fixed_dictionaries({}, optional={"n": _count, "p50": st.floats(0, 1e5), "p90": st.floats(0, 1e5),
                                               "p99": st.floats(0, 1e5), "mean": st.floats(0, 1e5),
                                               "buckets": st.lists(st.tuples(st.floats(1, 10), st.floats(10, 100), _count).map(list), max_size=3)})
_case = st.fixed_dictionaries({}, optional={
    "key": _text, "endpoint": _text, "kind": _text, "tags": st.lists(_text, max_size=2), "passed": st.booleans(),
    "status": st.sampled_from(["pass", "fail", "error", "unanswered", "both_failed", "bogus"]),
    "error": st.one_of(st.none(), _text), "baseline_error": st.one_of(st.none(), _text),
    "scores": st.dictionaries(_names, st.fixed_dictionaries({}, optional={"score": _rate, "passed": st.booleans(), "reason": _text}), max_size=3),
    "prompt": _text, "baseline": _text, "candidate": _text, "latency_ms": st.lists(st.one_of(st.none(), st.floats(0, 1e4)), max_size=2)})

SUMMARIES = st.fixed_dictionaries({}, optional={
    "run": _text,
    "run_header": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"candidate": st.fixed_dictionaries({}, optional={"base_url": _text})})),
    "records": _count,
    "scopes": st.dictionaries(st.sampled_from(["all", "tag:x", "endpoint:/v1/chat/completions", "kind:tools"]), _scope(), max_size=3),
    "comparators": st.dictionaries(_names, st.fixed_dictionaries({}, optional={"gate": st.booleans(), "summary": _text,
                                                                                "kinds": st.lists(_text, max_size=2)}), max_size=4),
    "latency": st.dictionaries(st.just("all"), st.dictionaries(st.sampled_from(["baseline", "candidate", "candidate_ttft"]), _latency)),
    "cost": st.fixed_dictionaries({}, optional={"baseline_usd": st.one_of(st.none(), st.floats(0, 100)),
                                                "candidate": st.fixed_dictionaries({}, optional={"usd": st.one_of(st.none(), st.floats(0, 100)),
                                                                                                 "by_model": st.lists(st.fixed_dictionaries({"model": _text}, optional={"requests": _count}), max_size=2)})}),
    "worst": st.lists(_case, max_size=3),
    "sample": st.lists(_case, max_size=2),
    "agreement": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"samples": _count, "mean_exact": _rate})),
    "skipped_lines": st.fixed_dictionaries({"count": _count}, optional={"lines": st.lists(st.fixed_dictionaries(
        {"path": _text, "line": _count, "error": _text, "stage": st.sampled_from(["recordings", "run"])}), max_size=3)}),
    "replay": st.one_of(st.none(), st.fixed_dictionaries({"recordings_read": _count, "requests": _count})),
    "catalog": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"openai_version": _text})),
    "disabled_comparators": st.dictionaries(_names, _text, max_size=2),
    "bad_lines": st.lists(_text, max_size=2),
})
THRESHOLDS = st.fixed_dictionaries({}, optional={"allow_skipped": st.booleans(), "min_per_gate": st.integers(0, 5),
                                                 "min_requests": st.integers(1, 5), "max_latency_p90_ratio": st.floats(0.1, 5),
                                                 "max_cost_ratio": st.floats(0.1, 5), "tags": st.just({"x": {"lexical": 0.5}})})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summary=SUMMARIES, mapping=THRESHOLDS)
def test_any_summary_renders_in_every_format(summary, mapping):
    decision = decide(summary, Thresholds.from_mapping(mapping))
    assert decision.outcome in CODES and decision.exit_code == CODES[decision.outcome]
    if decision.outcome == "go":
        assert not decision.reasons and not decision.gaps and decision.evidence.compared >= 1
    html = render_html(summary, decision)
    assert f'data-verdict="{decision.outcome}"' in html and f">{decision.label}<" in html
    md = render_markdown(summary, decision)
    assert f"Parity: {decision.label}" in md
    data = json.loads(render_json(summary, decision))
    assert data["verdict"] == decision.outcome and data["exit_code"] == decision.exit_code


def test_write_reports_on_a_summary_with_nothing_in_it(tmp_path):
    decision = decide({}, Thresholds.from_mapping({}))
    paths = write_reports({}, decision, html=tmp_path / "r.html", markdown=tmp_path / "r.md", json_path=tmp_path / "r.json")
    assert set(paths) == {"html", "markdown", "json"}
    assert decision.outcome == "inconclusive" and "the run has no requests" in (tmp_path / "r.md").read_text()


def test_embeddings_request_with_a_good_baseline_and_a_failing_candidate_is_an_error_not_both_failed(tmp_path):
    r = record("emb", {"model": "e", "input": ["a"]}, embedding_response([[1.0, 0.0]]), None, endpoint="/v1/embeddings",
               error={"type": "http", "message": "404"}, status=404)
    result = compare_run(write_run(tmp_path / "run.jsonl", [r]), settings=NO_SEMANTIC)
    assert result.summary["scopes"]["all"]["errors"] == 1 and result.summary["scopes"]["all"]["both_failed"] == 0


@pytest.mark.parametrize("content, words", [
    pytest.param("", "the run has no requests (an empty recordings file?)", id="empty-file"),
    pytest.param("{not json\n[1, 2]\n", "no request could be read, 2 line(s) skipped", id="all-lines-bad"),
])
def test_parity_go_on_a_file_with_no_usable_recording(tmp_path, content, words):
    """Nothing to send: no candidate is contacted (the port is closed), and `go` still reports why it cannot decide."""
    recs = tmp_path / "recs.jsonl"
    recs.write_text(content)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["parity", str(recs), "--candidate", "http://127.0.0.1:9/v1", "--out", str(out),
                                       "--disable", "semantic"])
    assert result.exit_code == 3, result.output
    assert "INCONCLUSIVE" in result.output and words in " ".join(result.output.split())
    data = json.loads((out / "report.json").read_text())
    assert data["verdict"] == "inconclusive" and words in data["gaps"][0]
    assert data["evidence"]["recordings_read"] == 0 and data["evidence"]["replay_finished"] is True
    assert "Parity: INCONCLUSIVE" in (out / "summary.md").read_text()
    assert 'data-verdict="inconclusive"' in (out / "report.html").read_text()
