"""Token prices per model (USD per 1M tokens) and the cost of a run's token usage.

Defaults are OpenAI's public list prices for common models, as published in 2025 (standard tier, no
caching or batch discount). Check them against your contract and override in config:

    [tool.migrate.parity.prices]
    "gpt-4o" = { input = 2.50, output = 10.00 }
    "llama-3.1-8b" = { input = 0.05, output = 0.08 }   # your serving cost, to compare like with like

A self-hosted candidate has no list price: without an entry its cost shows as "not priced" rather than
as zero. Dated model names match their base entry (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`): the
longest configured name the model starts with wins.
"""

from __future__ import annotations

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


def load_prices(section: Mapping[str, Any] | None, *, where: str = "", table: str = "parity.prices") -> dict[str, dict[str, float]]:
    prices = {k: dict(v) for k, v in DEFAULT_PRICES.items()}
    for model, entry in (section or {}).items():
        if not isinstance(entry, Mapping) or not entry or set(entry) - {"input", "output"}:
            raise ConfigError(f"{where}[{table}] {model!r}: expected {{ input = <USD per 1M>, output = <USD per 1M> }}")
        for key, value in entry.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{where}[{table}] {model!r}.{key} = {value!r}: a price in USD per 1M tokens (>= 0)")
        prices[model] = {"input": float(entry.get("input", 0.0)), "output": float(entry.get("output", 0.0))}
    return prices


def price_for(model: str | None, prices: Mapping[str, Mapping[str, float]]) -> tuple[str, Mapping[str, float]] | None:
    if not model:
        return None
    if model in prices:
        return model, prices[model]
    best = max((name for name in prices if model.startswith(name + "-")), key=len, default=None)
    return (best, prices[best]) if best else None


def cost(usage: Mapping[str, Mapping[str, int]], prices: Mapping[str, Mapping[str, float]]) -> dict[str, Any]:
    """usage: {model: {"requests", "input", "output"}} -> {"usd": total or None, "by_model": [...], "unpriced": [...]}."""
    total, rows, unpriced = 0.0, [], []
    for model, u in sorted(usage.items()):
        match = price_for(model, prices)
        if match is None:
            unpriced.append(model)
            rows.append({"model": model, **u, "usd": None, "priced_as": None})
            continue
        usd = (u.get("input", 0) * match[1]["input"] + u.get("output", 0) * match[1]["output"]) / 1e6
        total += usd
        rows.append({"model": model, **u, "usd": round(usd, 6), "priced_as": match[0]})
    priced = any(row["usd"] is not None for row in rows)
    # With some models unpriced the total covers the priced ones only; `unpriced` says which are missing.
    return {"usd": round(total, 6) if priced else None, "by_model": rows, "unpriced": unpriced}
