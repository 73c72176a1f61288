"""OAI006 response-attributes: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
    case("OAI004,OAI006", """
        import openai

        def stream(q):
            out = ""
            for chunk in openai.ChatCompletion.create(model="m", messages=[], stream=True):
                delta = chunk["choices"][0]["delta"]
                if "content" in delta:
                    out += delta["content"]
                out += chunk["choices"][0]["delta"].get("content", "")
            return out

        def embed(text):
            r = openai.Embedding.create(input=[text], model="e")
            print(r["usage"].get("total_tokens"), r.to_dict_recursive())
            return [d["embedding"] for d in r["data"]]

        def other(payload):
            return payload["choices"][0]["text"]
        """, """
        import openai

        client = openai.OpenAI()

        def stream(q):
            out = ""
            for chunk in client.chat.completions.create(model="m", messages=[], stream=True):
                delta = chunk.choices[0].delta
                if delta.content is not None:
                    out += delta.content
                out += chunk.choices[0].delta.content or ""
            return out

        def embed(text):
            r = client.embeddings.create(input=[text], model="e")
            print(r.usage.total_tokens, r.model_dump())
            return [d.embedding for d in r.data]

        def other(payload):
            return payload["choices"][0]["text"]
        """, id="OAI006-responses-chunks-and-loops-untraced-dict-kept",
        review=[('OAI006', 21, '["choices"] looks like dict-style access on an SDK response: current')]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai006(c):
    check_case(c)
