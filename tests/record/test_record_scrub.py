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


# -- every kind of secret, at every boundary (see tests/parity/test_secrets_and_bytes.py for the end to end) ---------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from migrate.config import ConfigError, load_config  # noqa: E402
from migrate.record.scrub import redaction_kinds, scrubber_for  # noqa: E402


@pytest.mark.parametrize("text,expected", [
    ("key sk_live_" + "a1" * 12 + " here", "key [REDACTED:api-key] here"),
    ("pat github_pat_" + "A1_" * 15, "pat [REDACTED:api-key]"),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXNpZw ok", "jwt [REDACTED:token] ok"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----\nnext", "[REDACTED:private-key]\nnext"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B (cut)", "[REDACTED:private-key]"),
    ("password=hunter22 then", "password=[REDACTED:secret] then"),
    ('{"client_secret": "abc123xyz"}', '{"client_secret": "[REDACTED:secret]"}'),
    ("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", "export AWS_SECRET_ACCESS_KEY=[REDACTED:secret]"),
    ("API_KEY: 'abcdef1234'", "API_KEY: '[REDACTED:secret]'"),
    ("db at postgres://app:pa55word@db:5432/x", "db at postgres://app:[REDACTED:secret]@db:5432/x"),
], ids=["stripe", "github-fine-grained", "jwt", "openssh-key", "truncated-pem", "password", "json-secret", "aws-secret",
        "api-key-assignment", "url-password"])
def test_more_secret_kinds(text, expected):
    assert Scrubber().text(text) == expected


@pytest.mark.parametrize("text", [
    "password = os.environ['DB_PASSWORD']", "token = get_token()", "Reset your password: click here", "the token count is 512",
    "see https://example.com/docs@v2", "user@example.com", "an api key is a credential", "a_very_long_identifier_name_here",
    "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
], ids=["code-environ", "code-call", "prose", "token-count", "url-without-password", "email-not-opted-in", "prose-api-key",
        "long-identifier", "response-id"])
def test_ordinary_text_and_code_are_left_alone(text):
    assert Scrubber().text(text) == text


def test_unchanged_values_come_back_as_the_same_object():
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hello " * 200}], "prompt_tokens_details": {"cached_tokens": 0}}
    assert Scrubber().scrub(body) is body
    leaky = {"a": {"keep": [1, 2]}, "b": ["ok", "sk-abcdefghijklmnop1234"]}
    out = Scrubber().scrub(leaky)
    assert out == {"a": {"keep": [1, 2]}, "b": ["ok", "[REDACTED:api-key]"]}
    assert out["a"] is leaky["a"] and leaky["b"][1] == "sk-abcdefghijklmnop1234"  # copy on write: the input is untouched


def test_exact_credentials_and_redactions_apply_to_dict_keys_too():
    scrubber = Scrubber(redact=("email",)).with_secrets(["my-own-key-123"])
    assert scrubber.scrub({"my-own-key-123": 1, "bob@example.com": "my-own-key-123"}) == {"[REDACTED:api-key]": 1, "[REDACTED:email]": "[REDACTED:api-key]"}
    assert scrubber.secrets == {"my-own-key-123"} and Scrubber().secrets == set()  # with_secrets copies


def test_redaction_kinds_finds_markers_in_values_and_keys():
    assert redaction_kinds({"messages": [{"content": "to [REDACTED:email] and [REDACTED:phone]"}], "[REDACTED:api-key]": 1}) == {"email", "phone", "api-key"}
    assert redaction_kinds({"content": "[REDACTED] is not ours", "n": 3}) == set()


_SECRETISH = st.sampled_from(["sk-abcdefghijklmnop1234", "Bearer abcdefgh12345", "password=hunter22", "a@b.co", "+44 20 7946 0958",
                              "postgres://u:pw123456@h", "-----BEGIN RSA PRIVATE KEY-----\nabc", " ", "\n", "[REDACTED:email]"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=20), _SECRETISH), max_size=8).map("".join))
def test_scrubbing_is_idempotent(text):
    scrubber = Scrubber(redact=("email", "phone"))
    once = scrubber.text(text)
    assert scrubber.text(once) == once
    assert scrubber.scrub({"k": [once]}) == {"k": [once]}


def test_config_redactions_are_shared_by_record_and_parity(tmp_path):
    (tmp_path / "migrate.toml").write_text('[record]\nredact = ["email"]\nredact_regex = ["ACCT-\\\\d+"]\n')
    scrubber = scrubber_for(load_config(tmp_path / "migrate.toml"))
    assert scrubber.settings() == {"redact": ["email"], "redact_regex": [r"ACCT-\d+"]}
    assert Scrubber.from_settings(scrubber.settings()).text("ACCT-12 a@b.co") == "[REDACTED:custom] [REDACTED:email]"
    assert scrubber_for(None).settings() == {"redact": [], "redact_regex": []}
    (tmp_path / "migrate.toml").write_text('[record]\nredact = ["ssn"]\n')
    with pytest.raises(ConfigError, match=r"migrate.toml: \[record\] unknown redaction 'ssn'"):
        scrubber_for(load_config(tmp_path / "migrate.toml"))
    (tmp_path / "migrate.toml").write_text('[record]\nredact_regex = 3\n')
    with pytest.raises(ConfigError, match=r"\[record\] redact_regex: expected a list of strings"):
        scrubber_for(load_config(tmp_path / "migrate.toml"))
