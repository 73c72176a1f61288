"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One result per issue (a finding with three issues gives three results at the same place), under a stable
rule id per verdict and area: MK-UNSUPPORTED-ENDPOINT, MK-NEEDS-CHANGE-PARAMETER, MK-SERVER-FLAG-MODEL, ...
Findings that are ok on vLLM produce no result. Locations are relative to %SRCROOT% (the directory the scan
was run from, when the scanned roots lie inside it), 1-based lines and columns. `partialFingerprints` hash
the file, rule, subject and the source line's text, so an alert survives code moving around it. Files the
scan skipped are reported as tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from migrate.scan.findings import Finding, Issue, Kind, ScanResult, Verdict

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/migrate-kit/migrate-kit"
DOCS_URI = f"{INFORMATION_URI}/blob/main/docs"
FINGERPRINT_KEY = "migrateKitIssue/v1"

LEVELS = {
    Verdict.UNSUPPORTED: "error",
    Verdict.NEEDS_CHANGE: "error",
    Verdict.SERVER_FLAG: "warning",
    Verdict.IGNORED: "note",
}
VERDICT_IDS = {
    Verdict.UNSUPPORTED: "UNSUPPORTED",
    Verdict.NEEDS_CHANGE: "NEEDS-CHANGE",
    Verdict.SERVER_FLAG: "SERVER-FLAG",
    Verdict.IGNORED: "IGNORED",
}
VERDICT_WORDS = {
    Verdict.UNSUPPORTED: "has no vLLM counterpart",
    Verdict.NEEDS_CHANGE: "needs a code or configuration change to work on vLLM",
    Verdict.SERVER_FLAG: "works once the vLLM server is started with the right flags or model",
    Verdict.IGNORED: "is accepted by vLLM but may have no effect",
}


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    what: str  # "An OpenAI endpoint", used as "<what> <verdict words>"
    help: str


AREAS = {
    a.id: a
    for a in (
        Area("ENDPOINT", "Endpoint", "An OpenAI API endpoint this code calls",
             "vLLM serves a subset of OpenAI's routes (chat and text completions, Responses, models; embeddings, "
             "audio transcription and translation for the matching models). The message says which route is "
             "missing or which kind of model the server must run."),
        Area("PARAMETER", "Parameter", "A request parameter this call passes",
             "vLLM's request models declare most OpenAI parameters; undeclared ones are accepted and dropped. "
             "Some declared ones need server flags (tools), or cannot carry over (logit_bias token ids)."),
        Area("MODEL", "ModelName", "The model name this call sends",
             "vLLM answers HTTP 404 for a model name it does not serve. Map OpenAI names to the served model in "
             "[tool.migrate.models] (`migrate rewrite` applies the map), or serve under the same name with "
             "--served-model-name."),
        Area("LEGACY-API", "LegacyApi", "A call through the 0.x OpenAI module API",
             "openai>=1 removed the module-level 0.x API (openai.ChatCompletion.create, ...). Port the call to a "
             "client built with base_url; `migrate rewrite` ports it."),
        Area("DYNAMIC-PARAMETERS", "DynamicParameters", "A call whose parameters come from **kwargs",
             "The scan cannot see which parameters reach vLLM. The message lists the parameters of this "
             "endpoint that are not ok on vLLM; check the dict for them."),
        Area("CLIENT", "Client", "An OpenAI client construction",
             "Point the client at the vLLM server: base_url and api_key (`migrate rewrite` does it), or set "
             "OPENAI_BASE_URL and OPENAI_API_KEY where the code runs. Azure clients become plain OpenAI clients."),
        Area("SETTING", "Setting", "An OpenAI setting (client keyword, module attribute or environment variable)",
             "Settings that address OpenAI (base URL, key, Azure deployment, organisation) must change or go."),
        Area("URL", "HardCodedUrl", "A hard-coded OpenAI URL",
             "Read the base URL from configuration and point it at the vLLM server."),
        Area("REQUIREMENT", "Requirement", "A dependency pin",
             "openai<1 pins the 0.x SDK, whose module API cannot be pointed at vLLM per client; tiktoken counts "
             "tokens with OpenAI's tokenizers."),
        Area("WRAPPER", "Wrapper", "A library that calls OpenAI underneath",
             "Configure the library's base URL, API key and model name for the vLLM server; the message gives "
             "the library-specific way."),
        Area("EXCEPTION", "LegacyException", "An exception class of the 0.x SDK",
             "The openai.error module is gone in openai>=1; catch the 1.x exception named in the message."),
        Area("SECRET", "CommittedKey", "An OpenAI API key written in the source",
             "Revoke the key and load keys from the environment or a secret store."),
        Area("ASSESSMENT", "AssessmentFailed", "A finding migrate-kit could not assess",
             "Review it by hand, and report the case to migrate-kit."),
    )
}


