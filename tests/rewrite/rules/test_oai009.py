"""OAI009 hardcoded-urls: before/after cases, each with the review items it must leave, each run twice.

A URL is rewritten only where it reaches a request or a client's base URL; keys, sentinels, tables, logging and
HTTP mocks stay as they are (mocks move with --include-tests), and routes vLLM does not serve keep OpenAI's host.
"""

from __future__ import annotations

import textwrap

import pytest

from migrate.rewrite import apply_plan, plan_rewrite, url_exports
from tests.rewrite.cases import ENV_BASE, case, check_case
from tests.rewrite.conftest import CONFIG, make_tree

CASES = [
    case("OAI009", """
        import os
        from openai import OpenAI

        # migrate: this client only calls what vLLM does not serve (images.generate): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
        images = OpenAI(
            base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1"),
            api_key=os.environ.get("OPENAI_UPSTREAM_API_KEY", os.environ.get("OPENAI_API_KEY", "")),
        )

        def draw(prompt):
            return images.images.generate(model="dall-e-3", prompt=prompt)
        """, None, id="OAI009-upstream-client-default-url-left-without-a-note",
        review=[]),
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
        # migrate: /v1/engines/%s/completions is no endpoint of the OpenAI API that vLLM serves (a retired or undocumented route): this URL keeps OpenAI's host; point it at a route vLLM serves by hand (GET /v1/models answers a health check)
        r = requests.post("https://api.openai.com/v1/engines/%s/completions" % "x")
        s = requests.post(URL, json={{}})
        ''', id="OAI009-urls-docstring-kept",
        review=[("OAI009", 9, "/v1/engines/%s/completions is no endpoint")]),
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
        """, """
        import responses

        @responses.activate
        def check():
            # migrate: an HTTP mock of api.openai.com, left as it is: the code it stands in for now calls $OPENAI_BASE_URL, so it no longer intercepts it; point it there too, or run with --include-tests
            responses.add(responses.POST, "https://api.openai.com/v1/chat/completions", json={"choices": []})
        """, id="OAI009-http-mock-left-alone-and-noted",
        review=[('OAI009', 7, 'an HTTP mock of api.openai.com, left as it is: the code it stands in fo')]),
    case("OAI009", """
        import aiohttp

        def endpoint_and_headers(key, chat):
            headers = {"Authorization": f"Bearer {key}"}
            if chat:
                endpoint = "https://api.openai.com/v1/chat/completions"
            else:
                endpoint = "https://api.openai.com/v1/completions"
            return endpoint, headers

        def models_url():
            return "https://api.openai.com/v1/models"

        async def complete(key, body):
            endpoint, headers = endpoint_and_headers(key, chat=True)
            async with aiohttp.ClientSession() as session:
                await session.get(models_url(), headers=headers)
                async with session.post(endpoint, headers=headers, json=body) as resp:
                    return await resp.json()
        """, f"""
        import aiohttp
        import os

        def endpoint_and_headers(key, chat):
            headers = {{"Authorization": f"Bearer {{key}}"}}
            if chat:
                endpoint = {ENV_BASE} + "/chat/completions"
            else:
                endpoint = {ENV_BASE} + "/completions"
            return endpoint, headers

        def models_url():
            return {ENV_BASE} + "/models"

        async def complete(key, body):
            endpoint, headers = endpoint_and_headers(key, chat=True)
            async with aiohttp.ClientSession() as session:
                await session.get(models_url(), headers=headers)
                async with session.post(endpoint, headers=headers, json=body) as resp:
                    return await resp.json()
        """, id="OAI009-url-returned-by-a-helper-reaches-the-request",
        review=[]),
    case("OAI009", """
        import requests

        def urls():
            return "http://localhost:9000/v1/completions", "https://api.openai.com/docs"

        def docs_link():
            return "https://api.openai.com/v1/completions"

        def complete(body):
            url, docs = urls()
            print("see", docs, docs_link())
            return requests.post(url, json=body)
        """, None, id="OAI009-url-returned-but-never-sent-left-alone",
        review=[]),
    case("OAI009", """
        from aioresponses import aioresponses

        def mock_openai():
            mocked = aioresponses()
            mocked.start()
            mocked.add(url="https://api.openai.com/v1/completions", method="POST", payload={"choices": []})
        """, """
        from aioresponses import aioresponses

        def mock_openai():
            mocked = aioresponses()
            mocked.start()
            # migrate: an HTTP mock of api.openai.com, left as it is: the code it stands in for now calls $OPENAI_BASE_URL, so it no longer intercepts it; point it there too, or run with --include-tests
            mocked.add(url="https://api.openai.com/v1/completions", method="POST", payload={"choices": []})
        """, id="OAI009-http-mock-bound-by-assignment-left-alone-and-noted",
        review=[('OAI009', 8, 'an HTTP mock of api.openai.com, left as it is: the code it stands in fo')]),
    case("OAI009", """
        from aioresponses import aioresponses

        def mock_openai():
            mocked = aioresponses()
            mocked.add(url="https://api.openai.com/v1/completions", method="POST", payload={"choices": []})
        """, f"""
        from aioresponses import aioresponses
        import os

        def mock_openai():
            mocked = aioresponses()
            mocked.add(url={ENV_BASE} + "/completions", method="POST", payload={{"choices": []}})
        """, id="OAI009-http-mock-bound-by-assignment-rewritten-with-include-tests",
        review=[], options={'include_tests': True}),
    case("OAI009", """
        import requests

        def ask(body):
            session = requests.Session()
            return session.post(url="https://api.openai.com/v1/completions", json=body)
        """, f"""
        import requests
        import os

        def ask(body):
            session = requests.Session()
            return session.post(url={ENV_BASE} + "/completions", json=body)
        """, id="OAI009-http-session-bound-by-assignment-is-a-request",
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
    # swarms 5.1.4 (models/gpt4_vision_api.py): a health check GETs /v1/engines, a route OpenAI retired and vLLM never
    # served; the 0.x engine-scoped completions route likewise. Known endpoints move, as the list of models does
    case("OAI009", """
        import requests

        def health():
            return requests.get("https://api.openai.com/v1/engines").status_code == 200

        def models():
            return requests.get("https://api.openai.com/v1/models").json()

        def legacy(body):
            return requests.post("https://api.openai.com/v1/engines/davinci/completions?x=1", json=body).json()
        """, f"""
        import requests
        import os

        def health():
            # migrate: /v1/engines is no endpoint of the OpenAI API that vLLM serves (a retired or undocumented route): this URL keeps OpenAI's host; point it at a route vLLM serves by hand (GET /v1/models answers a health check)
            return requests.get("https://api.openai.com/v1/engines").status_code == 200

        def models():
            return requests.get({ENV_BASE} + "/models").json()

        def legacy(body):
            # migrate: /v1/engines/davinci/completions is no endpoint of the OpenAI API that vLLM serves (a retired or undocumented route): this URL keeps OpenAI's host; point it at a route vLLM serves by hand (GET /v1/models answers a health check)
            return requests.post("https://api.openai.com/v1/engines/davinci/completions?x=1", json=body).json()
        """, id="OAI009-a-route-no-vllm-endpoint-answers-keeps-openais-host",
        review=[('OAI009', 7, '/v1/engines is no endpoint of the OpenAI API that vLLM serves'),
                ('OAI009', 14, '/v1/engines/davinci/completions is no endpoint')]),
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
    # pymemgpt 0.3.25: a settings model's field default that requests in another module read: a note; a class
    # attribute a request of the module reads through self is rewritten as a constant is
    case("OAI009", """
        import requests


        class Client:
            BASE_URL = "https://api.openai.com/v1"

            def ask(self, payload):
                return requests.post(self.BASE_URL + "/chat/completions", json=payload)


        class LLMConfigModel:
            model_endpoint: str = "https://api.openai.com/v1"
        """, """
        import requests
        import os


        class Client:
            BASE_URL = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")

            def ask(self, payload):
                return requests.post(self.BASE_URL + "/chat/completions", json=payload)


        class LLMConfigModel:
            # migrate: `LLMConfigModel.model_endpoint` holds an api.openai.com URL that no request in this module uses: if another module sends requests to it, read it from $OPENAI_BASE_URL
            model_endpoint: str = "https://api.openai.com/v1"
        """, id="OAI009-a-class-attribute-no-request-here-reads-gets-a-note",
        review=[("OAI009", 15, "`LLMConfigModel.model_endpoint` holds an api.openai.com URL")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai009(c):
    check_case(c)


# -- a URL constant defined in one module and sent to from another (migrate/rewrite/url_exports.py) ------------

CONFIG_MODULE = 'API_BASE = "https://api.openai.com/v1"\nDOCS_URL = "https://api.openai.com/docs"\n'
SENDER = textwrap.dedent("""\
    import requests

    from app.config import API_BASE


    def chat(payload):
        url = API_BASE + "/chat/completions"
        return requests.post(url, json=payload).json()
    """)
SENDER_BY_MODULE = textwrap.dedent("""\
    import httpx

    from . import config as cfg


    def chat(payload):
        return httpx.post(f"{cfg.API_BASE}/chat/completions", json=payload).json()
    """)
LOGGER = textwrap.dedent("""\
    import logging

    from app.config import DOCS_URL

    logging.info("docs at %s", DOCS_URL)
    """)


@pytest.mark.parametrize("sender", [SENDER, SENDER_BY_MODULE], ids=["from-import-through-a-name", "module-alias-f-string"])
def test_url_constant_sent_to_from_another_module_is_rewritten_where_defined(tmp_path, sender):
    root = make_tree(tmp_path, {"app/__init__.py": "", "app/config.py": CONFIG_MODULE, "app/client.py": sender,
                                "app/log.py": LOGGER})
    plan = plan_rewrite([root], config=CONFIG)
    after = {c.path: c.after for c in plan.changes}
    assert sorted(after) == ["app/config.py"]  # the senders read the constant: nothing to change there
    config = after["app/config.py"]
    assert 'API_BASE = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")' in config
    assert config.startswith("import os\n")
    # DOCS_URL is only logged elsewhere: data about OpenAI, kept, with the note a constant nobody here sends to gets
    assert 'DOCS_URL = "https://api.openai.com/docs"' in config
    items = [(r.path, r.rule, r.message) for r in plan.review]
    assert [(p, rule) for p, rule, _ in items] == [("app/config.py", "OAI009")]
    assert "`DOCS_URL` holds an api.openai.com URL that no request in this module uses" in items[0][2]
    apply_plan(plan)
    assert plan_rewrite([root], config=CONFIG).changes == ()


def test_url_constant_alone_keeps_its_note(tmp_path):
    root = make_tree(tmp_path, {"app/__init__.py": "", "app/config.py": CONFIG_MODULE})
    plan = plan_rewrite([root], config=CONFIG)
    assert [c.path for c in plan.changes] == ["app/config.py"]
    assert 'API_BASE = "https://api.openai.com/v1"' in plan.changes[0].after
    assert sorted(r.message.split("`")[1] for r in plan.review) == ["API_BASE", "DOCS_URL"]


def test_url_exports_finds_the_constants_other_modules_send_to():
    sources = [("app/config.py", CONFIG_MODULE.encode()), ("app/log.py", LOGGER.encode())]
    others = [("app/client.py", lambda: SENDER.encode()), ("app/__init__.py", lambda: b"")]
    assert url_exports.build(sources, others) == {"app/config.py": frozenset({"API_BASE"})}
    assert url_exports.build([("app/log.py", LOGGER.encode())]) == {}  # no constant in the tree
