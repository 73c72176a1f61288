"""A small support bot written against the openai 0.x SDK (openai==0.28).

Run `migrate rewrite examples/legacy_app` to see what moving it to vLLM takes.
"""

import asyncio
import json
import os
import sys
import time

import openai

from answers import raw_answer

openai.api_key = os.getenv("OPENAI_API_KEY")
openai.api_base = os.getenv("OPENAI_API_BASE", "https://api.openai.com/v1")

MODEL = "gpt-3.5-turbo"
EMBEDDING_MODEL = "text-embedding-ada-002"

FUNCTIONS = [
    {
        "name": "get_order_status",
        "description": "Look up the status of an order",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string"}},
            "required": ["order_id"],
        },
    }
]


def get_order_status(order_id):
    return {"order_id": order_id, "status": "shipped"}


def ask(question, retries=2):
    """One answer, retried on rate limits and timeouts."""
    for attempt in range(retries + 1):
        try:
            response = openai.ChatCompletion.create(
                model=MODEL,
                messages=[{"role": "user", "content": question}],
                max_tokens=16,
                temperature=0,
                user="support-bot",  # abuse monitoring on OpenAI's side
            )
            return response["choices"][0]["message"]["content"]
        except (openai.error.RateLimitError, openai.error.Timeout) as e:
            if attempt == retries:
                raise
            print(f"retrying: {e}", file=sys.stderr)
            time.sleep(1)


def stream(question):
    parts = []
    for chunk in openai.ChatCompletion.create(
        model=MODEL,
        messages=[{"role": "user", "content": question}],
        max_tokens=16,
        stream=True,
    ):
        delta = chunk["choices"][0]["delta"]
        if "content" in delta:
            parts.append(delta["content"])
    return "".join(parts)


def with_tools(question):
    messages = [{"role": "user", "content": question}]
    response = openai.ChatCompletion.create(
        model=MODEL,
        messages=messages,
        functions=FUNCTIONS,
        function_call="auto",
        max_tokens=16,
    )
    message = response["choices"][0]["message"]
    if message.get("function_call"):
        try:
            args = json.loads(message["function_call"]["arguments"])
        except ValueError:
            args = {"order_id": "unknown"}
        result = get_order_status(**args)
        messages.append(message)
        messages.append(
            {"role": "function", "name": message["function_call"]["name"], "content": json.dumps(result)}
        )
        response = openai.ChatCompletion.create(model=MODEL, messages=messages, max_tokens=16)
        message = response["choices"][0]["message"]
    return message.get("content") or ""


async def ask_async(question):
    response = await openai.ChatCompletion.acreate(
        model=MODEL,
        messages=[{"role": "user", "content": question}],
        max_tokens=16,
    )
    return response["choices"][0]["message"]["content"]


def embed(texts):
    try:
        response = openai.Embedding.create(model=EMBEDDING_MODEL, input=texts)
    except openai.error.InvalidRequestError as e:
        print(f"embeddings rejected: {e.user_message}", file=sys.stderr)
        return None
    except openai.error.OpenAIError as e:
        print(f"embeddings unavailable: {e}", file=sys.stderr)
        return None
    return [item["embedding"] for item in response["data"]]


def summary(question):
    """Reads a response made in another module."""
    response = raw_answer(question)
    return response["choices"][0]["message"]["content"]


def main():
    print("ask:", repr(ask("Where is my order 42?")))
    print("summary:", repr(summary("Summarise order 42")))
    print("stream:", repr(stream("Say hello")))
    print("tools:", repr(with_tools("What is the status of order 42?")))
    print("async:", repr(asyncio.run(ask_async("Hello"))))
    vectors = embed(["hello world"])
    print("embed:", "unavailable" if vectors is None else f"{len(vectors[0])} dimensions")
    print("OK")


if __name__ == "__main__":
    main()
