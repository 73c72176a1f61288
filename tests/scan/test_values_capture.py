"""Call-site values: the scan records keyword literals (migrate/scan/detect/literals.py) and assess judges them."""

from __future__ import annotations

import ast
import json

import pytest

from migrate.catalog.values import DYNAMIC_KEY
from migrate.scan.assess import assess
from migrate.scan.detect.literals import MAX_ITEMS, call_values, literal
from migrate.scan.detect import detect_source
from migrate.scan.findings import Finding, Kind, Verdict


def lit(expr: str):
    return literal(ast.parse(expr, mode="eval").body)


@pytest.mark.parametrize("expr, expected", [
    pytest.param("0", 0, id="int"),
    pytest.param("-0.5", -0.5, id="negative-float"),
    pytest.param("True", True, id="bool"),
    pytest.param("None", None, id="none"),
    pytest.param("'none'", "none", id="string"),
    pytest.param("['text', 'audio']", ["text", "audio"], id="list"),
    pytest.param("('a', 'b')", ["a", "b"], id="tuple-as-list"),
    pytest.param("{'type': 'json_object'}", {"type": "json_object"}, id="dict"),
    pytest.param("dict(type='json_object')", {"type": "json_object"}, id="dict-call"),
    pytest.param("x", {DYNAMIC_KEY: "x"}, id="name-dynamic"),
    pytest.param("f(1)", {DYNAMIC_KEY: "f(1)"}, id="call-dynamic"),
    pytest.param("f'{a}'", {DYNAMIC_KEY: "f'{a}'"}, id="fstring-dynamic"),
    pytest.param("[{'type': 'image_url', 'image_url': {'url': u}}]",
                 [{"type": "image_url", "image_url": {"url": {DYNAMIC_KEY: "u"}}}], id="partial-literal-keeps-types"),
])
def test_literal(expr, expected):
    assert lit(expr) == expected


def test_long_values_are_cut():
    assert lit(repr("x" * 1000)).endswith("…")
    items = lit(repr(list(range(MAX_ITEMS + 10))))
    assert len(items) == MAX_ITEMS + 1 and DYNAMIC_KEY in items[-1]


def test_call_values_skip_model_and_are_sorted_json():
    call = ast.parse("c.create(model='gpt-4o', top_p=0, stream=True, **kw)", mode="eval").body
    assert call_values(call) == (("stream", "true"), ("top_p", "0"))


SOURCE = '''
from openai import OpenAI

CHOICE = "none"
client = OpenAI()

def run(question, temperature, **kw):
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": question}], top_p=0)
    client.chat.completions.create(model="m", messages=[], tools=[TOOL], tool_choice=CHOICE)
    client.chat.completions.create(model="m", messages=[], temperature=temperature, n=2)
    client.chat.completions.create(model="m", messages=[], temperature=0, **kw)
    client.chat.completions.create(model="m", messages=[], temperature=0.2, top_p=0.9)
'''


def _calls():
    findings = [f for f in detect_source(SOURCE, "app.py") if f.kind is Kind.CALL]
    return {f.line: f for f in assess(findings)}


def test_scan_records_values_and_resolves_constants():
    calls = _calls()
    assert dict(calls[8].values)["top_p"] == "0"
    assert json.loads(dict(calls[8].values)["messages"])[0]["content"] == {DYNAMIC_KEY: "question"}
    assert dict(calls[9].values)["tool_choice"] == '"none"'  # CHOICE resolved by the detector


@pytest.mark.parametrize("line, verdict, subject, says", [
    pytest.param(8, Verdict.NEEDS_CHANGE, "top_p", "top_p=0", id="literal-top_p=0-hit"),
    pytest.param(9, Verdict.OK, None, None, id="constant-tool_choice=none-no-flag-needed"),
    pytest.param(10, Verdict.NEEDS_CHANGE, "temperature", "depends on the value", id="dynamic-temperature-with-n=2"),
    pytest.param(11, Verdict.NEEDS_CHANGE, "temperature", "depends on the value", id="temperature=0-with-kwargs"),
    pytest.param(12, Verdict.OK, None, None, id="safe-values-no-hit"),
])
def test_assess_judges_call_site_values(line, verdict, subject, says):
    finding = _calls()[line]
    relevant = [i for i in finding.issues if i.subject not in ("model", "**kwargs")]
    assert Verdict.worst(i.verdict for i in relevant) is verdict, relevant
    if subject:
        issue = next(i for i in relevant if i.subject == subject)
        assert says in issue.reason and issue.evidence


def test_values_survive_json_round_trip():
    finding = _calls()[8]
    again = Finding.from_dict(json.loads(json.dumps(finding.to_dict())))
    assert again.values == finding.values


def test_module_constants_bound_once_count_as_literals():
    source = '''
from openai import OpenAI

MAX_TOKENS = 16000
TOP_P = 0
changing = 1
changing = 2
client = OpenAI()
client.chat.completions.create(model="m", messages=[], max_tokens=MAX_TOKENS, top_p=TOP_P, n=changing)
'''
    [call] = [f for f in detect_source(source, "app.py") if f.kind is Kind.CALL]
    values = dict(call.values)
    assert values["max_tokens"] == "16000" and values["top_p"] == "0"
    assert json.loads(values["n"]) == {DYNAMIC_KEY: "changing"}  # bound twice: not a constant
