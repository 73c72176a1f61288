"""Pictures for help articles, and a safety check of user messages."""

import openai
from openai import OpenAI


def illustrate(client: OpenAI, article_title: str) -> str:
    image = client.images.generate(model="dall-e-3", prompt=f"A friendly illustration of {article_title}", size="1024x1024")
    return image.data[0].url


def is_flagged(message: str) -> bool:
    result = openai.moderations.create(model="omni-moderation-latest", input=message)
    return result.results[0].flagged


def quick_reply(message: str) -> str:
    # The module-level client: configured by OPENAI_API_KEY / OPENAI_BASE_URL.
    completion = openai.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": message}])
    return completion.choices[0].message.content
