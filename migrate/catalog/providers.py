"""What an endpoint talks to: OpenAI, Azure OpenAI, another provider, or a server of the team's own.

The OpenAI SDK is the client library of half the industry: OpenRouter, xAI, Together, Groq, Ollama, a gateway
or the team's own vLLM are all reached with `OpenAI(base_url=..., api_key=...)`. Before the rewrite touches a
client or a URL it asks this module what that client or URL talks to, from what the code says:

    classify_url("https://openrouter.ai/api/v1")             # Role.OTHER, provider "OpenRouter"
    classify_env("OPENROUTER_API_KEY", "api_key")            # Role.OTHER
    classify_client(base_url=Evidence.literal("http://localhost:8000/v1"))   # Role.LOCAL (already migrated)

Only `Role.OPENAI` and `Role.AZURE` clients move to vLLM. Another provider's client is left alone and never
handed another key (sending an OpenAI key to a third party is the worst outcome of a wrong rewrite); a local
client is already off OpenAI. `Role.UNKNOWN` means the code computes the endpoint in a way a reader cannot
settle (`settings.llm_url`): a human decides.

Provider knowledge is a table of hosts and environment-variable names (the names their docs tell users to
set); a host that is in no table still counts as "another endpoint", which is what matters for safety.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit


class Role(str, Enum):
    OPENAI = "openai"  # api.openai.com, or the SDK's default (no base URL given)
    AZURE = "azure-openai"  # <resource>.openai.azure.com
    OTHER = "other-provider"  # another provider's or a gateway's endpoint: never repointed
    LOCAL = "local"  # localhost, a private address or a vLLM server: already off OpenAI
    UNKNOWN = "unknown"  # computed by the project's own plumbing: a human decides

    @property
    def migrates(self) -> bool:
        """Whether a client with this role is pointed at vLLM by the rewrite."""
        return self in (Role.OPENAI, Role.AZURE)


@dataclass(frozen=True)
class Provider:
    name: str
    hosts: tuple[str, ...]  # a host matches itself and its subdomains
    env_prefixes: tuple[str, ...]  # FOO matches FOO_API_KEY, FOO_BASE_URL, FOO_KEY, FOO_TOKEN, ...


PROVIDERS: tuple[Provider, ...] = (
    Provider("OpenRouter", ("openrouter.ai",), ("OPENROUTER",)),
    Provider("xAI", ("x.ai",), ("XAI", "GROK")),
    Provider("Together", ("together.xyz", "together.ai"), ("TOGETHER", "TOGETHERAI", "TOGETHER_AI")),
    Provider("Groq", ("groq.com",), ("GROQ",)),
    Provider("Anyscale", ("anyscale.com",), ("ANYSCALE",)),
    Provider("Perplexity", ("perplexity.ai",), ("PERPLEXITY", "PPLX")),
    Provider("RunPod", ("runpod.ai", "runpod.net", "runpod.io"), ("RUNPOD",)),
    Provider("DeepSeek", ("deepseek.com",), ("DEEPSEEK",)),
    Provider("Mistral", ("mistral.ai",), ("MISTRAL",)),
    Provider("Fireworks", ("fireworks.ai",), ("FIREWORKS",)),
    Provider("DeepInfra", ("deepinfra.com",), ("DEEPINFRA",)),
    Provider("Google Gemini", ("generativelanguage.googleapis.com", "aiplatform.googleapis.com"),
             ("GEMINI", "GOOGLE", "VERTEX")),
    Provider("Anthropic", ("anthropic.com",), ("ANTHROPIC", "CLAUDE")),
    Provider("Cerebras", ("cerebras.ai",), ("CEREBRAS",)),
    Provider("Moonshot", ("moonshot.cn", "moonshot.ai"), ("MOONSHOT", "KIMI")),
    Provider("DashScope", ("dashscope.aliyuncs.com", "dashscope-intl.aliyuncs.com"), ("DASHSCOPE", "QWEN")),
    Provider("Zhipu", ("bigmodel.cn",), ("ZHIPU", "ZHIPUAI", "GLM")),
    Provider("NVIDIA NIM", ("nvidia.com",), ("NVIDIA", "NIM", "NGC")),
    Provider("Hugging Face", ("huggingface.co", "hf.space"), ("HF", "HUGGINGFACE", "HUGGINGFACEHUB")),
    Provider("Cloudflare AI Gateway", ("gateway.ai.cloudflare.com",), ("CLOUDFLARE", "CF")),
    Provider("Portkey", ("portkey.ai",), ("PORTKEY",)),
    Provider("Helicone", ("helicone.ai",), ("HELICONE",)),
    Provider("LiteLLM proxy", (), ("LITELLM",)),
    Provider("Ollama", (), ("OLLAMA",)),
    Provider("LM Studio", (), ("LMSTUDIO", "LM_STUDIO")),
    Provider("SambaNova", ("sambanova.ai",), ("SAMBANOVA",)),
    Provider("Novita", ("novita.ai",), ("NOVITA",)),
    Provider("SiliconFlow", ("siliconflow.cn", "siliconflow.com"), ("SILICONFLOW",)),
    Provider("Baseten", ("baseten.co",), ("BASETEN",)),
    Provider("Modal", ("modal.run",), ("MODAL",)),
    Provider("Replicate", ("replicate.com",), ("REPLICATE",)),
    Provider("Cohere", ("cohere.ai", "cohere.com"), ("COHERE", "CO")),
    Provider("AI21", ("ai21.com",), ("AI21",)),
    Provider("Lepton", ("lepton.run", "lepton.ai"), ("LEPTON",)),
    Provider("Volcengine Ark", ("volces.com",), ("ARK", "VOLC", "DOUBAO")),
    Provider("Baichuan", ("baichuan-ai.com",), ("BAICHUAN",)),
    Provider("Yi", ("lingyiwanwu.com", "01.ai"), ("YI", "LINGYI")),
    Provider("MiniMax", ("minimax.chat", "minimaxi.com", "minimax.io"), ("MINIMAX",)),
    Provider("GitHub Models", ("models.inference.ai.azure.com", "models.github.ai"), ("GITHUB",)),
    Provider("OctoAI", ("octoai.run", "octo.ai"), ("OCTOAI",)),
    Provider("Konko", ("konko.ai",), ("KONKO",)),
    Provider("EverlyAI", ("everlyai.xyz",), ("EVERLYAI",)),
    Provider("GooseAI", ("goose.ai",), ("GOOSEAI",)),
    Provider("LocalAI", (), ("LOCALAI",)),
    Provider("Upstage", ("upstage.ai",), ("UPSTAGE",)),
    Provider("AWS Bedrock", ("amazonaws.com",), ("AWS", "BEDROCK")),
)

# Python packages of other providers whose clients copy the OpenAI SDK's shape (`Groq().chat.completions.create`,
# `InferenceClient().chat.completions.create`): a module that imports one may call such a client where the scan
# cannot see where the client came from, so the shape of a call proves nothing there.
LOOKALIKE_SDKS = frozenset({
    "groq", "together", "mistralai", "cerebras", "fireworks", "portkey_ai", "zhipuai", "huggingface_hub", "litellm",
    "openrouter", "xai_sdk", "cohere", "ollama", "sambanova", "deepinfra", "novita", "anyscale", "perplexity",
})

# Bundlers and frameworks expose to client code only the environment variables with their prefix, so browser
# code reads `VITE_OPENAI_API_KEY` or `NEXT_PUBLIC_OPENAI_BASE_URL`: the prefix says which bundler, never which
# provider. It is stripped before a name is classified (`VITE_KEY` is a key of unknown use, not a provider called
# "Vite"), by the scan's variable patterns (facts.ENV_NAME) and by the JS/TS rewrite, which writes the variables it
# adds with the prefix the module already uses. Longest first: NEXT_PUBLIC_ before PUBLIC_.
FRAMEWORK_ENV_PREFIXES: dict[str, str] = {
    "NEXT_PUBLIC_": "Next.js", "NUXT_PUBLIC_": "Nuxt", "EXPO_PUBLIC_": "Expo", "PLASMO_PUBLIC_": "Plasmo",
    "REACT_APP_": "Create React App", "VUE_APP_": "Vue CLI", "NUXT_ENV_": "Nuxt 2", "STORYBOOK_": "Storybook",
    "GATSBY_": "Gatsby", "PUBLIC_": "SvelteKit / Astro", "VITE_": "Vite",
}
_FRAMEWORK_PREFIXES = tuple(sorted(FRAMEWORK_ENV_PREFIXES, key=len, reverse=True))


def framework_prefix(name: str) -> str:
    """The bundler prefix a variable name starts with (`VITE_` of `VITE_OPENAI_API_KEY`), or ""."""
    upper = name.upper()
    return next((p for p in _FRAMEWORK_PREFIXES if upper.startswith(p) and len(upper) > len(p)), "")


def strip_framework_prefix(name: str) -> str:
    """`VITE_OPENAI_API_KEY` -> `OPENAI_API_KEY`; a name without such a prefix is returned as it is."""
    return name[len(framework_prefix(name)):]


# Local servers that are known to be something else than vLLM (their default ports).
LOCAL_PORTS = {11434: "Ollama", 1234: "LM Studio", 8080: "llama.cpp server / LocalAI", 4000: "LiteLLM proxy",
               5000: "text-generation-webui", 3000: "a local gateway"}

OPENAI_HOST = "api.openai.com"
AZURE_SUFFIX = ".openai.azure.com"
_LOCAL_NAMES = ("localhost", "host.docker.internal", "vllm", "0.0.0.0")
_VLLM_ENV = re.compile(r"(?:^|_)(?:VLLM|LOCAL_LLM|LOCAL)(?:_|$)")
_OPENAI_ENV = re.compile(r"(?:^|_)(?:OPENAI|OAI|AZURE_OPENAI|CHATGPT|GPT)(?:_|$)")
_GENERIC_ENV_PARTS = frozenset({"API", "KEY", "KEYS", "BASE", "URL", "URI", "HOST", "ENDPOINT", "TOKEN", "SECRET",
                                "LLM", "AI", "MODEL", "CHAT", "SERVER", "SERVICE", "APP", "DEFAULT", "PROXY", "V1",
                                "BEARER", "AUTH", "ACCESS", "PRIVATE", "PUBLIC"})


@dataclass(frozen=True)
class Classification:
    role: Role
    provider: str | None = None  # "OpenRouter", "Ollama", "vLLM", ... where known
    because: str = ""  # the evidence in words: "base_url is https://openrouter.ai/api/v1"

    def describe(self) -> str:
        who = self.provider or {Role.OPENAI: "OpenAI", Role.AZURE: "Azure OpenAI", Role.LOCAL: "a local server",
                                Role.OTHER: "another endpoint", Role.UNKNOWN: "an endpoint the code computes"}[self.role]
        return f"{who} ({self.because})" if self.because else who


def classify_url(url: str) -> Classification:
    """What a literal URL (or a bare host) points at."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return Classification(Role.UNKNOWN, because=f"{url!r} is not a URL")
    because = f"the URL is {url}"
    if not host:
        return Classification(Role.UNKNOWN, because=because)
    if host == OPENAI_HOST or host.endswith("." + OPENAI_HOST):
        return Classification(Role.OPENAI, "OpenAI", because)
    if host.endswith((AZURE_SUFFIX, ".cognitiveservices.azure.com")):
        return Classification(Role.AZURE, "Azure OpenAI", because)
    for provider in PROVIDERS:
        if any(host == h or host.endswith("." + h) for h in provider.hosts):
            return Classification(Role.OTHER, provider.name, because)
    if _is_local_host(host):
        if port in LOCAL_PORTS:
            return Classification(Role.OTHER, LOCAL_PORTS[port], because)
        return Classification(Role.LOCAL, "vLLM" if "vllm" in host or port == 8000 else None, because)
    if "vllm" in host:
        return Classification(Role.LOCAL, "vLLM", because)
    return Classification(Role.OTHER, host, because)


