"""Helpers that hand raw 0.x responses to their callers (in app.py), which read them as dicts."""

import os

import openai

MODEL = "gpt-3.5-turbo"


def check_budget():
    """A local guard that reports itself as OpenAI's own rate-limit error, so callers retry it the same way."""
    if os.environ.get("SUPPORT_BOT_BUDGET") == "0":
        raise openai.error.RateLimitError("support-bot budget exhausted")


def raw_answer(question):
    check_budget()
    return openai.ChatCompletion.create(
        model=MODEL,
        messages=[{"role": "user", "content": question}],
        max_tokens=16,
        temperature=0,
    )
