"""Secrets are always scrubbed; personal data on request; numbers are never touched."""

from __future__ import annotations

import pytest

from migrate.record.scrub import Scrubber, allowed_headers

KEYS = [
    "sk-abcdefghijklmnop1234", "sk-proj-AbCdEf0123456789_-xyzXYZ", "sk-ant-api03-abcdefghijklmnopqrstu",
    "ghp_" + "a" * 36, "AKIAABCDEFGHIJKLMNOP", "AIza" + "b" * 35, "hf_" + "c" * 34, "xoxb-1234567890-abcdef",
]


@pytest.mark.parametrize("key", KEYS, ids=["openai", "openai-project", "anthropic", "github", "aws", "google", "huggingface", "slack"])
def test_key_looking_values_are_scrubbed_anywhere(key):
    scrubbed = Scrubber().scrub({"messages": [{"content": f"my key is {key}, use it"}], key: [key]})
    assert key not in repr(scrubbed)
    assert scrubbed["messages"][0]["content"] == "my key is [REDACTED:api-key], use it"


def test_bearer_tokens_and_exact_credentials():
    scrubber = Scrubber()
    scrubber.add_secrets_from_headers([("Authorization", "Bearer not-a-key-shape-123"), ("Cookie", "session=abcdef123456; theme=dark")])
    text = scrubber.text("auth Bearer qwertyuiop1234 and not-a-key-shape-123 and abcdef123456")
    assert "qwertyuiop1234" not in text and "not-a-key-shape-123" not in text and "abcdef123456" not in text


def test_short_placeholder_keys_are_not_treated_as_secrets():
    scrubber = Scrubber()
    scrubber.add_secret("Bearer EMPTY")
    assert scrubber.text("EMPTY fields are fine") == "EMPTY fields are fine"


@pytest.mark.parametrize(
    "text,expected",
    [("mail jane.doe+x@example.co.uk now", "mail [REDACTED:email] now"),
     ("call +44 20 7946 0958", "call [REDACTED:phone]"), ("call (555) 123-4567.", "call [REDACTED:phone]."),
     ("or 555-123-4567", "or [REDACTED:phone]"), ("or +14155550123", "or [REDACTED:phone]"),
     ("version 1.2.3 on 2026-11-25", "version 1.2.3 on 2026-11-25"), ("pi is 3.14159", "pi is 3.14159")],
    ids=["email", "phone-intl", "phone-us-parens", "phone-us-dashes", "phone-e164", "not-versions-or-dates", "not-decimals"],
)
def test_redactions(text, expected):
    assert Scrubber(redact=("email", "phone")).text(text) == expected


def test_redaction_touches_strings_only():
    value = {"latency_ms": 5551234567, "logprobs": [-0.5, 1234567890], "content": "ring 555-123-4567"}
    assert Scrubber(redact=("phone",)).scrub(value) == {"latency_ms": 5551234567, "logprobs": [-0.5, 1234567890], "content": "ring [REDACTED:phone]"}


def test_custom_regex_and_bad_input():
    assert Scrubber(patterns=(r"ACCT-\d+",)).text("account ACCT-991 closed") == "account [REDACTED:custom] closed"
    with pytest.raises(ValueError, match="not a valid regular expression"):
        Scrubber(patterns=("(unclosed",))
    with pytest.raises(ValueError, match="unknown redaction 'ssn'"):
        Scrubber(redact=("ssn",))


def test_only_allow_listed_headers_survive():
    headers = [("Content-Type", "application/json"), ("Set-Cookie", "a=b"), ("x-request-id", "req_1"), ("Authorization", "Bearer x"),
               ("openai-organization", "org-secret"), ("openai-processing-ms", "12")]
    assert allowed_headers(headers) == {"content-type": "application/json", "x-request-id": "req_1", "openai-processing-ms": "12"}
