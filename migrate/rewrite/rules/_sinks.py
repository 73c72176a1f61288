"""What OAI009 counts as a request that a URL flows into, and as a test double: words only, no LibCST, so that
phase one (migrate/rewrite/url_exports.py, in `ast`) reads the same lists without importing the rule."""

from __future__ import annotations

from migrate.catalog import facts as _facts

HOST = "api.openai.com"
HTTP_LIBRARIES = _facts.HTTP_LIBRARIES  # one list with the scan (migrate/catalog/facts.py)
HTTP_METHODS = frozenset({"post", "urlopen", "Request", "ws_connect", "build_request", "ClientRequest"})
# Method names that other objects have too (dict.get, list.delete, ...): a request only on an HTTP receiver.
AMBIGUOUS_METHODS = frozenset({"get", "put", "patch", "delete", "head", "options", "request", "stream", "fetch"})
HTTP_RECEIVER_WORDS = ("session", "client", "http", "requests", "conn", "api")
MOCK_LIBRARIES = ("responses", "respx", "requests_mock", "pytest_httpx", "aioresponses", "httpretty", "vcr",
                  "pook", "httmock")
MOCK_FIXTURES = frozenset({"respx_mock", "httpx_mock", "requests_mock", "aioresponses", "mocked_responses",
                           "rsps", "mock_router", "httpretty"})
BASE_KEYWORDS = frozenset({"base_url", "api_base", "openai_api_base", "openai_base_url", "base", "endpoint",
                           "api_url", "api_endpoint", "host", "url", "uri"})

