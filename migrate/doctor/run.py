"""Run the probes a codebase needs against a live OpenAI-compatible endpoint."""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.error
import urllib.request
from typing import Iterable, Sequence

from migrate.config import Config
from migrate.doctor.causes import (
    DOCTOR,
    Cause,
    Hints,
    auth_fix,
    connection_reason,
    diagnose,
    expected_family,
    fix_for,
    models_fix,
    timeout_fix,
    tool_parser_hint,
    unreachable_fix,
)
from migrate.doctor.probes import FIX_ON_ERROR, PROBES, ProbeContext, ProbeOutcome, server_message
from migrate.doctor.report import DoctorReport, ProbeResult, Status
from migrate.doctor.servers import identify
from migrate.serve.needs import FEATURES, CodeNeeds

DEFAULT_TIMEOUT_S = 30.0


class DoctorError(RuntimeError):
    """The endpoint cannot be checked at all (unreachable, wrong URL, refused credentials). One line."""

    def __init__(self, message: str, cause: Cause = Cause.OTHER):
        super().__init__(message)
        self.cause = cause


def run_doctor(
    base_url: str,
    features: CodeNeeds | Iterable[str] | None = None,
    *,
    model: str | None = None,
    api_key: str = "EMPTY",
    config: Config | None = None,
    embeddings_base_url: str | None = None,
    embeddings_model: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    hints: Hints | None = None,
) -> DoctorReport:
    """Probe `base_url` (".../v1") for the features a codebase uses; None (or CodeNeeds.everything()) probes all.

    `features` is what `needs_from_findings(scan_result)` returns, or plain feature names. Raises DoctorError
    when the endpoint cannot be reached or refuses the credentials; every other failure is a probe result.
    `hints` words the fixes for the calling command (default: doctor's own options).
    """
    import openai

    config = config or Config()
    hints = hints or Hints(api_key=f"pass --api-key or set the key variable ${config.api_key_env}")
    scope = "all" if features is None else "codebase"
    needs = _as_needs(features)
    base_url = base_url.rstrip("/")
    started = time.monotonic()
    reach(base_url, timeout_s)
    client = openai.OpenAI(base_url=base_url, api_key=api_key or "EMPTY", timeout=timeout_s, max_retries=0)
    cards = list_models(client, base_url, hints)
    served = tuple(card.id for card in cards)
    sent = _names_code_sends(needs, config)

    results: list[ProbeResult] = []
    notes: list[str] = []
    probe_model = model or next((n for n in sent if n in served), None) or (served[0] if served else None)

    if "models" in needs.features or scope == "all":
        results.append(_models_result(needs, served, sent, probe_model, model, hints))

    roots = {card.id: getattr(card, "root", None) for card in cards}
    ctx = ProbeContext(
        client=client,
        model=probe_model or "",
        embeddings_client=(openai.OpenAI(base_url=embeddings_base_url.rstrip("/"), api_key=api_key or "EMPTY",
                                         timeout=timeout_s, max_retries=0) if embeddings_base_url else None),
        embeddings_model=embeddings_model or _embedding_model(needs, config),
        tool_parser_hint=tool_parser_hint(probe_model, roots.get(probe_model)),
        tool_family=expected_family(probe_model, roots.get(probe_model)),
        hints=hints,
        server=identify(getattr(card, "owned_by", None) for card in cards),
    )
    for feature in FEATURES:
        if feature == "models" or feature not in needs.features:
            continue
        title = FEATURES[feature]
        where = needs.where(feature)
        if not probe_model:
            results.append(ProbeResult(feature, title, Status.SKIP, "the server lists no model to probe with",
                                       True, locations=where))
            continue
        results.append(_run_probe(feature, title, ctx, where))

    if needs.dynamic_parameters:
        notes.append("Some calls pass **kwargs, so the features they use are not known: run with --all to probe "
                     "everything.")
    return DoctorReport(base_url=base_url, model=probe_model, served_names=served, results=tuple(results),
                        server_version=_server_version(base_url, timeout_s), duration_s=time.monotonic() - started,
                        scope=scope, notes=tuple(notes))


