"""openai-node v3 / openai-edge, @azure/openai, the Vercel AI SDK, LangChain.js and LlamaIndex.TS."""

from __future__ import annotations

import pytest

from tests.scan.javascript.conftest import calls

V3 = [
    pytest.param('const { Configuration, OpenAIApi } = require("openai");\n'
                 'const openai = new OpenAIApi(new Configuration({ apiKey: k }));\n'
                 'openai.createChatCompletion({ model: "gpt-3.5-turbo", messages: [] });',
                 "openai-node-v3", [("chat.completions.create", "OpenAIApi", "gpt-3.5-turbo")], id="v3-commonjs"),
    pytest.param('import { Configuration, OpenAIApi } from "openai";\n'
                 'const configuration = new Configuration({ apiKey: k, basePath: "https://api.openai.com/v1" });\n'
                 'const openai = new OpenAIApi(configuration);\n'
                 'await openai.createEmbedding({ model: "text-embedding-ada-002", input: "x" });\n'
                 'await openai.createImage({ prompt: "cat" });\nawait openai.listModels();',
                 "openai-node-v3", [("embeddings.create", "OpenAIApi", "text-embedding-ada-002"),
                                    ("images.generate", "OpenAIApi", None), ("models.list", "OpenAIApi", None)], id="v3-esm"),
    pytest.param('import { Configuration, OpenAIApi } from "openai-edge";\n'
                 'const openai = new OpenAIApi(new Configuration({ apiKey: k }));\n'
                 'openai.createChatCompletion({ model: "gpt-4", stream: true, messages: [] });',
                 "openai-edge", [("chat.completions.create", "OpenAIApi", "gpt-4")], id="openai-edge"),
]


@pytest.mark.parametrize("source,api,expected", V3)
def test_v3(scan_one, source, api, expected):
    findings = scan_one(source)
    assert calls(findings) == expected
    for f in findings:
        if f.kind.value in ("call", "client"):
            assert f.api == api
            assert any(i.subject == "api" and "v3 API" in i.reason for i in f.issues)


def test_v3_client_carries_configuration_options(scan_one):
    source = ('const { Configuration, OpenAIApi } = require("openai");\n'
              'const configuration = new Configuration({ apiKey: process.env.OPENAI_API_KEY, basePath: "http://localhost:8000/v1" });\n'
              'const api = new OpenAIApi(configuration);\n')
    (client,) = [f for f in scan_one(source, "worker.js") if f.kind.value == "client"]
    assert client.parameters == ("apiKey", "basePath")
    assert client.language == "javascript"
    assert "endpoint: local" in client.detail


def test_azure_sdk(scan_one):
    source = ('import { OpenAIClient, AzureKeyCredential } from "@azure/openai";\n'
              'const c = new OpenAIClient(endpoint, new AzureKeyCredential(key));\n'
              'await c.getChatCompletions("gpt-35-deployment", messages);\n')
    findings = scan_one(source)
    assert calls(findings) == [("chat.completions.create", "OpenAIClient", "gpt-35-deployment")]
    (client,) = [f for f in findings if f.kind.value == "client"]
    assert client.issues[0].reason.startswith("Azure OpenAI addresses deployments")


AI_SDK = [
    pytest.param('import { generateText } from "ai";\nimport { openai } from "@ai-sdk/openai";\n'
                 'await generateText({ model: openai("gpt-4o"), prompt: "hi", maxTokens: 100, temperature: 0 });',
                 [("responses.create", "openai", "gpt-4o", ("max_tokens", "temperature"))], id="generate-text-default-provider"),
    pytest.param('import { streamText } from "ai";\nimport { openai } from "@ai-sdk/openai";\n'
                 'const model = openai.chat("gpt-4o-mini");\nstreamText({ model, messages, tools, toolChoice: "auto" });',
                 [("chat.completions.create", "openai", "gpt-4o-mini", ("tool_choice", "tools"))], id="stream-text-chat-model-in-constant"),
    pytest.param('import { embed } from "ai";\nimport { openai } from "@ai-sdk/openai";\n'
                 'await embed({ model: openai.embedding("text-embedding-3-small"), value: "x" });',
                 [("embeddings.create", "openai", "text-embedding-3-small", ())], id="embed"),
    pytest.param('import { generateObject } from "ai";\nimport { createOpenAI } from "@ai-sdk/openai";\n'
                 'const provider = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });\n'
                 'await generateObject({ model: provider("gpt-4o"), schema, prompt: "x" });',
                 [("responses.create", "createOpenAI", "gpt-4o", ("response_format",))], id="create-openai-provider"),
    pytest.param('import { openai } from "@ai-sdk/openai";\nexport const model = openai("gpt-4o");',
                 [("responses.create", "openai", "gpt-4o", ())], id="model-alone"),
    pytest.param('import * as ai from "ai";\nimport { openai as oa } from "@ai-sdk/openai";\n'
                 'ai.generateText({ model: oa.responses(process.env.M ?? "o4-mini"), prompt: "p" });',
                 [("responses.create", "openai", "o4-mini", ())], id="namespace-and-alias"),
]


