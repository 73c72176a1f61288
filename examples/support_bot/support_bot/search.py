"""Semantic search over help-centre articles."""

from support_bot.clients import client
from support_bot.config import EMBEDDING_MODEL


def embed(texts: list[str]) -> list[list[float]]:
    response = client.embeddings.create(model=EMBEDDING_MODEL, input=texts)
    return [item.embedding for item in response.data]
