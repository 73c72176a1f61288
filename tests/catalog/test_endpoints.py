"""Endpoint names and REST resources are one table (migrate/catalog/endpoints.py) that the scan, the rewrite and
the recorder all read."""

from __future__ import annotations

import pytest

from migrate.catalog import endpoints, load_catalog
from migrate.record.exchange import endpoint_of
from migrate.rewrite.rules._base import ENDPOINT_TAILS
from migrate.scan.assess import assess
from migrate.scan.detect import detect_source
from migrate.scan.detect import sdk as scan_sdk


def _scan(source: str):
    return assess(detect_source(source, "m.py"))


def test_scan_and_rewrite_read_the_same_tables():
    assert scan_sdk.RESOURCES is endpoints.resources()
    assert scan_sdk.GENERIC_RESOURCES is endpoints.GENERIC_RESOURCES
    assert scan_sdk.HISTORICAL_ENDPOINTS == frozenset(endpoints.HISTORICAL_ENDPOINTS)
    assert ENDPOINT_TAILS is endpoints.model_call_tails()


def test_every_current_resource_is_derived_from_the_sdk():
    tops = {name.split(".", 1)[0] for name in load_catalog(target=False).endpoints}
    assert tops <= endpoints.resources()
    assert endpoints.resources() - tops == {"fine_tunes", "graders"}


def test_hand_written_names_are_consistent():
    current = endpoints.current_endpoints()
    snapshot = load_catalog(target=False).endpoints
    for old, new in endpoints.HISTORICAL_ENDPOINTS.items():  # a past name the SDK still keeps is an alias
        if old in current and new:
            assert snapshot[old].path == snapshot[new].path, old
    assert {new for new in endpoints.HISTORICAL_ENDPOINTS.values() if new} <= current
    assert set(endpoints.MODEL_CALL_ENDPOINTS) <= current
    assert endpoints.GENERIC_RESOURCES <= endpoints.resources()
    assert not endpoints.RESOURCES_WITHOUT_ENDPOINTS & {n.split(".", 1)[0] for n in current}


def test_model_call_tails_include_the_beta_spellings():
    assert endpoints.model_call_tails()[("beta", "chat", "completions", "parse")] == "chat.completions.parse"
    assert ("beta", "vector_stores", "create") not in endpoints.model_call_tails()  # not a model call


@pytest.mark.parametrize("call", ["client.fine_tunes.create(training_file='f')", "client.fine_tunes.list()"],
                         ids=["create", "list"])
def test_historical_endpoints_of_a_past_resource_are_found(call):
    # The detector listed fine_tunes.* as historical endpoints but did not know `fine_tunes` as a resource, so it
    # never reached them: a legacy fine-tune call went unreported.
    findings = _scan(f"from openai import OpenAI\nclient = OpenAI()\n{call}\n")
    found = {f.endpoint: f.verdict.value for f in findings if f.endpoint and f.endpoint.startswith("fine_tunes")}
    assert found == {call.split("(")[0].removeprefix("client."): "unsupported"}


@pytest.mark.parametrize(
    "url, endpoint",
    [pytest.param("https://api.openai.com/v1/chat/completions", "/v1/chat/completions", id="openai"),
     pytest.param("https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=1",
                  "/v1/chat/completions", id="azure-deployment"),
     pytest.param("https://gw.example/live/v1/embeddings", "/v1/embeddings", id="prefix-word-live"),
     pytest.param("https://gw.example/projects/acme/v1/responses", "/v1/responses", id="prefix-word-projects"),
     pytest.param("http://proxy/openai/v1/videos", "/v1/videos", id="derived-resource"),
     pytest.param("http://host/health", "/health", id="no-resource")],
)
def test_the_recorder_cuts_urls_at_a_derived_rest_resource(url, endpoint):
    assert endpoint_of(url) == endpoint


def test_rest_resources_are_the_sdks_path_segments():
    assert {"chat", "completions", "embeddings", "responses", "audio", "images", "files", "threads"} <= \
        endpoints.rest_resources()
    assert not endpoints.rest_resources() & endpoints.PATH_PREFIX_WORDS


def test_http_libraries_env_names_and_model_keywords_are_one_table():
    from migrate.catalog import facts, legacy, wrappers
    from migrate.rewrite.rules import oai003_models, oai009_urls

    assert scan_sdk.HTTP_LIBRARIES is facts.HTTP_LIBRARIES is oai009_urls.HTTP_LIBRARIES
    assert scan_sdk.ENV_NAME_RE is facts.ENV_NAME_RE
    assert scan_sdk.WRAPPER_MODEL_KEYWORDS is wrappers.WRAPPER_MODEL_KEYWORDS
    assert oai003_models.MODEL_KEYWORDS == {*legacy.MODEL_KEYWORDS, *wrappers.WRAPPER_MODEL_KEYWORDS}
    # every OpenAI variable the SDK reads is an OpenAI variable name to the scan
    assert {n for n in load_catalog().sdk_env if facts.ENV_NAME_RE.match(n)} == set(load_catalog().sdk_env)


def test_a_treq_request_is_attributed_to_its_library():
    # OAI009 knew treq and tornado as HTTP libraries, the scan did not: it reported the request without a library.
    findings = _scan('import treq\ntreq.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o"})\n')
    assert [(f.endpoint, f.client) for f in findings if f.kind.value == "http"] == [("/v1/chat/completions", "treq")]


@pytest.mark.parametrize("name, current", [
    ("ChatCompletion.acreate", "chat.completions.create"), ("openai.Embedding.create", "embeddings.create"),
    ("beta.chat.completions.stream", "chat.completions.stream"), ("fine_tunes.create", "fine_tunes.create"),
    ("responses.create", "responses.create")], ids=lambda v: v if "." in v and v[0].isupper() or "beta" in v else None)
def test_current_name(name, current):
    assert endpoints.current_name(name) == current


def test_serve_plans_for_past_and_0x_names_through_the_catalog():
    # migrate serve's feature list knew past names by listing them; it now asks the catalog for the current name.
    from migrate.serve.needs import needs_from_findings

    source = ("import openai\nfrom openai import OpenAI\n"
              "openai.ChatCompletion.acreate(model='gpt-4o', messages=[])\n"
              "openai.Embedding.create(model='text-embedding-3-small', input='a')\n"
              "OpenAI().beta.chat.completions.stream(model='gpt-4o', messages=[])\n")
    needs = needs_from_findings(detect_source(source, "m.py"))
    assert {"chat", "embeddings", "stream", "json_schema"} <= set(needs.features)
    assert needs.features["stream"] == needs.features["json_schema"] == ("m.py:5",)
