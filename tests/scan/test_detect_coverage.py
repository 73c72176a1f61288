"""Shapes seen on real repositories that the detector used to miss: legacy wrapper import paths, raw HTTP
through a URL built in a variable or through a client's base URL, Azure hosts built in an f-string."""

from __future__ import annotations

import pytest

from tests.scan.conftest import detect

LEGACY_WRAPPERS = [
    pytest.param("from langchain import OpenAI\nllm = OpenAI(temperature=0)", ("langchain", "OpenAI"), id="langchain-top-level"),
    pytest.param("from langchain.llms import OpenAI\nOpenAI()", ("langchain", "OpenAI"), id="langchain-llms"),
    pytest.param("from langchain.llms.openai import OpenAIChat\nOpenAIChat()", ("langchain", "OpenAIChat"), id="langchain-llms-openai"),
    pytest.param("from langchain.chat_models.azure_openai import AzureChatOpenAI\nAzureChatOpenAI()",
                 ("langchain", "AzureChatOpenAI"), id="langchain-chat-models-azure"),
    pytest.param("from langchain.embeddings import OpenAIEmbeddings\nOpenAIEmbeddings()", ("langchain", "OpenAIEmbeddings"),
                 id="langchain-embeddings"),
    pytest.param("from langchain_community.chat_models.openai import ChatOpenAI\nChatOpenAI()", ("langchain", "ChatOpenAI"),
                 id="langchain-community-submodule"),
    pytest.param("from langchain_openai.chat_models.base import ChatOpenAI\nChatOpenAI()", ("langchain", "ChatOpenAI"),
                 id="langchain-openai-submodule"),
    pytest.param("from llama_index import OpenAIEmbedding\nOpenAIEmbedding()", ("llamaindex", "OpenAIEmbedding"),
                 id="llamaindex-0x-top-level"),
    pytest.param("from llama_index.llms import OpenAI\nOpenAI()", ("llamaindex", "OpenAI"), id="llamaindex-llms"),
    pytest.param("from llama_index.core.llms.openai import OpenAI\nOpenAI()", ("llamaindex", "OpenAI"), id="llamaindex-core"),
    pytest.param("from gpt_index.embeddings.openai import OpenAIEmbedding\nOpenAIEmbedding()", ("llamaindex", "OpenAIEmbedding"),
                 id="gpt-index"),
]


@pytest.mark.parametrize("source, expected", LEGACY_WRAPPERS)
def test_legacy_wrapper_import_paths(source, expected):
    found = [(f.api, f.client) for f in detect(source) if f.kind.value == "wrapper"]
    assert found == [expected]


@pytest.mark.parametrize("source", [
    pytest.param("from llama_index.llms.openai_like import OpenAILike\nOpenAILike(api_base='http://vllm:8000/v1')", id="openai-like"),
    pytest.param("from langchain_community.llms import VLLMOpenAI\nVLLMOpenAI()", id="vllm-openai"),
    pytest.param("from langchain_anthropic import ChatAnthropic\nChatAnthropic()", id="another-provider"),
])
def test_wrappers_that_are_not_openai_are_not_findings(source):
    assert [f for f in detect(source) if f.kind.value == "wrapper"] == []


HTTP_THROUGH_VARIABLES = [
    pytest.param('''
        import requests
        API_BASE = "https://api.openai.com/v1"
        url = f"{API_BASE}/chat/completions"
        requests.post(url, json={"model": "gpt-4o", "messages": []})
        ''', (5, "/v1/chat/completions", "requests", "POST https://api.openai.com/v1/chat/completions"), id="fstring-variable"),
    pytest.param('''
        import requests
        API_BASE = "https://api.openai.com/v1"
        def ask(deployment):
            url = f"{API_BASE}/engines/{deployment}/completions"
            return requests.post(url, json={"prompt": "x"})
        ''', (6, "/v1/engines/{…}/completions", "requests", "POST https://api.openai.com/v1/engines/{…}/completions"),
        id="fstring-variable-partly-known"),
    pytest.param('''
        import httpx
        async def main():
            async with httpx.AsyncClient(base_url="https://api.openai.com/v1", headers={}) as client:
                r = await client.post("/chat/completions", json={"model": "gpt-4o"})
        ''', (5, "/v1/chat/completions", "httpx", "POST https://api.openai.com/v1/chat/completions"), id="httpx-base-url-with"),
    pytest.param('''
        import httpx
        BASE = "https://api.openai.com/v1/"
        class Api:
            def __init__(self):
                self.http = httpx.Client(base_url=BASE)
            def embed(self):
                return self.http.post("embeddings", json={"model": "text-embedding-3-small", "input": "x"})
        ''', (8, "/v1/embeddings", "httpx", "POST https://api.openai.com/v1/embeddings"), id="httpx-client-attribute"),
    pytest.param('''
        import aiohttp
        async def main():
            async with aiohttp.ClientSession("https://api.openai.com") as session:
                await session.post("/v1/chat/completions", json={})
        ''', (5, "/v1/chat/completions", "aiohttp", "POST https://api.openai.com/v1/chat/completions"), id="aiohttp-base-url"),
]


@pytest.mark.parametrize("source, expected", HTTP_THROUGH_VARIABLES)
def test_raw_http_through_a_url_variable_or_a_base_url(source, expected):
    found = [(f.line, f.endpoint, f.client, f.detail) for f in detect(source) if f.kind.value == "http"]
    assert found == [expected]


def test_http_client_to_another_host_is_not_a_finding():
    source = '''
        import httpx
        client = httpx.Client(base_url="https://api.example.com/v1")
        client.post("/chat/completions", json={})
        '''
    assert detect(source) == []


AZURE_FSTRINGS = [
    pytest.param('import openai\nopenai.api_base = f"https://{name}.openai.azure.com"', id="api-base"),
    pytest.param('from openai import AzureOpenAI\nAzureOpenAI(azure_endpoint=f"https://{name}.openai.azure.com/", api_version="v")',
                 id="azure-endpoint"),
    pytest.param('from langchain_openai import AzureChatOpenAI\nAzureChatOpenAI(openai_api_base=f"https://{res}.openai.azure.com")',
                 id="langchain-azure"),
]


@pytest.mark.parametrize("source", AZURE_FSTRINGS)
def test_azure_hosts_built_in_fstrings(source):
    urls = [(f.line, f.detail) for f in detect(source) if f.kind.value == "url"]
    assert len(urls) == 1 and urls[0][0] == 2 and ".openai.azure.com" in urls[0][1] and "{…}" in urls[0][1]


def test_fstring_of_known_parts_is_a_known_string():
    source = '''
        from openai import OpenAI
        HOST = "https://api.openai.com"
        client = OpenAI(base_url=f"{HOST}/v1")
        client.chat.completions.create(model=f"{'gpt'}-4o", messages=[])
        '''
    [call] = [f for f in detect(source) if f.kind.value == "call"]
    assert call.model == "gpt-4o"


def test_fstring_that_is_not_a_url_keeps_its_literal_parts_for_other_detectors():
    source = 'from setuptools import setup\nsetup(install_requires=[f"openai>={MIN}", "tiktoken"])\n'
    from migrate.scan.detect import detect_source

    found = [(f.kind.value, f.detail) for f in detect_source(source, "setup.py")]
    assert ("requirement", "openai>=") in found  # the literal part of the f-string still reads as a pin
    assert all(kind != "url" for kind, _ in found)
