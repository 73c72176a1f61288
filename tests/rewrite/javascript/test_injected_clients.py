"""Calls through a client that is passed in (a parameter, parameter property or field typed with the SDK's client
class): the per-call edits and review comments, never a repointed client (it is built elsewhere), as in Python."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.cases import case, check_case

ALL = "OAI001,OAI002,OAI003,OAI007,OAI008"

CASES = [
    case(ALL, """
        import OpenAI from "openai";

        @Injectable()
        export class ChatService {
          constructor(private readonly openai: OpenAI) {}
          ask(text: string) {
            return this.openai.chat.completions.create({ model: "gpt-4o", messages: [], functions: [] });
          }
        }
        """, """
        import OpenAI from "openai";

        @Injectable()
        export class ChatService {
          constructor(private readonly openai: OpenAI) {}
          ask(text: string) {
            return this.openai.chat.completions.create({ model: "meta-llama/Llama-3.1-8B-Instruct", messages: [], tools: [] });
          }
        }
        """, id="injected-js-parameter-property-gets-per-call-edits-only"),
    case(ALL, """
        import type OpenAI from "openai";

        export function summarize(client: OpenAI, text: string) {
          return client.chat.completions.create({ model: "gpt-4o", messages: [], logit_bias: { "50256": -100 } });
        }
        """, """
        import type OpenAI from "openai";

        export function summarize(client: OpenAI, text: string) {
          // migrate: logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute them with its tokenizer (vLLM POST /tokenize) or remove the bias
          return client.chat.completions.create({ model: "meta-llama/Llama-3.1-8B-Instruct", messages: [], logit_bias: { "50256": -100 } });
        }
        """, id="injected-js-type-only-import-parameter-review-comment", review=[("OAI008", 5, "logit_bias")]),
    case(ALL, """
        import { AzureOpenAI } from "openai";

        export const ask = (azure: AzureOpenAI) => azure.chat.completions.create({ model: "gpt-4o", messages: [] });
        """, """
        import { OpenAI } from "openai";

        export const ask = (azure: OpenAI) => azure.chat.completions.create({ model: "meta-llama/Llama-3.1-8B-Instruct", messages: [] });
        """, id="injected-js-azure-type-follows-the-rename"),
    case(ALL, """
        import OpenAI from "groq-sdk";

        export const ask = (c: OpenAI) => c.chat.completions.create({ model: "gpt-4o", messages: [] });
        """, None, id="injected-js-other-vendor-same-name-untouched"),
    case(ALL, """
        export const ask = (c: any) => c.chat.completions.create({ model: "gpt-4o", messages: [] });
        """, None, id="injected-js-any-untouched"),
]


@pytest.mark.parametrize("c", CASES)
def test_injected_clients_js(c):
    check_case(c)
