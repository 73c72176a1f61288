"""The pull request's title, body and commit message, rendered from Jinja2 templates in templates/pr/.

`BodyContext` holds everything a template may show, already resolved to repository-relative paths and
links. Rendering keeps the body under GitHub's 65,536-character limit: long lists are cut with an
"…and N more" line, and embedded reports are shortened before anything else is lost.
"""

from __future__ import annotations

from functools import lru_cache

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

GITHUB_BODY_LIMIT = 65_536
BODY_BUDGET = 65_000  # a margin under GitHub's limit for line endings and anything the forge adds
DOCS_URL = "https://github.com/migrate-kit/migrate-kit/blob/main/docs"

BODY_TEMPLATE = "pr/body.md.j2"
COMMIT_TEMPLATE = "pr/commit.txt.j2"


@dataclass(frozen=True)
class Link:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class ChangedFile:
    path: str
    url: str | None
    rules: tuple[str, ...]
    added: int
    removed: int


@dataclass(frozen=True)
class ReviewEntry:
    path: str
    line: int | None
    url: str | None
    rule: str
    message: str


@dataclass(frozen=True)
class FindingEntry:
    path: str
    line: int
    url: str | None
    verdict: str
    what: str  # endpoint or kind
    note: str  # the first issue's reason and fix


@dataclass(frozen=True)
class ServeReason:
    flag: str  # "--enable-auto-tool-choice", or "" for a need that takes no flag
    reason: str
    locations: tuple[str, ...] = ()


@dataclass(frozen=True)
class BodyContext:
    tool_version: str
    title: str
    branch: str
    base: str
    roots: tuple[str, ...]  # what was scanned, repository-relative
    files_scanned: int
    changed: tuple[ChangedFile, ...]
    rule_counts: tuple[tuple[str, int], ...]  # (rule id, places changed), by rule id
    review: tuple[ReviewEntry, ...]
    failures: tuple[tuple[str, str, str], ...]  # (path, rule, error): places a rule could not rewrite
    refused: tuple[tuple[str, str], ...]  # (path, why): rewritten in the plan but not committed
    verdict_counts: tuple[tuple[str, int], ...] | None  # None when the scan could not run
    scan_note: str  # why the scan is missing, or ""
    findings: tuple[FindingEntry, ...]  # findings that are not "ok", worst first
    serve_command: str
    serve_note: str
    parity_commands: tuple[str, ...]
    parity_report: str | None  # Markdown, embedded as given
    doctor_report: str | None
    serve_reasons: tuple[ServeReason, ...] = ()  # why each server flag is there
    docs_url: str = DOCS_URL
    limits: dict[str, int] = field(
        default_factory=lambda: {"changed": 300, "review": 300, "findings": 200, "failures": 100}
    )
    report_limit: int = 30_000


# --- Markdown helpers (used as Jinja2 filters) ----------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!])")


def md(text: Any) -> str:
    """Plain text made safe inside a Markdown line or table cell: specials escaped, newlines folded."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: Any, cell: bool = False) -> str:
    """An inline code span that survives backticks in the text; `cell=True` also escapes pipes for tables."""
    s = " ".join(str(text).split())
    if cell:
        s = s.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def link(text: str, url: str | None) -> str:
    """`[text](url)`, or the text alone when there is no URL; `text` is already Markdown."""
    if not url:
        return text
    safe_url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{text}]({safe_url})"


def demote_headings(markdown: str, levels: int = 2) -> str:
    """Push ATX headings down so an embedded report nests under the body's own sections (code blocks kept)."""
    out, fence = [], None
    for line in markdown.splitlines():
        stripped = line.lstrip()
        marker = stripped[:3]
        if marker in ("```", "~~~"):
            if fence is None:
                fence = marker
            elif marker == fence:
                fence = None
        elif fence is None and re.match(r"#{1,6}\s", stripped):
            hashes = len(stripped) - len(stripped.lstrip("#"))
            line = "#" * min(6, hashes + levels) + stripped[hashes:]
        out.append(line)
    return "\n".join(out)


def shorten_markdown(markdown: str, limit: int) -> str:
    """Cut Markdown at a line boundary under `limit` characters, closing an open code fence."""
    if len(markdown) <= limit:
        return markdown
    kept, size, fence = [], 0, None
    lines = markdown.splitlines()
    for line in lines:
        if size + len(line) + 1 > limit - 200:
            break
        kept.append(line)
        size += len(line) + 1
        marker = line.lstrip()[:3]
        if marker in ("```", "~~~"):
            fence = marker if fence is None else (None if marker == fence else fence)
    if fence:
        kept.append(fence)
    kept.append("")
    kept.append(f"*…report shortened: {len(lines) - len(kept) + (2 if fence else 1)} more lines in the full file.*")
    return "\n".join(kept)


@lru_cache(maxsize=8)  # compiled templates are kept (a fleet run renders hundreds of bodies); edits are reloaded
def _environment(template_path: Path | None):
    """pr's own Jinja2 environment (the shared one is not mutated): our filters, a custom template's folder first."""
    import jinja2

    from migrate.templating import templates_dir

    loaders = [jinja2.FileSystemLoader(str(templates_dir()))]
    if template_path is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(template_path.parent)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown and plain text; values are escaped with the md/code filters instead
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md, code=code, link=link, demote=demote_headings, shorten=shorten_markdown)
    return env


def _render(name: str, ctx: BodyContext, template_path: Path | None) -> str:
    env = _environment(template_path)
    template = env.get_template(template_path.name if template_path else name)
    text = template.render(c=ctx, more=_more)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _more(items, limit: int) -> tuple[list, int]:
    """The first `limit` items and how many were left out."""
    items = list(items)
    return items[:limit], max(0, len(items) - limit)


def render_body(ctx: BodyContext, *, template_path: Path | None = None, budget: int = BODY_BUDGET) -> str:
    """Render the body, shrinking embedded reports and then lists until it fits GitHub's limit."""
    body = _render(BODY_TEMPLATE, ctx, template_path)
    attempt = ctx
    while len(body) > budget:
        limits = attempt.limits
        if attempt.report_limit > 2_000 and (attempt.parity_report or attempt.doctor_report):
            attempt = replace(attempt, report_limit=attempt.report_limit // 2)
        elif max(limits.values()) > 5:
            attempt = replace(attempt, limits={k: max(5, v // 2) for k, v in limits.items()})
        else:
            # Nothing left to shrink politely (a custom template with huge text): cut at a line boundary.
            return shorten_markdown(body, budget)
        body = _render(BODY_TEMPLATE, attempt, template_path)
    return body


def render_commit_message(ctx: BodyContext) -> str:
    message = _render(COMMIT_TEMPLATE, ctx, None)
    subject, _, rest = message.partition("\n")
    return subject.strip() + "\n" + rest if rest.strip() else subject.strip() + "\n"
