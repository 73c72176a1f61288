"""Findings in files that are not Python: .env files and dependency pins.

    .env, .env.example, .envrc        OPENAI_API_KEY=... -> env findings (values of secrets masked)
    requirements*.txt / *.in          openai==0.28.1     -> requirement findings
    pyproject.toml, Pipfile, setup.cfg

Line-based on purpose: broken TOML still yields its pins, and every finding has its line.
"""

from __future__ import annotations

import re

from migrate.scan.detect import sdk
from migrate.scan.findings import Finding, Kind

_ENV_LINE_RE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*(.*?)\s*$")
_KEY_VALUE_RE = re.compile(r"^(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})")
# PEP 508 at the start of a string: name, extras, the rest (specifier or URL), stopping at ; or a quote.
_PEP508_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#\"']*)")
_QUOTED_RE = re.compile(r"""["']\s*([A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*[^"';#]*)""")
_TABLE_RE = re.compile(r"^\s*\[+([^\]]+)\]+\s*$")
_SPEC_START = ("=", "<", ">", "!", "~", "^", "@", "*")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(text: str) -> str | None:
    """'openai==0.28.1' -> the detail for a tracked package ("openai==0.28.1 (pins the 0.x SDK)"), else None."""
    match = _PEP508_RE.match(text)
    if not match:
        return None
    name, extras, rest = match.group(1), match.group(2) or "", match.group(3).strip()
    if not sdk.REQUIREMENT_PACKAGES_RE.match(normalise(name)):
        return None
    if rest and not rest.startswith(_SPEC_START) and not rest[0].isdigit():
        return None  # "openai is great": prose, not a requirement
    return _detail(normalise(name), extras, rest)


def _detail(name: str, extras: str, spec: str) -> str:
    text = f"{name}{extras}{spec}"
    if name == "openai":
        from migrate.scan.assess import requirement_allows_only_0x

        if spec and requirement_allows_only_0x(spec):
            text += " (pins the 0.x SDK)"
        elif not spec:
            text += " (unpinned)"
    return text


def env_findings(text: str, path: str) -> list[Finding]:
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ENV_LINE_RE.match(line)
        if not match:
            continue
        name, value = match.group(1), _unquote(match.group(2))
        has_host = bool(sdk.OPENAI_HOST_RE.search(value))
        looks_key = bool(_KEY_VALUE_RE.match(value))
        if not (sdk.ENV_NAME_RE.match(name) or has_host or looks_key):
            continue
        secret = bool(sdk.SECRET_NAME_RE.search(name)) or looks_key
        shown = _mask(value) if secret else value
        code = f"{name}={shown}"[:160]
        notes = [f"environment variable {name}"]
        if looks_key:
            notes.append("an OpenAI API key (sk-...) is written in this file: revoke it and keep keys out of files")
        column = line.index(name)
        findings.append(Finding(Kind.ENV, path, number, column, number, len(line), "env",
                                parameters=(name,), code=code, detail="; ".join(notes)))
        if has_host and not secret:
            findings.append(Finding(Kind.URL, path, number, column, number, len(line), "http",
                                    code=code, detail=value[:200]))
    return findings


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if " #" in value:
        value = value.split(" #", 1)[0].rstrip()
    return value


def _mask(value: str) -> str:
    if not value or value.startswith("${") or value.startswith("$"):
        return value
    return "****"


def requirements_findings(text: str, path: str, style: str) -> list[Finding]:
    """style: "requirements" (pip), "pyproject", "pipfile", "setup.cfg"."""
    findings, table = [], ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if style != "requirements":
            header = _TABLE_RE.match(line)
            if header:
                table = header.group(1).strip().lower()
                continue
        hits: list[tuple[int, str]] = []
        if style in ("requirements", "setup.cfg"):
            requirement = stripped.split(" #", 1)[0].strip()
            if style == "setup.cfg" and "=" in requirement and not requirement.startswith(_SPEC_START):
                key, _, after = requirement.partition("=")
                if key.strip().replace("_", "").replace("-", "").isalpha() and not any(c in key for c in "<>!~"):
                    requirement = after.strip()  # install_requires = openai>=1 on the key's own line
            if requirement and not requirement.startswith("-"):
                detail = parse_requirement(requirement)
                if detail:
                    hits.append((line.index(stripped[0]), detail))
        else:
            for match in _QUOTED_RE.finditer(line):
                detail = parse_requirement(match.group(1))
                if detail:
                    hits.append((match.start(), detail))
            if not hits and ("dependencies" in table or table in ("packages", "dev-packages") or "requires" in table):
                kv = re.match(r"""^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=\s*(.+)$""", line)
                if kv and sdk.REQUIREMENT_PACKAGES_RE.match(normalise(kv.group(1))):
                    hits.append((line.index(kv.group(1)), _poetry_detail(normalise(kv.group(1)), kv.group(2))))
        for column, detail in hits:
            findings.append(Finding(Kind.REQUIREMENT, path, number, column, number, len(line), "requirements",
                                    code=stripped[:160], detail=detail))
    return findings


def _poetry_detail(name: str, value: str) -> str:
    """openai = "^0.28" / {version = "0.28.1", extras = [...]} / "*"."""
    match = re.search(r"""version\s*=\s*["']([^"']*)["']""", value) or re.match(r"""\s*["']([^"']*)["']""", value)
    spec = match.group(1).strip() if match else ""
    if spec == "*":
        spec = ""
    if spec and spec[0].isdigit():
        spec = "==" + spec  # Poetry/Pipfile: a bare version is an exact pin
    return _detail(name, "", spec)
