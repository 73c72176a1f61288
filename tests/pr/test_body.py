"""The pull request body and commit message rendered from templates/pr/: sections, counts, links, limits."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from migrate.pr.body import (
    GITHUB_BODY_LIMIT,
    BodyContext,
    ChangedFile,
    FindingEntry,
    ReviewEntry,
    code,
    md,
    render_body,
    render_commit_message,
)

BLOB = "https://github.com/acme/app/blob/migrate/vllm"


def make_ctx(**overrides) -> BodyContext:
    values = dict(
        tool_version="9.9.9",
        title="Point OpenAI API calls at a vLLM server",
        branch="migrate/vllm",
        base="main",
        roots=(".",),
        files_scanned=41,
        changed=(
            ChangedFile("service/app.py", f"{BLOB}/service/app.py", ("MK001", "MK002"), 3, 1),
            ChangedFile("service/worker.py", f"{BLOB}/service/worker.py", ("MK001",), 1, 1),
        ),
        rule_counts=(("MK001", 2), ("MK002", 3)),
        review=(
            ReviewEntry(
                "service/app.py", 14, f"{BLOB}/service/app.py#L14", "MK005", "logit_bias ids are tokenizer-specific"
            ),
        ),
        failures=(),
        refused=(),
        verdict_counts=(
            ("ok", 4),
            ("ignored-by-vllm", 1),
            ("needs-server-flag", 2),
            ("needs-change", 1),
            ("unsupported", 0),
        ),
        scan_note="",
        findings=(
            FindingEntry(
                "service/app.py",
                9,
                "https://github.com/acme/app/blob/abc123/service/app.py#L9",
                "needs-change",
                "chat.completions.create",
                "logit_bias: ids differ. Fix: remove it",
            ),
        ),
        serve_command="python -m vllm.entrypoints.openai.api_server --model meta-llama/Llama-3.1-8B-Instruct",
        serve_note="",
        parity_commands=("migrate parity --help",),
        parity_report=None,
        doctor_report=None,
    )
    values.update(overrides)
    return BodyContext(**values)


def html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


def section(body: str, heading: str) -> str:
    start = body.index(heading)
    following = body.find("\n## ", start + 1)
    return body[start : following if following != -1 else None]


def test_sections_counts_and_links():
    body = render_body(make_ctx())
    for heading in (
        "## Summary",
        "## Findings by verdict",
        "## Rules applied",
        "## Files changed (2)",
        "## Left for review (1)",
        "## Serve the model",
        "## Check quality before merging",
    ):
        assert heading in body, heading
    summary = section(body, "## Summary")
    assert (
        "| Files changed | 2 |" in summary
        and "| Places rewritten | 5 by 2 rules |" in summary
        and "| Left for review | 1 |" in summary
    )
    assert "(41 files)" in summary
    verdicts = section(body, "## Findings by verdict")
    assert "| `needs-server-flag` | 2 |" in verdicts and "| `ok` | 4 |" in verdicts
    assert "[`service/app.py:9`](https://github.com/acme/app/blob/abc123/service/app.py#L9)" in verdicts
    rules = section(body, "## Rules applied")
    assert re.search(r"\| \[`MK002`\]\(https://\S+/docs/rules/MK002\.md\) \| 3 \|", rules)
    files = section(body, "## Files changed")
    assert f"- [`service/app.py`]({BLOB}/service/app.py) (+3 −1): MK001, MK002" in files
    review = section(body, "## Left for review")
    assert (
        f"- [ ] [`service/app.py:14`]({BLOB}/service/app.py#L14) **MK005**: logit\\_bias ids are tokenizer-specific"
        in review
    )
    assert "```sh\npython -m vllm.entrypoints.openai.api_server --model meta-llama/Llama-3.1-8B-Instruct\n```" in body
    assert "No parity report is attached yet" in body


def test_body_is_valid_github_markdown():
    rendered = html(render_body(make_ctx()))
    assert rendered.count("<table>") == 3  # summary, verdicts, rules
    assert (
        '<a href="https://github.com/acme/app/blob/migrate/vllm/service/app.py#L14"><code>service/app.py:14</code></a>'
        in rendered
    )
    assert '<code>MK002</code></a></td>\n<td style="text-align:right">3</td>' in rendered
    assert '<pre><code class="language-sh">python -m vllm' in rendered
    assert "|" not in re.sub(r"<[^>]+>", "", rendered).replace("\\|", ""), "every pipe belongs to a table"


def test_untrusted_text_is_escaped():
    review = (ReviewEntry("src/we|ird `name`.py", 3, None, "MK005", "model emits <think> tags | *careful* [x](y)"),)
    body = render_body(make_ctx(review=review, changed=(ChangedFile("src/we|ird `name`.py", None, (), 1, 0),)))
    rendered = html(body)
    assert "&lt;think&gt;" in rendered and "*careful*" in rendered and "[x](y)" in rendered
    assert "<em>" not in rendered.split("Left for review")[1] and 'href="y"' not in rendered
    assert "<code>src/we|ird `name`.py:3</code>" in rendered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("plain", "`plain`", id="plain"),
        pytest.param("a`b", "``a`b``", id="backtick-inside"),
        pytest.param("`edge", "`` `edge ``", id="backtick-at-edge"),
        pytest.param("a|b", "`a|b`", id="pipe-outside-tables"),
    ],
)
def test_code_spans(text, expected):
    assert code(text) == expected


def test_code_span_in_a_table_cell_escapes_pipes():
    assert code("a|b", cell=True) == "`a\\|b`"
    rendered = html("| x |\n|---|\n| " + code("a|b", cell=True) + " |\n")
    assert "<td><code>a|b</code></td>" in rendered


def test_md_folds_newlines_and_escapes():
    assert md("line one\nline *two* <b>") == "line one line \\*two\\* \\<b\\>"


def test_long_lists_are_cut_to_stay_under_githubs_limit():
    changed = tuple(
        ChangedFile(
            f"pkg/module_{i:05d}/very/deep/path/client.py",
            f"{BLOB}/pkg/module_{i:05d}/very/deep/path/client.py",
            ("MK001",),
            2,
            1,
        )
        for i in range(4000)
    )
    review = tuple(
        ReviewEntry(
            f"pkg/module_{i:05d}/client.py",
            i + 1,
            f"{BLOB}/pkg/module_{i:05d}/client.py#L{i + 1}",
            "MK005",
            "logit_bias ids are tokenizer-specific " * 3,
        )
        for i in range(3000)
    )
    body = render_body(make_ctx(changed=changed, review=review, rule_counts=(("MK001", 4000),)))
    assert len(body) < GITHUB_BODY_LIMIT
    files = section(body, "## Files changed")
    shown = files.count("\n- [`pkg/")
    match = re.search(r"- …and (\d+) more", files)
    assert match and shown + int(match.group(1)) == 4000 and shown >= 5
    reviews = section(body, "## Left for review")
    shown_r = reviews.count("\n- [ ] ")
    match_r = re.search(r"- …and (\d+) more", reviews)
    assert match_r and shown_r + int(match_r.group(1)) == 3000
    assert "## Files changed (4000)" in body and "## Serve the model" in body  # the frame survives


def test_parity_report_is_embedded_with_headings_nested():
    report = "# Parity: GO\n\n| metric | value |\n|---|---|\n| agreement | 97% |\n\n```python\n# not a heading\n```\n"
    body = render_body(make_ctx(parity_report=report))
    parity = body[body.index("### Parity report") :]
    assert "### Parity: GO" in parity and "| agreement | 97% |" in parity and "# not a heading" in parity
    assert "No parity report is attached" not in body


def test_huge_parity_report_is_shortened_and_its_code_fence_closed():
    report = "# Parity\n\n```text\n" + "\n".join(f"case {i}: same answer" for i in range(20000)) + "\n```\n"
    body = render_body(make_ctx(parity_report=report))
    assert len(body) < GITHUB_BODY_LIMIT
    assert "report shortened" in body
    assert body.count("```") % 2 == 0, "an open fence would swallow the rest of the body"
    assert "## Files changed (2)" in body


def test_scan_missing_is_said_plainly():
    body = render_body(make_ctx(verdict_counts=None, scan_note="NotImplementedError", findings=()))
    assert "The scan could not run here: NotImplementedError" in section(body, "## Findings by verdict")


def test_refused_files_and_failures_are_listed():
    body = render_body(
        make_ctx(refused=((".env", "looks like it holds secrets"),), failures=(("a.py", "MK003", "could not parse"),))
    )
    assert "## Not committed (1)" in body and "- `.env`: looks like it holds secrets" in body
    assert "## Rules that could not run (1)" in body and "**MK003**: could not parse" in body


def test_commit_message():
    message = render_commit_message(make_ctx())
    subject, blank, *rest = message.splitlines()
    assert subject == "Point OpenAI API calls at a vLLM server" and blank == ""
    text = "\n".join(rest)
    assert "5 places in 2 files" in text and "- MK001: 2" in text and "- MK002: 3" in text
    assert "Left for review: 1 place" in text and "\\" not in text


def test_custom_body_template(tmp_path):
    template = tmp_path / "team.md.j2"
    template.write_text("Team PR for {{ c.branch }}: {{ c.changed | length }} files.\n{% include 'pr/body.md.j2' %}")
    body = render_body(make_ctx(), template_path=template)
    assert body.startswith("Team PR for migrate/vllm: 2 files.") and "## Rules applied" in body


def _scan_with_tool_calls():
    from migrate.scan.findings import CatalogInfo, Finding, Kind, ScanResult, Verdict

    finding = Finding(
        kind=Kind.CALL, path="service/app.py", line=3, column=0, end_line=3, end_column=9, api="openai",
        endpoint="chat.completions.create", model="gpt-4o-mini", parameters=("messages", "model", "tool_choice", "tools"),
        verdict=Verdict.SERVER_FLAG,
    )  # fmt: skip
    return ScanResult((".",), (finding,), (), 1, 1, CatalogInfo("x", "y", "z"), "0")


def test_serve_section_shows_the_planned_command_and_why(tmp_path):
    """The real `migrate serve` planner fills the section: the command and a reason per flag."""
    from dataclasses import replace

    from migrate.config import Config
    from migrate.pr.workflow import _serve_command

    config = Config(raw={"serve": {"model": "meta-llama/Llama-3.1-8B-Instruct"}})
    command, note, reasons = _serve_command([tmp_path], tmp_path, _scan_with_tool_calls(), config)
    # The serving host is a GPU box running the `vllm` distribution: `vllm serve`, whatever vLLM this machine has.
    assert command.startswith("vllm serve meta-llama/Llama-3.1-8B-Instruct ") and "--tool-call-parser" in command
    assert "migrate serve --for ." in note
    body = render_body(replace(make_ctx(), serve_command=command, serve_note=note, serve_reasons=reasons))
    serve = section(body, "## Serve the model")
    assert "| `--enable-auto-tool-choice` |" in serve and "`service/app.py:3`" in serve
    assert html(body).count("<table>") == 4


def test_serve_section_without_a_model_says_how_to_get_the_command(tmp_path):
    from migrate.config import Config
    from migrate.pr.workflow import _serve_command

    command, note, reasons = _serve_command([tmp_path], tmp_path, _scan_with_tool_calls(), Config())
    assert command == "migrate serve --for . --model MODEL" and "[tool.migrate.serve]" in note and reasons == ()
