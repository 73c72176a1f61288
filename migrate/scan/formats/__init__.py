"""Reports of a ScanResult: JSON (the stage-to-stage format), SARIF 2.1.0, Markdown, and a terminal table.

Each format module exposes `render(result, **options) -> str`; the terminal one also prints with rich.
Nothing here imports rich, jinja2 or openai at module level: the JSON and SARIF paths stay cheap.

    from migrate.scan.formats import render
    text = render(result, "sarif")
"""

from __future__ import annotations

import importlib
from collections import Counter

from migrate.scan.findings import Finding, ScanResult, Verdict

FORMATS = {
    "table": "migrate.scan.formats.terminal",
    "json": "migrate.scan.formats.json",
    "sarif": "migrate.scan.formats.sarif",
    "markdown": "migrate.scan.formats.markdown",
}
VERDICT_ORDER = [v for v in sorted(Verdict, key=lambda v: -v.rank)]  # worst first


def render(result: ScanResult, fmt: str, **options) -> str:
    try:
        module = importlib.import_module(FORMATS[fmt])
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return module.render(result, **options)


def main_reason(finding: Finding) -> str:
    """The one-line reason shown beside a finding: its worst issue, or why it is fine."""
    if not finding.issues:
        return "works on vLLM as is"
    first = finding.issues[0]
    more = len(finding.issues) - 1
    generic = first.subject in ("endpoint", "client", "api", "wrapper", "url")
    # Reasons often name their subject already ("`openai.api_key`: ..."); don't say it twice.
    named = first.subject in first.reason[: len(first.subject) + 12]
    text = first.reason if generic or named else f"{first.subject}: {first.reason}"
    return f"{text} (+{more} more)" if more else text


def what(finding: Finding) -> str:
    """What the finding is, in a few words: the endpoint of a call, else the client or kind."""
    if finding.endpoint:
        return finding.endpoint
    if finding.client:
        return finding.client
    return finding.kind.value


def shows_language(result: ScanResult) -> bool:
    """Reports name each finding's language once a scan found JS/TS code (Python-only reports stay as they were)."""
    return any(f.language != "python" for f in result.findings)


def counts_by_language(result: ScanResult) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter(f.language for f in result.findings)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def languages_line(result: ScanResult) -> str:
    """"typescript 8, python 5, javascript 2": the findings per language."""
    return ", ".join(f"{language} {n}" for language, n in counts_by_language(result))


def sorted_findings(findings) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.verdict.rank, f.path, f.cell if f.cell is not None else -1, f.line, f.column))


def counts_by_endpoint(result: ScanResult) -> list[tuple[str, int, Verdict]]:
    """(endpoint or kind, findings, worst verdict) for every endpoint seen, most findings first."""
    counts: Counter[str] = Counter()
    worst: dict[str, Verdict] = {}
    for f in result.findings:
        key = what(f) if f.endpoint else f"({f.kind.value})"
        counts[key] += 1
        worst[key] = Verdict.worst([worst.get(key, Verdict.OK), f.verdict])
    return [(k, n, worst[k]) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def counts_by_file(result: ScanResult) -> list[tuple[str, int, Verdict]]:
    counts: Counter[str] = Counter()
    worst: dict[str, Verdict] = {}
    for f in result.findings:
        counts[f.path] += 1
        worst[f.path] = Verdict.worst([worst.get(f.path, Verdict.OK), f.verdict])
    return [(k, n, worst[k]) for k, n in sorted(counts.items(), key=lambda kv: (-worst[kv[0]].rank, -kv[1], kv[0]))]


def headline(result: ScanResult) -> str:
    counts = result.counts_by_verdict()
    parts = [f"{counts[v.value]} {v.value}" for v in VERDICT_ORDER if counts[v.value]]
    found = f"{len(result.findings)} OpenAI use{'s' if len(result.findings) != 1 else ''}"
    return f"{found}" + (f": {', '.join(parts)}" if parts else "")


def catalog_line(result: ScanResult) -> str:
    c = result.catalog
    line = f"catalog: openai {c.openai_version} / vLLM {c.vllm_version} (generated {c.generated})"
    target = getattr(c, "target", None)
    return f"{line}, target profile: {target}" if target else line


def evidence(finding: Finding) -> str:
    """The kind of evidence behind a finding's verdict: probed, declared or fact (see docs/catalog.md)."""
    return finding.evidence_kind or ""


__all__ = ["FORMATS", "render", "main_reason", "what", "evidence", "sorted_findings", "counts_by_endpoint", "counts_by_file", "headline", "catalog_line"]
