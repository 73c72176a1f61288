"""OAI001 client-endpoint: every OpenAI client talks to the vLLM endpoint named by the environment.

    client = OpenAI()
->  client = OpenAI(
        base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
        api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
    )

The variable names and defaults come from the config (`base_url_env`, `base_url_default`, `api_key_env`,
`api_key_default`). A `base_url`/`api_key` given as a string literal or read from any environment variable is
replaced; one computed some other way (`settings.base_url`) is the project's own plumbing, so it is kept and
left for review. `import os` is added when missing. Module-level configuration of the SDK's default client
(`openai.api_key = ...`, `openai.base_url = ...`, and the 0.x `openai.api_base`) gets the same treatment; a
module that calls `openai.chat.completions.create(...)` without configuring it gets the two settings after
its imports.
"""

from __future__ import annotations

import re

import libcst as cst

from migrate.rewrite.rules._base import (
    AZURE_CLASSES,
    CLIENT_CLASSES,
    RuleTransformer,
    attr_tail,
    code,
    endpoint_of,
    env_read,
    explode,
    get_arg,
    has_star_kwargs,
    imports_end,
    insert_args,
    kwarg,
    literal_str,
    replace_arg_value,
)

_SETTINGS = {"openai.api_key": "api_key", "openai.base_url": "base_url", "openai.api_base": "base_url"}


_WANTED = re.compile(
    r"\b(?:OpenAI|AsyncOpenAI|Client|AsyncClient)\s*\(|\.(?:api_key|api_base|base_url)\s*=(?!=)"
    r"|\b\w+\.(?:chat|completions|embeddings|images|responses|moderations|audio)\.\w+"
    r"|\b(?:OpenAI|AsyncOpenAI|Client|AsyncClient)\s+as\s+\w+"
)


def wanted(source: str, state) -> bool:
    return bool(_WANTED.search(source))


class Transformer(RuleTransformer):
    RULE_ID = "OAI001"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.module_client_calls = False
        self.module_settings: set[str] = set()

    # -- client constructions ---------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if endpoint_of(original) is not None and self._on_module_client(original):
            self.module_client_calls = True
        cls = self.qname_in(original.func, CLIENT_CLASSES)
        if cls is None:
            if self.qname_in(original.func, AZURE_CLASSES) and "OAI002" not in self.state.active:
                self.review(original, "an AzureOpenAI client cannot talk to vLLM: run rule OAI002 or construct "
                                      "an OpenAI client")
            return updated
        if has_star_kwargs(original):
            self.review(original, "client arguments come from **kwargs: make sure they set base_url and api_key "
                                  f"from ${self.config.base_url_env} / ${self.config.api_key_env}")
            return updated
        call = updated
        additions = []
        for name, expr in (("base_url", self.base_url_expr), ("api_key", self.api_key_expr)):
            arg = get_arg(original, name)
            if arg is None:
                additions.append(kwarg(name, expr()))
                continue
            if self.is_configured(arg.value, name):
                continue
            if literal_str(arg.value) is not None or env_read(arg.value) is not None:
                call = replace_arg_value(call, name, expr())
                self.edited()
            elif name == "base_url":
                self.review(original, f"base_url comes from `{code(arg.value)}`: make sure it is the vLLM endpoint "
                                      f"(${self.config.base_url_env})")
            else:
                self.review(original, f"api_key comes from `{code(arg.value)}`: vLLM accepts any key unless it "
                                      "was started with --api-key, then it must match", comment=False)
        if additions:
            self.edited(len(additions))
            base_first = get_arg(original, "api_key") is not None and get_arg(original, "base_url") is None
            index = None
            if base_first:  # base_url goes just before api_key, as a reader expects
                index = next(i for i, a in enumerate(call.args) if a.keyword is not None and a.keyword.value == "api_key")
            call = insert_args(call, additions, index)
            one_line = not any(isinstance(getattr(a.comma, "whitespace_after", None), cst.ParenthesizedWhitespace)
                               for a in original.args)
            one_line = one_line and not isinstance(original.whitespace_before_args, cst.ParenthesizedWhitespace)
            if one_line and self._line_start(original) + len(code(call)) > 99:
                call = explode(call, self.module_indent())
        return call

    def _line_start(self, node: cst.CSTNode) -> int:
        # The call's column plus what precedes it on the line (`client = `): approximated by the column.
        return self.column_of(node) + 1

    def module_indent(self) -> str:
        try:
            return self.module.default_indent
        except ValueError:
            return "    "

    def _on_module_client(self, call: cst.Call) -> bool:
        """openai.chat.completions.create(...): the SDK's module-level default client."""
        node = call.func
        while isinstance(node, cst.Attribute):
            node = node.value
        return isinstance(node, cst.Name) and self.qname_in(node, ("openai",)) is not None and attr_tail(call.func)[1:2] != ["OpenAI"]

    # -- module-level configuration ---------------------------------------------------------------------------
    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        if len(original.targets) != 1 or not isinstance(original.targets[0].target, cst.Attribute):
            return updated
        setting = self.qname_in(original.targets[0].target, _SETTINGS)
        if setting is None:
            return updated
        which = _SETTINGS[setting]
        self.module_settings.add(which)
        if self.is_configured(original.value, which):
            return updated
        if literal_str(original.value) is None and env_read(original.value) is None:
            if which == "base_url":
                self.review(original, f"{setting} comes from `{code(original.value)}`: make sure it is the vLLM "
                                      f"endpoint (${self.config.base_url_env})")
            return updated
        self.edited()
        return updated.with_changes(value=self.base_url_expr() if which == "base_url" else self.api_key_expr())

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if not self.module_client_calls:
            return updated
        missing = [w for w in ("base_url", "api_key") if w not in self.module_settings]
        if not missing:
            return updated
        alias = self._openai_name(original)
        if alias is None:
            return updated
        statements = []
        for which in missing:
            value = self.base_url_expr() if which == "base_url" else self.api_key_expr()
            target = cst.Attribute(cst.Name(alias), cst.Name(which))
            statements.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], value)]))
        self.edited(len(statements))
        position = imports_end(updated)
        body = list(updated.body)
        statements[0] = statements[0].with_changes(leading_lines=[cst.EmptyLine()] if position else [])
        return updated.with_changes(body=[*body[:position], *statements, *body[position:]])

    def _openai_name(self, module: cst.Module) -> str | None:
        from migrate.rewrite.rules._base import openai_alias

        return openai_alias(module)
