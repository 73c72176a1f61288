"""A raw HTTP call kept for the status page (it must not depend on the SDK)."""

import os

import requests

API_URL = "https://api.openai.com/v1/chat/completions"


def ping() -> int:
    response = requests.post(
        API_URL,
        headers={"Authorization": f"Bearer {os.environ['OPENAI_API_KEY']}"},
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "ping"}], "max_tokens": 1},
        timeout=10,
    )
    return response.status_code
