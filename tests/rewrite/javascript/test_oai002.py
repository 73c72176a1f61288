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

        const client: OpenAI = new OpenAI({{
          maxRetries: 2,
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        """, id="OAI002-js-azure-client-becomes-openai",
        review=[("OAI002", 3, "dropped endpoint"), ("OAI002", 3, "dropped apiVersion"),
                ("OAI002", 3, "dropped deployment"), ("OAI002", 3, "dropped apiKey")]),
    case("OAI002,OAI001", """
        import OpenAI, { AzureOpenAI } from "openai";

        export const azure = new AzureOpenAI({ apiVersion: "2024-10-21" });
        """, f"""
        import OpenAI from "openai";

        export const azure = new OpenAI({{
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        """, id="OAI002-js-openai-already-imported",
        review=[("OAI002", 3, "dropped apiVersion")]),
    case("OAI002", """
        const { AzureOpenAI } = require("openai");

        module.exports = new AzureOpenAI({ deployment: "gpt-4o" });
        """, """
        const { OpenAI } = require("openai");

        module.exports = new OpenAI({ });
        """, id="OAI002-js-commonjs", name="client.js", review=[("OAI002", 3, "dropped deployment")]),
    case("OAI002", """
        import { AzureOpenAI } from "openai";

        export const make = (options) => new AzureOpenAI(options);
        """, None, id="OAI002-js-options-not-literal", review=[("OAI002", 3, "not an object literal")]),
    case("OAI002", """
        import { AzureChatOpenAI } from "@langchain/openai";

        const chat = new AzureChatOpenAI({ azureOpenAIApiDeploymentName: "gpt-4o" });
        """, None, id="OAI002-js-no-openai-node-azure-client"),
]


@pytest.mark.parametrize("c", CASES)
def test_oai002_js(c):
    check_case(c)