@pytest.mark.parametrize("source,expected", AI_SDK)
def test_ai_sdk(scan_one, source, expected):
    findings = [f for f in scan_one(source) if f.kind.value == "call"]
    assert [(f.endpoint, f.client, f.model, f.parameters) for f in findings] == expected
    assert all(f.api == "ai-sdk" for f in findings)


def test_ai_sdk_other_providers_are_not_findings(scan_one):
    source = ('import { generateText } from "ai";\nimport { anthropic } from "@ai-sdk/anthropic";\n'
              'await generateText({ model: anthropic("claude-3-5-sonnet"), prompt: "hi" });\n')
    assert scan_one(source) == []


def test_create_openai_client_finding(scan_one):
    source = ('import { createOpenAI } from "@ai-sdk/openai";\n'
              'export const vllm = createOpenAI({ baseURL: "http://localhost:8000/v1", apiKey: "EMPTY" });\n')
    (client,) = scan_one(source)
    assert (client.kind.value, client.api, client.client, client.parameters) == ("client", "ai-sdk", "createOpenAI", ("apiKey", "baseURL"))
    assert client.verdict.value == "ok"  # already points at a local server


WRAPPERS = [
    pytest.param('import { ChatOpenAI } from "@langchain/openai";\nconst m = new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0 });',
                 [("langchain", "ChatOpenAI", "gpt-4o-mini")], id="langchain-chat"),
    pytest.param('import { OpenAIEmbeddings, AzureChatOpenAI } from "@langchain/openai";\n'
                 'new OpenAIEmbeddings({ modelName: "text-embedding-3-large" });\nnew AzureChatOpenAI({ azureOpenAIApiDeploymentName: "dep" });',
                 [("langchain", "OpenAIEmbeddings", "text-embedding-3-large"), ("langchain", "AzureChatOpenAI", "dep")], id="langchain-embeddings-azure"),
    pytest.param('const { ChatOpenAI } = require("langchain/chat_models/openai");\nnew ChatOpenAI();',
                 [("langchain", "ChatOpenAI", None)], id="langchain-legacy-path"),
    pytest.param('import { OpenAI } from "llamaindex";\nconst llm = new OpenAI({ model: "gpt-4o" });',
                 [("llamaindex", "OpenAI", "gpt-4o")], id="llamaindex-ts"),
    pytest.param('import { ChatAnthropic } from "@langchain/anthropic";\nnew ChatAnthropic({ model: "claude" });',
                 [], id="langchain-other-vendor"),
]


@pytest.mark.parametrize("source,expected", WRAPPERS)
def test_wrappers(scan_one, source, expected):
    findings = [f for f in scan_one(source) if f.kind.value == "wrapper"]
    assert [(f.api, f.client, f.model) for f in findings] == expected
    for f in findings:
        assert f.issues[0].subject == "wrapper" and "configuration" in f.issues[0].fix or f.api == "llamaindex"


def test_langchain_pointed_at_vllm_is_ok(scan_one):
    source = ('import { ChatOpenAI } from "@langchain/openai";\n'
              'new ChatOpenAI({ model: "m", configuration: { baseURL: "http://127.0.0.1:8000/v1" } });\n')
    (wrapper,) = scan_one(source)
    assert "configuration.baseURL" in wrapper.parameters
    assert wrapper.verdict.value == "ok"
