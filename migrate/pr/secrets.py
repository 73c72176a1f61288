"""Refuse to commit files that look like secrets.

`migrate pr` stages only the files the rewrite changed, so this guard is the second line of defence: it
catches a rewrite that touched a `.env` holding a real key, a private key file, or new content that carries a
token. Three checks, cheapest first:

1. The file's name says it holds key material (`*.pem`, `id_rsa`, `.netrc`, ...): always refused.
2. An env file (`.env`, `.env.local`, `prod.env`, ...) with a secret-named variable whose value is not a
   placeholder, or any value shaped like a known token: refused. `.env.example` with `sk-...` is fine.
3. Any other file whose new content carries a token of a known shape (OpenAI, AWS, GitHub, Slack, private
   key blocks, ...) that its committed version did not: refused. A token that was already committed is a
   warning (the history holds it already: rotate it), not a reason to block the migration.

Nothing here ever prints a secret: reasons name the file, the line and the kind of token.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

KEY_MATERIAL_NAMES = (
    "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx", "*.ppk", "*.asc",
    "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_rsa_*", "id_ed25519_*",
    ".netrc", "_netrc", ".pgpass", ".htpasswd", ".git-credentials", ".npmrc", ".pypirc",
    "credentials", "credentials.json", "service-account*.json", "*.tfstate", "*.tfvars",
)  # fmt: skip

ENV_FILE_NAMES = (".env", ".env.*", "*.env", ".envrc", "env.list")
TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".tmpl")

TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private key block", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("OpenAI-style API key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("Stripe live key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{20,}")),
    ("JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
)

_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSW(OR)?D|PWD|CREDENTIAL|AUTH|PRIVATE|SESSION|COOKIE|DSN)", re.I)
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*[=:]\s*(.*?)\s*$")
_PLACEHOLDER = re.compile(
    r"""^(?:|empty|none|null|nil|true|false|0|1|x+|\*+|\.+|-+|changeme|change[-_]me|replace[-_]?me|todo|tbd|
    dummy|fake|test|testing|example|sample|placeholder|secret|password|your[-_ ].*|<.*>|\{\{.*\}\}|\$\{.*\}|\$[A-Za-z_]\w*|
    sk-(?:x+|\.+|\*+|your.*|test.*|fake.*|dummy.*|example.*|\.\.\.)|.*(?:example|placeholder|changeme|xxxx).*)$""",
    re.I | re.X,
)
_MAX_SCAN_BYTES = 2_000_000


@dataclass(frozen=True)
class SecretCheck:
    path: str
    refuse: bool
    reason: str = ""  # why it was refused, or the warning; never contains the secret


def _name_matches(name: str, patterns: tuple[str, ...]) -> bool:
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in patterns)


def is_env_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return _name_matches(name, ENV_FILE_NAMES)


def is_env_template(path: str) -> bool:
    return PurePosixPath(path).name.lower().endswith(TEMPLATE_SUFFIXES)


def find_tokens(text: str) -> list[tuple[int, str, str]]:
    """(line, kind, matched text) for each known-shape token; the matched text is for comparison only."""
    hits: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in TOKEN_PATTERNS:
            for match in pattern.finditer(line):
                if not _PLACEHOLDER.match(match.group(0)):
                    hits.append((number, kind, match.group(0)))
    return hits


def real_looking_env_values(text: str) -> list[tuple[int, str]]:
    """(line, variable name) for env assignments that look like real secrets."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ENV_LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        name, value = match.groups()
        value = value.split(" #", 1)[0].strip().strip("'\"")
        if _PLACEHOLDER.match(value):
            continue
        if (
            any(p.search(value) for _, p in TOKEN_PATTERNS)
            or _SECRET_NAME.search(name)
            and len(value) >= 8
            and not value.startswith(("http://", "https://"))
        ):
            found.append((number, name))
    return found


def check_file(path: str, content: bytes, previous: bytes | None = None) -> SecretCheck:
    """Decide whether `content` may be committed at repo-relative `path` (`previous`: the committed version)."""
    name = PurePosixPath(path).name
    if _name_matches(name, KEY_MATERIAL_NAMES) and not name.lower().endswith(".pub"):
        return SecretCheck(path, True, f"{path}: the file name says it holds keys or credentials ({name})")
    text = content[:_MAX_SCAN_BYTES].decode("utf-8", "replace")
    if is_env_file(path) and not is_env_template(path):
        values = real_looking_env_values(text)
        if values:
            where = ", ".join(f"line {line} ({var})" for line, var in values[:5])
            return SecretCheck(path, True, f"{path}: env file with real-looking secret values at {where}")
    tokens = find_tokens(text)
    if not tokens:
        return SecretCheck(path, False)
    old = set()
    if previous is not None:
        old = {token for _, _, token in find_tokens(previous[:_MAX_SCAN_BYTES].decode("utf-8", "replace"))}
    new = [(line, kind) for line, kind, token in tokens if token not in old]
    if new:
        where = ", ".join(f"line {line} ({kind})" for line, kind in new[:5])
        return SecretCheck(path, True, f"{path}: new content carries what looks like a secret at {where}")
    line, kind, _ = tokens[0]
    return SecretCheck(
        path,
        False,
        f"{path}:{line}: a {kind} is already committed in this file; it stays in git history: rotate it",
    )