def area_of(finding: Finding, issue: Issue) -> str:
    subject = issue.subject
    special = {"endpoint": "ENDPOINT", "model": "MODEL", "api": "LEGACY-API", "**kwargs": "DYNAMIC-PARAMETERS",
               "secret": "SECRET", "assessment": "ASSESSMENT", "url": "URL", "client": "CLIENT", "wrapper": "WRAPPER"}
    if subject in special:
        return special[subject]
    return {
        Kind.CALL: "PARAMETER",
        Kind.HTTP: "PARAMETER",
        Kind.CLIENT: "SETTING",
        Kind.CONFIG: "SETTING",
        Kind.ENV: "SETTING",
        Kind.URL: "URL",
        Kind.REQUIREMENT: "REQUIREMENT",
        Kind.WRAPPER: "WRAPPER",
        Kind.EXCEPTION: "EXCEPTION",
    }.get(finding.kind, "PARAMETER")


def rule_id(finding: Finding, issue: Issue) -> str:
    return f"MK-{VERDICT_IDS[issue.verdict]}-{area_of(finding, issue)}"


def _rule(rule: str) -> dict:
    _, rest = rule.split("-", 1)
    verdict = next(v for v, vid in VERDICT_IDS.items() if rest.startswith(vid + "-"))
    area = AREAS[rest[len(VERDICT_IDS[verdict]) + 1 :]]
    short = f"{area.what} {VERDICT_WORDS[verdict]}"
    anchor = verdict.value
    return {
        "id": rule,
        "name": f"{area.name}{''.join(p.capitalize() for p in verdict.value.split('-'))}",
        "shortDescription": {"text": short},
        "fullDescription": {"text": f"{short}. {area.help}"},
        "help": {
            "text": f"{area.help}\nVerdict: {verdict.value}. See {DOCS_URI}/catalog.md",
            "markdown": f"**{verdict.value}**: {area.help}\n\nSee [the compatibility catalog]({DOCS_URI}/catalog.md#{anchor}).",
        },
        "helpUri": f"{DOCS_URI}/catalog.md#{anchor}",
        "defaultConfiguration": {"level": LEVELS[verdict]},
        "properties": {"tags": ["vllm", "openai", "migration", verdict.value], "precision": "high"},
    }


def render(result: ScanResult, *, srcroot: str | Path | None = None, **_options) -> str:
    return json.dumps(to_sarif(result, srcroot=srcroot), indent=2, ensure_ascii=False) + "\n"