def reach(base_url: str, timeout_s: float = 5.0) -> None:
    """Open (and close) a TCP connection to the server's port: DoctorError at once when nothing listens there.

    A closed port answers in microseconds, well before the `openai` SDK (about half a second to import) could
    say so. Skipped when a proxy is configured for the URL: then only the proxy is reachable directly.
    """
    import socket
    import urllib.parse

    parts = urllib.parse.urlsplit(base_url)
    host = parts.hostname
    if not host or (urllib.request.getproxies().get(parts.scheme) and not urllib.request.proxy_bypass(host)):
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=min(timeout_s, 5.0)):
            pass
    except OSError as e:
        refused = connection_reason(e) == "refused"
        raise DoctorError(f"cannot reach {base_url.rstrip('/')}: {_reason(e)}. {unreachable_fix()}",
                          Cause.CONNECTION_REFUSED if refused else Cause.CONNECTION_FAILED) from None


def list_models(client, base_url: str, hints: Hints = DOCTOR) -> list:
    """The model cards `client` (an openai.OpenAI on `base_url`) lists; DoctorError, in one line, when it cannot."""
    import openai

    try:
        raw = client.models.with_raw_response.list()
        answer = raw.http_response
        try:
            listing = answer.json()
        except ValueError:
            listing = None
        if not isinstance(listing, dict) or not isinstance(listing.get("data"), list):
            what = answer.headers.get("content-type") or "no content type"
            raise DoctorError(f"{base_url}/models answered HTTP {answer.status_code} with something that is not the OpenAI "
                              f"API's model list ({what}: {answer.text[:80]!r}): use the server's OpenAI base URL, "
                              "ending in /v1 (e.g. http://localhost:8000/v1)", Cause.INVALID_BODY)
        return list(raw.parse().data)
    except openai.APIConnectionError as e:
        cause = e.__cause__ or e
        refused = connection_reason(e) == "refused"
        raise DoctorError(f"cannot reach {base_url}: {_reason(cause)}. {unreachable_fix()}",
                          Cause.CONNECTION_REFUSED if refused else Cause.CONNECTION_FAILED) from None
    except openai.AuthenticationError:
        raise DoctorError(f"{base_url} refused the API key (HTTP 401): {auth_fix(hints)}", Cause.AUTH) from None
    except openai.NotFoundError:
        raise DoctorError(f"{base_url}/models answered 404: is this an OpenAI-compatible base URL? "
                          "(vLLM's ends in /v1, e.g. http://localhost:8000/v1)", Cause.ROUTE_NOT_SERVED) from None
    except openai.APIStatusError as e:
        raise DoctorError(f"{base_url}/models answered HTTP {e.status_code}: {server_message(e)}",
                          diagnose(status=e.status_code, message=server_message(e)).cause) from None



def _run_probe(feature: str, title: str, ctx: ProbeContext, where: tuple[str, ...]) -> ProbeResult:
    import openai

    started = time.monotonic()
    try:
        outcome = PROBES[feature](ctx)
    except openai.APITimeoutError:
        outcome = ProbeOutcome(Status.FAIL, "no answer within the probe timeout", fix=timeout_fix(ctx.hints),
                               cause=Cause.TIMEOUT)
    except openai.APIConnectionError as e:
        outcome = ProbeOutcome(Status.FAIL, f"connection failed: {_reason(e.__cause__ or e)}",
                               fix="the server went away during the check: look at its log", cause=Cause.CONNECTION_FAILED)
    except openai.APIStatusError as e:
        outcome = ProbeOutcome(Status.FAIL, f"HTTP {e.status_code}", server_error=server_message(e),
                               http_status=e.status_code, fix=_status_fix(feature, ctx, e))
    except Exception as e:  # noqa: BLE001 - a malformed answer is a finding about the server, not a crash
        outcome = ProbeOutcome(Status.FAIL, f"unexpected answer: {type(e).__name__}: {e}",
                               fix="the server's answer does not match the OpenAI API: check its version",
                               cause=Cause.INVALID_BODY)
    cause = outcome.cause
    if cause is None and outcome.http_status is not None:  # a probe that caught the server's refusal itself
        cause = diagnose(status=outcome.http_status, message=outcome.server_error, model=ctx.model).cause
    return ProbeResult(feature=feature, title=title, status=outcome.status, detail=outcome.detail, needed=True,
                       server_error=outcome.server_error, http_status=outcome.http_status, fix=outcome.fix,
                       locations=where, duration_s=time.monotonic() - started, cause=cause.value if cause else None)


