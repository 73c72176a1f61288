"""Libraries that call OpenAI underneath: LangChain, LlamaIndex, LiteLLM, instructor, DSPy."""

from __future__ import annotations

import pytest

from tests.scan.conftest import detect

WRAPPERS = [
    pytest.param('from langchain_openai import ChatOpenAI\nChatOpenAI(model="gpt-4o-mini", temperature=0)',
                 ("langchain", "ChatOpenAI", "gpt-4o-mini", ("model", "temperature")), id="langchain-chat"),
    pytest.param('from langchain_openai import AzureChatOpenAI\nAzureChatOpenAI(azure_deployment="d", api_version="v")',
                 ("langchain", "AzureChatOpenAI", "d", ("api_version", "azure_deployment")), id="langchain-azure"),
    pytest.param('from langchain_openai import OpenAIEmbeddings\nOpenAIEmbeddings(model="text-embedding-3-large")',
                 ("langchain", "OpenAIEmbeddings", "text-embedding-3-large", ("model",)), id="langchain-embeddings"),
    pytest.param('from langchain.chat_models import ChatOpenAI\nChatOpenAI(model_name="gpt-3.5-turbo")',
                 ("langchain", "ChatOpenAI", "gpt-3.5-turbo", ("model_name",)), id="langchain-legacy-import"),
    pytest.param('import langchain_openai as lco\nlco.ChatOpenAI()', ("langchain", "ChatOpenAI", None, ()), id="langchain-module-alias"),
    pytest.param('from langchain.chat_models import init_chat_model\ninit_chat_model("gpt-4o", model_provider="openai")',
                 ("langchain", "init_chat_model", "gpt-4o", ("model_provider",)), id="langchain-init-chat-model"),
    pytest.param('from llama_index.llms.openai import OpenAI\nOpenAI(model="gpt-4o")',
                 ("llamaindex", "OpenAI", "gpt-4o", ("model",)), id="llamaindex-llm"),
    pytest.param('from llama_index.embeddings.openai import OpenAIEmbedding\nOpenAIEmbedding(model="text-embedding-3-small")',
                 ("llamaindex", "OpenAIEmbedding", "text-embedding-3-small", ("model",)), id="llamaindex-embedding"),
    pytest.param('import litellm\nlitellm.completion(model="gpt-4o", messages=[])',
                 ("litellm", "litellm.completion", "gpt-4o", ("messages", "model")), id="litellm-completion"),
    pytest.param('from litellm import acompletion\nacompletion(model="openai/gpt-4o-mini", messages=[])',
                 ("litellm", "litellm.acompletion", "gpt-4o-mini", ("messages", "model")), id="litellm-openai-prefix"),
    pytest.param('import litellm\nlitellm.embedding("text-embedding-3-small", input=["a"])',
                 ("litellm", "litellm.embedding", "text-embedding-3-small", ("input",)), id="litellm-positional-model"),
    pytest.param('import litellm\nlitellm.completion(model=name, messages=[])',
                 ("litellm", "litellm.completion", "dynamic", ("messages", "model")), id="litellm-dynamic"),
    pytest.param('import instructor, openai\ninstructor.from_openai(openai.OpenAI())',
                 ("instructor", "instructor.from_openai", None, ()), id="instructor-from-openai"),
    pytest.param('import instructor\ninstructor.from_provider("openai/gpt-4o-mini")',
                 ("instructor", "instructor.from_provider", "gpt-4o-mini", ()), id="instructor-from-provider"),
    pytest.param('import dspy\ndspy.LM("openai/gpt-4o-mini", max_tokens=100)',
                 ("dspy", "dspy.LM", "gpt-4o-mini", ("max_tokens",)), id="dspy-lm"),
    pytest.param('import dspy\ndspy.OpenAI(model="gpt-3.5-turbo")', ("dspy", "dspy.OpenAI", "gpt-3.5-turbo", ("model",)), id="dspy-openai"),
]


@pytest.mark.parametrize("source, expected", WRAPPERS)
def test_wrappers(source, expected):
    found = [(f.api, f.endpoint, f.model, f.parameters) for f in detect(source) if f.kind.value == "wrapper"]
    assert found == [expected]


def test_calls_through_an_instructor_patched_client():
    found = [f for f in detect("""
        import instructor
        from openai import OpenAI
        client = instructor.from_openai(OpenAI())
        client.chat.completions.create(model="gpt-4o", response_model=User, messages=[])
        """) if f.kind.value == "wrapper"]
    assert [(f.line, f.api, f.endpoint, f.client, f.model) for f in found] == [
        (4, "instructor", "instructor.from_openai", "OpenAI", None),
        (5, "instructor", "chat.completions.create", "OpenAI", "gpt-4o"),
    ]
    assert found[1].parameters == ("messages", "model", "response_model")


NOT_WRAPPERS = [
    pytest.param('import litellm\nlitellm.completion(model="anthropic/claude-3-5-sonnet", messages=[])', id="litellm-other-provider"),
    pytest.param('from litellm import completion\ncompletion(model="claude-3-haiku", messages=[])', id="litellm-unprefixed-other"),
    pytest.param('import dspy\ndspy.LM("anthropic/claude-3-haiku")', id="dspy-other-provider"),
    pytest.param('from langchain_anthropic import ChatAnthropic\nChatAnthropic(model="claude")', id="langchain-other-provider"),
    pytest.param('from langchain.chat_models import init_chat_model\ninit_chat_model("claude-3", model_provider="anthropic")', id="init-other-provider"),
    pytest.param('from llama_index.llms.ollama import Ollama\nOllama(model="llama3")', id="llamaindex-other"),
]


@pytest.mark.parametrize("source", NOT_WRAPPERS)
def test_not_wrappers(source):
    assert [f for f in detect(source) if f.kind.value == "wrapper"] == []
