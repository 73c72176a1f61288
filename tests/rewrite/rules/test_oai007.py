"""OAI007 function-calling: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
    case("OAI004,OAI006,OAI007", """
        import json
        import openai

        def run(messages, funcs):
            response = openai.ChatCompletion.create(model="m", messages=messages, functions=funcs, function_call="auto")
            message = response["choices"][0]["message"]
            if message.get("function_call"):
                args = json.loads(message["function_call"]["arguments"])
                messages.append({"role": "function", "name": message["function_call"]["name"], "content": "{}"})
            fc = message.get("function_call")
            done = response["choices"][0]["finish_reason"] == "function_call"
            return openai.ChatCompletion.create(model="m", messages=messages, functions=[{"name": "a"}], function_call={"name": "a"})
        """, """
        import json
        import openai
        from openai.types.chat import ChatCompletionMessageToolCall
        from typing import cast

        client = openai.OpenAI()

        def run(messages, funcs):
            response = client.chat.completions.create(model="m", messages=messages, tools=[{"type": "function", "function": fn} for fn in funcs], tool_choice="auto")
            message = response.choices[0].message
            if message.tool_calls:
                args = json.loads(cast(ChatCompletionMessageToolCall, message.tool_calls[0]).function.arguments)
                messages.append({"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": "{}"})
            fc = cast(ChatCompletionMessageToolCall, message.tool_calls[0]).function if message.tool_calls else None
            done = response.choices[0].finish_reason == "tool_calls"
            return client.chat.completions.create(model="m", messages=messages, tools=[{"type": "function", "function": {"name": "a"}}], tool_choice={"type": "function", "function": {"name": "a"}})
        """, id="OAI007-functions-to-tools-and-reads",
        review=[]),
    case("OAI004,OAI006,OAI007", """
        import json
        import openai

        FUNCTIONS = [{"name": "lookup", "parameters": {"type": "object"}}]


        def ask(messages):
            return openai.ChatCompletion.create(model="m", messages=messages, functions=FUNCTIONS)


        def run(messages):
            message = ask(messages)["choices"][0]["message"]
            if message.get("function_call"):
                args = json.loads(message["function_call"]["arguments"])
                return args
            return message["content"]
        """, """
        import json
        import openai
        from openai.types.chat import ChatCompletionMessageToolCall
        from typing import cast

        client = openai.OpenAI()

        FUNCTIONS = [{"name": "lookup", "parameters": {"type": "object"}}]


        def ask(messages):
            return client.chat.completions.create(model="m", messages=messages, tools=[{"type": "function", "function": fn} for fn in FUNCTIONS])


        def run(messages):
            message = ask(messages).choices[0].message
            if message.tool_calls:
                args = json.loads(cast(ChatCompletionMessageToolCall, message.tool_calls[0]).function.arguments)
                return args
            return message.content
        """, id="OAI007-function-call-read-in-a-caller-of-the-request",
        review=[]),
    case("OAI007", """
        from openai import OpenAI

        client = OpenAI()


        def respond(messages, tools):
            message = client.chat.completions.create(model="m", messages=messages, tools=tools).choices[0].message
            function_call = message.function_call
            if function_call is not None:
                return [(function_call.name, function_call.arguments)]
            if message.tool_calls is not None:
                return [(t.function.name, t.function.arguments) for t in message.tool_calls]
            return message.content
        """, None, id="OAI007-function-call-read-beside-tool-calls-read-untouched",
        review=[]),
    case("OAI007", """
        from openai import OpenAI

        client = OpenAI()


        def legacy(messages, functions):
            message = client.chat.completions.create(model="m", messages=messages, tools=functions).choices[0].message
            return message.function_call


        def current(messages, tools):
            message = client.chat.completions.create(model="m", messages=messages, tools=tools).choices[0].message
            return message.tool_calls or message.function_call
        """, """
        from openai import OpenAI
        from openai.types.chat import ChatCompletionMessageToolCall
        from typing import cast

        client = OpenAI()


        def legacy(messages, functions):
            message = client.chat.completions.create(model="m", messages=messages, tools=functions).choices[0].message
            return cast(ChatCompletionMessageToolCall, message.tool_calls[0]).function if message.tool_calls else None


        def current(messages, tools):
            message = client.chat.completions.create(model="m", messages=messages, tools=tools).choices[0].message
            return message.tool_calls or message.function_call
        """, id="OAI007-function-call-read-rewritten-only-where-tool-calls-are-not-read",
        review=[]),
    case("OAI007", """
        def describe(event):
            if event.function_call:
                return event.function_call.name
            return event["content"]
        """, None, id="OAI007-function-call-on-other-objects-untouched",
        review=[]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai007(c):
    check_case(c)