def classify_env(name: str, what: str = "api_key") -> Classification:
    """What an environment variable read for a client's base URL or key says about its endpoint.

    OPENAI_API_KEY -> OpenAI; OPENROUTER_API_KEY -> OpenRouter; VLLM_BASE_URL -> local; API_KEY -> unknown.
    A bundler's prefix is no provider: VITE_OPENAI_API_KEY -> OpenAI, NEXT_PUBLIC_GROQ_API_KEY -> Groq,
    VITE_KEY -> unknown (FRAMEWORK_ENV_PREFIXES).
    """
    upper = strip_framework_prefix(name.upper())
    because = f"{what} comes from ${name}"
    if "VLLM" in upper:  # VLLM_OPENAI_API_BASE: the OpenAI-compatible endpoint of a vLLM server
        return Classification(Role.LOCAL, "vLLM", because)
    if _OPENAI_ENV.search(upper):
        return Classification(Role.AZURE if "AZURE" in upper else Role.OPENAI, None, because)
    if _VLLM_ENV.search(upper):
        return Classification(Role.LOCAL, "vLLM" if "VLLM" in upper else None, because)
    for provider in PROVIDERS:
        if any(upper == p or upper.startswith(p + "_") for p in provider.env_prefixes):
            return Classification(Role.OTHER, provider.name, because)
    words = [w for w in upper.split("_") if w]
    if words and all(w in _GENERIC_ENV_PARTS for w in words):
        return Classification(Role.UNKNOWN, None, because)
    # FOO_API_KEY for a FOO that is none of the above: another service's variable, not OpenAI's.
    return Classification(Role.OTHER, words[0].title() if words else None, because)


