"""Key facts: numbers, dates, IDs, URLs, code identifiers, names and negation compared between answers."""

from __future__ import annotations

import pytest

from migrate.parity.compare.facts import compare_facts, extract, stem
from migrate.parity.compare import Pair
from tests.report.runs import chat_request, chat_response, record


def chat_pair(base: str | None, cand: str | None) -> Pair:
    return Pair(record("r", chat_request(), chat_response(base), chat_response(cand, model="llama")))

# (baseline, candidate, the category that must contradict)
CONTRADICTIONS = [
    pytest.param("Take 200 mg every 6 hours.", "Take 2000 mg every 6 hours.", "number", id="dose-x10"),
    pytest.param("Your order #4521 shipped on Monday and arrives Thursday.",
                 "Your order #4521 has not shipped yet; it will ship next week.", "negation", id="order-not-shipped"),
    pytest.param("Your order #4521 shipped on Monday and arrives Thursday.",
                 "Your order #4521 shipped on Monday and arrives Friday.", "date", id="weekday-swapped"),
    pytest.param("Your order #4521 has shipped.", "Your order #4512 has shipped.", "id", id="order-id"),
    pytest.param("The capital of Australia is Canberra.", "The capital of Australia is Sydney.", "entity", id="city"),
    pytest.param("Call `get_user()` to load the record.", "Call `fetch_user()` to load the record.", "code", id="backticked-call"),
    pytest.param("Use the os.path.join helper.", "Use the os.path.split helper.", "code", id="dotted-name"),
    pytest.param("See https://example.com/docs for details.", "See https://example.org/docs for details.", "url", id="url"),
    pytest.param("Write to support@example.com.", "Write to help@example.com.", "url", id="email"),
    pytest.param("Refunds are available within 30 days.", "Refunds are not available within 30 days.", "negation", id="not-available"),
    pytest.param("The API supports streaming.", "The API doesn't support streaming.", "negation", id="contraction"),
    pytest.param("There is a fee for late returns.", "There is no fee for late returns.", "negation", id="no-determiner"),
    pytest.param("The meeting is at 3:30 pm.", "The meeting is at 4:30 pm.", "date", id="time"),
    pytest.param("The release is on 2024-05-01.", "The release is on 2024-06-01.", "date", id="iso-date"),
    pytest.param("It costs $20 per month.", "It costs $25 per month.", "number", id="price"),
    pytest.param("Revenue grew 12% last quarter.", "Revenue grew 21% last quarter.", "number", id="percent"),
    pytest.param("Mix 200 mg of powder.", "Mix 200 g of powder.", "number", id="same-value-other-unit"),
    pytest.param("The library requires Python 3.9 or later.", "The library requires Python 3.11 or later.", "number", id="version-number"),
    pytest.param("Install version v2.3.1 of the package.", "Install version v2.4.0 of the package.", "id", id="semver"),
    pytest.param("The ticket AB-1234 is closed.", "The ticket AB-1243 is closed.", "id", id="ticket"),
    pytest.param("Rinse three times a day.", "Rinse five times a day.", "number", id="number-words"),
    pytest.param("The flight leaves in January.", "The flight leaves in March.", "date", id="month"),
    pytest.param("Set max_retries to 3.", "Set max_retry_count to 3.", "code", id="snake-case"),
    pytest.param("The battery lasts 10 hours.", "The battery lasts 10 minutes.", "number", id="unit-swapped"),
    pytest.param("Returns are accepted.", "Returns are not always accepted.", "negation", id="not-always"),
    pytest.param("Your account was never charged.", "Your account was charged twice.", "negation", id="never"),
    pytest.param("The file is 2 GB.", "The file is 2 MB.", "number", id="size-unit"),
    pytest.param("Yes, the store is open on Sunday.", "No, it is closed on Sunday.", "negation", id="yes-vs-no"),
    pytest.param("In French you say 'merci'.", "In French you say 'gracias'.", "code", id="quoted-string"),
    pytest.param("Set the timeout to 30 seconds.", "Set the timeout to 30 minutes.", "number", id="seconds-minutes"),
    pytest.param("Connect to 10.0.0.5 on port 5432.", "Connect to 10.0.0.6 on port 5432.", "id", id="ip-address"),
]

# Faithful rewordings: no contradiction, and no flag either.
EQUIVALENT = [
    pytest.param("The function returns a list of user ids.", "It gives back a list containing the ids of the users.", id="issue-paraphrase"),
    pytest.param("Take 200 mg every 6 hours.", "Take two hundred milligrams every six hours.", id="spelled-out"),
    pytest.param("It costs $20 per month.", "The price is 20 dollars a month.", id="currency-words"),
    pytest.param("The meeting is at 3:30 pm.", "The meeting is at 15:30.", id="12h-24h"),
    pytest.param("The total is 2,000 dollars.", "The total is $2000.", id="thousands-separator"),
    pytest.param("We have 1.5 million users.", "We have 1,500,000 users.", id="scale-word"),
    pytest.param("Your order #4521 shipped on Monday.", "Order #4521 was shipped Monday.", id="order-reworded"),
    pytest.param("Paris is the capital of France.", "The capital of France is Paris.", id="reordered-names"),
    pytest.param("Do not share your password.", "Never share your password.", id="negation-both-sides"),
    pytest.param("You can't return opened items.", "Opened items cannot be returned.", id="negated-both"),
    pytest.param("1. Open the settings.\n2. Click Save.", "First open the settings, then click Save.", id="list-markers"),
    pytest.param("See https://example.com/docs/ for more.", "More at https://example.com/docs.", id="url-trailing-slash"),
    pytest.param("Hello! I'm happy to help.", "Hi, I am glad to help.", id="greeting"),
    pytest.param("Water boils at 100 °C at sea level.", "At sea level, water boils at 100 degrees celsius.", id="degrees"),
    pytest.param("Sure. The answer is 42.", "The answer is 42.", id="filler"),
]

