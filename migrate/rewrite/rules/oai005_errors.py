"""OAI005 legacy-errors: `openai.error.*` (0.x) becomes the current SDK's exception classes.

    except openai.error.RateLimitError as e:        except openai.RateLimitError as e:
        log(e.http_status)                    ->        log(e.status_code)
    from openai.error import InvalidRequestError    from openai import BadRequestError

The 0.x classes map by the HTTP status they were raised for (api_requestor.handle_error_response in
openai 0.28): 400/404/415 InvalidRequestError -> BadRequestError, 409 TryAgain -> ConflictError,
503 ServiceUnavailableError -> InternalServerError. Every target name exists in the installed SDK (a test
imports each from `openai`). In `except ... as e:` blocks, the 0.x attribute names on `e` are renamed too.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrate.rewrite.rules._base import RuleTransformer, code, openai_alias

ERRORS: dict[str, str] = {
    "OpenAIError": "OpenAIError",
    "APIError": "APIError",
    "Timeout": "APITimeoutError",
    "TryAgain": "ConflictError",
    "APIConnectionError": "APIConnectionError",
    "InvalidRequestError": "BadRequestError",
    "AuthenticationError": "AuthenticationError",
    "PermissionError": "PermissionDeniedError",
    "RateLimitError": "RateLimitError",
    "ServiceUnavailableError": "InternalServerError",
    "InvalidAPIType": "OpenAIError",
    "SignatureVerificationError": "InvalidWebhookSignatureError",
}
NOTES = {
    "InvalidRequestError": "0.x InvalidRequestError also covered HTTP 404/415; the current SDK raises NotFoundError "
    "for 404 (an unknown model name on vLLM): catch it too if you relied on that",
    "SignatureVerificationError": "check this handler: 0.x SignatureVerificationError and the current "
    "InvalidWebhookSignatureError are raised in different places",
}
SHORT_NOTES = {
    "InvalidRequestError": "a 404 (an unknown model, say) now raises NotFoundError, not BadRequestError",
    "SignatureVerificationError": "InvalidWebhookSignatureError is raised in other places than 0.x's error",
}
# 0.x OpenAIError attributes -> current APIError / APIStatusError attributes.
ATTRIBUTES = {"http_status": "status_code", "json_body": "body", "user_message": "message", "http_body": "body",
              "headers": "response.headers"}


def wanted(source: str, state) -> bool:
    return "openai.error" in source or "error import" in source


class Transformer(RuleTransformer):
    RULE_ID = "OAI005"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.alias = "openai"
        self.have_openai_import = False
        self.renamed: dict[str, str] = {}  # local name bound by `from openai.error import X` -> new local name
        self.handler_vars: list[str | None] = []

    def visit_Module(self, node: cst.Module) -> None:
        alias = openai_alias(node)
        self.have_openai_import = alias is not None
        self.alias = alias or "openai"

    # from openai.error import InvalidRequestError, RateLimitError as RLE  ->  from openai import ...
    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        if updated.relative or updated.module is None or code(updated.module) != "openai.error":
            return updated
        if isinstance(updated.names, cst.ImportStar):
            self.review(original, "`from openai.error import *` has no current-SDK equivalent: import the exception "
                                  "classes you use from `openai`")
            return updated
        names = []
        for alias in updated.names:
            old = alias.name.value
            new = ERRORS.get(old)
            if new is None:
                self.review(original, f"openai.error.{old} has no current-SDK counterpart")
                new = "OpenAIError"
            if alias.asname is None and new != old:
                if new in self.state.names - {old}:
                    # The new name is taken in this module: keep the old local name as an alias.
                    alias = alias.with_changes(name=cst.Name(new), asname=cst.AsName(cst.Name(old)))
                else:
                    self.renamed[old] = new
                    alias = alias.with_changes(name=cst.Name(new))
            else:
                alias = alias.with_changes(name=cst.Name(new))
            names.append(alias)
            if old in NOTES:
                self.review(original, NOTES[old], note=SHORT_NOTES[old])
        self.edited()
        return updated.with_changes(module=cst.Name("openai"), names=names)

    # import openai.error [as oe]  ->  import openai (or nothing, when openai is imported already)
    def leave_Import(self, original: cst.Import, updated: cst.Import):
        names = []
        changed = False
        for alias in updated.names:
            if code(alias.name) == "openai.error":
                changed = True
                if alias.asname is None and not self.have_openai_import:
                    names.append(alias.with_changes(name=cst.Name("openai")))
                    self.have_openai_import = True
                elif alias.asname is not None:
                    AddImportsVisitor.add_needed_import(self.context, "openai")
                continue
            names.append(alias)
        if not changed:
            return updated
        self.edited()
        if not names:
            return cst.RemoveFromParent()
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(names=names)

    # openai.error.X / oe.X  ->  openai.Y
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        for q in self.qnames_in(original, "openai"):
            if q.startswith("openai.error.") and q.count(".") == 2:
                old = q.rsplit(".", 1)[1]
                new = ERRORS.get(old)
                if new is None:
                    self.review(original, f"openai.error.{old} has no current-SDK counterpart: catch openai.OpenAIError")
                    return updated
                if old in NOTES:
                    self.review(original, NOTES[old], note=SHORT_NOTES[old])
                self.edited()
                if not self.have_openai_import:
                    AddImportsVisitor.add_needed_import(self.context, "openai")
                return cst.Attribute(value=cst.Name(self.alias), attr=cst.Name(new))
        # e.http_status inside `except openai.error.X as e:`
        if (
            isinstance(updated.value, cst.Name)
            and updated.value.value in self.handler_vars
            and updated.attr.value in ATTRIBUTES
        ):
            self.edited()
            new = ATTRIBUTES[updated.attr.value]
            head, _, rest = new.partition(".")
            node = updated.with_changes(attr=cst.Name(head))
            return cst.Attribute(value=node, attr=cst.Name(rest)) if rest else node
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        new = self.renamed.get(original.value)
        if new is None:
            return updated
        parent = self.parent(original)
        if isinstance(parent, (cst.ImportAlias, cst.Attribute)) and getattr(parent, "attr", None) is original:
            return updated
        if isinstance(parent, cst.ImportAlias):
            return updated
        if self.qname_in(original, (f"openai.error.{original.value}",)) is not None:
            self.edited()
            return updated.with_changes(value=new)
        return updated

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        var = None
        if node.name is not None and isinstance(node.name.name, cst.Name) and node.type is not None:
            types = [e.value for e in node.type.elements] if isinstance(node.type, cst.Tuple) else [node.type]
            if any(any(q.startswith("openai.error.") for q in self.qnames_in(t, "openai")) for t in types):
                var = node.name.name.value
        self.handler_vars.append(var)

    def leave_ExceptHandler(self, original, updated):
        self.handler_vars.pop()
        return updated