@dataclass(frozen=True)
class Evidence:
    """One thing the code says about a client's endpoint: a literal, an env read, or an opaque expression."""

    literal: str | None = None  # a string literal (URL for base_url, the key itself for api_key)
    env: str | None = None  # the environment variable read
    env_default: str | None = None  # the literal default of that read
    opaque: str | None = None  # the source of an expression the code computes (`settings.url`)

    @classmethod
    def of_literal(cls, value: str) -> Evidence:
        return cls(literal=value)

    @classmethod
    def of_env(cls, var: str, default: str | None = None) -> Evidence:
        return cls(env=var, env_default=default)


def classify_client(base_url: Evidence | None = None, api_key: Evidence | None = None) -> Classification:
    """What a client built with these base_url / api_key arguments talks to (None: the argument is absent).

    Another provider anywhere in the evidence wins: a client with an OpenRouter key and no base URL is still
    OpenRouter's (its base URL may come from the environment). A local base URL means already migrated. With no
    base URL the SDK talks to OpenAI (or to $OPENAI_BASE_URL), unless the key says otherwise.
    """
    found: list[Classification] = []
    if base_url is not None:
        if base_url.literal is not None:
            found.append(classify_url(base_url.literal))
        if base_url.env is not None:
            found.append(classify_env(base_url.env, "base_url"))
            if base_url.env_default:
                found.append(classify_url(base_url.env_default))
        if base_url.opaque is not None and base_url.literal is None and base_url.env is None:
            found.append(Classification(Role.UNKNOWN, None, f"base_url comes from `{base_url.opaque}`"))
    if api_key is not None and api_key.env is not None:
        found.append(classify_env(api_key.env, "api_key"))
    placeholder = _placeholder_key(api_key.literal) if api_key is not None and api_key.literal is not None else None
    if placeholder is not None and placeholder.role is Role.OTHER:
        found.append(placeholder)
    for role in (Role.OTHER, Role.LOCAL):
        hit = next((c for c in found if c.role is role), None)
        if hit is not None:
            return hit
    url_roles = [c for c in found if not c.because.startswith("api_key")]
    for role in (Role.AZURE, Role.OPENAI):
        hit = next((c for c in url_roles if c.role is role), None)
        if hit is not None:
            return hit  # a base URL that says OpenAI (literal, $OPENAI_BASE_URL, an OpenAI default)
    if placeholder is not None:
        return placeholder  # no key needed: a local server, whatever an opaque base URL holds
    hit = next((c for c in url_roles if c.role is Role.UNKNOWN), None)
    if hit is not None:
        return hit  # a base URL the project computes
    azure = next((c for c in found if c.role is Role.AZURE), None)
    return azure or Classification(Role.OPENAI, "OpenAI", "no base_url: the SDK's default endpoint")


