"""The 0.x SDK: module-level resources, settings and openai.error."""

from __future__ import annotations

import pytest

from tests.scan.conftest import detect

LEGACY_CALLS = [
    pytest.param('openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[])', "ChatCompletion.create",
                 "chat.completions.create", "gpt-3.5-turbo", id="chat"),
    pytest.param('await openai.ChatCompletion.acreate(model="gpt-4", messages=[])', "ChatCompletion.acreate",
                 "chat.completions.create", "gpt-4", id="chat-async"),
    pytest.param('openai.Completion.create(engine="davinci-deploy", prompt="x")', "Completion.create",
                 "completions.create", "davinci-deploy", id="completion-azure-engine"),
    pytest.param('openai.Embedding.create(model="text-embedding-ada-002", input="x")', "Embedding.create",
                 "embeddings.create", "text-embedding-ada-002", id="embedding"),
    pytest.param('openai.Image.create(prompt="cat", n=1)', "Image.create", "images.generate", None, id="image"),
    pytest.param('openai.Moderation.create(input="x")', "Moderation.create", "moderations.create", None, id="moderation"),
    pytest.param('openai.Audio.transcribe("whisper-1", f)', "Audio.transcribe", "audio.transcriptions.create", None, id="audio"),
    pytest.param('openai.Edit.create(model="text-davinci-edit-001", input="x", instruction="y")', "Edit.create",
                 "no openai>=1 counterpart", "text-davinci-edit-001", id="edit-retired"),
    pytest.param('openai.FineTune.create(training_file="f")', "FineTune.create", "no openai>=1 counterpart", None, id="finetune-retired"),
]


@pytest.mark.parametrize("call, endpoint, modern, model", LEGACY_CALLS)
def test_legacy_calls(call, endpoint, modern, model):
    source = f"import openai\nasync def f():\n    {call}\n"
    [found] = [f for f in detect(source) if f.kind.value == "call"]
    assert (found.api, found.endpoint, found.detail, found.model, found.client) == ("openai-legacy", endpoint, modern, model, "module")


def test_legacy_class_imported_by_name():
    [found] = detect("from openai import ChatCompletion\nChatCompletion.create(model='gpt-4', messages=[])")
    assert (found.endpoint, found.api) == ("ChatCompletion.create", "openai-legacy")


@pytest.mark.parametrize(
    "line, setting, api",
    [
        pytest.param("openai.api_key = os.environ['K']", "api_key", "openai", id="api-key"),
        pytest.param("openai.api_base = 'http://localhost:8000/v1'", "api_base", "openai-legacy", id="api-base"),
        pytest.param("openai.api_type = 'azure'", "api_type", "openai", id="api-type"),
        pytest.param("openai.api_version = '2023-05-15'", "api_version", "openai", id="api-version"),
        pytest.param("openai.organization = 'org-1'", "organization", "openai", id="organization"),
        pytest.param("openai.base_url = 'http://vllm:8000/v1'", "base_url", "openai", id="v1-base-url"),
        pytest.param("oa.api_key = 'x'", "api_key", "openai", id="aliased-module"),
    ],
)
def test_module_settings(line, setting, api):
    [found] = [f for f in detect(f"import os\nimport openai\nimport openai as oa\n{line}") if f.kind.value == "config"]
    assert (found.endpoint, found.parameters, found.api, found.line) == (f"openai.{setting}", (setting,), api, 4)


def test_api_key_literal_is_masked_in_code():
    [found] = [f for f in detect('import openai\nopenai.api_key = "sk-proj-abcdefghijklmnopqrstuvwxyz"') if f.kind.value == "config"]
    assert "abcdefghij" not in found.code and "sk-****" in found.code


@pytest.mark.parametrize(
    "source, expected",
    [
        pytest.param("import openai\ntry:\n    pass\nexcept openai.error.RateLimitError:\n    pass",
                     [(4, "openai.error.RateLimitError", ("RateLimitError",))], id="attribute"),
        pytest.param("import openai\ntry:\n    pass\nexcept (openai.error.Timeout, openai.error.APIError):\n    pass",
                     [(4, "openai.error.Timeout", ("Timeout",)), (4, "openai.error.APIError", ("APIError",))], id="tuple"),
        pytest.param("from openai.error import InvalidRequestError, AuthenticationError",
                     [(1, "openai.error", ("InvalidRequestError", "AuthenticationError"))], id="from-import"),
        pytest.param("from openai import error\n", [(1, "openai.error", ("error",))], id="import-error-module"),
    ],
)
def test_legacy_exceptions(source, expected):
    found = sorted((f.line, f.endpoint, f.parameters) for f in detect(source) if f.kind.value == "exception")
    assert found == sorted(expected)


def test_lines_after_a_form_feed_quote_their_own_code():
    # str.splitlines breaks at a form feed (an old convention between sections): the quoted code was a line early
    [found] = detect("import openai\n\x0c\n\ndef ask(q):\n    return openai.ChatCompletion.create(model='gpt-4', messages=q)\n")
    assert found.line == 5 and found.code.startswith("return openai.ChatCompletion.create(")
