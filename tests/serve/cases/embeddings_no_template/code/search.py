from openai import OpenAI

client = OpenAI()


def embed(texts: list[str]) -> list[list[float]]:
    result = client.embeddings.create(model="text-embedding-3-small", input=texts)
    return [d.embedding for d in result.data]


def rerank(query: str, passages: list[str]) -> str:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": query + "\n".join(passages)}],
        stream=True,
    )
    return "".join(chunk.choices[0].delta.content or "" for chunk in reply)