def to_sarif(result: ScanResult, *, srcroot: str | Path | None = None) -> dict:
    base = Path(srcroot or os.getcwd()).resolve()
    prefixes = _root_prefixes(result.roots, base)
    results, used, seen = [], {}, {}
    for finding in result.findings:
        for issue in finding.issues:
            if issue.verdict is Verdict.OK:
                continue
            rid = rule_id(finding, issue)
            used.setdefault(rid, None)
            r = _result(finding, issue, rid, prefixes)
            # Two identical lines in one file get distinct fingerprints: the second is its own alert.
            fp = r["partialFingerprints"][FINGERPRINT_KEY]
            seen[fp] = seen.get(fp, 0) + 1
            if seen[fp] > 1:
                r["partialFingerprints"][FINGERPRINT_KEY] = f"{fp}:{seen[fp]}"
            results.append(r)
    rule_ids = sorted(used)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    for r in results:
        r["ruleIndex"] = index[r["ruleId"]]
    notifications = [
        {
            "level": "warning",
            "message": {"text": f"{s.path}: skipped ({s.reason}){': ' + s.detail if s.detail else ''}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(s.path, prefixes), "uriBaseId": "%SRCROOT%"}}}],
            "descriptor": {"id": "MK-SKIPPED-FILE"},
        }
        for s in result.skipped
    ]
    c = result.catalog
    run = {
        "tool": {
            "driver": {
                "name": "migrate-kit",
                "fullName": "migrate-kit scan (OpenAI to vLLM compatibility)",
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rid) for rid in rule_ids],
            }
        },
        "automationDetails": {"id": "migrate-kit/vllm/"},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri() + "/"}},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": results,
        "properties": {
            "catalog": {"openai_version": c.openai_version, "vllm_version": c.vllm_version, "generated": c.generated},
            "target": result.target,
            "findings_schema_version": result.schema_version,
            "files_scanned": result.files_scanned,
            "counts_by_verdict": result.counts_by_verdict(),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _root_prefixes(roots, base: Path) -> list[tuple[Path, str]]:
    """Each scanned root, and its path relative to %SRCROOT% ("" for the root itself, None when outside)."""
    out = []
    for root in roots:
        p = Path(root).resolve()
        directory = p if p.is_dir() or not p.exists() else p.parent
        if directory is not p:  # a named file: its findings' paths are walk.file_rel(root), shown from there
            from migrate.scan.walk import file_rel

            directory = p.parents[len(Path(file_rel(Path(root))).parts) - 1]
        try:
            rel = directory.relative_to(base).as_posix()
        except ValueError:
            rel = None
        out.append((directory, "" if rel in (".", "") else rel))
    return out


def _uri(path: str, prefixes) -> str:
    if len(prefixes) == 1 or not prefixes:
        prefix = prefixes[0][1] if prefixes else ""
    else:
        prefix = next((pre for directory, pre in prefixes if (directory / path).exists()), prefixes[0][1])
    if prefix is None:
        return path
    return f"{prefix}/{path}" if prefix else path


def _result(finding: Finding, issue: Issue, rid: str, prefixes) -> dict:
    where = f" (notebook cell {finding.cell}, line {finding.line})" if finding.cell is not None else ""
    subject = finding.endpoint or finding.client or finding.kind.value
    fix = f" Fix: {issue.fix}" if issue.fix else ""
    location: dict = {"artifactLocation": {"uri": _uri(finding.path, prefixes), "uriBaseId": "%SRCROOT%"}}
    if finding.cell is None:
        # Notebook lines count within a cell, not within the .ipynb file: no region for them.
        region = {"startLine": max(finding.line, 1), "startColumn": finding.column + 1}
        end_line = max(finding.end_line, finding.line, 1)
        region["endLine"] = end_line
        if finding.end_column and (end_line > finding.line or finding.end_column > finding.column):
            region["endColumn"] = finding.end_column + 1
        location["region"] = region
    fingerprint = hashlib.sha256(
        "\0".join((finding.path, str(finding.cell), rid, issue.subject, finding.code.strip())).encode()
    ).hexdigest()[:32]
    return {
        "ruleId": rid,
        "level": LEVELS[issue.verdict],
        "message": {"text": f"{subject}: {_subject(issue)}{issue.reason}.{fix}{where}"},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {
            "verdict": issue.verdict.value,
            "finding_verdict": finding.verdict.value,
            "subject": issue.subject,
            "kind": finding.kind.value,
            "api": finding.api,
            "language": finding.language,
            **({"endpoint": finding.endpoint} if finding.endpoint else {}),
            **({"model": finding.model} if finding.model else {}),
            **({"evidence": issue.evidence} if issue.evidence else {}),
            **({"evidence_kind": issue.evidence_kind} if issue.evidence_kind else {}),
            **({"cell": finding.cell} if finding.cell is not None else {}),
        },
    }


def _subject(issue: Issue) -> str:
    return "" if issue.subject in ("endpoint", "client", "api", "wrapper", "url") else f"`{issue.subject}`: "
