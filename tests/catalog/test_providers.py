"""What a client or URL talks to, decided before the rewrite touches it (migrate/catalog/providers.py)."""

from __future__ import annotations

import pytest

from migrate.catalog.providers import (
    Evidence,
    Role,
    classify_client,
    classify_env,
    classify_name,
    classify_url,
)


@pytest.mark.parametrize("url,role,provider", [
    ("https://api.openai.com/v1", Role.OPENAI, "OpenAI"),
    ("https://api.openai.com/v1/chat/completions", Role.OPENAI, "OpenAI"),
    ("https://myres.openai.azure.com/", Role.AZURE, "Azure OpenAI"),
    ("https://openrouter.ai/api/v1", Role.OTHER, "OpenRouter"),
    ("https://api.x.ai/v1", Role.OTHER, "xAI"),
    ("https://api.together.xyz/v1", Role.OTHER, "Together"),
    ("https://api.endpoints.anyscale.com/v1", Role.OTHER, "Anyscale"),
    ("https://api.perplexity.ai", Role.OTHER, "Perplexity"),
    ("https://api.runpod.ai/v2/abc/openai/v1", Role.OTHER, "RunPod"),
    ("http://localhost:11434/v1", Role.OTHER, "Ollama"),
    ("https://gateway.example.com/openai/v1", Role.OTHER, "gateway.example.com"),
    ("http://localhost:8000/v1", Role.LOCAL, "vLLM"),
    ("http://127.0.0.1:9000/v1", Role.LOCAL, None),
    ("http://10.0.3.7:8000/v1", Role.LOCAL, "vLLM"),
    ("http://vllm:8000/v1", Role.LOCAL, "vLLM"),
    ("http://vllm-server.ml.svc.cluster.local/v1", Role.LOCAL, "vLLM"),
], ids=lambda v: str(v))
def test_urls(url, role, provider):
    got = classify_url(url)
    assert (got.role, got.provider) == (role, provider)


@pytest.mark.parametrize("var,role", [
    ("OPENAI_API_KEY", Role.OPENAI), ("MY_OPENAI_KEY", Role.OPENAI), ("AZURE_OPENAI_API_KEY", Role.AZURE),
    ("OPENAI_BASE_URL", Role.OPENAI), ("OPENROUTER_API_KEY", Role.OTHER), ("XAI_API_KEY", Role.OTHER),
    ("GROQ_API_KEY", Role.OTHER), ("TOGETHER_API_KEY", Role.OTHER), ("VLLM_BASE_URL", Role.LOCAL), ("VLLM_OPENAI_API_BASE", Role.LOCAL),
    ("API_KEY", Role.UNKNOWN), ("LLM_API_KEY", Role.UNKNOWN), ("LLM_BASE_URL", Role.UNKNOWN),
    ("ACME_API_KEY", Role.OTHER),
])
def test_env_vars(var, role):
    assert classify_env(var).role is role


def test_a_third_party_key_with_no_base_url_is_never_openai():
    got = classify_client(api_key=Evidence.of_env("OPENROUTER_API_KEY"))
    assert got.role is Role.OTHER and got.provider == "OpenRouter" and not got.role.migrates


def test_the_secret_leak_case_openrouter_base_url_and_key():
    got = classify_client(base_url=Evidence.of_literal("https://openrouter.ai/api/v1"),
                          api_key=Evidence.of_env("OPENROUTER_API_KEY"))
    assert got.role is Role.OTHER


@pytest.mark.parametrize("base_url,api_key,role", [
    (None, None, Role.OPENAI),
    (None, Evidence.of_env("OPENAI_API_KEY"), Role.OPENAI),
    (None, Evidence.of_literal("sk-123"), Role.OPENAI),
    (Evidence.of_literal("https://api.openai.com/v1"), None, Role.OPENAI),
    (Evidence.of_env("OPENAI_BASE_URL"), Evidence.of_env("OPENAI_API_KEY"), Role.OPENAI),
    (Evidence.of_env("LLM_BASE_URL", "https://api.openai.com/v1"), None, Role.OPENAI),
    (Evidence.of_env("LLM_BASE_URL"), None, Role.UNKNOWN),
    (Evidence(opaque="settings.llm_url"), Evidence.of_env("OPENAI_API_KEY"), Role.UNKNOWN),
    (Evidence.of_env("OPENAI_BASE_URL", "http://localhost:8000/v1"), Evidence.of_env("OPENAI_API_KEY", "EMPTY"), Role.LOCAL),
    (Evidence.of_literal("http://localhost:11434/v1"), Evidence.of_literal("ollama"), Role.OTHER),
    (Evidence.of_env("OPENAI_BASE_URL", "https://openrouter.ai/api/v1"), None, Role.OTHER),
    # a key that is a provider's name says whose client it is, whatever the base URL is (a parameter here)
    (Evidence(opaque="base_url"), Evidence.of_literal("ollama"), Role.OTHER),
    (Evidence(opaque="base_url"), Evidence.of_literal("lm-studio"), Role.OTHER),
    (Evidence(opaque="base_url"), Evidence.of_literal("groq-key-here"), Role.UNKNOWN),
], ids=lambda v: repr(v) if not isinstance(v, Role) else v.value)
def test_clients(base_url, api_key, role):
    assert classify_client(base_url, api_key).role is role


