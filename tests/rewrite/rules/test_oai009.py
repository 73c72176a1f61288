"""OAI009 hardcoded-urls: before/after cases, each with the review items it must leave, each run twice.

A URL is rewritten only where it reaches a request or a client's base URL; keys, sentinels, tables, logging and
HTTP mocks stay as they are (mocks move with --include-tests), and routes vLLM does not serve keep OpenAI's host.
"""

from __future__ import annotations

import pytest

from tests.rewrite.cases import ENV_BASE, case, check_case

CASES = [
    case("OAI009", '''
        """Talks to https://api.openai.com/v1 directly."""
        import requests

        BASE = "https://api.openai.com/v1"
        URL = BASE + "/chat/completions"
        r = requests.post("https://api.openai.com/v1/engines/%s/completions" % "x")
        s = requests.post(URL, json={})
        ''', f'''
        """Talks to https://api.openai.com/v1 directly."""
        import requests
        import os

        BASE = {ENV_BASE}
        URL = BASE + "/chat/completions"
        r = requests.post(({ENV_BASE} + "/engines/%s/completions") % "x")
        s = requests.post(URL, json={{}})
        ''', id="OAI009-urls-docstring-kept",
        review=[]),
    case("OAI009", """
        import httpx
        import requests

        API_BASE = "https://api.openai.com/v1"

        class Chat:
            endpoint = f"{API_BASE}/chat/completions"

            def send(self, payload):
                return requests.post(self.endpoint, json=payload, timeout=30)

        async def embed(payload):
            async with httpx.AsyncClient(base_url="https://api.openai.com/v1") as http:
                return await http.post("/embeddings", json=payload)
        """, f"""
        import httpx
        import requests
        import os

        API_BASE = {ENV_BASE}

        class Chat:
            endpoint = f"{{API_BASE}}/chat/completions"

            def send(self, payload):
                return requests.post(self.endpoint, json=payload, timeout=30)

        async def embed(payload):
            async with httpx.AsyncClient(base_url={ENV_BASE}) as http:
                return await http.post("/embeddings", json=payload)
        """, id="OAI009-url-reaches-request-through-constant-and-f-string",
        review=[]),
    case("OAI009", """
        import logging

        PRICES = {"https://api.openai.com/v1/chat/completions": 0.002}
        REDIRECTS = {"https://api.openai.com/v1": "https://proxy.internal/v1"}

        def describe(url):
            if url != "https://api.openai.com/v1/chat/completions":
                logging.info("custom endpoint %s (default https://api.openai.com/v1)", url)
            return PRICES.get(url), REDIRECTS.get("https://api.openai.com/v1")
        """, None, id="OAI009-keys-sentinels-and-tables-untouched",
        review=[]),
    case("OAI009", '''
        """Settings other modules import."""
        OPENAI_CHAT_URL = "https://api.openai.com/v1/chat/completions"
        ''', '''
        """Settings other modules import."""
        # migrate: `OPENAI_CHAT_URL` holds an api.openai.com URL that no request in this module uses: if another module sends requests to it, read it from $OPENAI_BASE_URL
        OPENAI_CHAT_URL = "https://api.openai.com/v1/chat/completions"
        ''', id="OAI009-exported-constant-noted",
        review=[('OAI009', 4, '`OPENAI_CHAT_URL` holds an api.openai.com URL that no request in this ')]),
    case("OAI009", """
        import responses

        @responses.activate
        def check():
            responses.add(responses.POST, "https://api.openai.com/v1/chat/completions", json={"choices": []})
        """, None, id="OAI009-http-mock-left-alone",
        review=[]),
    case("OAI009", """
        import respx

        def check(respx_mock):
            respx.post("https://api.openai.com/v1/chat/completions").respond(json={"choices": []})
            respx_mock.get("https://api.openai.com/v1/models").respond(json={"data": []})
        """, f"""
        import respx
        import os

        def check(respx_mock):
            respx.post({ENV_BASE} + "/chat/completions").respond(json={{"choices": []}})
            respx_mock.get({ENV_BASE} + "/models").respond(json={{"data": []}})
        """, id="OAI009-http-mock-rewritten-with-include-tests",
        review=[], options={'include_tests': True}),
    case("OAI009", """
        import requests

        def chat(payload, headers):
            return requests.post("https://api.openai.com/v1/chat/completions", json=payload, headers=headers)

        def draw(payload, headers):
            return requests.post("https://api.openai.com/v1/images/generations", json=payload, headers=headers)
        """, f"""
        import requests
        import os

        def chat(payload, headers):
            return requests.post({ENV_BASE} + "/chat/completions", json=payload, headers=headers)

        def draw(payload, headers):
            # migrate: POST /v1/images/generations stays on OpenAI: vLLM serves no such route, so this URL keeps OpenAI's host
            return requests.post("https://api.openai.com/v1/images/generations", json=payload, headers=headers)
        """, id="OAI009-unserved-route-stays-on-openai",
        review=[('OAI009', 10, 'POST /v1/images/generations stays on OpenAI: vLLM serves no such route')]),
    case("OAI009", """
        import requests

        BASE = "https://api.openai.com/v1"

        def chat(payload):
            return requests.post(BASE + "/chat/completions", json=payload)

        def draw(payload):
            return requests.post(f"{BASE}/images/generations", json=payload)

        def speak(payload):
            return requests.post(BASE + "/audio/speech", json=payload)
        """, f"""
        import requests
        import os

        BASE = {ENV_BASE}

        def chat(payload):
            return requests.post(BASE + "/chat/completions", json=payload)

        def draw(payload):
            # migrate: POST /v1/images/generations is not served by vLLM: once the base URL points at vLLM this request fails there; keep OpenAI's URL for it
            return requests.post(f"{{BASE}}/images/generations", json=payload)

        def speak(payload):
            # migrate: POST /v1/audio/speech is not served by vLLM: once the base URL points at vLLM this request fails there; keep OpenAI's URL for it
            return requests.post(BASE + "/audio/speech", json=payload)
        """, id="OAI009-base-url-moves-unserved-paths-noted",
        review=[('OAI009', 12, 'POST /v1/images/generations is not served by vLLM: once the base URL p'), ('OAI009', 16, 'POST /v1/audio/speech is not served by vLLM: once the base URL points ')]),
    case("OAI009", """
        import os

        DEFAULTS = {
            "API_HOST": os.getenv("OPENAI_API_HOST", "https://api.openai.com"),
            "TIMEOUT": os.getenv("TIMEOUT", "60"),
        }
        """, """
        import os

        # migrate: $OPENAI_API_HOST defaults to an api.openai.com URL that no request in this module uses: if another module sends requests to it, set $OPENAI_API_HOST to the vLLM server's URL (without /v1, as here) where this is deployed, or change the default
        DEFAULTS = {
            "API_HOST": os.getenv("OPENAI_API_HOST", "https://api.openai.com"),
            "TIMEOUT": os.getenv("TIMEOUT", "60"),
        }
        """, id="OAI009-env-default-read-elsewhere-noted",
        review=[("OAI009", 6, "$OPENAI_API_HOST defaults to an api.openai.com URL")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai009(c):
    check_case(c)
