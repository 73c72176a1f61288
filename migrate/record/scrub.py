"""Keep secrets and (optionally) personal data out of recordings, replays, verdicts and reports.

Secrets are scrubbed always, in three layers:

1. Headers are never recorded, except the allow-list below (no Authorization, api-key, cookies).
2. The exact credentials seen on the wire (the bearer token, `api-key`, `x-api-key`, ... header values, the
   API keys parity uses) are removed wherever they appear in a body: a key pasted into a prompt or echoed
   in an error message.
3. Anything that looks like a secret (`sk-...`, `sk-proj-...`, `Bearer ...`, GitHub, AWS, Google, Hugging
   Face, Slack and Stripe tokens, JWTs, PEM private keys, `password=...` style assignments, passwords in
   URLs) is replaced in every string value.

Redaction of e-mail addresses, phone numbers and custom regexes is opt-in (`--redact email --redact phone
--redact-regex RE`, or `redact` / `redact_regex` in `[tool.migrate.record]`) and applies to string values
only, so numbers (latencies, token ids) are never touched.

The same `Scrubber` runs at every boundary where text leaves the kit: when a recording is written, on each
request before parity replays it (so a hand-made or imported recordings file never sends a key to the
candidate), and on every line of the run and verdicts files and the reports. Each replacement leaves a
marker, `[REDACTED:<kind>]`; `redaction_kinds` finds them again (a redacted prompt is flagged in parity).
Scrubbing is idempotent and copy-on-write: a value with nothing to scrub comes back as the same object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

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

MARKER = re.compile(r"\[REDACTED:([a-z][a-z0-9-]*)\]")
_NOT_A_MARKER = r"(?!\[REDACTED:)"

# Always on. Each kind's whole match becomes `[REDACTED:<kind>]`, except where a `keep` group says which
# leading part stays (the `password=` of an assignment, the `https://user:` of a URL).
KEY_PATTERNS = {
    "private-key": re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)"
    ),
    "api-key": re.compile(
        r"\bsk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"  # OpenAI / Anthropic style
        r"|\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"  # Stripe
        r"|\bgh[pousr]_[A-Za-z0-9]{30,}"  # GitHub
        r"|\bgithub_pat_[A-Za-z0-9_]{40,}"  # GitHub fine-grained
        r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
        r"|\bAIza[0-9A-Za-z_\-]{35}"  # Google
        r"|\bhf_[A-Za-z0-9]{30,}"  # Hugging Face
        r"|\bxox[abpr]-[A-Za-z0-9\-]{10,}"  # Slack
    ),
    "token": re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),  # JWT
    "bearer": re.compile(r"\b(?i:bearer)\s+" + _NOT_A_MARKER + r"[A-Za-z0-9._~+/=\-]{8,}"),
    "secret": re.compile(
        # `password=hunter22`, `"client_secret": "..."`, `AWS_SECRET_ACCESS_KEY=...`; values of 6+ characters
        # that do not look like code (`password = os.environ[...]`, `get_password()` stay).
        r"(?P<keep>(?<![A-Za-z0-9])(?i:password|passwd|secret(?:_access)?(?:_key)?|api_?key|access_?token|auth_?token)"
        r"[\"']?\s*[:=]\s*[\"']?)" + _NOT_A_MARKER + r"[^\s\"'`,;(){}\[\]<>$]{6,}(?=[\s\"'`,;)}\]]|$)"
        # a password in a URL: scheme://user:password@host
        r"|(?P<keep_url>(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@\"']+:)" + _NOT_A_MARKER + r"[^/\s@\"']+(?=@)"
    ),
}
# Cheap tests that say whether a kind's regex can match at all: a regex search over a long string is slow in
# Python's engine, `in` is not. A needle (in the lower-cased text), or for key-shaped secrets the key regex
# run over just the runs of 15 or more key characters (every key pattern is at least that long), found
# with a byte translation and `find`.
_NEEDLES: dict[str, tuple[str, ...] | None] = {
    "private-key": ("private key",),
    "api-key": None,  # the regex, over long runs only
    "token": ("eyj",),
    "bearer": ("bearer",),
    "secret": ("passw", "secret", "api_key", "apikey", "access_token", "accesstoken", "auth_token", "authtoken", "@"),
}
_LONG_RUN = b"a" * 15
_RUN_TABLE = bytes(ord("a") if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "_-") else ord(" ") for c in range(256))


def _may_hold_key(value: str) -> bool:
    """Whether a key-shaped secret may be in `value`: the key regex matches one of its long runs of key characters."""
    data = value.encode("utf-8", "replace")
    runs = data.translate(_RUN_TABLE)
    start = runs.find(_LONG_RUN)
    while start >= 0:
        end = runs.find(b" ", start)
        end = len(runs) if end < 0 else end
        if KEY_PATTERNS["api-key"].search(data[start:end].decode("ascii")):
            return True
        start = runs.find(_LONG_RUN, end)
    return False


def _possible_kinds(value: str, among: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The always-on kinds (of `among`) whose regex may match somewhere in `value`: a superset, usually empty."""
    low = value.lower()
    return tuple(
        kind for kind, needles in _NEEDLES.items()
        if (among is None or kind in among)
        and (any(needle in low for needle in needles) if needles is not None else _may_hold_key(value))
    )


