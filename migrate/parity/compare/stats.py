"""Bounded-memory statistics for streams of any length.

- `LogHistogram`: counts in logarithmic bins (each bin 2% wider than the last), so any quantile is known
  to within about 1% relative error, from a few hundred integers whatever the number of values.
  Used for latencies and time to first token. Exact count, sum, min and max are kept beside it.
- `ScoreHistogram`: fixed bins over [0, 1] for comparator scores.
- `TopK`: the k worst cases by a severity key (a heap); `Reservoir`: a uniform random sample of k cases.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from typing import Any


class LogHistogram:
    GROWTH = 1.02  # bin width ratio: quantiles are exact to within half a bin, about +-1%
    _LOG = math.log(GROWTH)
    FLOOR = 0.001  # values at or below this go to bin 0 (for milliseconds: one microsecond)

    __slots__ = ("bins", "count", "max", "min", "total")

    def __init__(self) -> None:
        self.bins: dict[int, int] = {}
        self.count = 0
        self.total = 0.0
        self.min = math.inf
        self.max = -math.inf

    def add(self, value: float) -> None:
        if value is None or not math.isfinite(value) or value < 0:
            return
        index = 0 if value <= self.FLOOR else int(math.log(value / self.FLOOR) / self._LOG) + 1
        self.bins[index] = self.bins.get(index, 0) + 1
        self.count += 1
        self.total += value
        self.min = min(self.min, value)
        self.max = max(self.max, value)

    def _value(self, index: int) -> float:
        if index == 0:
            return self.FLOOR
        low = self.FLOOR * self.GROWTH ** (index - 1)
        return low * math.sqrt(self.GROWTH)  # geometric middle of the bin

    def quantile(self, q: float) -> float | None:
        if not self.count:
            return None
        rank = q * (self.count - 1)
        seen = 0
        for index in sorted(self.bins):
            seen += self.bins[index]
            if seen > rank:
                return min(max(self._value(index), self.min), self.max)
        return self.max

    def merge(self, other: LogHistogram) -> None:
        for index, n in other.bins.items():
            self.bins[index] = self.bins.get(index, 0) + n
        self.count += other.count
        self.total += other.total
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)

    def buckets(self, n: int = 30) -> list[tuple[float, float, int]]:
        """Up to n (low, high, count) ranges spanning min..max on a log scale, for charts."""
        if not self.count:
            return []
        lo, hi = max(self.min, self.FLOOR), max(self.max, self.FLOOR * 1.0001)
        if hi <= lo * 1.0001:
            return [(lo, hi, self.count)]
        edges = [lo * (hi / lo) ** (i / n) for i in range(n + 1)]
        counts = [0] * n
        span = math.log(hi / lo)
        for index, c in self.bins.items():
            v = min(max(self._value(index), lo), hi)
            k = min(n - 1, int(math.log(v / lo) / span * n))
            counts[k] += c
        return [(edges[i], edges[i + 1], counts[i]) for i in range(n)]

    def to_dict(self) -> dict[str, Any]:
        if not self.count:
            return {"n": 0}
        return {
            "n": self.count,
            "mean": round(self.total / self.count, 3),
            "min": round(self.min, 3),
            "max": round(self.max, 3),
            **{f"p{int(q * 100)}": round(self.quantile(q), 3) for q in (0.5, 0.9, 0.99)},
            "buckets": [[round(a, 3), round(b, 3), c] for a, b, c in self.buckets()],
        }


class ScoreHistogram:
    """Counts of scores in [0, 1] in `n` equal bins (the last bin includes 1.0)."""

    BINS = 20
    __slots__ = ("counts",)

    def __init__(self, n: int = BINS) -> None:
        self.counts = [0] * n

    def add(self, score: float) -> None:
        n = len(self.counts)
        self.counts[min(n - 1, max(0, int(score * n)))] += 1


class TopK:
    """The k items with the highest key; ties keep the earliest. `wants(key)` is O(1), so building an
    item's (expensive) payload can be skipped when it would not make the list."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.heap: list[tuple[Any, int, Any]] = []
        self.seq = 0

    def wants(self, key: Any) -> bool:
        return self.k > 0 and (len(self.heap) < self.k or key > self.heap[0][0])

    def add(self, key: Any, item: Any | Callable[[], Any]) -> None:
        if not self.wants(key):
            return
        self.seq -= 1  # negative: among equal keys the earlier item ranks higher
        entry = (key, self.seq, item() if callable(item) else item)
        if len(self.heap) < self.k:
            heapq.heappush(self.heap, entry)
        else:
            heapq.heapreplace(self.heap, entry)

    def items(self) -> list[Any]:
        return [item for _, _, item in sorted(self.heap, reverse=True)]


class Reservoir:
    """A uniform sample of k items from a stream of unknown length (Algorithm R), seeded for repeatability."""

    def __init__(self, k: int, seed: int = 0) -> None:
        self.k = k
        self.items_: list[Any] = []
        self.seen = 0
        self.random = random.Random(seed)

    def offer(self) -> int | None:
        """The slot the next item goes to, or None if it is not sampled (call before building the item)."""
        self.seen += 1
        if len(self.items_) < self.k:
            return len(self.items_)
        j = self.random.randrange(self.seen)
        return j if j < self.k else None

    def put(self, slot: int, item: Any) -> None:
        if slot == len(self.items_):
            self.items_.append(item)
        else:
            self.items_[slot] = item

    def items(self) -> list[Any]:
        return list(self.items_)