@pytest.mark.parametrize("name,role,provider", [
    ("groq_api_key", Role.OTHER, "Groq"), ("OPENROUTER_BASE_URL", Role.OTHER, "OpenRouter"),
    ("together_api_key", Role.OTHER, "Together"), ("vllm_base_url", Role.LOCAL, "vLLM"),
])
def test_names_that_spell_a_provider(name, role, provider):
    got = classify_name(name)
    assert (got.role, got.provider) == (role, provider)


@pytest.mark.parametrize("name", ["api_key", "llm_url", "openai_api_key", "base_url", "key"])
def test_names_that_say_nothing(name):
    assert classify_name(name) is None


# A bundler's prefix (Vite, Next.js, Create React App, Expo, SvelteKit, Nuxt ...) says how browser code reads a
# variable, never whose it is: it is stripped before the name is classified.
@pytest.mark.parametrize("var,role,provider", [
    ("VITE_OPENAI_API_KEY", Role.OPENAI, None), ("NEXT_PUBLIC_OPENAI_BASE_URL", Role.OPENAI, None),
    ("REACT_APP_AZURE_OPENAI_API_KEY", Role.AZURE, None), ("VITE_KEY", Role.UNKNOWN, None),
    ("REACT_APP_API_KEY", Role.UNKNOWN, None), ("NEXT_PUBLIC_API_URL", Role.UNKNOWN, None),
    ("PUBLIC_API_KEY", Role.UNKNOWN, None), ("NUXT_PUBLIC_LLM_URL", Role.UNKNOWN, None),
    ("EXPO_PUBLIC_GROQ_API_KEY", Role.OTHER, "Groq"), ("NEXT_PUBLIC_OPENROUTER_API_KEY", Role.OTHER, "OpenRouter"),
    ("VITE_VLLM_URL", Role.LOCAL, "vLLM"), ("VITE_ACME_API_KEY", Role.OTHER, "Acme"),
])
def test_framework_prefixes_are_not_providers(var, role, provider):
    got = classify_env(var)
    assert (got.role, got.provider) == (role, provider)
    assert "Vite" not in str(got.provider) and "Next" not in str(got.provider)


def test_a_browser_key_behind_a_prefix_is_an_openai_client():
    for var in ("VITE_KEY", "VITE_OPENAI_API_KEY", "NEXT_PUBLIC_OPENAI_KEY", "EXPO_PUBLIC_API_KEY"):
        assert classify_client(api_key=Evidence.of_env(var)).role is Role.OPENAI, var
    assert classify_client(api_key=Evidence.of_env("VITE_GROQ_API_KEY")).role is Role.OTHER


def test_framework_prefix_table_strips_the_longest_prefix():
    from migrate.catalog.providers import FRAMEWORK_ENV_PREFIXES, framework_prefix, strip_framework_prefix

    assert framework_prefix("NEXT_PUBLIC_OPENAI_API_KEY") == "NEXT_PUBLIC_"  # not PUBLIC_ of SvelteKit
    assert strip_framework_prefix("NUXT_PUBLIC_OPENAI_BASE_URL") == "OPENAI_BASE_URL"
    assert strip_framework_prefix("OPENAI_API_KEY") == "OPENAI_API_KEY" and framework_prefix("VITE_") == ""
    assert all(p.endswith("_") and p.isupper() for p in FRAMEWORK_ENV_PREFIXES)


def test_the_scans_variable_pattern_takes_the_prefix():
    from migrate.catalog.facts import ENV_NAME_RE

    assert ENV_NAME_RE.match("VITE_OPENAI_API_KEY") and ENV_NAME_RE.match("NEXT_PUBLIC_OPENAI_BASE_URL")
    assert not ENV_NAME_RE.match("VITE_KEY") and not ENV_NAME_RE.match("VITE_GROQ_API_KEY")
