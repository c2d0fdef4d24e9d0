"""Work units: runs of consecutive calendar days (UTC), each holding every
conversation's day files for those days, planned from the export's sizes
and run in order, in this process or in a pool of worker processes.

Why days and not channels: the stateful checks (flooding, the same message
cross-posted to several channels) look at one author across channels within
a window of at most an hour or so. Splitting by channel would hide every
cross-post. Splitting by time keeps all of an author's messages in one place;
at a unit's start the worker replays the end of the previous day (the
longest window in the limits) into the activity state, so a cross-post
straddling midnight at a unit boundary is still seen. The outcome is the same
as one sequential pass, whatever `--jobs` is.

Results come back unit by unit, in order, and are written out straight away:
memory holds one unit per worker plus the report's counters, however large
the export.
"""
from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime, timedelta
from typing import Iterator

import policies
import policies.cpus

from .export import DayFile, SlackExport
from .runner import AuditSettings, Unit, UnitResult, _Checker


def plan_units(export: SlackExport, *, jobs: int, target_bytes: int | None = None) -> list[Unit]:
    """Group consecutive days into units of roughly even size.

    Enough units to keep every worker busy (eight per worker), none larger
    than ~16 MB of JSON so a worker's memory stays small.
    """
    by_date: dict[str, list[DayFile]] = {}
    for d in export.day_files:
        by_date.setdefault(d.date, []).append(d)
    sizes = {d.path: export.size_of(d) for d in export.day_files}
    total = sum(sizes.values())
    target = target_bytes or min(max(total // max(jobs * 8, 1), 256 * 1024), 16 * 1024 * 1024)
    units: list[Unit] = []
    dates: list[str] = []
    files: list[DayFile] = []
    size = 0
    prev_date_files: tuple[DayFile, ...] = ()
    warm: tuple[DayFile, ...] = ()
    for date in sorted(by_date):
        if not dates:
            warm = prev_date_files if prev_date_files and _next_day(prev_date_files[0].date) == date else ()
        day = by_date[date]
        dates.append(date)
        files.extend(day)
        size += sum(sizes[d.path] for d in day)
        prev_date_files = tuple(day)
        if size >= target:
            units.append(Unit(len(units), tuple(dates), tuple(files), warm))
            dates, files, size = [], [], 0
    if dates:
        units.append(Unit(len(units), tuple(dates), tuple(files), warm))
    return units


def _next_day(date: str) -> str:
    return (datetime.strptime(date, "%Y-%m-%d") + timedelta(days=1)).strftime("%Y-%m-%d")


# Per-process state for the pool's workers.
_WORKER: _Checker | None = None


def _init_worker(path: str, settings: AuditSettings) -> None:
    global _WORKER
    _WORKER = _Checker(SlackExport(path, limits=settings.limits), settings)
    policies.prepare_batch_process(one_of_many=True)


def _run_in_worker(unit: Unit) -> UnitResult:
    assert _WORKER is not None
    return _WORKER.run_unit(unit)


def run_units(export: SlackExport, settings: AuditSettings, units: list[Unit], *, jobs: int) -> Iterator[UnitResult]:
    """Results in unit order; at most policies.cpus.IN_FLIGHT units per worker in flight."""
    if jobs <= 1 or len(units) <= 1:
        checker = _Checker(export, settings)
        for u in units:
            yield checker.run_unit(u)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(str(export.path), settings)) as pool:
        pending: list[Future] = []
        it = iter(units)
        for u in it:
            pending.append(pool.submit(_run_in_worker, u))
            if len(pending) >= jobs * policies.cpus.IN_FLIGHT:
                break
        while pending:
            head = pending.pop(0)
            result = head.result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(_run_in_worker, nxt))
            yield result


def default_jobs() -> int:
    return policies.cpus.cores()
