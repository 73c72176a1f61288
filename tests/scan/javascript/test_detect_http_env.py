"""Raw HTTP to the REST API (fetch, axios, got, ky), hard-coded URLs and OPENAI_* environment reads."""

from __future__ import annotations

import pytest

HTTP = [
    pytest.param('await fetch("https://api.openai.com/v1/chat/completions", { method: "POST", body: JSON.stringify({ model: "gpt-4o", messages: [] }) });',
                 ("fetch", "/v1/chat/completions", "gpt-4o", ("messages", "model")), id="fetch-literal"),
    pytest.param('const BASE = "https://api.openai.com/v1";\nawait fetch(`${BASE}/embeddings`, { method: "POST", body: JSON.stringify({ model: "text-embedding-3-small", input: "x" }) });',
                 ("fetch", "/v1/embeddings", "text-embedding-3-small", ("input", "model")), id="fetch-template-constant"),
    pytest.param('import axios from "axios";\nawait axios.post("https://api.openai.com/v1/chat/completions", { model: "gpt-4o", messages: [] }, { headers });',
                 ("axios", "/v1/chat/completions", "gpt-4o", ("messages", "model")), id="axios-post"),
    pytest.param('import axios from "axios";\nawait axios({ url: "https://api.openai.com/v1/images/generations", method: "post", data: { prompt: "cat" } });',
                 ("axios", "/v1/images/generations", None, ("prompt",)), id="axios-config"),
    pytest.param('import got from "got";\nawait got.post("https://api.openai.com/v1/moderations", { json: { input: "x" } }).json();',
                 ("got", "/v1/moderations", None, ("input",)), id="got-json"),
    pytest.param('import ky from "ky";\nawait ky.post("https://api.openai.com/v1/responses", { json: { model: "gpt-4.1", input: "x" } });',
                 ("ky", "/v1/responses", "gpt-4.1", ("input", "model")), id="ky-json"),
]


@pytest.mark.parametrize("source,expected", HTTP)
def test_http(scan_one, source, expected):
    (http,) = [f for f in scan_one(source, "client.js") if f.kind.value == "http"]
    assert (http.client, http.endpoint, http.model, http.parameters) == expected
    assert http.language == "javascript"
    assert "url" in {i.subject for i in http.issues}


def test_http_to_other_hosts_is_not_a_finding(scan_one):
    source = 'await fetch("https://api.groq.com/openai/v1/chat/completions", { method: "POST", body: "{}" });\n// api.openai.com in a comment'
    assert scan_one(source, "client.js") == []


def test_url_constant_is_reported_once(scan_one):
    source = 'const BASE = "https://api.openai.com/v1";\nexport default BASE;'
    (url,) = scan_one(source)
    assert url.kind.value == "url" and url.line == 1


def test_env_reads(scan_one):
    source = ('const key = process.env.OPENAI_API_KEY;\nconst base = process.env["OPENAI_BASE_URL"];\n'
              'const other = process.env.DATABASE_URL;\nconst v = import.meta.env.OPENAI_ORG_ID;\n// process.env.OPENAI_PROJECT_ID\n'
              'const s = "openai";\n')
    findings = scan_one(source)
    assert [(f.kind.value, f.parameters) for f in findings] == [
        ("env", ("OPENAI_API_KEY",)), ("env", ("OPENAI_BASE_URL",)), ("env", ("OPENAI_ORG_ID",))]


def test_axios_instance_with_a_base_url(scan_one):
    source = ('import axios from "axios";\n'
              'const OPENAI = process.env.OPENAI_API_BASE ?? "https://api.openai.com/v1";\n'
              'const api = axios.create({ baseURL: OPENAI, headers: { Authorization: `Bearer ${key}` } });\n'
              'export const ask = (messages) => api.post("/chat/completions", { model: "gpt-4o", messages });\n'
              'const other = axios.create({ baseURL: "https://api.example.com" });\nother.post("/chat/completions", {});\n')
    http = [f for f in scan_one(source, "client.js") if f.kind.value == "http"]
    assert [(f.line, f.client, f.endpoint, f.model, f.parameters) for f in http] == [
        (4, "axios", "/v1/chat/completions", "gpt-4o", ("messages", "model"))]
