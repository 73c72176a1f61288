"""The terminal report: summary (by verdict, endpoint, file), the findings table, the skipped files.

`print_report` draws it with rich on a terminal; `render` gives the same report as plain text (for pipes,
files and CI logs) without importing rich.
"""

from __future__ import annotations

import shutil
import textwrap

from migrate.scan.findings import ScanResult, Verdict
from migrate.scan.formats import (
    VERDICT_ORDER,
    catalog_line,
    counts_by_endpoint,
    evidence,
    counts_by_file,
    headline,
    languages_line,
    main_reason,
    shows_language,
    sorted_findings,
    what,
)

STYLES = {
    Verdict.UNSUPPORTED: "bold red",
    Verdict.NEEDS_CHANGE: "red",
    Verdict.SERVER_FLAG: "yellow",
    Verdict.IGNORED: "cyan",
    Verdict.OK: "green",
}
TOP = 10  # rows in the by-endpoint and by-file summaries


# -- plain text -------------------------------------------------------------------------------------------------
def render(result: ScanResult, *, width: int | None = None, **_options) -> str:
    width = width or shutil.get_terminal_size((120, 24)).columns
    out = [f"migrate-kit {result.tool_version} scan, {catalog_line(result)}", ""]
    out.append(f"{headline(result)} in {result.files_scanned} files scanned ({result.files_parsed} parsed, {len(result.skipped)} skipped)")
    if result.findings:
        counts = result.counts_by_verdict()
        out += [""] + [f"  {v.value:<18} {counts[v.value]:>5}" for v in VERDICT_ORDER]
        out += ["", "By endpoint:"] + _plain_counts(counts_by_endpoint(result))
        out += ["", "By file:"] + _plain_counts(counts_by_file(result))
        if shows_language(result):
            out += ["", f"By language: {languages_line(result)}"]
        out += ["", *_plain_table(result, width)]
    if result.skipped:
        out += ["", f"Skipped ({len(result.skipped)}):"]
        out += [f"  {s.path}: {s.reason}{f' ({s.detail})' if s.detail else ''}" for s in result.skipped]
    return "\n".join(out) + "\n"


def _plain_counts(rows) -> list[str]:
    shown = rows[:TOP]
    lines = [f"  {name:<40} {n:>5}  {worst.value}" for name, n, worst in shown]
    if len(rows) > TOP:
        lines.append(f"  ... {len(rows) - TOP} more")
    return lines


def _plain_table(result: ScanResult, width: int) -> list[str]:
    rows = [(f.location, what(f), f.model or "", f.verdict.value, evidence(f), main_reason(f))
            for f in sorted_findings(result.findings)]
    headers = ("LOCATION", "ENDPOINT", "MODEL", "VERDICT", "EVIDENCE", "REASON")
    widths = [min(max(len(r[i]) for r in [headers, *rows]), cap) for i, cap in enumerate((48, 32, 24, 17, 8, 10_000))]
    fixed = sum(widths[:5]) + 10
    widths[5] = max(30, width - fixed)
    lines = []
    for r in [headers, *rows]:
        cells = [_clip(r[i], widths[i]).ljust(widths[i]) for i in range(5)]
        wrapped = textwrap.wrap(r[5], widths[5]) or [""]
        lines.append("  ".join(cells) + "  " + wrapped[0])
        lines += [" " * (fixed) + w for w in wrapped[1:]]
    return lines


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- rich -------------------------------------------------------------------------------------------------------
def print_report(result: ScanResult, console=None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    console.print(Text.assemble(("migrate-kit ", "bold"), (result.tool_version, "bold"), "  ", (catalog_line(result), "dim")))
    summary = Text(f"{len(result.findings)} OpenAI use{'s' if len(result.findings) != 1 else ''} in {result.files_scanned} files "
                   f"({result.files_parsed} parsed, {len(result.skipped)} skipped, {result.duration_s:.2f} s)")
    console.print(summary)
    if shows_language(result):
        console.print(Text(f"by language: {languages_line(result)}", "dim"))
    if result.findings:
        counts = result.counts_by_verdict()
        verdicts = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        verdicts.add_column("verdict")
        verdicts.add_column("findings", justify="right")
        for v in VERDICT_ORDER:
            verdicts.add_row(Text(v.value, STYLES[v]), str(counts[v.value]))
        by_endpoint = _count_table("endpoint", counts_by_endpoint(result))
        by_file = _count_table("file", counts_by_file(result))
        grid = Table.grid(padding=(0, 4))
        grid.add_row(verdicts, by_endpoint, by_file)
        console.print(grid)

        table = Table(box=box.SIMPLE_HEAVY, show_lines=False, expand=True, title="Findings", title_justify="left")
        table.add_column("location", no_wrap=True, overflow="fold", max_width=48)
        language = shows_language(result)
        if language:
            table.add_column("language", no_wrap=True)
        table.add_column("endpoint", overflow="fold", max_width=32)
        table.add_column("model", overflow="fold", max_width=24)
        table.add_column("verdict", no_wrap=True)
        table.add_column("evidence", no_wrap=True, style="dim")
        table.add_column("reason", ratio=1)
        for f in sorted_findings(result.findings):
            cells = (f.location, f.language) if language else (f.location,)
            table.add_row(*cells, what(f), f.model or "", Text(f.verdict.value, STYLES[f.verdict]), evidence(f),
                          main_reason(f))
        console.print(table)
    if result.skipped:
        skipped = Table(box=box.SIMPLE, title=f"Skipped files ({len(result.skipped)})", title_justify="left")
        skipped.add_column("file", overflow="fold")
        skipped.add_column("reason")
        skipped.add_column("detail", overflow="fold")
        for s in result.skipped:
            skipped.add_row(s.path, s.reason, s.detail)
        console.print(skipped)


def _count_table(label: str, rows):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(label, overflow="fold", max_width=44)
    table.add_column("findings", justify="right")
    for name, n, worst in rows[:TOP]:
        table.add_row(Text(name, STYLES[worst]), str(n))
    if len(rows) > TOP:
        table.add_row(Text(f"… {len(rows) - TOP} more", "dim"), "")
    return table