REDACTIONS = {
    "email": re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"),
    # International (+44 20 7946 0958), North American ((555) 123-4567, 555-123-4567, 555.123.4567).
    "phone": re.compile(
        r"(?<![\w+])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{2,4}\)[\s.\-]?|\d{2,4}[\s.\-])\d{3,4}[\s.\-]\d{3,4}(?![\w])"
        r"|(?<![\w+])\+\d{8,15}(?!\w)"
    ),
}

_MIN_SECRET_LEN = 8  # no always-on pattern matches fewer characters: shorter strings are skipped unread

_REDACTION_NEEDLES = {"email": "@"}


def _placeholder(kind: str) -> str:
    return f"[REDACTED:{kind}]"


def _scrub_secrets(value: str, kinds: tuple[str, ...]) -> str:
    """Replace every always-on secret of these kinds in one string; a regex runs only where its test allows."""
    for kind in _possible_kinds(value, kinds):
        pattern, placeholder = KEY_PATTERNS[kind], _placeholder(kind)
        if kind == "secret":
            value = pattern.sub(lambda m: (m.group("keep") or m.group("keep_url")) + placeholder, value)
        else:
            value = pattern.sub(placeholder, value)
    return value


_ALL_KINDS = tuple(KEY_PATTERNS)
_CLEAN_KEYS: set[str] = set()  # dict keys already seen clean ("messages", "prompt_tokens", ...): skipped
_CLEAN_KEYS_MAX = 10_000


@dataclass
class Scrubber:
    """Scrub JSON values. Build once (per exchange or per run), call `scrub(value)` for every body."""

    redact: tuple[str, ...] = ()  # names in REDACTIONS
    patterns: tuple[str, ...] = ()  # custom regexes (user input: compiled and checked here)
    secrets: set[str] = field(default_factory=set)  # exact credential values seen on the wire

    def __post_init__(self) -> None:
        self.redact, self.patterns = tuple(self.redact), tuple(self.patterns)
        unknown = [name for name in self.redact if name not in REDACTIONS]
        if unknown:
            raise ValueError(f"unknown redaction {unknown[0]!r}; choose from {', '.join(sorted(REDACTIONS))}")
        rules: list[tuple[re.Pattern[str], str, str | None]] = [
            (REDACTIONS[name], _placeholder(name), _REDACTION_NEEDLES.get(name)) for name in self.redact
        ]
        for text in self.patterns:
            try:
                rules.append((re.compile(text), _placeholder("custom"), None))
            except re.error as e:
                raise ValueError(f"--redact-regex {text!r} is not a valid regular expression: {e}") from None
        self._rules = rules

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> Scrubber:
        """The scrubber `settings()` describes (as saved in a run header or a verdicts summary)."""
        settings = settings or {}
        return cls(redact=tuple(settings.get("redact") or ()), patterns=tuple(settings.get("redact_regex") or ()))

    def settings(self) -> dict[str, list[str]]:
        """The opt-in part, safe to write down (credential values never are)."""
        return {"redact": list(self.redact), "redact_regex": list(self.patterns)}

    def with_secrets(self, values: Iterable[str | None]) -> Scrubber:
        """A copy that also removes these credential values (API keys in use for this run or exchange)."""
        copy = Scrubber(redact=self.redact, patterns=self.patterns, secrets=set(self.secrets))
        for value in values:
            copy.add_secret(value)
        return copy

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

    def text(self, value: str, kinds: tuple[str, ...] = _ALL_KINDS) -> str:
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, _placeholder("api-key"))
        if kinds and len(value) >= _MIN_SECRET_LEN:
            value = _scrub_secrets(value, kinds)
        for pattern, replacement, needle in self._rules:
            if needle is None or needle in value:
                value = pattern.sub(replacement, value)
        return value

    def scrub(self, value: Any) -> Any:
        """The JSON value with every string scrubbed (dict keys included); the same object if nothing changed.

        The common case, nothing to scrub, costs one pass of cheap substring tests over the value's strings
        joined together; only the kinds of secret those tests cannot rule out are then looked for string by string.
        """
        if isinstance(value, str):
            return self.text(value)
        if not isinstance(value, (dict, list)):
            return value
        strings: list[str] = []
        _collect_strings(value, strings)
        joined = "\n".join(strings)
        kinds = _possible_kinds(joined)
        if not kinds and not any(secret in joined for secret in self.secrets) and not any(
            needle is None or needle in joined for _, _, needle in self._rules
        ):
            return value
        return self._walk(value, kinds)

    def _walk(self, value: Any, kinds: tuple[str, ...]) -> Any:
        plain = not self._rules and not self.secrets  # clean keys can hold nothing else to scrub
        if isinstance(value, str):
            return self.text(value, kinds)
        if isinstance(value, dict):
            out: dict[Any, Any] | None = None
            for i, (key, item) in enumerate(value.items()):
                new_key = self.text(key, kinds) if isinstance(key, str) and not (key in _CLEAN_KEYS and plain) else key
                new_item = self._walk(item, kinds)
                if out is None and (new_key is not key or new_item is not item):
                    out = dict(list(value.items())[:i])
                if out is not None:
                    out[new_key] = new_item
            return value if out is None else out
        if isinstance(value, list):
            items: list[Any] | None = None
            for i, item in enumerate(value):
                new = self._walk(item, kinds)
                if items is None and new is not item:
                    items = value[:i]
                if items is not None:
                    items.append(new)
            return value if items is None else items
        return value


