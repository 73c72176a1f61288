"""Control characters and secrets in model output: visible in HTML and Markdown, exact in JSON, never leaked."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.parity.compare import CompareSettings, compare_run
from migrate.parity.verdict import Thresholds, decide
from migrate.report import render_html, render_json, render_markdown
from migrate.report.controls import escape_json_controls, visible_controls
from tests.report.runs import chat_request, chat_response, record, write_run

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
NASTY = "a\x00b\x1b[2Jc\x07d\x08e\x7ff\x85g\x9bh\r\ni\tj\rk\ud800l"
KEY = "sk-proj-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm"


@pytest.mark.parametrize("text,expected", [
    ("plain text\twith tab\nand newline", "plain text\twith tab\nand newline"),
    ("\x00\x1b\x07\x08\x7f", "\u2400\u241b\u2407\u2408\u2421"),
    ("\x85\x9b", "\\x85\\x9b"),
    ("line\r\nnext\rover", "line\nnext\u240dover"),
    ("\ud83d alone", "\ufffd alone"),
], ids=["untouched", "c0-and-del", "c1", "cr", "lone-surrogate"])
def test_visible_controls(text, expected):
    assert visible_controls(text) == expected


def test_unchanged_text_is_the_same_object():
    text = "nothing to see " * 100
    assert visible_controls(text) is text


def test_json_escaping_keeps_the_value():
    raw = json.dumps({"t": NASTY.replace("\ud800", "")}, ensure_ascii=False)
    escaped = escape_json_controls(raw)
    assert not RAW.search(escaped)
    assert json.loads(escaped) == json.loads(raw)


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("controls")
    records = [record(f"r{i}", chat_request(f"prompt {NASTY} with {KEY}"), chat_response(f"baseline {NASTY}"),
                      chat_response(f"candidate {NASTY} {KEY}"), tags=(f"t{i}",)) for i in range(3)]
    # A hand-made run file: nothing was scrubbed on the way in.
    result = compare_run(write_run(folder / "run.jsonl", records), settings=CompareSettings.build(disable=["semantic"]), worst=5)
    return result, decide(result.summary, Thresholds.from_mapping({}))


def test_html_and_markdown_show_controls_visibly(nasty):
    result, decision = nasty
    for text in (render_html(result.summary, decision), render_markdown(result.summary, decision)):
        assert not RAW.search(text)
        assert "\u2400" in text and "\u241b[2J" in text and "\\x85" in text and "\ufffd" in text
        assert "\r" not in text


def test_json_report_is_exact_and_plain(nasty):
    result, decision = nasty
    text = render_json(result.summary, decision)
    assert not RAW.search(text)
    cases = json.loads(text)["summary"]["worst"] + json.loads(text)["summary"]["sample"]
    assert any(f"baseline {NASTY}" in c["baseline"] for c in cases)


def test_no_secret_in_verdicts_or_reports_of_a_hand_made_run(nasty):
    result, decision = nasty
    assert KEY not in result.out.read_text()
    for text in (render_html(result.summary, decision), render_markdown(result.summary, decision), render_json(result.summary, decision)):
        assert KEY not in text and "[REDACTED:api-key]" in text


def test_reports_scrub_a_summary_that_was_never_scrubbed(nasty):
    result, decision = nasty
    summary = json.loads(json.dumps(result.summary))
    summary["worst"][0]["prompt"] = f"pasted {KEY} and password=hunter2222"
    summary["bad_lines"] = [f"recs.jsonl:3: not JSON near {KEY}"]
    for text in (render_html(summary, decision), render_markdown(summary, decision), render_json(summary, decision)):
        assert KEY not in text and "hunter2222" not in text


def test_markdown_filters_show_controls_on_their_own():
    from migrate.report import md_escape, md_fence
    from migrate.report import md_html

    assert md_escape("a\x1bb\x00") == "a\u241bb\u2400"
    assert md_html("<b>\x1b</b>") == "&lt;b&gt;\u241b&lt;/b&gt;"
    assert md_fence("x\x07y") == "```text\nx\u2407y\n```"


def test_jsonl_lines_escape_what_utf8_cannot_carry(tmp_path):
    from migrate.jsonl import JsonlAppender, iter_jsonl

    value = {"text": "a\x85b\u2028c\ud800d\x1be"}
    with JsonlAppender(tmp_path / "x.jsonl") as appender:
        appender.write(value)  # a lone surrogate from a model answer would not encode as UTF-8
    raw = (tmp_path / "x.jsonl").read_bytes()
    assert b"\\u0085" in raw and b"\\u2028" in raw and b"\\ud800" in raw and b"\\u001b" in raw
    assert [obj for _, obj in iter_jsonl(tmp_path / "x.jsonl")] == [value]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=60))
def test_no_control_character_survives_the_markdown_filters(text):
    from migrate.report import md_escape, md_fence, md_html

    for shown in (visible_controls(text), md_escape(text), md_html(text), md_fence(text)):
        assert not RAW.search(shown)
    assert visible_controls(visible_controls(text)) == visible_controls(text)
