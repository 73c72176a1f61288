"""The rules for files around the code: env/config files (OAI010) and requirement pins (OAI011).

Line-based and format-preserving: only the value (or version specifier) changes, quotes, comments, markers
and line endings stay as they were. API keys are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from migrate.catalog.facts import ENDPOINT_ENV
from migrate.rewrite.patterns import looks_like_openai_model, split_url

DEFAULT_OPENAI_REQUIREMENT = ">=1.40"
_BASE_KEYS = ENDPOINT_ENV  # variables that hold the OpenAI endpoint (catalog)
# ... of them, those the rewritten code does not read (it reads config.base_url_env): renamed in .env files
_OLD_BASE_KEYS = frozenset(k for k in ENDPOINT_ENV if k != "OPENAI_BASE_URL" and not k.startswith("AZURE_"))
_MODELISH = re.compile(r"model|engine|deployment", re.IGNORECASE)
_AZURE_URL = re.compile(r"^https://[\w.\-]+\.openai\.azure\.com/?\S*$")
_LINE = re.compile(
    r"""^(?P<lead>[ \t]*(?:-[ \t]*)?(?:export[ \t]+)?)(?P<key>[A-Za-z_][\w.\-]*|"[^"\n]+"|'[^'\n]+')"""
    r"""(?P<sep>[ \t]*[:=][ \t]*)(?:(?P<q>["'])(?P<qv>[^"'\n]*)(?P=q)|(?P<v>[^\s#"']+))(?P<tail>[ \t]*(?:#.*)?)$"""
)
_REQUIREMENT_NAMES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "constraints.txt"})
CONFIG_SUFFIXES = (".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf")


def is_env_file(name: str) -> bool:
    return name.startswith(".env") or name.endswith(".env")


def is_requirements_file(name: str) -> bool:
    return (name.startswith("requirements") and name.endswith((".txt", ".in"))) or name in _REQUIREMENT_NAMES


def is_config_file(name: str) -> bool:
    return is_env_file(name) or name.endswith(CONFIG_SUFFIXES) or is_dockerfile(name)


def is_dockerfile(name: str) -> bool:
    return name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith((".dockerfile", ".Dockerfile"))


_COMPOSE = re.compile(r"^(?:docker-)?compose(?:[.\-][\w.\-]+)?\.ya?ml$")
_HELM_VALUES = re.compile(r"^values(?:[.\-][\w.\-]+)?\.ya?ml$")
_K8S = re.compile(r"^apiVersion:[ \t]*\S", re.MULTILINE)


def deployment_kind(name: str, text: str) -> str | None:
    """Which deployment file this is, if any: there `localhost` is the container, not the machine vLLM runs on."""
    if is_dockerfile(name):
        return "Dockerfile"
    if _COMPOSE.match(name):
        return "docker compose"
    if name.endswith((".yaml", ".yml")):
        if _HELM_VALUES.match(name):
            return "Helm values"
        if _K8S.search(text) and re.search(r"^kind:[ \t]*\S", text, re.MULTILINE):
            return "Kubernetes manifest"
    return None


