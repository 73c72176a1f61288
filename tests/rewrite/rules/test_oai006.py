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
            # migrate: this looks like a read of an SDK response, an object in openai>=1: use attribute access if it is one
            return payload["choices"][0]["text"]
        """, id="OAI006-responses-chunks-and-loops-untraced-dict-kept",
        review=[('OAI006', 22, '["choices"] looks like dict-style access on an SDK response: current')]),
    case("OAI004,OAI006", """
        import json
        import openai


        def ask(q):
            return openai.ChatCompletion.create(model="m", messages=[{"role": "user", "content": q}])


        def cached(q, cache):
            if q in cache:
                return cache[q]
            return ask(q)


        def first(response):
            return response["choices"][0]


        def main():
            reply = first(ask("hi"))["message"]["content"]
            if "sorry" in reply:
                return None
            for chunk in openai.ChatCompletion.create(model="m", messages=[], stream=True):
                print(chunk["choices"][0].get("delta", {}).get("content"))
            page = openai.Model.list()
            names = [m["id"] for m in page["data"]]
            old = cached("hi", {})["choices"]
            print(json.dumps(ask("x")))
            return reply, names, old
        """, """
        import json
        import openai

        client = openai.OpenAI()


        def ask(q):
            return client.chat.completions.create(model="m", messages=[{"role": "user", "content": q}])


        def cached(q, cache):
            if q in cache:
                return cache[q]
            return ask(q)


        def first(response):
            return response.choices[0]


        def main():
            reply = first(ask("hi")).message.content
            if "sorry" in reply:
                return None
            for chunk in client.chat.completions.create(model="m", messages=[], stream=True):
                print(chunk.choices[0].delta.content)
            page = client.models.list()
            names = [m.id for m in page.data]
            # migrate: dict access here may be on an SDK response object (openai>=1): use attribute access there
            old = cached("hi", {})["choices"]
            # migrate: json.dumps() on an SDK response object (a pydantic model since openai 1.0): pass ask("x").model_dump() instead
            print(json.dumps(ask("x")))
            return reply, names, old
        """, id="OAI006-followed-through-returns-parameters-and-pages",
        review=[("OAI006", 31, "is an SDK response on some paths"),
                ("OAI006", 33, "json.dumps() on an SDK response object")]),
    case("OAI006", """
        import requests
        from openai import OpenAI

        client = OpenAI()


        def fetch(url):
            return requests.get(url).json()


        def summary(url):
            data = fetch(url)
            text = client.chat.completions.create(model="m", messages=[]).choices[0].message.content
            if "error" in text or "error" in data:
                return data.get("detail", "")
            return data["items"][0]
        """, None, id="OAI006-plain-dicts-and-strings-beside-responses-untouched",
        review=[]),
    case("OAI004,OAI006", """
        from typing import List

        import openai


        def stream(messages):
            chunks = []
            for chunk in openai.ChatCompletion.create(model="m", messages=messages, stream=True):
                chunks.append(chunk)
            return combine(chunks)


        def combine(chunks: List[dict]) -> str:
            content = ""
            for item in sorted(chunks, key=lambda c: c["created"]):
                if "content" in item["choices"][0]["delta"]:
                    content += item["choices"][0]["delta"]["content"]
            return content


        def answer(messages):
            response = openai.ChatCompletion.create(model="m", messages=messages)
            message = response["choices"][0]["message"]
            response = ""
            response += message["content"]
            return response
        """, """
        from typing import List

        import openai

        client = openai.OpenAI()


        def stream(messages):
            chunks = []
            for chunk in client.chat.completions.create(model="m", messages=messages, stream=True):
                chunks.append(chunk)
            return combine(chunks)


        # migrate: chunks receives SDK response objects now, not dicts: fix its annotation
        def combine(chunks: List[dict]) -> str:
            content = ""
            for item in sorted(chunks, key=lambda c: c.created):
                if item.choices[0].delta.content is not None:
                    content += item.choices[0].delta.content
            return content


        def answer(messages):
            response = client.chat.completions.create(model="m", messages=messages)
            message = response.choices[0].message
            response = ""
            response += message.content
            return response
        """, id="OAI006-lists-of-chunks-sorted-keys-and-reused-names",
        review=[("OAI006", 17, "its annotation List[dict] no longer holds")]),
    case("OAI004,OAI006", """
        import openai


        def annotate(messages):
            response = openai.ChatCompletion.create(model="m", messages=messages)
            for choice in response["choices"]:
                choice["text"] = choice["message"]["content"]
            for key, value in response["usage"].items():
                print(key, value)
            return response
        """, """
        import openai

        client = openai.OpenAI()


        def annotate(messages):
            response = client.chat.completions.create(model="m", messages=messages)
            for choice in response.choices:
                # migrate: writing into an SDK response object: keep your own dict (.model_dump()) instead
                choice["text"] = choice.message.content
            # migrate: .items() on an SDK response object (openai>=1 answers with pydantic models, not dicts): call it on .model_dump()
            for key, value in response.usage.items():
                print(key, value)
            return response
        """, id="OAI006-writes-and-dict-methods-on-responses-left-for-review",
        review=[("OAI006", 11, "writing into an SDK response object"),
                ("OAI006", 13, ".items() on an SDK response object")]),
    case("OAI006", """
        import requests
        from openai import OpenAI

        client = OpenAI()


        def raw(prompt):
            data = requests.post("http://x/v1/chat/completions", json={"prompt": prompt}).json()
            return data["choices"][0]["message"]["content"]
        """, None, id="OAI006-decoded-json-dicts-untouched",
        review=[]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai006(c):
    check_case(c)
