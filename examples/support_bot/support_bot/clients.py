"""Where the OpenAI clients are made."""

from functools import lru_cache

from openai import AsyncOpenAI, OpenAI

client = OpenAI(timeout=30, max_retries=3)


@lru_cache(maxsize=1)
def get_async_client() -> AsyncOpenAI:
    return AsyncOpenAI()