# A fact on one side only: flagged, not a contradiction.
FLAGS = [
    pytest.param("Take 200 mg every 6 hours.", "Take 200 mg regularly.", "number", id="omitted-interval"),
    pytest.param("Your order shipped.", "Your order #4521 shipped.", "id", id="extra-id"),
    pytest.param("The tower is in Paris.", "The tower is in Paris, near the Seine.", "entity", id="extra-name"),
    pytest.param("Returns are accepted.", "Returns are accepted, but not after opening.", "negation", id="one-sided-negation"),
]


@pytest.mark.parametrize("baseline, candidate, category", CONTRADICTIONS)
def test_contradictions_are_caught(baseline, candidate, category):
    check = compare_facts(baseline, candidate)
    assert category in {d.category for d in check.contradictions}, check.differences
    assert check.reason()  # the reason names what differs


@pytest.mark.parametrize("baseline, candidate, category", CONTRADICTIONS)
def test_contradictions_are_symmetric(baseline, candidate, category):
    assert compare_facts(candidate, baseline).contradictions


@pytest.mark.parametrize("baseline, candidate", EQUIVALENT)
def test_faithful_rewordings_have_no_difference(baseline, candidate):
    check = compare_facts(baseline, candidate)
    assert check.differences == (), check.reason()


@pytest.mark.parametrize("baseline, candidate, category", FLAGS)
def test_one_sided_facts_are_flags(baseline, candidate, category):
    check = compare_facts(baseline, candidate)
    assert not check.contradictions, check.reason()
    assert category in {d.category for d in check.flags}


def test_facts_the_prompt_states_need_not_be_repeated():
    base, cand = "5 km is about 3.1 miles.", "That is about 3.1 miles."
    assert compare_facts(base, cand).flags  # without the prompt: the 5 km is missing
    assert compare_facts(base, cand, "Convert 5 km to miles.").differences == ()
    # but replacing a value the prompt gave is still a contradiction
    assert compare_facts(base, "8 km is about 3.1 miles.", "Convert 5 km to miles.").contradictions


@pytest.mark.parametrize("baseline, candidate", [
    pytest.param("Changes are not applied until you restart.", "Restart the service to apply the changes.", id="until"),
    pytest.param("The key is missing, so set OPENAI_API_KEY.", "No API key was sent; export OPENAI_API_KEY.", id="implicit-negative"),
    pytest.param("You may cancel at any time.", "Cancel whenever you like.", id="may-is-a-verb"),
])
def test_conditions_and_implicit_negatives_are_not_contradictions(baseline, candidate):
    assert not compare_facts(baseline, candidate).contradictions, compare_facts(baseline, candidate).reason()


def test_identical_texts_have_no_difference():
    text = "Order #77 ships on 2024-03-02 to Berlin; call `track()` or see https://x.test/t/77. It is not insured."
    assert compare_facts(text, text).differences == ()


def test_extract_reads_each_category():
    f = extract("Order #4521 (ticket AB-99) costs $1,200 and ships Friday at 9:00 am from Hamburg; "
                "see https://shop.test/o/4521, call `ship_order()`. It was not paid.")
    assert "4521" in f.id and "ab-99" in f.id
    assert "1200 usd" in f.number
    assert {"friday", "09:00"} <= f.date
    assert "https://shop.test/o/4521" in f.url
    assert "ship_order()" in f.code
    assert "hamburg" in f.entity
    assert "paid" in f.negation or stem("paid") in f.negation


def test_sentence_openings_are_not_names():
    assert extract("The answer is here. It works.").entity == frozenset()
    assert "openai" in extract("OpenAI released it.").entity  # inner capitals: a name even at the start


def test_stem_matches_inflections():
    assert stem("shipped") == stem("ships") == stem("shipping") == stem("ship")


def test_key_facts_comparator_fails_contradictions_and_passes_rewordings():
    from migrate.parity.compare import get

    c = get("key_facts")
    bad = c.fn(chat_pair("Take 200 mg every 6 hours.", "Take 2000 mg every 6 hours."), c.options)
    assert bad is not None and not bad.passed and "200 mg" in bad.reason
    good = c.fn(chat_pair("The function returns a list of user ids.", "It gives back a list containing the ids of the users."), c.options)
    assert good is not None and good.passed and good.score == 1.0
    flagged = c.fn(chat_pair("Take 200 mg every 6 hours.", "Take 200 mg regularly."), c.options)
    assert flagged.passed and flagged.score < 1.0
    strict = c.fn(chat_pair("Take 200 mg every 6 hours.", "Take 200 mg regularly."), {**c.options, "fail_on": "flag"})
    assert not strict.passed
    assert c.fn(chat_pair(None, None), c.options) is None


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.lists(st.sampled_from(list("abcXYZ 0123456789.,#$%:-/`()'\n") + ["not ", "Monday ", "mg ", "https://a.test/"]),
                 max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_any_text_is_handled_and_a_text_agrees_with_itself(a, b):
    assert compare_facts(a, a).differences == ()
    check = compare_facts(a, b)  # never raises
    assert all(d.severity in ("contradiction", "flag") for d in check.differences)
