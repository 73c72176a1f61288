import openai
from pydantic import BaseModel

MODEL = "gpt-4o-2024-08-06"


class Invoice(BaseModel):
    total: float
    currency: str


def extract(client: openai.OpenAI, text: str) -> Invoice:
    completion = client.beta.chat.completions.parse(
        model=MODEL,
        messages=[{"role": "system", "content": "Extract the invoice."}, {"role": "user", "content": text}],
        response_format=Invoice,
    )
    return completion.choices[0].message.parsed


def route(client: openai.OpenAI, text: str):
    return client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": text}],
        tools=[{"type": "function", "function": {"name": "escalate", "parameters": {"type": "object"}}}],
        tool_choice="required",
    )
