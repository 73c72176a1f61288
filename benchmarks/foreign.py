"""Did a rewrite touch what talks to someone other than OpenAI? A check independent of the rules it judges.

What belongs to another party is read from the text alone, without the kit's own role analysis (which is
what is under test): a URL whose host is not OpenAI's (another provider, a gateway, a local or vLLM server,
any other web address) and an environment variable that names another service's key or endpoint
(`OPENROUTER_API_KEY`, `XAI_API_KEY`, `TOGETHER_BASE_URL`; Azure OpenAI counts as OpenAI's). Two things
must hold for each rewritten file:

  * every such URL and name occurs after the rewrite as often as before: none was rewritten or dropped;
  * a statement that holds one (a client built for another provider, its configuration) gains no other
    URL or variable: nobody's client is handed OpenAI's key, a vLLM address, or another endpoint.
    A `# migrate:` comment above it is fine: reporting is what it should get.

Python files are checked per statement (from `ast`); notebooks and text files per diff hunk.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections import Counter
from urllib.parse import urlsplit

URL = re.compile(r"""https?://[^\s'"`<>\\)\]},]+""")
ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:API_KEY|KEY|TOKEN|API_BASE|BASE_URL|ENDPOINT|HOST)\b")
LOCAL_WORDS = re.compile(r"\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0)\b")
# Words that name no service: API_HOST or DEFAULT_BASE_URL could be anybody's (often OpenAI's own setting).
GENERIC_WORDS = {"API", "BASE", "URL", "KEY", "TOKEN", "HOST", "ENDPOINT", "DEFAULT", "LLM", "MODEL", "APP",
                 "SECRET", "ACCESS", "AUTH", "CLIENT", "SERVER", "SERVICE", "CUSTOM", "MY", "TEST"}


def is_openai_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "openai.com" or host.endswith((".openai.com", ".openai.azure.com"))


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def foreign_markers(text: str) -> list[str]:
    """The non-OpenAI URLs and environment names in `text`, in order, with repeats."""
    out = [u for u in URL.findall(text) if _host(u) and not is_openai_host(_host(u))]
    out += [n for n in ENV_NAME.findall(text)
            if "OPENAI" not in n and "AZURE" not in n and not set(n.split("_")) <= GENERIC_WORDS]
    return out


def _endpoint_words(text: str) -> set[str]:
    """Every URL, environment key name and local address in `text` (OpenAI's included)."""
    return {*URL.findall(text), *ENV_NAME.findall(text), *LOCAL_WORDS.findall(text)}


def _code_only(lines: list[str]) -> str:
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def _python_spans(before: str) -> list[tuple[int, int]] | None:
    """1-based [start, end] line spans of the simple statements and compound-statement headers."""
    try:
        tree = ast.parse(before)
    except SyntaxError:
        return None
    spans = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            spans.append((node.lineno, max(node.lineno, body[0].lineno - 1)))  # the header only
        else:
            spans.append((node.lineno, node.end_lineno or node.lineno))
    return spans


def touched_foreign(path: str, before: str, after: str) -> list[str]:
    """What the rewrite of one file did to another party's URL, key or client: empty when nothing."""
    problems = []
    lost = Counter(foreign_markers(before)) - Counter(foreign_markers(after))
    for marker, n in sorted(lost.items()):
        problems.append(f"{path}: {marker!r} rewritten or removed ({n}x)")

    a, b = before.splitlines(), after.splitlines()
    opcodes = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    spans = _python_spans(before) if path.endswith((".py", ".pyw")) else None
    if spans is None:  # text, notebook JSON, or unparsable: each hunk is its own unit
        units = [(i1 + 1, max(i1 + 1, i2)) for _, i1, i2, _, _ in opcodes]
    else:
        units = spans
    for start, end in units:
        unit_text = "\n".join(a[start - 1:end])
        if not foreign_markers(unit_text):
            continue
        known = _endpoint_words(unit_text)
        for tag, i1, i2, j1, j2 in opcodes:
            # an insertion right above the unit (a review note, a new statement before it) does not touch it
            inside = (i1 < end and i2 > start - 1) if tag != "insert" else (start <= i1 < end)
            if not inside:
                continue
            added = _endpoint_words(_code_only(b[j1:j2])) - known
            if added:
                problems.append(f"{path}:{start}: a statement for another endpoint ({foreign_markers(unit_text)[0]}) "
                                f"gained {', '.join(sorted(added))}")
    return problems