# Literal keys that say no key is needed (normalised: upper case, "-" and spaces as "_"): what local OpenAI-compatible
# servers are called with (vLLM's docs: "EMPTY"; llama.cpp: "sk-no-key-required"; LM Studio: "not-needed") and what
# code passes to a client that sends nothing (mirascope: OpenAI(api_key="NOT_USED") only to build a request). A
# client with such a key cannot talk to OpenAI: its endpoint is a local server, set here or by $OPENAI_BASE_URL.
# A placeholder for a real key ("YOUR_API_KEY", "sk-...") is not one of these: that client is OpenAI's.
NO_KEY_PLACEHOLDERS = frozenset({
    "EMPTY", "NOT_NEEDED", "NOTNEEDED", "NO_KEY", "NOKEY", "NO_KEY_REQUIRED", "SK_NO_KEY_REQUIRED", "NONE", "NULL",
    "DUMMY", "DUMMY_KEY", "DUMMY_API_KEY", "FAKE", "FAKE_KEY", "FAKE_API_KEY", "NOT_USED", "NOTUSED", "UNUSED",
    "NOT_A_REAL_KEY", "NO_API_KEY", "NO_API_KEY_NEEDED", "LOCAL", "X",
})


def _placeholder_key(key: str) -> Classification | None:
    """A literal key that is a provider's name (`api_key="ollama"`, as Ollama's docs write it): that provider's; one
    that says no key is needed (`api_key="EMPTY"`, NO_KEY_PLACEHOLDERS): a local server's."""
    upper = re.sub(r"[-\s]+", "_", key.strip().upper())
    for provider in PROVIDERS:
        if any(upper == p for p in provider.env_prefixes if len(p) > 2):
            return Classification(Role.OTHER, provider.name, f"api_key is {key!r}")
    if upper in NO_KEY_PLACEHOLDERS:
        return Classification(Role.LOCAL, None, f"api_key is {key!r}, a placeholder no OpenAI account takes")
    return None


def _is_local_host(host: str) -> bool:
    if host in _LOCAL_NAMES or host.endswith((".local", ".localhost", ".internal", ".svc", ".cluster.local")):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "." not in host  # a bare service name ("vllm", "llm-server"): a container or cluster neighbour
    return address.is_loopback or address.is_private or address.is_unspecified or address.is_link_local


def classify_name(name: str, what: str = "api_key") -> Classification | None:
    """What the name of an opaque value says, only when it names a known provider: `settings.groq_api_key`.

    The code does not show the value (it comes from the project's own settings), but a name that spells a
    provider's name (or vLLM's) is strong enough to keep a third party's key away from the rewrite. Any other name says
    nothing (None): `settings.api_key` may hold anything.
    """
    upper = strip_framework_prefix(name.upper().strip("_"))
    for provider in PROVIDERS:
        if any(upper == p or upper.startswith(p + "_") for p in provider.env_prefixes if len(p) > 2):
            return Classification(Role.OTHER, provider.name, f"{what} comes from `{name}`")
    if "VLLM" in upper.split("_"):
        return Classification(Role.LOCAL, "vLLM", f"{what} comes from `{name}`")
    return None
