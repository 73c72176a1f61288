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


def test_calls_through_another_providers_client_are_not_openai_uses():
    source = (
        "import os\nfrom openai import OpenAI\n\n"
        'router = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])\n'
        "client = OpenAI()\n\n\n"
        "class Bot:\n"
        "    def __init__(self):\n"
        '        self.llm = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")\n\n'
        "    def ask(self):\n"
        '        return self.llm.chat.completions.create(model="llama3", messages=[], logit_bias={"1": 2})\n\n\n'
        'a = router.chat.completions.create(model="gpt-4o", messages=[], logit_bias={"1": 2})\n'
        'b = client.chat.completions.create(model="gpt-4o", messages=[])\n'
    )
    calls = {f.line: f for f in assess(detect(source)) if f.kind is Kind.CALL}
    assert calls[13].verdict is Verdict.OK and "client: Ollama" in calls[13].issues[0].reason
    assert calls[16].verdict is Verdict.OK and "through another provider's client: OpenRouter" in calls[16].issues[0].reason
    assert calls[17].verdict is Verdict.NEEDS_CHANGE  # OpenAI's own client: the model must be mapped
