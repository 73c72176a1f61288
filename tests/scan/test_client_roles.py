"""The scan reports other providers' clients and local clients as such, not as OpenAI uses to migrate."""

from __future__ import annotations

import pytest

from migrate.scan.assess import assess
from migrate.scan.detect import detect_source
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


@pytest.mark.parametrize("call, verdict, subject", [
    pytest.param('client.images.generate(prompt="cat")', Verdict.UNSUPPORTED, "endpoint", id="unserved-endpoint"),
    pytest.param('client.chat.completions.create(model="gpt-4o", messages=[])', Verdict.NEEDS_CHANGE, "model",
                 id="openai-model-name"),
    pytest.param('client.chat.completions.create(model="org/served", messages=[], store=True)', Verdict.IGNORED,
                 "store", id="ignored-parameter"),
    pytest.param('client.chat.completions.create(model="org/served", messages=[])', Verdict.OK, None, id="fine"),
])
def test_calls_through_a_client_pointed_at_vllm_are_judged_against_vllm(call, verdict, subject):
    # Found by tests/contract: after `migrate rewrite` points a client at vLLM, the scan called every request
    # through it ok, so an unmapped model or an unserved endpoint vanished from the report while still failing.
    source = ('import os\nfrom openai import OpenAI\n\n'
              'client = OpenAI(base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"))\n'
              f"{call}\n")
    [found] = [f for f in assess(detect(source)) if f.kind is Kind.CALL]
    assert found.verdict is verdict
    assert subject is None or found.issues[0].subject == subject


@pytest.mark.parametrize("construction, verdict", [
    pytest.param('ChatOpenAI(model="org/served", base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"))',
                 Verdict.OK, id="langchain-pointed-at-vllm"),
    pytest.param('ChatOpenAI(model="org/served", openai_api_base="http://localhost:8000/v1")', Verdict.OK,
                 id="langchain-field-name"),
    pytest.param('ChatOpenAI(model="gpt-4o", base_url="http://localhost:8000/v1")', Verdict.NEEDS_CHANGE,
                 id="pointed-at-vllm-but-openai-model"),
    pytest.param('ChatOpenAI(model="org/served")', Verdict.NEEDS_CHANGE, id="no-base-url"),
    pytest.param('ChatOpenAI(model="org/served", base_url="https://api.openai.com/v1")', Verdict.NEEDS_CHANGE,
                 id="openai-url"),
])
def test_a_wrapper_given_the_vllm_url_is_judged_by_what_it_sends(construction, verdict):
    # Found by tests/contract: OAI012 points a wrapper at vLLM, and the scan still said the wrapper talks to OpenAI.
    source = f"import os\nfrom langchain_openai import ChatOpenAI\n\nllm = {construction}\n"
    [found] = [f for f in assess(detect(source)) if f.kind is Kind.WRAPPER]
    assert found.verdict is verdict


@pytest.mark.parametrize("value, verdict", [
    pytest.param('os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")', Verdict.OK, id="vllm-default"),
    pytest.param('"http://localhost:8000/v1"', Verdict.OK, id="vllm-literal"),
    pytest.param('"https://api.openai.com/v1"', Verdict.NEEDS_CHANGE, id="openai-url"),
    pytest.param('settings.url', Verdict.NEEDS_CHANGE, id="computed"),
])
def test_module_base_url_is_judged_by_its_value(value, verdict):
    # Found by tests/contract: OAI001 set `openai.base_url` to the vLLM server, and the scan judged it by name alone.
    [found] = [f for f in assess(detect(f"import os\nimport openai\n\nopenai.base_url = {value}\n"))
               if f.kind is Kind.CONFIG]
    assert found.verdict is verdict


@pytest.mark.parametrize("base_url, verdict", [
    pytest.param('os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")', Verdict.OK, id="vllm-default"),
    pytest.param('"https://openrouter.ai/api/v1"', Verdict.OK, id="other-provider"),
    pytest.param('"https://api.openai.com/v1"', Verdict.NEEDS_CHANGE, id="openai-url"),
    pytest.param('settings.url', Verdict.NEEDS_CHANGE, id="computed"),
    pytest.param(None, Verdict.NEEDS_CHANGE, id="no-base-url"),
])
def test_module_api_key_is_judged_with_the_modules_base_url(base_url, verdict):
    # Found by tests/contract: after OAI001 pointed the module client at vLLM, `openai.api_key` was still judged
    # alone (needs-change), as if the key still went to OpenAI.
    setting = f"openai.base_url = {base_url}\n" if base_url else ""
    source = f'import os\nimport openai\n\nopenai.api_key = os.environ.get("OPENAI_API_KEY", "EMPTY")\n{setting}'
    [key] = [f for f in assess(detect(source)) if f.kind is Kind.CONFIG and f.endpoint == "openai.api_key"]
    assert key.verdict is verdict


def test_module_api_key_is_judged_with_the_base_url_of_its_own_file_only():
    findings = assess([*detect_source("import openai\nopenai.base_url = 'http://localhost:8000/v1'\n", "a.py"),
                       *detect_source("import openai\nopenai.api_key = 'sk-x'\n", "b.py")])
    [key] = [f for f in findings if f.endpoint == "openai.api_key"]
    assert key.verdict is Verdict.NEEDS_CHANGE
