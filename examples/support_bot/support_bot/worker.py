"""Background worker: drafts replies for queued tickets."""

import asyncio

from openai import AsyncOpenAI

from support_bot.clients import get_async_client
from support_bot.config import CHAT_MODEL


async def draft_reply(ticket: str, **options) -> str:
    client = get_async_client()
    response = await client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": ticket}],
        **options,
    )
    return response.choices[0].message.content


async def summarise(text: str) -> str:
    async with AsyncOpenAI() as client:
        response = await client.responses.create(model="gpt-4.1-mini", input=text, temperature=0.2)
        return response.output_text


if __name__ == "__main__":
    print(asyncio.run(summarise("The parcel arrived damaged.")))
