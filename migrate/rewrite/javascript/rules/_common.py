"""What several JS/TS rules share: the environment reads they write, what a finding says a client talks to, and
how an existing option value is judged (already configured, OpenAI's literal, an OpenAI variable, or other)."""

from __future__ import annotations

import re

from migrate.catalog.providers import Role
from migrate.rewrite.javascript.module import JsModule, strip_wrappers, string_value
from migrate.scan.detect import sdk

_ROLE_RE = re.compile(r"endpoint: ([a-z-]+): (.*)")
ENV_OBJECTS = ("process.env", "import.meta.env", "Bun.env")


def env_object(module: JsModule) -> str:
    """`process.env`, or `import.meta.env` in a module that reads only that (a Vite / browser module)."""
    if b"import.meta.env" in module.source and b"process.env" not in module.source:
        return "import.meta.env"
    return "process.env"


def env_expr(module: JsModule, variable: str, default: str) -> str:
    """`process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1"`."""
    return f"{env_object(module)}.{variable} ?? {module.string(default)}"


def base_url_expr(module: JsModule, context) -> str:
    return env_expr(module, context.config.base_url_env, context.config.base_url_default)


def api_key_expr(module: JsModule, context) -> str:
    return env_expr(module, context.config.api_key_env, context.config.api_key_default)


def role_of(finding) -> tuple[Role, str]:
    """(role, description) the scan gave a client finding (its detail is "endpoint: <role>: <why>")."""
    match = _ROLE_RE.search(finding.detail or "")
    if match is None:
        return Role.OPENAI, "OpenAI (no base URL: the SDK's default endpoint)"
    try:
        return Role(match.group(1)), match.group(2).split(";")[0].strip()
    except ValueError:
        return Role.UNKNOWN, match.group(2)


def env_read(module: JsModule, node) -> str | None:
    """The variable name of `process.env.X` / `process.env["X"]` (and import.meta.env, Bun.env), else None."""
    node = strip_wrappers(node)
    if node is None:
        return None
    if node.type == "member_expression":
        obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
        if obj is not None and prop is not None and module.text(obj) in ENV_OBJECTS:
            return module.text(prop)
    if node.type == "subscript_expression":
        obj, index = node.child_by_field_name("object"), node.child_by_field_name("index")
        if obj is not None and module.text(obj) in ENV_OBJECTS:
            return string_value(module, index)
    return None


def configured(module: JsModule, node, variable: str) -> bool:
    """Whether `node` already reads `variable` with a fallback (`process.env.X ?? "..."`, `|| "..."`)."""
    node = strip_wrappers(node)
    if node is None or node.type != "binary_expression":
        return False
    operator = node.child_by_field_name("operator")
    left = node.child_by_field_name("left")
    return operator is not None and module.text(operator) in ("??", "||") and env_read(module, left) == variable


def is_openai_url(module: JsModule, node) -> bool:
    value = string_value(module, strip_wrappers(node))
    return value is not None and bool(sdk.OPENAI_HOST_RE.search(value))


def is_openai_base_variable(name: str | None) -> bool:
    """An environment variable naming OpenAI's base URL (OPENAI_BASE_URL, OPENAI_API_BASE, OPENAI_API_HOST ...)."""
    if not name:
        return False
    upper = name.upper()
    return "OPENAI" in upper and "AZURE" not in upper and any(w in upper for w in ("BASE", "URL", "HOST", "ENDPOINT"))


def statement_end(module: JsModule, node) -> str:
    """";" when the statement `node` ends with one (the file's style), else ""."""
    return ";" if module.text(node).rstrip().endswith(";") else ""
