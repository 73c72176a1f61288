import os

from openai import AsyncOpenAI

client = AsyncOpenAI()


async def reply(messages, **options):
    return await client.chat.completions.create(model=os.environ["CHAT_MODEL"], messages=messages,
                                                functions=[{"name": "noop", "parameters": {}}], **options)
