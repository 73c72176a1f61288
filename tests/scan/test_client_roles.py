"""The scan reports other providers' clients and local clients as such, not as OpenAI uses to migrate."""

from __future__ import annotations

import pytest

from migrate.scan.assess import assess
from migrate.scan.findings import Kind, Verdict
from tests.scan.conftest import detect


@pytest.mark.parametrize("construction,verdict,says", [
    ('OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.getenv("OPENROUTER_API_KEY"))', Verdict.OK,
     "another provider's client: OpenRouter"),
    ('OpenAI(api_key=os.environ["GROQ_API_KEY"])', Verdict.OK, "another provider's client: Groq"),
    ('OpenAI(api_key=settings.together_api_key)', Verdict.OK, "another provider's client: Together"),
    ('OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")', Verdict.OK, "Ollama"),
    ('OpenAI(base_url=os.getenv("VLLM_BASE_URL", "http://localhost:8000/v1"))', Verdict.OK,
     "already points at a local server"),
    ('OpenAI(base_url=settings.llm_url)', Verdict.NEEDS_CHANGE, "computed by the project"),
    ('OpenAI()', Verdict.NEEDS_CHANGE, "no base_url: the client calls api.openai.com"),
    ('OpenAI(base_url="https://api.openai.com/v1", api_key=os.environ["OPENAI_API_KEY"])', Verdict.NEEDS_CHANGE,
     "base_url is set here"),
], ids=lambda v: v if isinstance(v, str) and "(" in v else None)
def test_client_roles(construction, verdict, says):
    findings = assess(detect(f"import os\nfrom openai import OpenAI\n\nclient = {construction}\n"))
    [client] = [f for f in findings if f.kind is Kind.CLIENT]
    assert client.verdict is verdict
    assert says in client.issues[0].reason
