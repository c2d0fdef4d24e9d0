"""Months in the community's time zone ("2026-03"): the unit the expert
programme counts answers and reviews experts in."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def month_of(ts: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m")


def month_start(month: str, tz: ZoneInfo) -> float:
    year, mon = (int(p) for p in month.split("-"))
    return datetime(year, mon, 1, tzinfo=tz).timestamp()


def next_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year + (mon // 12)}-{mon % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def months_before(month: str, n: int) -> list[str]:
    """The n months before `month`, oldest first."""
    out = []
    for _ in range(n):
        month = previous_month(month)
        out.append(month)
    return out[::-1]
