"""Weekly reports: still on the 0.x SDK (openai<1)."""

import os

import openai

openai.api_key = os.getenv("OPENAI_API_KEY")
openai.api_base = "https://api.openai.com/v1"


def weekly_summary(tickets: list[str]) -> str:
    try:
        response = openai.ChatCompletion.create(
            model="gpt-3.5-turbo",
            messages=[{"role": "user", "content": "\n".join(tickets)}],
            temperature=0,
        )
    except openai.error.RateLimitError:
        return "rate limited"
    return response["choices"][0]["message"]["content"]
