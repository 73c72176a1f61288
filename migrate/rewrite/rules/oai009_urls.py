"""OAI009 hard-coded-urls: string literals holding an api.openai.com URL read the configured base URL instead.

    API_BASE = "https://api.openai.com/v1"
->  API_BASE = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")

    requests.post("https://api.openai.com/v1/chat/completions", ...)
->  requests.post(os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1") + "/chat/completions", ...)

vLLM serves the same routes under its /v1, so the path after /v1 is kept. Docstrings are left alone, and so
are URLs inside f-strings or %-templates, which are left for review (the quoting cannot be changed safely).
"""

from __future__ import annotations

import libcst as cst

from migrate.rewrite.patterns import split_url
from migrate.rewrite.rules._base import (
    RuleTransformer,
    literal_str,
    needs_parens,
    string,
)


def wanted(source: str, state) -> bool:
    return "api.openai.com" in source


class Transformer(RuleTransformer):
    RULE_ID = "OAI009"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.docstrings: set[int] = set()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        # a bare string statement is a docstring or a comment-like string: never rewritten
        for small in node.body:
            if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                self.docstrings.add(id(small.value))

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        return id(node) not in self.docstrings and literal_str(node) is None

    def leave_ConcatenatedString(self, original, updated):
        return self._replace(original, updated)

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        if id(original) in self.docstrings or isinstance(self.parent(original), cst.ConcatenatedString):
            return updated
        return self._replace(original, updated)

    def _replace(self, original, updated):
        if id(original) in self.docstrings:
            return updated
        value = literal_str(original)
        if value is None or "api.openai.com" not in value:
            return updated
        rest = split_url(value)
        if rest is None:
            if "api.openai.com" in value and "%" not in value and "{" not in value:
                return updated  # prose that mentions the host
            self.review(original, "an api.openai.com URL inside a template string: point it at "
                                  f"${self.config.base_url_env} by hand")
            return updated
        self.edited()
        base = self.base_url_expr()
        if not rest:
            return base
        new = cst.BinaryOperation(left=base, operator=cst.Add(), right=string(rest))
        if needs_parens(self.parent(original)):
            new = new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return new

    def leave_FormattedStringText(self, original: cst.FormattedStringText, updated):
        if "api.openai.com" in original.value:
            self.review(original, f"an api.openai.com URL inside an f-string: point it at ${self.config.base_url_env}")
        return updated
