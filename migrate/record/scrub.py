"""Keep secrets and (optionally) personal data out of recordings.

Secrets are scrubbed always, in three layers:

1. Headers are never recorded, except the allow-list below (no Authorization, api-key, cookies).
2. The exact credentials seen on the wire (the bearer token, `api-key`, `x-api-key`, ... header values) are
   removed wherever they appear in a body: a key pasted into a prompt or echoed in an error message.
3. Anything that looks like a key (`sk-...`, `sk-proj-...`, `Bearer ...`, GitHub, AWS, Google, Hugging Face
   tokens) is replaced in every string value.

Redaction of e-mail addresses, phone numbers and custom regexes is opt-in (`--redact email --redact phone
--redact-regex RE`) and applies to string values only, so numbers (latencies, token ids) are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

# Response headers worth keeping: they carry no secret and help explain latency and model choice.
ALLOWED_HEADERS = frozenset(
    {
        "content-type",
        "openai-processing-ms",
        "openai-model",
        "openai-version",
        "x-request-id",
        "x-ratelimit-limit-requests",
        "x-ratelimit-limit-tokens",
        "x-ratelimit-remaining-requests",
        "x-ratelimit-remaining-tokens",
        "retry-after",
    }
)

# Request headers that carry credentials: their values are scrubbed from bodies wherever they appear.
CREDENTIAL_HEADERS = ("authorization", "api-key", "x-api-key", "openai-api-key", "proxy-authorization", "cookie")

KEY_PATTERNS = {
    "api-key": re.compile(
        r"\bsk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"  # OpenAI / Anthropic style
        r"|\bgh[pousr]_[A-Za-z0-9]{30,}"  # GitHub
        r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
        r"|\bAIza[0-9A-Za-z_\-]{35}"  # Google
        r"|\bhf_[A-Za-z0-9]{30,}"  # Hugging Face
        r"|\bxox[abpr]-[A-Za-z0-9\-]{10,}"  # Slack
    ),
    "bearer": re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{8,}"),
}

REDACTIONS = {
    "email": re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"),
    # International (+44 20 7946 0958), North American ((555) 123-4567, 555-123-4567, 555.123.4567).
    "phone": re.compile(
        r"(?<![\w+])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{2,4}\)[\s.\-]?|\d{2,4}[\s.\-])\d{3,4}[\s.\-]\d{3,4}(?![\w])"
        r"|(?<![\w+])\+\d{8,15}(?!\w)"
    ),
}


def _placeholder(kind: str) -> str:
    return f"[REDACTED:{kind}]"


@dataclass
class Scrubber:
    """Scrub one exchange's JSON values. Build once, call `scrub(value)` for every body."""

    redact: tuple[str, ...] = ()  # names in REDACTIONS
    patterns: tuple[str, ...] = ()  # custom regexes (user input: compiled and checked here)
    secrets: set[str] = field(default_factory=set)  # exact credential values seen on the wire

    def __post_init__(self) -> None:
        unknown = [name for name in self.redact if name not in REDACTIONS]
        if unknown:
            raise ValueError(f"unknown redaction {unknown[0]!r}; choose from {', '.join(sorted(REDACTIONS))}")
        rules: list[tuple[re.Pattern[str], str]] = [(p, _placeholder(k)) for k, p in KEY_PATTERNS.items()]
        rules += [(REDACTIONS[name], _placeholder(name)) for name in self.redact]
        for text in self.patterns:
            try:
                rules.append((re.compile(text), _placeholder("custom")))
            except re.error as e:
                raise ValueError(f"--redact-regex {text!r} is not a valid regular expression: {e}") from None
        self._rules = rules

    def add_secret(self, value: str | None) -> None:
        """Remember a credential value so that it is removed wherever it appears."""
        if not value:
            return
        value = value.strip()
        scheme, _, token = value.partition(" ")
        if token and scheme.lower() in ("bearer", "basic", "token"):
            value = token.strip()
        if len(value) >= 6:  # shorter values ("EMPTY", "x") would shred ordinary text and are no secret
            self.secrets.add(value)

    def add_secrets_from_headers(self, headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> None:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            if name.lower() in CREDENTIAL_HEADERS:
                if name.lower() == "cookie":
                    for part in value.split(";"):
                        self.add_secret(part.partition("=")[2])
                else:
                    self.add_secret(value)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, _placeholder("api-key"))
        for pattern, replacement in self._rules:
            value = pattern.sub(replacement, value)
        return value

    def scrub(self, value: Any) -> Any:
        """A copy of a JSON value with every string scrubbed (dict keys included)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        return value


def allowed_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """The allow-listed response headers, lower-cased names; everything else is dropped."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name.lower(): value for name, value in items if name.lower() in ALLOWED_HEADERS}
