"""What several JS/TS rules share: the environment reads they write, what a finding says a client talks to, and
how an existing option value is judged (already configured, OpenAI's literal, an OpenAI variable, or other)."""

from __future__ import annotations

import re

from migrate.catalog.javascript import ENV_OBJECTS
from migrate.catalog.providers import Role, framework_prefix, strip_framework_prefix
from migrate.rewrite.javascript.module import JsModule, strip_wrappers, string_value
from migrate.scan.detect import sdk

_ROLE_RE = re.compile(r"endpoint: ([a-z-]+): (.*)")


def env_object(module: JsModule) -> str:
    """`process.env`, or `import.meta.env` in a module that reads only that (a Vite / browser module)."""
    if b"import.meta.env" in module.source and b"process.env" not in module.source:
        return "import.meta.env"
    return "process.env"


# Variables bundlers and Node define themselves, read without any prefix (Vite's import.meta.env.MODE, ...).
_BUILT_IN_VARIABLES = frozenset({"MODE", "DEV", "PROD", "SSR", "BASE_URL", "NODE_ENV"})


def env_prefix(module: JsModule) -> str:
    """The bundler prefix (catalog: providers.FRAMEWORK_ENV_PREFIXES) every environment variable this module reads
    carries, or "": browser code bundled by Vite reads `import.meta.env.VITE_OPENAI_API_KEY`, Next.js client code
    `process.env.NEXT_PUBLIC_...`, and a variable added without the prefix would be undefined there. Never
    invented: a module that reads no variable, or one without the prefix (server code), gets none."""
    cached = getattr(module, "_env_prefix", None)
    if cached is not None:
        return cached
    names = [env_read(module, node) for node in module.walk(("member_expression", "subscript_expression"))]
    prefixes = {framework_prefix(n) for n in names if n and n not in _BUILT_IN_VARIABLES}
    module._env_prefix = next(iter(prefixes)) if len(prefixes) == 1 else ""
    return module._env_prefix


def env_name(module: JsModule, variable: str) -> str:
    """The name this module reads `variable` by: `VITE_OPENAI_BASE_URL` in a Vite module, else the name itself."""
    return env_prefix(module) + variable


# Code that may run where no `process` exists: a client the SDK is told runs in a browser, a React Server/Client
# Components directive, a UI framework's import, the DOM's globals read as code (`document.title`, not a comment's
# "the document. It..."); a Cloudflare Worker's fetch handler.
_BROWSER = (rb"""dangerouslyAllowBrowser|^[ \t]*["']use client["']|\bfrom[ \t]+["'](?:react|react-dom(?:/client)?|preact"""
            rb"""|vue|svelte|solid-js|@angular/core)["']|\b(?:window|document|localStorage|sessionStorage|navigator)\.[A-Za-z_$]""")
_WORKER = re.compile(rb"""\bfetch\s*\(\s*\w+\s*(?::\s*\w+\s*)?,\s*env\b|addEventListener\(\s*["']fetch["']""")
_BROWSER_OR_WORKER = re.compile(_BROWSER + b"|" + _WORKER.pattern, re.MULTILINE)


def is_worker(module: JsModule) -> bool:
    """A Cloudflare Worker's module (a fetch handler given `env`, or a fetch event listener)."""
    return bool(_WORKER.search(module.source))


def lacks_process(module: JsModule) -> bool:
    """Whether the module may run without Node's `process` (see _BROWSER_OR_WORKER) and does not read it itself
    (a module that already reads `process.env` runs where it is defined, or polyfilled)."""
    return b"process." not in module.source and bool(_BROWSER_OR_WORKER.search(module.source))


def env_var(module: JsModule, name: str) -> str:
    """The read of environment variable `name` the rewrite writes: `process.env.NAME` (`import.meta.env.NAME` in a
    Vite module), or `globalThis.process?.env?.NAME` in a module that may run without `process`, where the plain
    read throws a ReferenceError at run time (and fails `tsc` without Node's types: `(globalThis as any)` there)."""
    obj = env_object(module)
    if obj == "process.env" and lacks_process(module):
        holder = "globalThis" if module.grammar == "javascript" else "(globalThis as any)"
        return f"{holder}.process?.env?.{name}"
    return f"{obj}.{name}"


def env_expr(module: JsModule, variable: str, default: str) -> str:
    """`process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1"` (`import.meta.env.VITE_OPENAI_BASE_URL ?? ...` in
    a module whose variables carry Vite's prefix; see env_var)."""
    return f"{env_var(module, env_name(module, variable))} ?? {module.string(default)}"


def base_url_expr(module: JsModule, context) -> str:
    """The base URL the rewrite writes (see beside_key for a client whose key is read off another object)."""
    return env_expr(module, context.config.base_url_env, context.config.base_url_default)


_MEMBER = re.compile(r"([A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*)\??\.([A-Za-z_$][\w$]*)")


def beside_key(module: JsModule, key, config) -> str | None:
    """`env.OPENAI_BASE_URL` for a key read as `env.OPENAI_API_KEY` (any object but the environment ones): where a
    client's key is read off another object than the environment (a Worker's `env` binding, `c.env`, a config
    object), its base URL is read off the same object, which has it or leaves the default (`process` may not exist
    there at all)."""
    match = _MEMBER.fullmatch(module.snippet(strip_wrappers(key)).strip())
    if match is None or match.group(1) in ENV_OBJECTS or match.group(1).startswith(("process", "import.meta")):
        return None
    obj, name = match.groups()
    if not name.endswith(config.api_key_env):
        return None
    return f"{obj}.{name[:-len(config.api_key_env)]}{config.base_url_env}"


def api_key_expr(module: JsModule, context) -> str:
    return env_expr(module, context.config.api_key_env, context.config.api_key_default)


def role_of(finding) -> tuple[Role, str]:
    """(role, description) the scan gave a client finding (its detail is "endpoint: <role>: <why>")."""
    match = _ROLE_RE.search(finding.detail or "")
    if match is None:
        return Role.OPENAI, "OpenAI (no base URL: the SDK's default endpoint)"
    try:
        return Role(match.group(1)), _js_names(match.group(2).split(";")[0].strip())
    except ValueError:
        return Role.UNKNOWN, _js_names(match.group(2))


_PY_OPTION_NAMES = re.compile(r"\b(base_url|api_key)\b")


def _js_names(description: str) -> str:
    """The catalog describes clients with the Python SDK's argument names; a JS comment names openai-node's
    (`base_url comes from ...` -> `baseURL comes from ...`)."""
    return _PY_OPTION_NAMES.sub(lambda m: {"base_url": "baseURL", "api_key": "apiKey"}[m.group(1)], description)


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
    return operator is not None and module.text(operator) in ("??", "||") and reads(module, left, variable)


def reads(module: JsModule, node, variable: str) -> bool:
    """Whether `node` reads environment variable `variable`, with or without a bundler's prefix."""
    name = env_read(module, node)
    return name is not None and strip_framework_prefix(name) == variable


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
