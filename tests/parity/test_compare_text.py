"""Text comparators: each with cases that pass and cases that fail, by readable id."""

from __future__ import annotations

import pytest

from migrate.parity.compare import Pair, get
from migrate.parity.compare.text import is_refusal, normalize, token_f1
from tests.report.runs import chat_request, chat_response, completion_response, record


def pair(base: str | None, cand: str | None, **kw) -> Pair:
    return Pair(record("r", chat_request(), chat_response(base), chat_response(cand, model="llama"), **kw))


def run(name: str, p: Pair, **options):
    c = get(name)
    return c.fn(p, {**c.options, **options})


@pytest.mark.parametrize("base, cand, passed", [
    pytest.param("Paris.", "Paris.", True, id="identical"),
    pytest.param("Paris.", "paris.", False, id="case-differs"),
    pytest.param("Paris.", "Paris. ", False, id="trailing-space-differs"),
])
def test_exact(base, cand, passed):
    assert run("exact", pair(base, cand)).passed is passed


@pytest.mark.parametrize("base, cand, passed", [
    pytest.param("Paris.", "  paris ", True, id="case-space-punctuation"),
    pytest.param("**Paris**", "Paris", True, id="markdown-emphasis"),
    pytest.param("Ｐａｒｉｓ", "Paris", True, id="fullwidth-nfkc"),
    pytest.param("The answer is\n\nParis", "the answer is paris", True, id="newlines-collapse"),
    pytest.param("Paris", "Lyon", False, id="different-word"),
    pytest.param("Paris, France", "Paris France", False, id="inner-punctuation-kept"),
])
def test_normalized(base, cand, passed):
    assert run("normalized", pair(base, cand)).passed is passed


@pytest.mark.parametrize("base, cand, expected", [
    pytest.param("the cat sat", "sat the cat", 1.0, id="same-words-any-order"),
    pytest.param("the cat sat", "a dog ran", 0.0, id="nothing-shared"),
    pytest.param("Paris is the capital", "The capital is Paris", 1.0, id="case-insensitive"),
    pytest.param("a b c d", "a b x y", 0.5, id="half-shared"),
])
def test_token_f1(base, cand, expected):
    assert token_f1(base, cand) == pytest.approx(expected)


@pytest.mark.parametrize("base, cand, passed", [
    pytest.param("Paris is the capital of France.", "The capital of France is Paris.", True, id="paraphrase-passes"),
    pytest.param("Madrid is the capital of Spain.", "I like turtles very much.", False, id="unrelated-fails"),
])
def test_lexical(base, cand, passed):
    score = run("lexical", pair(base, cand))
    assert score.passed is passed
    assert ("word overlap" in score.reason) is (not passed)


def test_lexical_threshold_is_an_option():
    p = pair("a b c d", "a b x y")
    assert run("lexical", p, min_score=0.5).passed and not run("lexical", p, min_score=0.6).passed


def test_text_comparators_skip_pairs_without_text():
    p = Pair(record("r", chat_request(), chat_response(None, tool_calls=[("f", {})]),
                    chat_response(None, tool_calls=[("f", {})], model="llama")))
    for name in ("normalized", "lexical", "length_ratio", "refusal"):
        assert run(name, p) is None, name


def test_missing_text_on_one_side_fails():
    p = Pair(record("r", chat_request(), chat_response("Paris"), chat_response(None, tool_calls=[("f", {})], model="llama")))
    score = run("lexical", p)
    assert not score.passed and "candidate did not" in score.reason


@pytest.mark.parametrize("base, cand, passed", [
    pytest.param("one two three four five six", "one two three four five six seven", True, id="similar-length"),
    pytest.param("Yes.", "Yes, it is.", True, id="short-answers-floored"),
    pytest.param("one two three four five six", " ".join(["word"] * 30), False, id="candidate-5x-longer"),
    pytest.param(" ".join(["word"] * 30), "one two three", False, id="candidate-truncated"),
])
def test_length_ratio(base, cand, passed):
    score = run("length_ratio", pair(base, cand))
    assert score.passed is passed
    assert 0.0 <= score.score <= 1.0


@pytest.mark.parametrize("text, expected", [
    pytest.param("I'm sorry, but I can't help with that.", True, id="sorry-cant"),
    pytest.param("I’m sorry, but I cannot assist with this request.", True, id="curly-apostrophe"),
    pytest.param("I cannot provide medical advice.", True, id="cannot-provide"),
    pytest.param("As an AI language model, I can't browse the web.", True, id="as-an-ai"),
    pytest.param("I must decline to answer.", True, id="must-decline"),
    pytest.param("Sorry for the delay! Here is the summary: revenue grew.", False, id="apology-not-refusal"),
    pytest.param("You can't go wrong with Paris.", False, id="cant-in-answer"),
    pytest.param("Here is how I can help with that: first...", False, id="can-help"),
])
def test_refusal_detection(text, expected):
    assert is_refusal(text) is expected


@pytest.mark.parametrize("base, cand, passed, reason", [
    pytest.param("Revenue grew 5%.", "I'm sorry, but I can't help with that.", False, "candidate refused", id="candidate-refuses"),
    pytest.param("I'm sorry, but I can't help with that.", "Sure: revenue grew 5%.", False, "baseline refused", id="baseline-refuses"),
    pytest.param("I can't help with that.", "I'm sorry, I cannot assist with that.", True, "both refused", id="both-refuse"),
    pytest.param("Revenue grew.", "Revenue went up.", True, "", id="neither"),
])
def test_refusal_comparator(base, cand, passed, reason):
    score = run("refusal", pair(base, cand))
    assert score.passed is passed and reason in score.reason


def test_refusal_field_counts_as_refusal():
    p = Pair(record("r", chat_request(), chat_response("Here."), chat_response(None, refusal="I can't do that", model="llama")))
    assert not run("refusal", p).passed


def test_normalize_is_idempotent():
    text = "  «Héllo»,  WORLD!  "
    assert normalize(normalize(text)) == normalize(text)


def test_completions_text_is_compared():
    p = Pair(record("r", {"model": "m", "prompt": "Say hi"}, completion_response("hi there"),
                    completion_response("Hi there!", model="llama"), endpoint="/v1/completions"))
    assert p.kind == "completions"
    assert run("normalized", p).passed and not run("exact", p).passed