def _clean_key(key: str) -> bool:
    """Whether a dict key can hold nothing to scrub; clean keys are remembered (they repeat in every record)."""
    if key in _CLEAN_KEYS:
        return True
    if _scrub_secrets(key, _ALL_KINDS) != key:
        return False
    if len(_CLEAN_KEYS) < _CLEAN_KEYS_MAX:
        _CLEAN_KEYS.add(key)
    return True


def _collect_strings(value: Any, out: list[str]) -> None:
    """Every string of a JSON value (dict keys not yet known clean included), in one flat list."""
    stack = [value]
    pop, push, add = stack.pop, stack.append, out.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            for key, inner in item.items():
                if key not in _CLEAN_KEYS and isinstance(key, str) and not _clean_key(key):
                    add(key)
                inner_kind = type(inner)
                if inner_kind is str:
                    add(inner)
                elif inner_kind is dict or inner_kind is list:
                    push(inner)
                elif isinstance(inner, (str, dict, list)):
                    push(inner)
        elif kind is list:
            for inner in item:
                inner_kind = type(inner)
                if inner_kind is str:
                    add(inner)
                elif inner_kind is dict or inner_kind is list:
                    push(inner)
                elif isinstance(inner, (str, dict, list)):
                    push(inner)
        elif isinstance(item, str):
            add(item)
        elif isinstance(item, dict):
            push(dict(item))
        elif isinstance(item, list):
            push(list(item))


def redaction_kinds(value: Any) -> set[str]:
    """The kinds of `[REDACTED:<kind>]` markers in a JSON value's strings: what was taken out of it."""
    kinds: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "[REDACTED:" in item:
                kinds.update(MARKER.findall(item))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return kinds


def scrubber_for(config: Any = None) -> Scrubber:
    """The scrubber configured in `[tool.migrate.record]` (`redact`, `redact_regex`): record and parity share it."""
    from migrate.config import ConfigError

    section = config.section("record") if config is not None else {}
    where = f"{config.source}: " if config is not None and config.source else ""
    table = ("tool.migrate." if config is not None and config.source and config.source.name == "pyproject.toml" else "") + "record"
    values: dict[str, tuple[str, ...]] = {}
    for key in ("redact", "redact_regex"):
        value = section.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}[{table}] {key}: expected a list of strings, got {value!r}")
        values[key] = tuple(value)
    try:
        return Scrubber(redact=values["redact"], patterns=values["redact_regex"])
    except ValueError as e:
        raise ConfigError(f"{where}[{table}] {e}") from None


def allowed_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """The allow-listed response headers, lower-cased names; everything else is dropped."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name.lower(): value for name, value in items if name.lower() in ALLOWED_HEADERS}
