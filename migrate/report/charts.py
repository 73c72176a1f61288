"""Chart geometry for the HTML report: plain numbers the template turns into inline SVG (no JS library)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    count: int
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[tuple[str, str, list[Bar]]]  # (name, css class, bars)
    ticks: list[tuple[float, str]]  # (x, label) along the bottom axis
    max_count: int


def score_histogram(counts: list[int], *, width: int = 220, height: int = 48) -> Chart:
    """Bars for a [0, 1] score histogram (counts per equal bin)."""
    n = len(counts) or 1
    top = max(counts or [0]) or 1
    w = width / n
    bars = []
    for i, c in enumerate(counts):
        h = (height - 2) * c / top
        bars.append(Bar(i * w + 0.5, height - h, max(w - 1, 1), h, c, f"{i / n:.2f}-{(i + 1) / n:.2f}: {c}"))
    return Chart(width, height, [("scores", "bar", bars)], [(0, "0"), (width / 2, "0.5"), (width, "1")], top)


def latency_histogram(sides: dict[str, list[list[float]]], *, bins: int = 36, width: int = 640, height: int = 140) -> Chart | None:
    """Baseline and candidate latency distributions on one shared log-scale axis.

    `sides` maps a side name to the summary's buckets [[low, high, count], ...]; counts are re-binned
    by bucket midpoint onto the shared axis (an approximation the legend states).
    """
    spans = [(lo, hi) for buckets in sides.values() for lo, hi, c in buckets if c]
    if not spans:
        return None
    lo = max(min(s[0] for s in spans), 0.001)
    hi = max(max(s[1] for s in spans), lo * 1.01)
    span = math.log(hi / lo)
    binned = {}
    for name, buckets in sides.items():
        counts = [0] * bins
        for a, b, c in buckets:
            if not c:
                continue
            mid = math.sqrt(max(a, 0.001) * max(b, 0.001))
            k = min(bins - 1, max(0, int(math.log(max(mid, lo) / lo) / span * bins)))
            counts[k] += c
        binned[name] = counts
    top = max(max(v) for v in binned.values()) or 1
    w = width / bins
    series = []
    for offset, (name, counts) in enumerate(binned.items()):
        bars = []
        for i, c in enumerate(counts):
            if not c:
                continue
            h = (height - 4) * c / top
            a, b = lo * (hi / lo) ** (i / bins), lo * (hi / lo) ** ((i + 1) / bins)
            half = max(w / 2 - 0.5, 0.5)
            bars.append(Bar(i * w + offset * half, height - h, half, h, c, f"{name}: {_ms(a)}-{_ms(b)}: {c}"))
        series.append((name, f"bar-{name}", bars))
    ticks = [(width * i / 4, _ms(lo * (hi / lo) ** (i / 4))) for i in range(5)]
    return Chart(width, height, series, ticks, top)


def _ms(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.1f} s"
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
