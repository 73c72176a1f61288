"""OAI002 azure-to-openai on JS/TS: AzureOpenAI becomes OpenAI (then OAI001 points it), each case run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.cases import BASE, KEY, case, check_case

CASES = [
    case("OAI002,OAI001", """
        import { AzureOpenAI } from "openai";

        const client: AzureOpenAI = new AzureOpenAI({
          endpoint: process.env.AZURE_OPENAI_ENDPOINT,
          apiVersion: "2024-10-21",
          deployment: "gpt-4o",
          apiKey: process.env.AZURE_OPENAI_API_KEY,
          maxRetries: 2,
        });
        """, f"""
        import {{ OpenAI }} from "openai";

        // migrate: dropped endpoint: `process.env.AZURE_OPENAI_ENDPOINT`: the Azure resource URL (the client now reads the vLLM base URL)
        // migrate: dropped apiVersion: `"2024-10-21"`: Azure's API version (vLLM has none)
        // migrate: dropped deployment: `"gpt-4o"`: the Azure deployment (requests name the model in their body: map it with [models])
        // migrate: dropped apiKey from $AZURE_OPENAI_API_KEY: an Azure key is not the vLLM server's (OAI001 reads the configured key)
        const client: OpenAI = new OpenAI({{
          maxRetries: 2,
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        """, id="OAI002-js-azure-client-becomes-openai",
        review=[("OAI002", 7, "dropped endpoint"), ("OAI002", 7, "dropped apiVersion"),
                ("OAI002", 7, "dropped deployment"), ("OAI002", 7, "dropped apiKey")]),
    case("OAI002,OAI001", """
        import OpenAI, { AzureOpenAI } from "openai";

        export const azure = new AzureOpenAI({ apiVersion: "2024-10-21" });
        """, f"""
        import OpenAI from "openai";

        // migrate: dropped apiVersion: `"2024-10-21"`: Azure's API version (vLLM has none)
        export const azure = new OpenAI({{
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        """, id="OAI002-js-openai-already-imported",
        review=[("OAI002", 4, "dropped apiVersion")]),
    case("OAI002", """
        const { AzureOpenAI } = require("openai");

        module.exports = new AzureOpenAI({ deployment: "gpt-4o" });
        """, """
        const { OpenAI } = require("openai");

        // migrate: dropped deployment: `"gpt-4o"`: the Azure deployment (requests name the model in their body: map it with [models])
        module.exports = new OpenAI({ });
        """, id="OAI002-js-commonjs", name="client.js", review=[("OAI002", 4, "dropped deployment")]),
    case("OAI002", """
        import { AzureOpenAI } from "openai";

        export const make = (options) => new AzureOpenAI(options);
        """, """
        import { AzureOpenAI } from "openai";

        // migrate: AzureOpenAI options `options` are not an object literal: drop endpoint / apiVersion / deployment / the Azure key by hand and use new OpenAI(...)
        export const make = (options) => new AzureOpenAI(options);
        """, id="OAI002-js-options-not-literal", review=[("OAI002", 4, "not an object literal")]),
    case("OAI002", """
        import { AzureChatOpenAI } from "@langchain/openai";

        const chat = new AzureChatOpenAI({ azureOpenAIApiDeploymentName: "gpt-4o" });
        """, None, id="OAI002-js-no-openai-node-azure-client"),
]


@pytest.mark.parametrize("c", CASES)
def test_oai002_js(c):
    check_case(c)
