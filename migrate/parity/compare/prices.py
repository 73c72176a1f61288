"""What a run costs on each side: per-token prices for an API, per-GPU-hour prices for a self-hosted model.

Defaults are OpenAI's public list prices for common models, as published in 2025 (standard tier, no
caching or batch discount). Check them against your contract and override in config:

    [tool.migrate.parity.prices]
    "gpt-4o" = { input = 2.50, output = 10.00 }                          # USD per 1M tokens
    "llama-3.1-8b" = { gpu_hour = 2.49 }                                 # USD per GPU-hour, 1 GPU, throughput measured
    "llama-3.1-70b" = { gpu_hour = 2.49, gpus = 4, requests_per_s = 9 }  # or the throughput you measured under load
    "qwen-7b" = { gpu_hour = 1.10, output_tokens_per_s = 2400, utilization = 0.6 }

A self-hosted model costs its instance by the hour whatever it serves, so its price per request is the hourly
price divided by the requests it serves in an hour: `gpus * gpu_hour / (requests_per_s * 3600 * utilization)`.
The throughput is, in order: `requests_per_s` given; `output_tokens_per_s` given, divided by the mean output
tokens of the run's requests for that model; else measured from the run (candidate side only): the replay
keeps `concurrency` requests in flight, so by Little's law it served `in flight / mean latency` requests per
second (capped by `--rate` when the replay was paced). That is the throughput at the replay's concurrency, not
the server's capacity: a server loaded harder serves more per GPU-hour, so a measured figure overstates the
cost unless the replay ran at production load. Every figure is reported with the assumptions behind it.

A model without an entry shows as "not priced" rather than as zero. Dated model names match their base entry
(`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`): the longest configured name the model starts with wins.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from migrate.config import ConfigError

DEFAULT_PRICES: dict[str, dict[str, float]] = {
    "gpt-4o": {"input": 2.50, "output": 10.00},
    "gpt-4o-mini": {"input": 0.15, "output": 0.60},
    "gpt-4.1": {"input": 2.00, "output": 8.00},
    "gpt-4.1-mini": {"input": 0.40, "output": 1.60},
    "gpt-4.1-nano": {"input": 0.10, "output": 0.40},
    "gpt-4-turbo": {"input": 10.00, "output": 30.00},
    "gpt-3.5-turbo": {"input": 0.50, "output": 1.50},
    "o1": {"input": 15.00, "output": 60.00},
    "o3-mini": {"input": 1.10, "output": 4.40},
    "o4-mini": {"input": 1.10, "output": 4.40},
    "text-embedding-3-small": {"input": 0.02, "output": 0.0},
    "text-embedding-3-large": {"input": 0.13, "output": 0.0},
    "text-embedding-ada-002": {"input": 0.10, "output": 0.0},
}

TOKEN_KEYS = {"input": "USD per 1M input tokens", "output": "USD per 1M output tokens"}
GPU_KEYS = {
    "gpu_hour": "USD per GPU-hour",
    "gpus": "GPUs the model is served on (a whole number, default 1)",
    "requests_per_s": "requests per second the deployment serves (default: measured from the run)",
    "output_tokens_per_s": "output tokens per second the deployment serves (default: measured from the run)",
    "utilization": "share of the paid hours spent serving, in (0, 1] (default 1)",
}
PER = 1000  # costs are also shown per this many requests


def load_prices(section: Mapping[str, Any] | None, *, where: str = "", table: str = "parity.prices") -> dict[str, dict[str, float]]:
    """The default prices with `section` (a `[parity.prices]` table) laid over them.

    Each entry is per-token (`input`, `output`) or per-GPU-hour (`gpu_hour`, optional `gpus`, `requests_per_s`
    or `output_tokens_per_s`, `utilization`). A bad entry raises ConfigError naming `where` (the file), the
    table and the key.
    """
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where}[{table}] must be a table of models, e.g. \"gpt-4o\" = {{ input = 2.5, output = 10 }}")
    prices = {k: dict(v) for k, v in DEFAULT_PRICES.items()}
    for model, entry in section.items():
        prices[model] = _entry(model, entry, f"{where}[{table}] {_toml_key(model)}")
    return prices


def prices_from_config(config: Any) -> dict[str, dict[str, float]]:
    """`[tool.migrate.parity.prices]` (pyproject.toml) or `[parity.prices]` (migrate.toml) over the defaults."""
    if config is None:
        return load_prices(None)
    where = f"{config.source}: " if config.source else ""
    prefix = "tool.migrate." if config.source and config.source.name == "pyproject.toml" else ""
    return load_prices(config.section("parity").get("prices", {}), where=where, table=f"{prefix}parity.prices")


def _toml_key(model: str) -> str:
    return model if model.replace("-", "").replace("_", "").isalnum() else f'"{model}"'


def _entry(model: str, entry: Any, at: str) -> dict[str, float]:
    token_form = "{ input = <USD per 1M tokens>, output = <USD per 1M tokens> }"
    gpu_form = "{ gpu_hour = <USD>, gpus = 1, requests_per_s = <optional> }"
    if not isinstance(entry, Mapping) or not entry:
        raise ConfigError(f"{at}: expected {token_form} or {gpu_form}, got {entry!r}")
    keys = set(entry)
    if "gpu_hour" not in keys and keys & set(GPU_KEYS):
        raise ConfigError(f"{at}: {', '.join(sorted(keys & set(GPU_KEYS)))} need gpu_hour (USD per GPU-hour)")
    allowed = GPU_KEYS if "gpu_hour" in keys else TOKEN_KEYS
    unknown = keys - set(allowed)
    if unknown:
        other = TOKEN_KEYS if allowed is GPU_KEYS else GPU_KEYS
        mixed = " (a price is per token or per GPU-hour, not both)" if unknown & set(other) else ""
        raise ConfigError(f"{at}: unknown key(s) {', '.join(sorted(unknown))}{mixed}; "
                          f"known: {', '.join(f'{k} ({v})' for k, v in allowed.items())}")
    for key, value in entry.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ConfigError(f"{at}.{key} = {value!r}: expected a number >= 0 ({allowed[key]})")
    if allowed is TOKEN_KEYS:
        return {"input": float(entry.get("input", 0.0)), "output": float(entry.get("output", 0.0))}
    if "requests_per_s" in entry and "output_tokens_per_s" in entry:
        raise ConfigError(f"{at}: give requests_per_s or output_tokens_per_s, not both")
    for key in ("requests_per_s", "output_tokens_per_s"):
        if key in entry and entry[key] == 0:
            raise ConfigError(f"{at}.{key} = 0: a throughput must be above 0 (leave it out to measure it from the run)")
    gpus = entry.get("gpus", 1)
    if gpus != int(gpus) or gpus < 1:
        raise ConfigError(f"{at}.gpus = {gpus!r}: expected a whole number of GPUs >= 1")
    utilization = float(entry.get("utilization", 1.0))
    if not 0 < utilization <= 1:
        raise ConfigError(f"{at}.utilization = {utilization!r}: expected a share in (0, 1], e.g. 0.6 for 60 %")
    return {"gpu_hour": float(entry["gpu_hour"]), "gpus": int(gpus), "utilization": utilization,
            **{k: float(entry[k]) for k in ("requests_per_s", "output_tokens_per_s") if k in entry}}


def price_for(model: str | None, prices: Mapping[str, Mapping[str, float]]) -> tuple[str, Mapping[str, float]] | None:
    if not model:
        return None
    if model in prices:
        return model, prices[model]
    best = max((name for name in prices if model.startswith(name + "-")), key=len, default=None)
    return (best, prices[best]) if best else None


def measured_throughput(latency: Mapping[str, Any] | None, run_header: Mapping[str, Any] | None,
                        requests: int) -> dict[str, Any] | None:
    """Requests per second the candidate served during the replay, by Little's law, or None if unknown.

    `latency` is the summary's latency block for the candidate (`n`, `mean` in ms, answered requests only);
    `run_header` the run file's header (its `extra.concurrency` and `extra.rate`); `requests` every request
    of the run (errors held a slot too, so fewer than `concurrency` requests never fill it).
    """
    extra = (run_header or {}).get("extra") or {}
    concurrency, rate = extra.get("concurrency"), extra.get("rate")
    n, mean_ms = (latency or {}).get("n", 0), (latency or {}).get("mean")
    if not isinstance(concurrency, int) or concurrency < 1 or not n or not mean_ms or mean_ms <= 0:
        return None
    in_flight = min(concurrency, max(requests, n))
    rps = in_flight / (mean_ms / 1000)
    paced = isinstance(rate, (int, float)) and not isinstance(rate, bool) and 0 < rate < rps
    return {"requests_per_s": round(rate if paced else rps, 4), "in_flight": in_flight, "mean_latency_ms": mean_ms,
            "n": n, "paced_at": rate if paced else None}


def cost(usage: Mapping[str, Mapping[str, int]], prices: Mapping[str, Mapping[str, float]], *,
         throughput: Mapping[str, Any] | None = None, side: str = "candidate") -> dict[str, Any]:
    """usage: {model: {"requests", "input", "output"}} -> the side's cost.

    Returns {"usd": total or None, "per_1k": USD per 1,000 requests or None, "requests": priced requests,
    "by_model": [...], "unpriced": [...], "assumptions": [...]}. `throughput` is the run's measured one
    (`measured_throughput`); it prices GPU-hour entries without a throughput of their own, on the candidate side.
    """
    total, rows, unpriced, assumptions, priced_requests = 0.0, [], [], [], 0
    for model, u in sorted(usage.items()):
        match = price_for(model, prices)
        row: dict[str, Any] = {"model": model, **u, "usd": None, "per_1k": None, "priced_as": None, "basis": None,
                               "assumption": None}
        requests = u.get("requests", 0)
        if match is None:
            row["assumption"] = f"{model}: no price; add it to [tool.migrate.parity.prices]"
        elif "gpu_hour" in match[1]:
            per_request, row["assumption"] = _gpu_hour(model, match, u, throughput if side == "candidate" else None, side)
            row.update(priced_as=match[0], basis="gpu_hour")
            if per_request is not None:
                row.update(usd=round(per_request * requests, 6), per_1k=round(per_request * PER, 6))
        else:
            price = match[1]
            usd = (u.get("input", 0) * price["input"] + u.get("output", 0) * price["output"]) / 1e6
            row.update(usd=round(usd, 6), per_1k=round(usd / requests * PER, 6) if requests else None,
                       priced_as=match[0], basis="tokens")
            row["assumption"] = (f"{model}: {_money(price['input'])} / {_money(price['output'])} per 1M input / output "
                                 f"tokens{_as(model, match[0])}; {_per_request(u)}")
        if row["usd"] is None:
            unpriced.append(model)
        else:
            total += row["usd"]
            priced_requests += requests
        assumptions.append(row["assumption"])
        rows.append(row)
    priced = any(row["usd"] is not None for row in rows)
    # With some models unpriced the total covers the priced ones only; `unpriced` says which are missing.
    return {"usd": round(total, 6) if priced else None,
            "per_1k": round(total / priced_requests * PER, 6) if priced and priced_requests else None,
            "requests": priced_requests, "by_model": rows, "unpriced": unpriced, "assumptions": assumptions}


def run_cost(usage: Mapping[str, Mapping[str, Mapping[str, int]]], latency: Mapping[str, Any] | None,
             run_header: Mapping[str, Any] | None, records: int, prices: Mapping[str, Mapping[str, float]]) -> dict[str, Any]:
    """The summary's `cost` block from its `usage`, `latency` (all scopes), `run_header` and `records`, so that
    a saved summary can be re-priced without re-reading the run."""
    throughput = measured_throughput(((latency or {}).get("all") or {}).get("candidate"), run_header, records)
    base = cost(usage.get("baseline", {}), prices, side="baseline")
    cand = cost(usage.get("candidate", {}), prices, throughput=throughput, side="candidate")
    return {"baseline_usd": base["usd"], "candidate_usd": cand["usd"],
            "baseline_per_1k": base["per_1k"], "candidate_per_1k": cand["per_1k"],
            "baseline": base, "candidate": cand, "throughput": throughput}


def _gpu_hour(model: str, match: tuple[str, Mapping[str, float]], u: Mapping[str, int],
              throughput: Mapping[str, Any] | None, side: str) -> tuple[float | None, str]:
    price = match[1]
    hourly = price["gpu_hour"] * price["gpus"]
    head = (f"{model}: {price['gpus']:g} GPU x {_money(price['gpu_hour'])}/h = {_money(hourly)}/h{_as(model, match[0])}, "
            f"{price.get('utilization', 1.0):.0%} of it serving")
    requests = u.get("requests", 0)
    if "requests_per_s" in price:
        rps, how = price["requests_per_s"], "given"
    elif "output_tokens_per_s" in price:
        if not requests or not u.get("output"):
            return None, f"{head}; not priced: no output tokens in the run to turn {price['output_tokens_per_s']:g} tokens/s into requests/s"
        mean_out = u["output"] / requests
        rps = price["output_tokens_per_s"] / mean_out
        how = f"given as {price['output_tokens_per_s']:,.0f} output tokens/s / {mean_out:,.0f} output tokens per request"
    elif throughput is not None:
        rps = throughput["requests_per_s"]
        how = (f"measured: {throughput['in_flight']} in flight / {throughput['mean_latency_ms'] / 1000:.2f} s mean latency "
               f"over {throughput['n']} answers (Little's law)")
        if throughput.get("paced_at"):
            how = f"measured: the replay was paced at {throughput['paced_at']:g}/s (the server may serve more)"
        how += "; at the replay's concurrency, not the server's capacity: give requests_per_s for production load"
    else:
        why = ("the baseline's answers were not timed by this run" if side == "baseline"
               else "the run has no answered requests with latencies and concurrency to measure it")
        return None, f"{head}; not priced: no throughput ({why}); give requests_per_s or output_tokens_per_s"
    per_request = hourly / (rps * 3600 * price.get("utilization", 1.0))
    per_hour = rps * 3600
    tokens = f", {rps * u['output'] / requests:,.1f} output tokens/s" if requests and u.get("output") else ""
    return per_request, f"{head}; {rps:,.3g} requests/s ({per_hour:,.0f}/h{tokens}), {how}"


def _per_request(u: Mapping[str, int]) -> str:
    n = u.get("requests", 0)
    if not n:
        return "no requests"
    return f"{u.get('input', 0) / n:,.0f} input + {u.get('output', 0) / n:,.0f} output tokens per request over {n:,} request(s)"


def _as(model: str, priced_as: str) -> str:
    return "" if priced_as == model else f" (priced as {priced_as})"


def _money(value: float) -> str:
    return f"${value:,.2f}" if round(value, 2) == value else f"${value:,.6g}"
