"""A small assistant written against the current OpenAI SDK (openai>=1).

Run `migrate rewrite examples/modern_app` to see what moving it to vLLM takes.
"""

import asyncio
import json
import os

from openai import AsyncOpenAI, NotFoundError, OpenAI

MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"

client = OpenAI()
# A second provider reached with the same SDK: it is not OpenAI, so the migration leaves it alone.
openrouter = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ.get("OPENROUTER_API_KEY", "unset"))

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


def get_weather(city):
    return {"city": city, "forecast": "sunny"}


def ask(question: str, model: str = MODEL) -> str:
    response = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": question}],
        max_tokens=16,
        temperature=0,
        store=True,
        metadata={"app": "modern-demo"},
    )
    return response.choices[0].message.content or ""


def stream(question: str) -> str:
    parts = []
    response = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": question}],
        max_tokens=16,
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in response:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return "".join(parts)


def with_tools(question: str) -> str:
    messages = [{"role": "user", "content": question}]
    response = client.chat.completions.create(
        model=MODEL, messages=messages, tools=TOOLS, tool_choice="auto", max_tokens=16
    )
    message = response.choices[0].message
    for call in message.tool_calls or []:
        try:
            args = json.loads(call.function.arguments)
        except ValueError:
            args = {"city": "unknown"}
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(get_weather(**args))})
    return message.content or ""


async def ask_async(question: str) -> str:
    async_client = AsyncOpenAI()
    response = await async_client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], max_tokens=16
    )
    return response.choices[0].message.content or ""


def embed(texts):
    try:
        response = client.embeddings.create(model=EMBEDDING_MODEL, input=texts)
    except NotFoundError as e:
        print(f"embeddings unavailable: {e.status_code}")
        return None
    return [item.embedding for item in response.data]


def ask_openrouter(question: str) -> str | None:
    if not os.environ.get("OPENROUTER_API_KEY"):
        return None
    response = openrouter.chat.completions.create(
        model="meta-llama/llama-3.1-8b-instruct", messages=[{"role": "user", "content": question}]
    )
    return response.choices[0].message.content


def draw(prompt: str) -> str:
    """Image generation: vLLM has no such route, so this call stays on OpenAI's API."""
    image = client.images.generate(model="dall-e-3", prompt=prompt, n=1, size="1024x1024")
    return image.data[0].url or ""


def main():
    print("ask:", repr(ask("Where is my order 42?")))
    print("stream:", repr(stream("Say hello")))
    print("tools:", repr(with_tools("Weather in Paris?")))
    print("async:", repr(asyncio.run(ask_async("Hello"))))
    vectors = embed(["hello world"])
    print("embed:", "unavailable" if vectors is None else f"{len(vectors[0])} dimensions")
    print("image:", repr(draw("a lighthouse at dusk")))
    print("openrouter:", "skipped" if ask_openrouter("Hi") is None else "answered")
    print("OK")


if __name__ == "__main__":
    main()
