"""Markdown: a summary and a findings table that fit a pull-request body or a CI job summary.

GitHub caps a PR body at 65,536 characters; the table stops at `max_rows` (ok findings go last) and says
how many it left out.
"""

from __future__ import annotations

from migrate.scan.findings import ScanResult, Verdict
from migrate.scan.formats import (
    VERDICT_ORDER, counts_by_endpoint, evidence, languages_line, main_reason, shows_language, sorted_findings,
    what,
)

EMOJI = {
    Verdict.UNSUPPORTED: "⛔",
    Verdict.NEEDS_CHANGE: "🛠️",
    Verdict.SERVER_FLAG: "🚩",
    Verdict.IGNORED: "💤",
    Verdict.OK: "✅",
}


def render(result: ScanResult, *, max_rows: int = 200, title: str = "OpenAI → vLLM compatibility", **_options) -> str:
    c = result.catalog
    counts = result.counts_by_verdict()
    lines = [f"## {title}", ""]
    lines.append(
        f"Scanned {result.files_scanned} files ({result.files_parsed} parsed) and found "
        f"**{len(result.findings)}** OpenAI use{'s' if len(result.findings) != 1 else ''} "
        f"in {len({f.path for f in result.findings})} files."
    )
    lines.append(f"Catalog: openai {c.openai_version} / vLLM {c.vllm_version} (generated {c.generated}); migrate-kit {result.tool_version}.")
    if getattr(c, "target", None):
        lines.append(f"Target profile: {c.target}. Evidence per verdict: probed (the target answered), declared "
                     "(vLLM's request models), fact (a hand-written rule and its test).")
    lines += ["", "| Verdict | Findings |", "| --- | ---: |"]
    for v in VERDICT_ORDER:
        lines.append(f"| {EMOJI[v]} {v.value} | {counts[v.value]} |")
    endpoints = counts_by_endpoint(result)
    if endpoints:
        lines += ["", "<details><summary>By endpoint</summary>", "", "| Endpoint | Findings | Worst verdict |", "| --- | ---: | --- |"]
        lines += [f"| `{_cell(name)}` | {n} | {worst.value} |" for name, n, worst in endpoints]
        lines += ["", "</details>"]
    if result.findings:
        language = shows_language(result)
        if language:
            lines += ["", f"Findings by language: {languages_line(result)}."]
        header = "| Location | Language | Endpoint | Model | Verdict | Evidence | Reason |" if language else "| Location | Endpoint | Model | Verdict | Evidence | Reason |"
        lines += ["", header, "| --- " * header.count(" | ") + "| --- |"]
        ordered = sorted_findings(result.findings)
        for f in ordered[:max_rows]:
            model = f"`{_cell(f.model)}`" if f.model else ""
            lang = f" {f.language} |" if language else ""
            lines.append(
                f"| `{_cell(f.location)}` |{lang} `{_cell(what(f))}` | {model} | {EMOJI[f.verdict]} {f.verdict.value} | "
                f"{evidence(f)} | {_cell(main_reason(f))} |"
            )
        if len(ordered) > max_rows:
            lines += ["", f"… and {len(ordered) - max_rows} more findings: run `migrate scan --format json` for all of them."]
        fixes = _distinct_fixes(ordered)
        if fixes:
            lines += ["", "<details><summary>What to do</summary>", ""]
            lines += [f"- **{_cell(subject)}** ({verdict}): {_cell(fix)}" for subject, verdict, fix in fixes]
            lines += ["", "</details>"]
    if result.skipped:
        lines += ["", f"<details><summary>{len(result.skipped)} files skipped</summary>", "", "| File | Reason |", "| --- | --- |"]
        for s in result.skipped[:max_rows]:
            detail = f" ({_cell(s.detail)})" if s.detail else ""
            lines.append(f"| `{_cell(s.path)}` | {_cell(s.reason)}{detail} |")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _distinct_fixes(findings) -> list[tuple[str, str, str]]:
    seen, out = set(), []
    for f in findings:
        for issue in f.issues:
            key = (issue.subject, issue.fix)
            if issue.fix and key not in seen:
                seen.add(key)
                out.append((issue.subject, issue.verdict.value, issue.fix))
    return out[:50]


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").replace("`", "'")
