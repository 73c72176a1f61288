"""OAI007 function-calling: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
    # a call through with_raw_response sends the same request: its functions= is converted too
    case("OAI007", """
        from openai import OpenAI

        client = OpenAI()
        raw = client.chat.completions.with_raw_response.create(model="m", messages=[], functions=[{"name": "f"}])
        """, """
        from openai import OpenAI

        client = OpenAI()
        raw = client.chat.completions.with_raw_response.create(model="m", messages=[], tools=[{"type": "function", "function": {"name": "f"}}])
        """, id="OAI007-a-raw-response-call-sends-tools-too"),
    # aider 0.20.0: the answer comes out of a tuple another module returns; its shape says it is a chat answer
    case("OAI007", """
        import openai

        from app.transport import send


        def show(messages, functions):
            _hash, completion = send(messages, functions)
            call = completion.choices[0].message.function_call
            for chunk in completion:
                func = chunk.choices[0].delta.function_call
                print(func)
            return call
        """, """
        import openai

        from app.transport import send
        from openai.types.chat import ChatCompletionMessageToolCall
        from typing import cast


        def show(messages, functions):
            _hash, completion = send(messages, functions)
            call = cast(ChatCompletionMessageToolCall, completion.choices[0].message.tool_calls[0]).function if completion.choices[0].message.tool_calls else None
            for chunk in completion:
                # migrate: streamed function_call deltas: read delta.tool_calls[i].function instead
                func = chunk.choices[0].delta.function_call
                print(func)
            return call
        """, id="OAI007-a-chat-answer-known-by-its-shape",
        review=[('OAI007', 14, "a streamed delta.function_call: vLLM streams a tool call as delta.tool_calls")]),
    # chainlit 0.7.700's playground: the answer is read in a generator defined inside the function that asked
    case("OAI007", """
        from openai import AsyncOpenAI


        async def complete(client: AsyncOpenAI, messages, functions):
            response = await client.chat.completions.create(model="m", messages=messages, functions=functions)

            async def events():
                message = response.choices[0].message
                if call := message.function_call:
                    yield call.name
                else:
                    yield message.content or ""

            return events()
        """, """
        from openai import AsyncOpenAI
        from openai.types.chat import ChatCompletionMessageToolCall
        from typing import cast


        async def complete(client: AsyncOpenAI, messages, functions):
            response = await client.chat.completions.create(model="m", messages=messages, tools=[{"type": "function", "function": fn} for fn in functions])

            async def events():
                message = response.choices[0].message
                if call := (cast(ChatCompletionMessageToolCall, message.tool_calls[0]).function if message.tool_calls else None):
                    yield call.name
                else:
                    yield message.content or ""

            return events()
        """, id="OAI007-a-closure-reads-the-answer-of-the-function-around-it"),
    # aider 0.20.0 builds the request as a dict and spreads it into the call: its keys are the call's arguments
    case("OAI007", """
        import openai


        def send(client, model, messages, functions):
            kwargs = dict(model=model, messages=messages, temperature=0)
            if functions is not None:
                kwargs["functions"] = functions
                kwargs["function_call"] = "auto"
            return client.chat.completions.create(**kwargs)


        def send_forced(messages, functions, choice):
            args = {"model": "gpt-4", "messages": messages, "functions": functions}
            args.update(dict(function_call=choice))
            return openai.chat.completions.create(**args)


        def send_logged(messages):
            params = dict(model="gpt-4", messages=messages, functions=[{"name": "f"}])
            print(params.get("functions"))
            return openai.chat.completions.create(**params)
        """, """
        import openai


        def send(client, model, messages, functions):
            kwargs = dict(model=model, messages=messages, temperature=0)
            if functions is not None:
                kwargs["tools"] = [{"type": "function", "function": fn} for fn in functions]
                kwargs["tool_choice"] = "auto"
            return client.chat.completions.create(**kwargs)


        def send_forced(messages, functions, choice):
            args = {"model": "gpt-4", "messages": messages, "tools": [{"type": "function", "function": fn} for fn in functions]}
            # migrate: function_call is computed at run time: store tool_choice instead ("auto", "none", or {"type": "function", "function": {"name": ...}})
            args.update(dict(function_call=choice))
            return openai.chat.completions.create(**args)


        def send_logged(messages):
            # migrate: the request dict `params` spread into a chat call carries functions / function_call, which vLLM ignores, and the code reads them back: pass tools= / tool_choice= instead
            params = dict(model="gpt-4", messages=messages, functions=[{"name": "f"}])
            print(params.get("functions"))
            return openai.chat.completions.create(**params)
        """, id="OAI007-a-request-dict-spread-into-the-call-gets-tools",
        review=[('OAI007', 16, "function_call is computed at run time: store tool_choice instead"),
                ('OAI007', 22, "the request dict `params` spread into a chat call carries functions / function_call")]),
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
    # aider-chat 0.40.0 (sendchat.py) sends its functions through LiteLLM, which passes functions= on to an
    # OpenAI-compatible server as they are (vLLM drops them) and takes tools= as the SDK does
    case("OAI007", """
        import litellm


        def send_with_retries(model_name, messages, functions, stream):
            kwargs = dict(model=model_name, messages=messages, stream=stream)
            if functions is not None:
                kwargs["functions"] = functions
            return litellm.completion(**kwargs)


        async def ask(messages, functions):
            return await litellm.acompletion(model="openai/m", messages=messages, functions=functions, function_call="auto")
        """, """
        import litellm


        def send_with_retries(model_name, messages, functions, stream):
            kwargs = dict(model=model_name, messages=messages, stream=stream)
            if functions is not None:
                kwargs["tools"] = [{"type": "function", "function": fn} for fn in functions]
            return litellm.completion(**kwargs)


        async def ask(messages, functions):
            return await litellm.acompletion(model="openai/m", messages=messages, tools=[{"type": "function", "function": fn} for fn in functions], tool_choice="auto")
        """, id="OAI007-functions-sent-through-litellm-become-tools"),
]


@pytest.mark.parametrize("c", CASES)
def test_oai007(c):
    check_case(c)
