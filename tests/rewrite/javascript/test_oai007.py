"""OAI007 for JS/TS: `functions` / `function_call` become `tools` / `tool_choice`; legacy reads get review items."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.upgrade_cases import case, check_case

CASES = [
    case("OAI007", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function weather(city: string) {
          const r = await client.chat.completions.create({
            model: "gpt-4o",
            messages: [{ role: "user", content: `Weather in ${city}?` }],
            functions: [
              { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
            ],
            function_call: "auto",
          });
          return r.choices[0].message;
        }
""", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function weather(city: string) {
          const r = await client.chat.completions.create({
            model: "gpt-4o",
            messages: [{ role: "user", content: `Weather in ${city}?` }],
            tools: [
              { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
            ],
            tool_choice: "auto",
          });
          return r.choices[0].message;
        }
""", id="OAI007-function-list-and-auto-choice", name="fn_literal.ts", review=[
    ]),
    case("OAI007", """\
        import OpenAI from "openai";
        import { FUNCTIONS } from "./functions";

        const client = new OpenAI();

        export async function run(messages: OpenAI.ChatCompletionMessageParam[], function_call: any) {
          const r = await client.chat.completions.create({ model: "gpt-4o", messages, functions: FUNCTIONS, function_call });
          const message = r.choices[0].message;
          if (message.function_call) {
            return { role: "function", name: message.function_call.name, content: "{}" };
          }
          return message;
        }
""", """\
        import OpenAI from "openai";
        import { FUNCTIONS } from "./functions";

        const client = new OpenAI();

        export async function run(messages: OpenAI.ChatCompletionMessageParam[], function_call: any) {
          const r = await client.chat.completions.create({ model: "gpt-4o", messages, tools: FUNCTIONS.map((f) => ({ type: "function" as const, function: f })), tool_choice: typeof function_call === "string" ? (function_call as "auto" | "none" | "required") : { type: "function" as const, function: function_call } });
          const message = r.choices[0].message;
          // migrate: message.function_call: with tools, the model's calls are message.tool_calls[i] (each with .id and .function.name / .function.arguments, finish_reason "tool_calls"), and the answer to one is a { role: "tool", tool_call_id, content } message
          if (message.function_call) {
            // migrate: a { role: "function" } message: with tools, the model's calls are message.tool_calls[i] (each with .id and .function.name / .function.arguments, finish_reason "tool_calls"), and the answer to one is a { role: "tool", tool_call_id, content } message
            // migrate: message.function_call: with tools, the model's calls are message.tool_calls[i] (each with .id and .function.name / .function.arguments, finish_reason "tool_calls"), and the answer to one is a { role: "tool", tool_call_id, content } message
            return { role: "function", name: message.function_call.name, content: "{}" };
          }
          return message;
        }
""", id="OAI007-dynamic-functions-and-choice-and-legacy-reads", name="fn_dynamic.ts", review=[
        ('OAI007', 10, "message.function_call: with tools, the model's calls are mes"),
        ('OAI007', 13, 'a { role: "function" } message: with tools, the model\'s call'),
        ('OAI007', 13, "message.function_call: with tools, the model's calls are mes"),
    ]),
    case("OAI007", """\
        const OpenAI = require("openai");

        const client = new OpenAI.OpenAI();
        const body = {
          model: "gpt-4o",
          messages: [],
          functions: [lookup, { name: "other", parameters: {} }],
          function_call: { name: "lookup_order" },
        };

        async function go() {
          const r = await client.chat.completions.create(body);
          return r.choices[0].finish_reason === "function_call";
        }
""", """\
        const OpenAI = require("openai");

        const client = new OpenAI.OpenAI();
        const body = {
          model: "gpt-4o",
          messages: [],
          tools: [{ type: "function", function: lookup }, { type: "function", function: { name: "other", parameters: {} } }],
          tool_choice: { type: "function", function: { name: "lookup_order" } },
        };

        async function go() {
          const r = await client.chat.completions.create(body);
          // migrate: finish_reason "function_call": with tools, the model's calls are message.tool_calls[i] (each with .id and .function.name / .function.arguments, finish_reason "tool_calls"), and the answer to one is a { role: "tool", tool_call_id, content } message
          return r.choices[0].finish_reason === "function_call";
        }
""", id="OAI007-body-declared-as-a-variable", name="fn_body_var.js", review=[
        ('OAI007', 14, 'finish_reason "function_call": with tools, the model\'s calls'),
    ]),
    case("OAI007", """\
        import Groq from "groq-sdk";
        import OpenAI from "openai";

        const groq = new Groq();
        const client = new OpenAI();

        export async function both() {
          await groq.chat.completions.create({ model: "llama3", messages: [], functions: [{ name: "f" }] });
          return client.chat.completions.create({ model: "gpt-4o", messages: [], tools: [], functions: [{ name: "f" }] });
        }
""", """\
        import Groq from "groq-sdk";
        import OpenAI from "openai";

        const groq = new Groq();
        const client = new OpenAI();

        export async function both() {
          await groq.chat.completions.create({ model: "llama3", messages: [], functions: [{ name: "f" }] });
          // migrate: this request sends both functions and tools: keep tools only (vLLM ignores functions)
          return client.chat.completions.create({ model: "gpt-4o", messages: [], tools: [], functions: [{ name: "f" }] });
        }
""", id="OAI007-look-alike-sdk-and-tools-already-there", name="fn_noop.ts", review=[
        ('OAI007', 10, 'this request sends both functions and tools: keep tools only'),
    ]),
    case("OAI007", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function answer(input: string) {
          const chat = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: input }] });
          const response = await client.responses.create({ model: "gpt-4o", input });
          const calls = response.output.filter((o) => o.type === "function_call");
          for (const item of response.output) {
            switch (item.type) {
              case "function_call":
                calls.push(item);
                break;
            }
          }
          if (response.output[0]["type"] == "function_call") calls.pop();
          return { chat, calls };
        }
""", None, id="OAI007-responses-item-type-function-call-is-no-legacy-read", name="fn_responses_items.ts", review=[
    ]),
    case("OAI007", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function reason(messages: OpenAI.ChatCompletionMessageParam[]) {
          const r = await client.chat.completions.create({ model: "gpt-4o", messages });
          switch (r.choices[0].finish_reason as string) {
            case "function_call":
              return "legacy";
          }
          const why: string = r.choices[0].finish_reason;
          return "function_call" === why ? "legacy" : "new";
        }
""", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function reason(messages: OpenAI.ChatCompletionMessageParam[]) {
          const r = await client.chat.completions.create({ model: "gpt-4o", messages });
          // migrate: finish_reason "function_call": with tools, the model's calls are message.tool_calls[i] (each with .id and .function.name / .function.arguments, finish_reason "tool_calls"), and the answer to one is a { role: "tool", tool_call_id, content } message
          switch (r.choices[0].finish_reason as string) {
            case "function_call":
              return "legacy";
          }
          const why: string = r.choices[0].finish_reason;
          // migrate: finish_reason "function_call": with tools, the model's calls are message.tool_calls[i] (each with .id and .function.name / .function.arguments, finish_reason "tool_calls"), and the answer to one is a { role: "tool", tool_call_id, content } message
          return "function_call" === why ? "legacy" : "new";
        }
""", id="OAI007-finish-reason-switch-and-reversed-compare-still-noted", name="fn_finish_switch.ts", review=[
        ('OAI007', 9, 'finish_reason "function_call": with tools'),
        ('OAI007', 14, 'finish_reason "function_call": with tools'),
    ]),
]


@pytest.mark.parametrize("c", CASES)
def test_case(c, tmp_path):
    check_case(c, tmp_path)
