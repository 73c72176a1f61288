"""The support assistant: answers with tools, classifies tickets with structured outputs."""

import json

from openai import OpenAI

from support_bot.config import DEFAULT_MODEL, MAX_ANSWER_TOKENS

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup_order",
            "description": "Find an order by its number",
            "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}},
        },
    }
]

TICKET_SCHEMA = {
    "name": "ticket",
    "schema": {
        "type": "object",
        "properties": {"category": {"enum": ["billing", "shipping", "other"]}, "urgent": {"type": "boolean"}},
        "required": ["category", "urgent"],
    },
}


class SupportAssistant:
    def __init__(self, client: OpenAI | None = None, model: str = DEFAULT_MODEL):
        self.client = client or OpenAI()
        self.model = model

    def answer(self, question: str):
        # The OpenAI client is created once, in __init__, and used here.
        return self.client.chat.completions.create(
            model=self.model,
            messages=[{"role": "user", "content": question}],
            tools=TOOLS,
            tool_choice="auto",
            max_tokens=MAX_ANSWER_TOKENS,
        )

    def answer_stream(self, question: str):
        stream = self.client.chat.completions.create(
            model=self.model,
            messages=[{"role": "user", "content": question}],
            stream=True,
            stream_options={"include_usage": True},
        )
        for chunk in stream:
            yield chunk.choices[0].delta.content or ""

    def classify(self, ticket: str) -> dict:
        response = self.client.chat.completions.create(
            model="gpt-4o-2024-08-06",
            messages=[{"role": "system", "content": "Classify the ticket."}, {"role": "user", "content": ticket}],
            response_format={"type": "json_schema", "json_schema": TICKET_SCHEMA},
            store=True,
        )
        return json.loads(response.choices[0].message.content)
