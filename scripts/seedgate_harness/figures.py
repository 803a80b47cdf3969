"""Percentiles and distributions, and RFC 3339 times, for reports."""

import math
import statistics
from datetime import datetime
from typing import Any


def percentile(ordered: list[float], q: float) -> float | None:
    """Nearest-rank percentile `q` (0..1) of an already sorted list; None when it is empty."""
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def distribution(values: list[float]) -> dict[str, Any]:
    """Count, p50 (median), p95 and max of `values` (rounded to whole units), or n=0."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered)),
        "p95": round(percentile(ordered, 0.95)),
        "max": round(ordered[-1]),
    }


def parse_time(text: str | None) -> float | None:
    """RFC 3339 (e.g. 2025-11-21T10:00:00.123Z) to unix seconds."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
