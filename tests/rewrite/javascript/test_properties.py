"""Property-based: any layout of a client construction (options, order, one line or many, trailing commas,
comments, quotes, wrappers) is rewritten into code that parses, keeps every option the user wrote, reads the
configured endpoint, and is left alone by a second run."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate.rewrite.javascript.engine import parse_js, syntax_error
from migrate.rewrite.registry import BY_ID
from tests.rewrite.javascript.cases import run_js

OPTIONS = ["maxRetries: 3", "timeout: 20_000", "organization: 'org-1'", 'defaultHeaders: { "x-team": "a" }',
           "apiKey: process.env.OPENAI_API_KEY", "apiKey: myKey", 'baseURL: "https://api.openai.com/v1"',
           "fetch: customFetch"]
COMMENTS = ["", " // why", " /* note */"]


@st.composite
def constructions(draw):
    chosen = draw(st.lists(st.sampled_from(OPTIONS), unique_by=lambda o: o.split(":")[0], max_size=4))
    multiline = draw(st.booleans())
    trailing = draw(st.booleans())
    quote = draw(st.sampled_from(['"', "'"]))
    wrapper = draw(st.sampled_from(["{}", "({})", "await Promise.resolve({})"]))
    if not chosen:
        args = draw(st.sampled_from(["", "{}"]))
    elif multiline:
        indent = draw(st.sampled_from(["  ", "    ", "\t"]))
        lines = []
        for i, option in enumerate(chosen):
            comma = "," if i < len(chosen) - 1 or trailing else ""
            lines.append(f"{indent}{option}{comma}{draw(st.sampled_from(COMMENTS))}")
        args = "{\n" + "\n".join(lines) + "\n}"
    else:
        args = "{ " + ", ".join(chosen) + ("," if trailing else "") + " }"
    expression = wrapper.format(f"new OpenAI({args})")
    source = (f"import OpenAI from {quote}openai{quote};\nconst myKey = process.env.OPENAI_API_KEY;\n"
              f"const customFetch = fetch;\nexport async function make() {{\n  return {expression};\n}}\n")
    return source, chosen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constructions())
def test_any_layout_rewrites_to_parsing_idempotent_code_keeping_options(built):
    source, chosen = built
    result = run_js(source, tuple(BY_ID))
    assert result.failure is None, (result.failure, source)
    after = result.after
    assert syntax_error(parse_js("app.ts", after.encode())[0]) is None, after
    assert "process.env.OPENAI_BASE_URL ??" in after, after
    for option in chosen:
        key, value = option.split(":", 1)
        if key in ("apiKey", "baseURL") and ("process.env.OPENAI_API_KEY" in value or "api.openai.com" in value):
            continue  # replaced by the configured read, on purpose
        assert option in after, (option, after)
    assert "api.openai.com" not in after
    again = run_js(after, tuple(BY_ID))
    assert again.after == after, (source, after, again.after)
