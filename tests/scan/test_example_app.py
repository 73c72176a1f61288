"""End to end: `migrate scan` on examples/support_bot finds exactly what the app does with OpenAI."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate.scan import scan

APP = Path(__file__).resolve().parents[2] / "examples" / "support_bot"

# (path, line, kind, endpoint, model, parameters), in the scan's order. Notebook lines count within the cell.
EXPECTED = [
    (".env.example", 2, "env", None, None, ("OPENAI_API_KEY",)),
    (".env.example", 3, "env", None, None, ("OPENAI_BASE_URL",)),
    (".env.example", 3, "url", None, None, ()),
    (".env.example", 5, "env", None, None, ("AZURE_OPENAI_ENDPOINT",)),
    (".env.example", 5, "url", None, None, ()),
    ("notebooks/quality_check.ipynb", 3, "client", None, None, ()),
    ("notebooks/quality_check.ipynb", 3, "call", "chat.completions.create", "gpt-4o", ("logprobs", "messages", "model")),
    ("requirements.txt", 2, "requirement", None, None, ()),
    ("requirements.txt", 3, "requirement", None, None, ()),
    ("requirements.txt", 4, "requirement", None, None, ()),
    ("requirements.txt", 5, "requirement", None, None, ()),
    ("support_bot/assistant.py", 32, "client", None, None, ()),
    ("support_bot/assistant.py", 37, "call", "chat.completions.create", "gpt-4o-mini", ("max_tokens", "messages", "model", "tool_choice", "tools")),
    ("support_bot/assistant.py", 46, "call", "chat.completions.create", "gpt-4o-mini", ("messages", "model", "stream", "stream_options")),
    ("support_bot/assistant.py", 56, "call", "chat.completions.create", "gpt-4o-2024-08-06", ("messages", "model", "response_format", "store")),
    ("support_bot/azure.py", 9, "client", None, None, ("api_key", "api_version", "azure_endpoint")),
    ("support_bot/azure.py", 10, "env", None, None, ("AZURE_OPENAI_ENDPOINT",)),
    ("support_bot/azure.py", 12, "env", None, None, ("AZURE_OPENAI_API_KEY",)),
    ("support_bot/azure.py", 18, "call", "chat.completions.create", "support-gpt4o-eu", ("messages", "model")),
    ("support_bot/chains.py", 6, "wrapper", "ChatOpenAI", "gpt-4o-mini", ("model", "temperature")),
    ("support_bot/chains.py", 10, "wrapper", "litellm.completion", "gpt-4o", ("messages", "model")),
    ("support_bot/clients.py", 7, "client", None, None, ("max_retries", "timeout")),
    ("support_bot/clients.py", 12, "client", None, None, ()),
    ("support_bot/http_fallback.py", 7, "url", None, None, ()),
    ("support_bot/http_fallback.py", 11, "http", "/v1/chat/completions", "gpt-4o-mini", ("max_tokens", "messages", "model")),
    ("support_bot/http_fallback.py", 13, "env", None, None, ("OPENAI_API_KEY",)),
    ("support_bot/legacy_reports.py", 7, "config", "openai.api_key", None, ("api_key",)),
    ("support_bot/legacy_reports.py", 7, "env", None, None, ("OPENAI_API_KEY",)),
    ("support_bot/legacy_reports.py", 8, "config", "openai.api_base", None, ("api_base",)),
    ("support_bot/legacy_reports.py", 8, "url", None, None, ()),
    ("support_bot/legacy_reports.py", 13, "call", "ChatCompletion.create", "gpt-3.5-turbo", ("messages", "model", "temperature")),
    ("support_bot/legacy_reports.py", 18, "exception", "openai.error.RateLimitError", None, ("RateLimitError",)),
    ("support_bot/media.py", 8, "call", "images.generate", "dall-e-3", ("model", "prompt", "size")),
    ("support_bot/media.py", 13, "call", "moderations.create", "omni-moderation-latest", ("input", "model")),
    ("support_bot/media.py", 19, "call", "chat.completions.create", "gpt-4o-mini", ("messages", "model")),
    ("support_bot/search.py", 8, "call", "embeddings.create", "text-embedding-3-small", ("input", "model")),
    ("support_bot/worker.py", 13, "call", "chat.completions.create", "gpt-4o", ("messages", "model")),
    ("support_bot/worker.py", 22, "client", None, None, ()),
    ("support_bot/worker.py", 23, "call", "responses.create", "gpt-4.1-mini", ("input", "model", "temperature")),
]


@pytest.fixture(scope="module")
def result():
    return scan([APP])


def test_exact_findings(result):
    assert [(f.path, f.line, f.kind.value, f.endpoint, f.model, f.parameters) for f in result.findings] == EXPECTED
    assert result.skipped == ()
    assert (result.files_scanned, result.files_parsed) == (14, 12)  # README.md is not scanned; __init__/config never mention OpenAI


def by_location(result, path, line, kind="call"):
    [f] = [f for f in result.findings if (f.path, f.line, f.kind.value) == (path, line, kind)]
    return f


@pytest.mark.parametrize(
    "path, line, client, origin, detail",
    [
        pytest.param("support_bot/assistant.py", 37, "OpenAI", "constant DEFAULT_MODEL (support_bot/config.py:5)",
                     "client from parameter client: OpenAI", id="self-client-and-imported-default"),
        pytest.param("support_bot/search.py", 8, "OpenAI", "constant EMBEDDING_MODEL (support_bot/config.py:6)",
                     "client from support_bot.clients.client", id="client-from-another-module"),
        pytest.param("support_bot/worker.py", 13, "AsyncOpenAI", "environment variable SUPPORT_BOT_MODEL (default)",
                     "client from factory get_async_client()", id="cached-factory-and-env-default"),
        pytest.param("support_bot/azure.py", 18, "AzureOpenAI", "literal", "client from factory make_azure_client()", id="azure-factory"),
        pytest.param("support_bot/media.py", 13, "module", "literal", "", id="module-level-client"),
        pytest.param("support_bot/legacy_reports.py", 13, "module", "literal", "chat.completions.create", id="legacy-0x"),
    ],
)
def test_resolution_details(result, path, line, client, origin, detail):
    f = by_location(result, path, line)
    assert (f.client, f.model_origin, f.detail) == (client, origin, detail)


def test_notebook_cells_variants_and_dynamic_kwargs(result):
    nb = [f for f in result.findings if f.path.endswith(".ipynb")]
    assert [f.cell for f in nb] == [1, 2]  # cell 0 is markdown
    assert by_location(result, "support_bot/azure.py", 18).variant == "with_raw_response"
    assert by_location(result, "support_bot/worker.py", 13).parameters_dynamic  # **options


def test_no_secret_leaks_and_verdicts_are_given(result):
    env = [f for f in result.findings if f.path == ".env.example"]
    assert env[0].code == "OPENAI_API_KEY=****"
    assert "sk-your-key-here" not in result.to_json()
    verdicts = {(f.path, f.line, f.kind.value): f.verdict.value for f in result.findings}
    assert verdicts[("support_bot/media.py", 8, "call")] == "unsupported"  # images on vLLM
    assert verdicts[("support_bot/assistant.py", 37, "call")] == "needs-change"  # OpenAI model name
    assert verdicts[("requirements.txt", 2, "requirement")] == "ok"
