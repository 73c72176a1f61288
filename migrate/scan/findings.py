"""The scan's data model: what was found, where, and what it means on vLLM.

Everything here is a frozen, JSON-serialisable dataclass. Later stages (serve, rewrite, pr) read these,
never the terminal output. The JSON layout is documented in docs/formats/findings-json.md and versioned by
SCHEMA_VERSION: add fields freely, bump the major version when a field changes meaning or disappears.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from dataclasses import dataclass, field
from typing import Any

from migrate.catalog.verdict import CatalogInfo, Verdict

SCHEMA_VERSION = "1.0"


class Kind(str, enum.Enum):
    """What sort of code a finding points at."""

    CALL = "call"  # a request to an endpoint: client.chat.completions.create(...)
    CLIENT = "client"  # a client construction: OpenAI(...), AzureOpenAI(...)
    CONFIG = "config"  # module-level configuration: openai.api_key = ..., openai.api_base = ...
    ENV = "env"  # OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_API_BASE in code or .env files
    URL = "url"  # a hard-coded api.openai.com URL
    HTTP = "http"  # a raw HTTP call to the REST API (requests / httpx / aiohttp)
    REQUIREMENT = "requirement"  # the openai pin in requirements / pyproject / setup.py / Pipfile
    WRAPPER = "wrapper"  # a library that talks to OpenAI underneath (LangChain, LiteLLM, ...)
    EXCEPTION = "exception"  # openai.error.* and other exception classes


@dataclass(frozen=True)
class Issue:
    """One reason behind a verdict: which parameter or endpoint, why, and what to do."""

    verdict: Verdict
    subject: str  # a parameter name ("logit_bias"), or "endpoint", "model", ...
    reason: str
    fix: str
    evidence: str | None = None  # the test that proves the fact against a real server, or the probe behind it
    evidence_kind: str | None = None  # "probed" (a target profile), "declared" (vLLM's request models), "fact"


@dataclass(frozen=True)
class Finding:
    kind: Kind
    path: str  # posix path relative to the scan root it was found under
    line: int  # 1-based
    column: int  # 0-based, like ast
    end_line: int
    end_column: int
    api: str  # "openai" (v1+), "openai-legacy" (0.x), "langchain", "llamaindex", "litellm", "instructor", "dspy", "http", "env", "requirements"
    # JS/TS also: "openai-node-v3", "openai-edge", "azure-openai", "ai-sdk", "npm" (package.json pins)
    endpoint: str | None = None  # canonical resource path: "chat.completions.create", "images.generate", ...
    client: str | None = None  # the client class behind the call: "OpenAI", "AsyncAzureOpenAI", "module", ...
    model: str | None = None  # the model name, "dynamic" when not statically known, None when no model applies
    model_origin: str | None = None  # "literal", "constant DEFAULT_MODEL (line 3)", "default of parameter model", ...
    parameters: tuple[str, ...] = ()  # keyword arguments at the call, sorted
    parameters_dynamic: bool = False  # **kwargs or similar: parameters not statically known
    # call-site values of the keyword arguments, (parameter, JSON), sorted; a part the scan cannot evaluate is
    # {"$dynamic": "<source>"} (see migrate/scan/detect/literals.py); judged by migrate/catalog/values.py
    values: tuple[tuple[str, str], ...] = ()
    variant: str | None = None  # "with_raw_response" / "with_streaming_response"
    cell: int | None = None  # notebook code cell index (0-based among all cells), line is within that cell
    code: str = ""  # the first source line of the finding, stripped
    detail: str = ""  # a short human note from the detector (e.g. "client from factory make_client()")
    verdict: Verdict = Verdict.OK
    issues: tuple[Issue, ...] = ()
    language: str = "python"  # "python", "javascript", "typescript"
    start_byte: int | None = None  # the node's byte range in the file (JS/TS: what a rewrite edits)
    end_byte: int | None = None
    evidence_kind: str | None = None  # the kind of evidence behind the verdict (its worst issue's, else the weakest)

    @property
    def location(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where} (cell {self.cell})" if self.cell is not None else where

    def to_dict(self) -> dict[str, Any]:
        return _to_jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        data = dict(data)
        data["kind"] = Kind(data["kind"])
        data["verdict"] = Verdict(data.get("verdict", "ok"))
        data["parameters"] = tuple(data.get("parameters", ()))
        data["values"] = tuple((str(k), str(v)) for k, v in data.get("values", ()))
        issue_fields = {f.name for f in dataclasses.fields(Issue)}
        data["issues"] = tuple(
            Issue(**{**{k: v for k, v in i.items() if k in issue_fields}, "verdict": Verdict(i["verdict"])})
            for i in data.get("issues", ())
        )
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Skipped:
    """A file the scan could not read or parse. The scan goes on; the reason is reported."""

    path: str
    reason: str  # "syntax error", "not UTF-8", "binary", "too large", "broken notebook", "permission denied", "symlink loop", ...
    detail: str = ""
    line: int | None = None


@dataclass(frozen=True)
class ScanResult:
    roots: tuple[str, ...]
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    files_scanned: int  # files looked at (after excludes)
    files_parsed: int  # files that passed the cheap pre-filter and were parsed
    catalog: CatalogInfo
    tool_version: str
    duration_s: float = 0.0
    schema_version: str = SCHEMA_VERSION
    target: str = "vllm"

    def counts_by_verdict(self) -> dict[str, int]:
        out = {v.value: 0 for v in Verdict}
        for f in self.findings:
            out[f.verdict.value] += 1
        return out

    def worst(self) -> Verdict:
        return Verdict.worst(f.verdict for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return _to_jsonable(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ScanResult":
        major = str(data.get("schema_version", "1.0")).split(".")[0]
        if major != SCHEMA_VERSION.split(".")[0]:
            raise ValueError(
                f"findings file has schema_version {data.get('schema_version')!r}; "
                f"this migrate-kit reads {SCHEMA_VERSION}: re-run `migrate scan --format json`"
            )
        return cls(
            roots=tuple(data["roots"]),
            findings=tuple(Finding.from_dict(f) for f in data["findings"]),
            skipped=tuple(Skipped(**s) for s in data.get("skipped", ())),
            files_scanned=data["files_scanned"],
            files_parsed=data["files_parsed"],
            catalog=CatalogInfo(**data["catalog"]),
            tool_version=data["tool_version"],
            duration_s=data.get("duration_s", 0.0),
            schema_version=data.get("schema_version", SCHEMA_VERSION),
            target=data.get("target", "vllm"),
        )

    @classmethod
    def load(cls, path) -> "ScanResult":
        from pathlib import Path

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{e.lineno}: not a findings JSON file ({e.msg})") from None
        return cls.from_dict(data)


def _to_jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: _to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (tuple, list)):
        return [_to_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _to_jsonable(v) for k, v in obj.items()}
    return obj


__all__ = ["Verdict", "Kind", "Issue", "Finding", "Skipped", "CatalogInfo", "ScanResult", "SCHEMA_VERSION", "field"]