def _status_fix(feature: str, ctx: ProbeContext, error) -> str:
    """The fix for a probe the server refused: by the cause its message names, else by the feature."""
    found = diagnose(status=error.status_code, message=server_message(error), model=ctx.model)
    if found.cause in (Cause.MODEL_NOT_SERVED, Cause.FLAG_MISSING, Cause.CONTEXT_TOO_LONG, Cause.AUTH, Cause.RATE_LIMITED):
        return fix_for(found.cause, [found.subject or ""], served=found.served,
                       hints=dataclasses.replace(ctx.hints, tool_parser=ctx.tool_parser_hint))
    if feature == "responses" and error.status_code == 404 and not ctx.is_vllm:
        return (f"{ctx.server_name} does not serve /v1/responses: move the calls to chat.completions, or serve the "
                "model with vLLM, which does")
    if not ctx.is_vllm:
        return f"see {ctx.server_name}'s message above"
    return FIX_ON_ERROR.get(feature, "see the server's message; `migrate serve --dry-run` shows the flags this codebase needs")


def _models_result(needs: CodeNeeds, served: Sequence[str], sent: dict[str, tuple[str, ...]],
                   probe_model: str | None, asked: str | None, hints: Hints = DOCTOR) -> ProbeResult:
    title = FEATURES["models"]
    where = needs.where("models")
    missing = {name: locs for name, locs in sent.items() if name not in served}
    if asked and asked not in served:
        missing.setdefault(asked, ("--model",))
    listed = ", ".join(served) or "nothing"
    if missing:
        return ProbeResult(
            "models", title, Status.FAIL,
            f"serves {listed}; not served: " + ", ".join(f"{n} ({', '.join(names[:2])})" for n, names in sorted(missing.items())),
            True,
            fix=models_fix(sorted(missing), served, hints),
            locations=tuple(loc for locs in missing.values() for loc in locs if loc != "--model"))
    detail = f"serves {listed}"
    if sent:
        detail += "; the code sends " + ", ".join(sorted(sent)) + " - all served"
    if needs.dynamic_models:
        detail += f"; {len(needs.dynamic_models)} call(s) pick the model at run time"
    if not served:
        return ProbeResult("models", title, Status.FAIL, "the server lists no models", True,
                           fix="the server is up but serves no model: check its --model", locations=where)
    return ProbeResult("models", title, Status.PASS, detail, True, locations=where)


def _names_code_sends(needs: CodeNeeds, config: Config) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for name, locations in needs.chat_models.items():
        out.setdefault(config.map_model(name) or name, []).extend(locations)
    return {k: tuple(v) for k, v in out.items()}


def _embedding_model(needs: CodeNeeds, config: Config) -> str | None:
    for name in needs.embedding_models:
        return config.map_model(name) or name
    return None


def _as_needs(features: CodeNeeds | Iterable[str] | None) -> CodeNeeds:
    if features is None:
        return CodeNeeds.everything()
    if isinstance(features, CodeNeeds):
        return features
    names = list(features)
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}; known: {', '.join(FEATURES)}")
    return CodeNeeds(features={n: () for n in FEATURES if n in names})


def _server_version(base_url: str, timeout_s: float) -> str | None:
    root = base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url
    try:
        with urllib.request.urlopen(f"{root}/version", timeout=min(timeout_s, 5)) as response:
            return json.loads(response.read()).get("version")
    except (urllib.error.URLError, OSError, ValueError, AttributeError):
        return None


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:200]