@dataclass
class TextResult:
    after: str
    edits: int = 0
    review: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _eol(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


# -- OAI010: env and config files ------------------------------------------------------------------------------

def rewrite_config(text: str, name: str, config) -> TextResult:
    deploy = deployment_kind(name, text)
    if deploy == "Dockerfile":
        return _dockerfile(text, config)
    env = is_env_file(name) or deploy == "docker compose"  # compose's environment: is the container's env
    lines = _split_lines(text)
    keys = {m.group("key") for m in (_LINE.match(_eol(line)[0]) for line in lines) if m}
    out: list[str] = []
    result = TextResult(after=text)
    in_own_table = False
    for number, line in enumerate(lines, 1):
        body, eol = _eol(line)
        stripped = body.strip()
        if stripped.startswith("["):
            in_own_table = stripped.startswith(("[tool.migrate", "[[tool.migrate"))
        hit = None if in_own_table or stripped.startswith(("#", ";")) else _LINE.match(body)
        if hit is None:
            out.append(line)
            continue
        key = hit.group("key").strip("\"'")
        quoted = hit.group("q") is not None
        value = hit.group("qv") if quoted else hit.group("v")
        new_key, new_value = key, value
        if "KEY" in key.upper() and "API" in key.upper():
            out.append(line)  # secrets stay as they are
            continue
        rest = split_url(value) if "api.openai.com" in value else None
        azure = _AZURE_URL.match(value) and (key.upper() in _BASE_KEYS or "endpoint" in key.lower() or "base" in key.lower())
        if deploy is not None and (rest is not None or azure):
            # In a container `localhost` is the container itself: the endpoint is the operator's to set.
            new_value = _deployed_endpoint(deploy, rest or "", config, result, number, key, value)
        elif rest is not None:
            new_value = config.base_url_default.rstrip("/") + rest
        elif azure:
            new_value = config.base_url_default
        elif value in config.models and config.models[value] != value:
            new_value = config.models[value]
        elif _MODELISH.search(key) and looks_like_openai_model(value) and value not in config.models.values():
            message = f"{key}={value}: {value!r} has no entry in the model map: add it to [tool.migrate.models]"
            result.review.append((number, message))
        if env and key in _OLD_BASE_KEYS and config.base_url_env not in keys:
            new_key = config.base_url_env  # the rewritten code reads this variable
            keys.add(new_key)
        if (new_key, new_value) == (key, value):
            out.append(line)
            continue
        result.edits += 1
        raw_key = hit.group("key") if new_key == key else new_key
        shown = f"{hit.group('q')}{new_value}{hit.group('q')}" if quoted else new_value
        out.append(f"{hit.group('lead')}{raw_key}{hit.group('sep')}{shown}{hit.group('tail')}{eol}")
    result.after = "".join(out)
    return result


def _deployed_endpoint(deploy: str, rest: str, config, result: TextResult, number: int, key: str, value: str) -> str:
    var = config.base_url_env
    if deploy == "docker compose":
        result.review.append((number, f"docker compose: {key} now comes from ${var} where compose runs: set it to the "
                                      "vLLM server as the containers reach it (a service name such as "
                                      "http://vllm:8000/v1; localhost is the container itself)"))
        return f"${{{var}:?set {var} to the vLLM server URL}}{rest}"
    result.review.append((number, f"{deploy}: {key} is {value}: set it to the vLLM server as the pods or containers "
                                  "reach it (a Service such as http://vllm.<namespace>.svc:8000/v1, never localhost); "
                                  "left as it is"))
    return value


def _dockerfile(text: str, config) -> TextResult:
    """A Dockerfile bakes the endpoint into the image: reported, the endpoint belongs to where the container runs."""
    result = TextResult(after=text)
    for number, line in enumerate(_split_lines(text), 1):
        if "api.openai.com" in line or _AZURE_URL.search(line.split("=", 1)[-1].strip()):
            result.review.append((number, "Dockerfile: this bakes OpenAI's endpoint into the image: remove it and set "
                                          f"{config.base_url_env} where the container runs (docker run -e, compose, the "
                                          "manifest), to the vLLM server as the container reaches it"))
    return result


# -- OAI011: requirement pins ----------------------------------------------------------------------------------

_PEP508 = re.compile(
    r"(?<![\w.\-])(?P<name>openai)(?P<extras>[ \t]*\[[\w,\s\-]*\])?(?P<ws>[ \t]*)"
    r"(?P<spec>(?:===?|~=|!=|<=?|>=?)[ \t]*[\w.*+!]+(?:[ \t]*,[ \t]*(?:===?|~=|!=|<=?|>=?)[ \t]*[\w.*+!]+)*)",
    re.IGNORECASE,
)
# Poetry / Pipfile tables: openai = "^0.28"  or  openai = { version = "==0.28.1", extras = [...] }
_TABLE = re.compile(r"""^(?P<head>[ \t]*["']?openai["']?[ \t]*=[ \t]*(?:\{[^}\n]*?\bversion[ \t]*=[ \t]*)?)"""
                    r"""(?P<q>["'])(?P<spec>[^"'\n]*)(?P=q)""", re.IGNORECASE | re.MULTILINE)


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.strip().split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits.group()))
    return tuple(parts) or (0,)


def below_one(spec: str) -> bool:
    """Whether a version specifier keeps openai on 0.x (PEP 440, Poetry's ^ and ~, or a bare version)."""
    spec = spec.strip()
    if not spec or spec == "*":
        return False
    for clause in (c.strip() for c in spec.split(",")):
        op = re.match(r"(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*(.*)", clause)
        operator, version = op.group(1) or "==", op.group(2)
        v = _version(version)
        if operator in ("==", "===", "~=", "^", "~", "<=") and v[0] == 0:
            return True
        if operator == "<" and v <= (1,) + (0,) * (len(v) - 1):
            return True
    return False


def raise_pins(text: str, name: str, requirement: str = DEFAULT_OPENAI_REQUIREMENT) -> TextResult:
    result = TextResult(after=text)
    if name in ("pyproject.toml", "Pipfile"):
        def table(hit: re.Match) -> str:
            if not below_one(hit.group("spec")):
                return hit.group(0)
            result.edits += 1
            return f"{hit.group('head')}{hit.group('q')}{requirement}{hit.group('q')}"

        text = _TABLE.sub(table, text)

    def inline(hit: re.Match) -> str:
        if not below_one(hit.group("spec")):
            return hit.group(0)
        result.edits += 1
        return f"{hit.group('name')}{hit.group('extras') or ''}{hit.group('ws')}{requirement}"

    result.after = _PEP508.sub(inline, text)
    return result


def file_kind(rel: str) -> str | None:
    name = PurePosixPath(rel).name
    if is_requirements_file(name):
        return "requirements"
    if is_config_file(name):
        return "config"
    return None
