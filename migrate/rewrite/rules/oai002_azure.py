"""OAI002 azure-to-openai: Azure OpenAI clients become plain OpenAI clients pointed at vLLM.

    client = AzureOpenAI(                               client = OpenAI(
        api_key=os.getenv("AZURE_OPENAI_API_KEY"),  ->      api_key=os.getenv("AZURE_OPENAI_API_KEY"),
        api_version="2024-02-01",                       )
        azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
    )

`api_version`, `azure_endpoint`, `azure_deployment` and the Azure AD token arguments have no meaning on vLLM:
they are dropped, with a `# migrate:` note naming them. A deployment name is what the calls pass as `model=`:
put it in the model map (OAI003 maps it); the note says what it maps to. OAI001 then sets `base_url` and
`api_key` from the configured environment variables; an `api_key` passed through a name or an expression is an
Azure key all the same, and is replaced here (with a note): it is never sent to vLLM. Arguments spread into the
construction (`**params`) get a note: they must not carry the Azure-only ones. Type annotations and isinstance checks follow the rename.
Calls the converted client makes to endpoints vLLM does not serve get a note from OAI001 (keep them on Azure).
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from migrate.rewrite.rules._base import (
    AZURE_CLASSES,
    RuleTransformer,
    code,
    env_read,
    get_arg,
    has_star_kwargs,
    literal_str,
    remove_args,
    replace_arg_value,
)

AZURE_ONLY = ("api_version", "azure_endpoint", "azure_deployment", "azure_ad_token", "azure_ad_token_provider")


def wanted(source: str, state) -> bool:
    return "AzureOpenAI" in source


class Transformer(RuleTransformer):
    RULE_ID = "OAI002"

    def statement_filter(self):
        return self.names_filter(("openai",))  # every hook asks for a name inside openai

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.qname_in(original.func, AZURE_CLASSES) is None:
            return updated
        if has_star_kwargs(original):
            self.review(original, f"AzureOpenAI -> OpenAI for vLLM: the arguments spread into it must not carry "
                                  f"{', '.join(AZURE_ONLY)}: OpenAI(...) raises TypeError on them")
        updated = self._drop_azure_key(original, updated)
        dropped = [name for name in AZURE_ONLY if get_arg(updated, name) is not None]
        if not dropped:
            return updated
        note = f"AzureOpenAI -> OpenAI for vLLM: dropped {', '.join(dropped)}"
        deployment = get_arg(updated, "azure_deployment")
        if deployment is not None:
            name = literal_str(deployment.value)
            mapped = self.config.map_model(name) if name else None
            if name and mapped is None and name in self.config.models.values():
                mapped = name  # OAI003 mapped it already
            if mapped:
                note += f"; the deployment is served as {mapped!r}: calls pass model={mapped!r}"
            elif name:
                note += f"; map deployment {name!r} in [tool.migrate.models] and pass model= on each call"
            else:
                note += "; pass the served model name as model= on each call"
        self.review(original, note, note=note.split("; ")[0] + ("; " + note.split("; ")[1] if "; " in note and len(note) < 140 else ""))
        self.edited(len(dropped))
        return remove_args(updated, set(dropped))

    def _drop_azure_key(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """An api_key passed through a name or an expression is an Azure key all the same: it must not go to the
        vLLM server. A literal or an environment read is OAI001's to replace; this one is replaced here, with
        the configured variable, the same way."""
        key = get_arg(updated, "api_key")
        if key is None or literal_str(key.value) is not None or env_read(key.value) is not None:
            return updated
        self.review(original, f"AzureOpenAI -> OpenAI for vLLM: the Azure key `{code(key.value)}` is not sent to "
                              f"vLLM; api_key reads ${self.config.api_key_env}")
        self.edited()
        return replace_arg_value(updated, "api_key", self.api_key_expr())

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        target = self._azure(original)
        if target is None:
            return updated
        parent = self.parent(original)
        if isinstance(parent, (cst.ImportAlias, cst.AsName)):
            return updated
        if isinstance(parent, cst.Attribute) and parent.attr is original:
            return updated  # handled in leave_Attribute
        AddImportsVisitor.add_needed_import(self.context, "openai", target)
        imported = self._azure_name(original)
        asname = original.value if original.value != imported else None
        RemoveImportsVisitor.remove_unused_import(self.context, "openai", imported, asname)
        self.edited()
        return updated.with_changes(value=target)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        target = self._azure(original)
        if target is None:
            return updated
        self.edited()
        return updated.with_changes(attr=cst.Name(target))

    def _azure_name(self, node) -> str:
        q = self.qname_in(node, AZURE_CLASSES)
        return q.rsplit(".", 1)[1] if q is not None else node.value

    def _azure(self, node) -> str | None:
        q = self.qname_in(node, AZURE_CLASSES)
        return AZURE_CLASSES[q] if q is not None else None
