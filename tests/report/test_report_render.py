"""Report rendering: escaping of untrusted model output, structure, Markdown size, JSON, word diff."""

from __future__ import annotations

import json
import re

import pytest

from migrate.parity.compare import CompareSettings, compare_run
from migrate.parity.verdict import Thresholds, decide
from migrate.report import (
    md_escape,
    md_fence,
    render_html,
    render_json,
    render_markdown,
)
from migrate.report.diff import word_diff
from tests.report.runs import (
    XSS,
    chat_request,
    chat_response,
    mixed_run,
    record,
    write_run,
)


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    run = mixed_run(tmp_path_factory.mktemp("report") / "run.jsonl")
    result = compare_run(run, settings=CompareSettings.build(disable=["semantic"]))
    return result.summary, decide(result.summary, Thresholds.from_mapping({}))


def test_html_escapes_model_output(compared):
    html = render_html(*compared)
    assert XSS not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(re.findall(r"<script\b", html)) == 2  # the JSON data block and the report's own script
    assert "&lt;b&gt;tag&lt;/b&gt;" in html and "<b>tag</b>" not in html  # tags are untrusted too


def test_html_embeds_json_safely(compared):
    summary, decision = compared
    hostile = {**summary, "run": "</script><script>alert(3)</script>"}
    html = render_html(hostile, decision)
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.DOTALL).group(1)
    assert "</script" not in data and "<" not in data
    assert json.loads(data)["run"] == "</script><script>alert(3)</script>"


def test_html_is_self_contained_with_a_strict_policy(compared):
    html = render_html(*compared)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # no CDN, no remote resource
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_html_structure(compared):
    html = render_html(*compared)
    assert 'data-verdict="no-go"' in html and ">NO-GO<" in html
    keys = {c["key"] for c in compared[0]["worst"] + compared[0]["sample"]}  # a worst case is not repeated in the sample
    assert html.count('class="case"') == len(keys)
    assert 'id="latency-chart"' in html and "<svg" in html
    assert "candidate error rate 9.1% &gt; 2.0%" in html
    assert "migrate-kit 0.1.0" in html and "catalog: openai" in html


def test_diff_marks_words_only_on_one_side():
    left, right = word_diff("The capital of France is Paris.", "The capital of France is Lyon, sadly.")
    assert ("del", "Paris") in left and ("ins", "Lyon, sadly") in right
    assert "".join(t for _, t in left) == "The capital of France is Paris."
    assert "".join(t for _, t in right) == "The capital of France is Lyon, sadly."


def test_diff_in_html_is_escaped(tmp_path):
    base, cand = "The answer is safe and sound.", "The answer is safe <img src=x> and sound."
    _, right = word_diff(base, cand)
    inserted = [t for op, t in right if op == "ins"]
    assert inserted and all("<img src=x>" in t for t in inserted)  # the inserted words, as the model wrote them
    run = write_run(tmp_path / "run.jsonl", [record("d", chat_request(), chat_response(base),
                                                    chat_response(cand, model="llama"))])
    summary = compare_run(run, settings=CompareSettings.build(disable=["semantic"])).summary
    html = render_html(summary, decide(summary, Thresholds.from_mapping({})))
    ins = re.findall(r"<ins>(.*?)</ins>", html.split("<article", 1)[1])  # in the cases, not the legend
    assert ins and all("&lt;img src=x&gt;" in t for t in ins) and "<img" not in html  # inside the diff, as text


@pytest.mark.parametrize("text, bad", [
    pytest.param("@everyone look", "@everyone", id="mention"),
    pytest.param("![x](http://evil/t.png)", "![x]", id="image"),
    pytest.param("<img src=x onerror=alert(1)>", "<img", id="html"),
    pytest.param("a | b", "a | b", id="table-pipe"),
])
def test_md_escape(text, bad):
    assert bad not in md_escape(text)


def test_md_fence_cannot_be_closed_by_the_text():
    text = "before\n```\nrm -rf /\n````\nafter"
    fenced = md_fence(text)
    fence = fenced.split("text\n")[0]
    assert len(fence) == 5 and fenced.endswith("\n" + fence) and text in fenced


def test_markdown_summary(compared):
    md = render_markdown(*compared)
    assert md.startswith("## ❌ Parity: NO-GO")
    assert "| `json_schema` | all | ≥ 98.0% | 50.0% | 2 | **fail** |" in md
    assert XSS not in md.replace("```text\n", "")  .split("```")[0]  # outside code blocks the payload never appears raw
    for block in re.findall(r"<summary>(.*?)</summary>", md):
        assert "<script" not in block and "<img" not in block


def test_markdown_fits_a_pr_body(tmp_path):
    long = "word " * 3000
    records = [record(f"case{i}", chat_request("q " * 500), chat_response(long), chat_response(long[::-1] + "@everyone"))
               for i in range(60)]
    result = compare_run(write_run(tmp_path / "run.jsonl", records), settings=CompareSettings.build(disable=["semantic"]))
    decision = decide(result.summary, Thresholds.from_mapping({}))
    md = render_markdown(result.summary, decision)
    assert len(md) < 65_000 and "### Worst cases" in md and "more in the HTML report" in md
    assert len(render_markdown(result.summary, decision, limit=3000)) <= 3000


def test_json_report(compared):
    data = json.loads(render_json(*compared))
    assert data["format"] == "migrate.parity-report" and data["verdict"] == "no-go" and data["go"] is False
    assert data["summary"]["scopes"]["all"]["n"] == 11 and data["reasons"]


@pytest.mark.parametrize("a, b", [
    pytest.param("word " * 800, "drow " * 800, id="no-common-words"),
    pytest.param("a b " * 500, "b a " * 500, id="repetitive"),
    pytest.param("x\n" * 5000, "y\n" * 5000, id="many-lines"),
])
def test_diff_stays_fast_on_pathological_text(a, b):
    import time

    began = time.perf_counter()
    left, right = word_diff(a, b)
    assert time.perf_counter() - began < 1.0
    assert "".join(t for _, t in left) == a and "".join(t for _, t in right) == b
